using System.Runtime.CompilerServices;
using System.Collections.Immutable;
using ExfilQuery.Ir;

namespace ExfilQuery.Evaluation;

/// <summary>Where an input event stands in the order <see cref="DetectionEvaluator.Evaluate"/> reads events: newest
/// first (events without <c>_time</c> last), ties in input order. With
/// <see cref="EvaluationOptions.SortNewestFirst"/> off every event counts as untimed, so the input order alone
/// decides.</summary>
internal readonly record struct InputPosition(bool HasTime, double Time, long Index) : IComparable<InputPosition>
{
    public static InputPosition Of(double? time, long index, bool sortNewestFirst) =>
        sortNewestFirst && time is { } t ? new InputPosition(true, t, index) : new InputPosition(false, 0, index);

    public int CompareTo(InputPosition other)
    {
        if (HasTime != other.HasTime) return HasTime ? -1 : 1;
        var c = other.Time.CompareTo(Time);
        return c != 0 ? c : Index.CompareTo(other.Index);
    }
}

/// <summary>stats/chart/timechart over a stream: one accumulator set per group, the same groups, values, group
/// order and group limit as <see cref="DetectionEvaluator.Evaluate"/>. Used only for aggregations whose result
/// does not depend on the order of the rows (see <see cref="WhyNotStreamable"/>); first/last follow
/// <see cref="InputPosition"/>, so they are exact too.</summary>
internal sealed class StreamingAggregator
{
    private readonly AggregateStage _stage;
    private readonly DetectionEvaluator.RowPipeline _pipeline;
    private readonly ImmutableArray<CompiledExpression?> _arguments;
    private readonly double? _span;
    // Only earliest/latest read an event's _time (first/last follow the position).
    private readonly bool _timed;
    // Evaluate's groups are keyed by the by values joined with \u0001. Keys whose values hold no \u0001 are equal
    // exactly when their values are, so they are looked up by the values themselves (no joined string per event);
    // a key with a \u0001 in a value never equals one without (it joins to more separators) and goes by its text.
    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string[], Group> _byValues = new(ValuesComparer.Instance);

    // The groups of recent keys by the identity of their value strings: readers hand out the same string for a
    // repeating value (hosts, ports), so most events find their group without hashing their text. A hit needs the
    // very same strings, which have the same text, so it is the group the lookup by text gives.
    private const int RecentSize = 4096;
    private readonly string[]?[] _recentKeys = new string[]?[RecentSize];
    private readonly Group?[] _recentGroups = new Group?[RecentSize];
    private string[]? _key;

    /// <summary>What Evaluate adds for an aggregation without an argument (<c>count</c>).</summary>
    private static readonly FieldValue One = FieldValue.String("1");

    public StreamingAggregator(AggregateStage stage, ImmutableArray<CompiledExpression?> arguments, DetectionEvaluator.RowPipeline pipeline)
    {
        _stage = stage;
        _arguments = arguments;
        _pipeline = pipeline;
        _span = stage.TimeSpan is null ? null : Spans.Seconds(stage.TimeSpan);
        _timed = stage.Aggregations.Any(a => a.Function is "earliest" or "latest" or "earliest_time" or "latest_time");
    }

    /// <summary>Null when the aggregation streams exactly; otherwise why not.</summary>
    public static string? WhyNotStreamable(AggregateStage a, ImmutableArray<Stage> prefix, EvaluationOptions options)
    {
        if (a.Mode != AggregateMode.Group) return $"{a.Command} keeps every row";
        if (a.TimeSpan is not null && Spans.Seconds(a.TimeSpan) is null) return $"span={a.TimeSpan} is not read";
        if (a.FillNullValue is not null) return "fillnull_value is not streamed";
        foreach (var agg in a.Aggregations)
        {
            switch (agg.Function)
            {
                case "count" or "c" or "dc" or "distinct_count" or "sum" or "avg" or "mean" or "min" or "max" or "range"
                    or "stdev" or "stdevp" or "var" or "varp" or "values" or "first" or "last":
                    break;
                case "earliest" or "latest" or "earliest_time" or "latest_time":
                    // Ties on _time go to the event read first; when a stage rewrote _time that is not the input order.
                    if (prefix.Any(WritesTime)) return $"{agg.Function}() after a stage that writes _time";
                    break;
                default:
                    return $"{agg.Function}() needs every value or their order";
            }
        }
        _ = options;
        return null;
    }

    private static bool WritesTime(Stage stage) => stage switch
    {
        EvalStage e => e.Assignments.Any(x => x.Field == "_time"),
        RenameStage r => r.Pairs.Any(p => p.To == "_time" || p.To.Contains('*') || p.From.Contains('*')),
        ExtractStage x => x.Field == "_time" || x.Regex.Contains("_time", StringComparison.Ordinal),
        BinStage b => b.OutputField == "_time",
        ConvertStage c => c.Conversions.Any(x => x.Output == "_time"),
        MakeMultivalueStage m => m.Field == "_time",
        FillNullStage f => f.Fields.Contains("_time"),
        _ => false,
    };

    public void Add(Event row, InputPosition position)
    {
        // Same keys as DetectionEvaluator's Keys(): a missing by field drops the row, a multivalue one gives one
        // group per distinct value.
        var by = _stage.GroupBy;
        if (by.Length == 0)
        {
            Touch([], row, position, 0);
            return;
        }
        // The common case: every by field has one value. The key text is built without intermediate lists.
        var key = _key ??= new string[by.Length];
        var single = true;
        for (var i = 0; i < by.Length; i++)
        {
            var values = KeyValues(row, by[i], out var one);
            if (one is null && values.IsDefault) return;
            if (one is null) single = false;
            else key[i] = one;
        }
        if (single)
        {
            Touch(key, row, position, 0);
            return;
        }
        var keys = new List<List<string>> { new() };
        foreach (var field in by)
        {
            var values = KeyValues(row, field, out var one);
            ImmutableArray<string> list = one is not null ? [one] : values;
            keys = keys.SelectMany(k => list.Distinct(StringComparer.Ordinal).Select(v => new List<string>(k) { v })).ToList();
        }
        for (var k = 0; k < keys.Count; k++)
            Touch([.. keys[k]], row, position, k);
    }

    /// <summary>The values of one group-by field: <paramref name="one"/> for a single value (no allocation),
    /// else the multivalue list; both empty when the field is missing.</summary>
    private ImmutableArray<string> KeyValues(Event row, string field, out string? one)
    {
        one = null;
        if (field == "_time" && _span is { } s && row.Time is { } t)
        {
            one = FieldValue.FormatNumber(Spans.Floor(t, s));
            return default;
        }
        var value = row[field];
        switch (value.Kind)
        {
            case FieldValueKind.Null: return default;
            case FieldValueKind.Multi: return value.Values;
            default:
                one = value.AsString();
                return default;
        }
    }

    /// <summary>Adds a row to the group of <paramref name="key"/> (an array the caller may reuse).</summary>
    private void Touch(string[] key, Event row, InputPosition position, int ordinal)
    {
        var recent = Recent(key);
        var g = _recentKeys[recent] is { } seen && SameStrings(seen, key) ? _recentGroups[recent] : null;
        var created = false;
        if (g is null)
        {
            string? text = null;
            if (key.Length == 1) g = _groups.GetValueOrDefault(text = key[0]);
            else if (HoldsSeparator(key)) g = _groups.GetValueOrDefault(text = string.Join("\u0001", key));
            else g = _byValues.GetValueOrDefault(key);
            if (g is null)
            {
                g = new Group([.. key], position, ordinal, _stage.Aggregations.Select(a => new StreamAccumulator(a.Function, a.Argument is not null)).ToArray());
                if (text is null) _byValues[g.Key] = g;
                else _groups[text] = g;
                created = true;
            }
            var slot = _recentKeys[recent];
            if (slot is null || slot.Length != key.Length) _recentKeys[recent] = slot = new string[key.Length];
            key.CopyTo(slot, 0);
            _recentGroups[recent] = g;
        }
        if (!created && (position, ordinal).CompareTo((g.First, g.FirstOrdinal)) < 0)
        {
            // The group's key is the one of the row that comes first in Evaluate's order (keys with the same text
            // differ only when a value holds the separator).
            if (!Same(key, g.Key)) g.Key = [.. key];
            g.First = position;
            g.FirstOrdinal = ordinal;
        }
        var aggregations = _stage.Aggregations;
        var time = _timed ? row.Time : null;
        for (var i = 0; i < aggregations.Length; i++)
        {
            var agg = aggregations[i];
            var value = _arguments[i] is { } argument ? argument(row, _pipeline) : One;
            if (agg.Argument is null || !value.IsNull) g.Accumulators[i].Add(value, time, position);
        }
    }

    private static bool Same(string[] a, string[] b)
    {
        if (a.Length != b.Length) return false;
        for (var i = 0; i < b.Length; i++)
            if (!string.Equals(a[i], b[i], StringComparison.Ordinal)) return false;
        return true;
    }

    public List<Event> Result()
    {
        var a = _stage;
        if (a.GroupBy.Length == 0 && _groups.Count + _byValues.Count == 0)
        {
            var empty = new Event();
            foreach (var agg in a.Aggregations)
                empty.Set(agg.OutputName, new Accumulator(agg.Function, agg.Argument is not null).Result());
            return [empty];
        }
        // Evaluate creates groups in its row order and stops creating them at the limit: the same groups survive.
        var ordered = _groups.Values.Concat(_byValues.Values).OrderBy(g => (g.First, g.FirstOrdinal)).ToList();
        if (ordered.Count > _pipeline.Context.Options.MaxGroups)
        {
            ordered.RemoveRange(_pipeline.Context.Options.MaxGroups, ordered.Count - _pipeline.Context.Options.MaxGroups);
            _pipeline.Context.Report(EvaluationDiagnostics.GroupLimit(a.Span, _pipeline.Context.Options.MaxGroups));
        }
        // The same (unstable) sort over the same sequence as Evaluate.
        ordered.Sort((x, y) =>
        {
            for (var i = 0; i < x.Key.Length; i++)
            {
                var c = Matching.CompareAuto(x.Key[i], y.Key[i]);
                if (c != 0) return c;
            }
            return 0;
        });
        var result = new List<Event>(ordered.Count);
        foreach (var g in ordered)
        {
            var row = new Event();
            for (var i = 0; i < a.GroupBy.Length; i++)
                row.Set(a.GroupBy[i], a.GroupBy[i] == "_time" && FieldValue.TryParseNumber(g.Key[i], out var t) ? FieldValue.Number(t) : FieldValue.String(g.Key[i]));
            for (var i = 0; i < a.Aggregations.Length; i++)
                row.Set(a.Aggregations[i].OutputName, g.Accumulators[i].Result());
            result.Add(row);
        }
        return result;
    }

    private static int Recent(string[] key)
    {
        var h = key.Length;
        foreach (var k in key) h = (h * 31) + RuntimeHelpers.GetHashCode(k);
        return (h ^ (h >> 8)) & (RecentSize - 1);
    }

    private static bool SameStrings(string[] a, string[] b)
    {
        if (a.Length != b.Length) return false;
        for (var i = 0; i < a.Length; i++)
            if (!ReferenceEquals(a[i], b[i])) return false;
        return true;
    }

    private static bool HoldsSeparator(string[] key)
    {
        foreach (var k in key)
            if (k.Contains('\u0001')) return true;
        return false;
    }

    /// <summary>Equal when the values are (ordinal), without joining them.</summary>
    private sealed class ValuesComparer : IEqualityComparer<string[]>
    {
        public static readonly ValuesComparer Instance = new();

        public bool Equals(string[]? x, string[]? y) => x is not null && y is not null && Same(x, y);

        public int GetHashCode(string[] values)
        {
            var hash = new HashCode();
            foreach (var v in values) hash.Add(v.GetHashCode(StringComparison.Ordinal));
            return hash.ToHashCode();
        }
    }

    private sealed class Group(string[] key, InputPosition first, int firstOrdinal, StreamAccumulator[] accumulators)
    {
        public string[] Key { get; set; } = key;
        public InputPosition First { get; set; } = first;
        public int FirstOrdinal { get; set; } = firstOrdinal;
        public StreamAccumulator[] Accumulators { get; } = accumulators;
    }
}

/// <summary>One aggregation of one group over a stream, in O(1) memory (O(distinct values) for dc and values).
/// Results are those of <see cref="Accumulator"/>: sum, avg, stdev and var add the same numbers in another order,
/// so for non-integral values their last bits may differ (floating-point addition is not associative).</summary>
internal sealed class StreamAccumulator(string function, bool hasArgument)
{
    // What this function needs from each value: nothing else is computed.
    private readonly bool _counts = function is "count" or "c";
    private readonly bool _distinct = function is "dc" or "distinct_count" or "values";
    private readonly bool _timed = function is "earliest" or "latest" or "earliest_time" or "latest_time";
    private readonly bool _ordered = function is "first" or "last";
    private readonly bool _text = function is "min" or "max";
    private readonly bool _moments = function is "stdev" or "stdevp" or "var" or "varp";
    private readonly bool _extremes = function is "min" or "max" or "range";
    private long _events;
    private long _valueCount;
    private HashSet<string>? _set;
    private long _numbers;
    private double _sum;
    private double _mean;
    private double _m2;
    private double _min;
    private double _max;
    private string? _minText;
    private string? _maxText;
    private (double Time, string Value)? _earliest;
    private (double Time, string Value)? _latest;
    private (InputPosition Position, string Value)? _first;
    private (InputPosition Position, string Value)? _last;

    public void Add(FieldValue value, double? time, InputPosition position)
    {
        _events++;
        if (value.IsNull || (_counts && !hasArgument)) return;
        var values = value.Kind == FieldValueKind.Multi ? value.Values : default;
        if (values.IsDefault) AddOne(value.AsString()!, time);
        else foreach (var v in values) AddOne(v, time);
        if (!_ordered) return;
        var firstText = values.IsDefault ? value.AsString()! : values[0];
        var lastText = values.IsDefault ? firstText : values[^1];
        if (_first is not { } f || position.CompareTo(f.Position) < 0) _first = (position, firstText);
        if (_last is not { } l || position.CompareTo(l.Position) > 0) _last = (position, lastText);
    }

    private void AddOne(string v, double? time)
    {
        _valueCount++;
        if (_counts || _ordered) return;
        if (_distinct)
        {
            (_set ??= new HashSet<string>(StringComparer.Ordinal)).Add(v);
            return;
        }
        if (_timed)
        {
            // MinBy/MaxBy keep the first of equal times: only a strictly smaller or larger time replaces.
            if (time is not { } t) return;
            if (_earliest is not { } e || t.CompareTo(e.Time) < 0) _earliest = (t, v);
            if (_latest is not { } l || t.CompareTo(l.Time) > 0) _latest = (t, v);
            return;
        }
        if (_text)
        {
            if (_minText is null || string.CompareOrdinal(v, _minText) < 0) _minText = v;
            if (_maxText is null || string.CompareOrdinal(v, _maxText) > 0) _maxText = v;
        }
        if (!FastNumber.TryParse(v.AsSpan(), out var d) && !FieldValue.TryParseNumber(v, out d)) return;
        _numbers++;
        _sum += d;
        if (_extremes)
        {
            if (_numbers == 1 || d < _min) _min = d;
            if (_numbers == 1 || d > _max) _max = d;
        }
        if (!_moments) return;
        var delta = d - _mean;
        _mean += delta / _numbers;
        _m2 += delta * (d - _mean);
    }

    public FieldValue Result()
    {
        switch (function)
        {
            case "count" or "c":
                return FieldValue.Number(hasArgument ? _valueCount : _events);
            case "dc" or "distinct_count":
                return FieldValue.Number(_set?.Count ?? 0);
            case "values":
                return _set is null ? FieldValue.Null : FieldValue.Multi(_set.Order(StringComparer.Ordinal));
            case "first":
                return _first is { } f ? FieldValue.String(f.Value) : FieldValue.Null;
            case "last":
                return _last is { } l ? FieldValue.String(l.Value) : FieldValue.Null;
            case "earliest" or "earliest_time":
                return _earliest is not { } e ? FieldValue.Null : function == "earliest" ? FieldValue.String(e.Value) : FieldValue.Number(e.Time);
            case "latest" or "latest_time":
                return _latest is not { } la ? FieldValue.Null : function == "latest" ? FieldValue.String(la.Value) : FieldValue.Number(la.Time);
            case "min" or "max":
                if (_numbers > 0) return FieldValue.Number(function == "min" ? _min : _max);
                if (_minText is null) return FieldValue.Null;
                return FieldValue.String(function == "min" ? _minText : _maxText!);
        }
        if (_numbers == 0) return FieldValue.Null;
        switch (function)
        {
            case "sum":
                return FieldValue.Number(_sum);
            case "avg" or "mean":
                return FieldValue.Number(_sum / _numbers);
            case "range":
                return FieldValue.Number(_max - _min);
            default:
            {
                // stdev, stdevp, var, varp (Welford's running mean and sum of squared deviations).
                var population = function.EndsWith('p');
                var divisor = population ? _numbers : _numbers - 1;
                var variance = divisor <= 0 ? 0 : _m2 / divisor;
                return FieldValue.Number(function.StartsWith("stdev", StringComparison.Ordinal) ? Math.Sqrt(variance) : variance);
            }
        }
    }
}
