using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using ExfilQuery.Diagnostics;
using ExfilQuery.Ir;
using ExfilQuery.Kql;
using ExfilQuery.Mapping;
using ExfilQuery.Text;

namespace ExfilQuery.Elastic;

/// <summary>Renders the detection IR as ES|QL. Search semantics are explicit: case-insensitive comparisons lower-case
/// the column (ES|QL <c>==</c> and <c>LIKE</c> are case-sensitive), <c>*</c> wildcards become <c>LIKE</c> patterns with
/// ES|QL's own metacharacters (<c>*</c>, <c>?</c>, <c>\</c>) escaped, negated conditions are true for missing fields,
/// and rows missing a group-by field are dropped before <c>STATS</c>. What cannot be expressed exactly is a
/// diagnostic with the SPL span.</summary>
public static class EsqlBackend
{
    /// <summary>Parses, lowers and translates one search.</summary>
    public static ElasticTranslation Translate(string spl, ParseOptions? parseOptions = null, ElasticOptions? options = null) =>
        ElasticCommon.Run(spl, parseOptions, d => Translate(d, options));

    /// <summary>Translates a lowered detection.</summary>
    public static ElasticTranslation Translate(Detection detection, ElasticOptions? options = null) =>
        ElasticCommon.Translate(detection, options, ElasticDiagnostics.EsqlUnsupported, (ElasticDiagnostics.EsqlForeachNotExpanded, ElasticDiagnostics.EsqlForeachChoice), (o, mapped) => new EsqlWriter(o, mapped), Write);

    private static string Write(ref EsqlWriter writer, Detection detection)
    {
        var query = writer.Write(detection);
        if (writer.RenamedSourceFields.Count == 0) return query;
        // A wildcard rename (rename properties.* AS *) before the columns are known: translate again with the
        // source fields that later stages read under their new names, so that RENAME names them.
        writer = writer.Again();
        return writer.Write(detection);
    }
}

/// <summary>ES|QL value types the writer tracks.</summary>
internal enum EType
{
    String,
    Ip,
    Number,
    Date,
    Bool,
    Null,
}

internal sealed class EsqlWriter(ElasticOptions options, MappedDetection? mapped) : IElasticWriter
{
    private readonly MappedDetection? _mapped = mapped;

    public List<Diagnostic> Diagnostics { get; } = [];

    /// <summary>The index pattern FROM reads.</summary>
    public string Index => _mapped?.Source.Index ?? options.Index ?? ElasticOptions.DefaultIndex;

    /// <summary>Known column types: _time, and the ECS types of the columns a mapped detection names.</summary>
    private readonly Dictionary<string, EType> _types = InitialTypes(mapped);

    private static Dictionary<string, EType> InitialTypes(MappedDetection? mapped)
    {
        var types = new Dictionary<string, EType>(StringComparer.Ordinal) { ["_time"] = EType.Date };
        foreach (var (column, type) in mapped?.ColumnTypes ?? new Dictionary<string, string>()) types[column] = ElasticCommon.EsqlType(type);
        return types;
    }

    /// <summary>The exact column set once known (after STATS or KEEP); null while source columns are open.</summary>
    private List<string>? _columns;

    /// <summary>How rows are ordered: null for Splunk's default (newest first), else the ES|QL sort keys in force.</summary>
    private string? _order;
    private bool _orderUnknown;

    private TextSpan _span;

    private readonly List<string> _lines = [];

    /// <summary>The stages after the one being written.</summary>
    private ImmutableArray<Stage> _following = [];

    public string Write(Detection detection)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        _span = detection.Source.Span;
        switch (detection.Source)
        {
            case EventsSource:
            case DataModelSource:
                _lines.Add("FROM " + Index);
                if (_mapped is { Source: var source })
                {
                    // The profile's fixed filters, with the category as one more: ECS keyword fields such as
                    // event.category may hold several values, and MV_CONTAINS tests any of them (== would be null).
                    var filters = source.Category == "any" ? source.Filters : source.Filters.Insert(0, new FixedFilter("event.category", "==", [source.Category]));
                    if (!filters.IsEmpty) _lines.Add("WHERE " + string.Join(" AND ", filters.Select(FixedFilterText)));
                }
                break;
            case LookupTableSource l:
                Error(l.Span, $"The search reads the lookup '{l.Table}'; ES|QL reads indices (a lookup index would need LOOKUP JOIN).");
                break;
            default:
                Error(detection.Source.Span, "This search starts with a command that generates rows; ES|QL has no equivalent source.");
                break;
        }
        for (var i = 0; i < detection.Stages.Length; i++)
        {
            var stage = detection.Stages[i];
            _span = stage.Span;
            _following = detection.Stages[(i + 1)..];
            WriteStage(stage);
        }
        return string.Join("\n| ", _lines);
    }

    private void Error(TextSpan span, string message) => Diagnostics.Add(ElasticDiagnostics.EsqlUnsupported(span, message));

    /// <summary>A mapping profile's fixed filter (exact, case-sensitive; any value of a multivalue field).</summary>
    private string FixedFilterText(FixedFilter f)
    {
        var numeric = TypeOf(f.Column) is EType.Number;
        string Contains(string v) => $"MV_CONTAINS({Column(f.Column)}, {(numeric ? ElasticCommon.Number(v) : ElasticCommon.Quote(v))})";
        switch (f.Operator)
        {
            case "==":
                return Contains(f.Values[0]);
            case "!=":
                return "NOT " + Contains(f.Values[0]);
            case "in":
                return f.Values.Length == 1 ? Contains(f.Values[0]) : "(" + string.Join(" OR ", f.Values.Select(Contains)) + ")";
            default:
                Error(_span, $"The mapping filter '{f.Column} {f.Operator}' is not rendered in ES|QL (==, != and in are).");
                return "true";
        }
    }

    private void Warn(TextSpan span, string message) => Diagnostics.Add(ElasticDiagnostics.EsqlApproximation(span, message));

    // ------------------------------------------------------------------ names

    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "and", "or", "not", "is", "null", "like", "rlike", "in", "as", "by", "on", "with", "true", "false", "asc", "desc", "nulls", "first", "last", "where", "metadata",
    };

    private static readonly Regex UnquotedPart = new("^(?:[A-Za-z][A-Za-z0-9_]*|[_@][A-Za-z0-9_]+)$", RegexOptions.CultureInvariant);

    /// <summary>An ES|QL identifier: dotted names of plain parts stay unquoted; anything else is quoted with
    /// backticks (a backtick inside doubled).</summary>
    internal static string Identifier(string name)
    {
        var parts = name.Split('.');
        if (parts.All(p => UnquotedPart.IsMatch(p) && !Reserved.Contains(p))) return name;
        return "`" + name.Replace("`", "``", StringComparison.Ordinal) + "`";
    }

    /// <summary>A field read at this point. While the columns are open, a field no stage defined that a pending
    /// wildcard rename would have produced names its source field for the second pass.</summary>
    private string Column(string field)
    {
        if (_columns is null && !_types.ContainsKey(field))
        {
            foreach (var (f0, f1, t0, t1) in _wildcardRenames)
            {
                if (field.Length >= t0.Length + t1.Length && field.StartsWith(t0, StringComparison.Ordinal) && field.EndsWith(t1, StringComparison.Ordinal))
                {
                    var source = f0 + field[t0.Length..(field.Length - t1.Length)] + f1;
                    if (!PreknownSourceFields.Contains(source)) RenamedSourceFields.Add(source);
                }
            }
        }
        field = ElasticCommon.TimeField(field);
        return Identifier(field);
    }

    /// <summary>Wildcard renames seen while the columns were open: (from prefix, from suffix, to prefix, to suffix).</summary>
    private readonly List<(string, string, string, string)> _wildcardRenames = [];

    /// <summary>Source fields a wildcard rename must rename because a later stage reads them (first pass).</summary>
    public SortedSet<string> RenamedSourceFields { get; } = new(StringComparer.Ordinal);

    /// <summary>Source fields known from a first pass.</summary>
    public SortedSet<string> PreknownSourceFields { get; init; } = new(StringComparer.Ordinal);

    /// <summary>A fresh writer for the same detection that knows the source fields this one saw renamed.</summary>
    public EsqlWriter Again() => new(options, _mapped) { PreknownSourceFields = RenamedSourceFields };

    private EType TypeOf(string field) => _types.TryGetValue(field, out var t) ? t : EType.String;

    /// <summary>Columns known to hold several values: values()/list() results, and fields renamed from a multivalued
    /// source field.</summary>
    private readonly HashSet<string> _multivalued = new(StringComparer.Ordinal);

    /// <summary>Columns every row has a value in (a count, a group key, the first or last time of a group): fillnull
    /// leaves them as they are, with their type.</summary>
    private readonly HashSet<string> _alwaysSet = new(StringComparer.Ordinal);

    /// <summary>True for a column that may hold several values: one in <see cref="_multivalued"/>, or, while the source
    /// columns are open, a source field whose name has <c>{}</c> (Splunk's name for the elements of a JSON array).</summary>
    private bool IsMultivalued(string field) =>
        _multivalued.Contains(field) || _columns is null && !_types.ContainsKey(field) && field.Contains("{}", StringComparison.Ordinal);

    private bool Exists(string field) => _columns is null || _columns.Contains(field) || _types.ContainsKey(field) && _columns.Contains(field);

    // ------------------------------------------------------------------ stages

    private void WriteStage(Stage stage)
    {
        switch (stage)
        {
            case FilterStage { Predicate: TruePredicate }:
                return;
            case FilterStage { Predicate: ExpressionPredicate e }:
                _lines.Add("WHERE " + Bool(Expr(e.Expression)).Text);
                return;
            case FilterStage f:
                _lines.Add("WHERE " + Condition(ElasticCommon.ToNnf(f.Predicate), false));
                return;
            case EvalStage e:
                WriteEval(e);
                return;
            case ChartStage c when ChartShapes.AsAggregate(c) is { } stats:
                // Without a split field a chart is a stats; timechart cont=true also returns the empty buckets.
                if (ChartShapes.AddsEmptyBuckets(c))
                    Diagnostics.Add(ElasticDiagnostics.EsqlChartBuckets(c.Span, $"timechart cont=true (the default) also returns every empty {c.BinSpan} bucket (count 0, other functions null) {(c.FixedRange ? "over the search's whole time range (fixedrange=true, the default)" : "between the first and the last")}; STATS ... BY DATE_TRUNC returns only the buckets with events. Write cont=false if the empty buckets do not matter."));
                WriteAggregate(stats);
                return;
            case ChartStage c:
                // One column per split value, ranked into kept, OTHER and NULL series: ES|QL's STATS ... BY gives one
                // row per combination and has no pivot.
                Diagnostics.Add(ElasticDiagnostics.EsqlChartPivot(c.Span, $"'{c.Command} ... by {c.SplitField}' makes one column per value of '{c.SplitField}' (the top {c.Limit} by score, the rest merged into {c.OtherString}, rows without it in {c.NullString}); ES|QL has no pivot."));
                return;
            case AggregateStage a:
                WriteAggregate(a);
                return;
            case RenameStage r:
                WriteRename(r);
                return;
            case ProjectStage p:
                WriteProject(p);
                return;
            case SortStage s:
                WriteSort(s);
                return;
            case LimitStage l:
                WriteLimit(l);
                return;
            case BinStage b:
                WriteBin(b);
                return;
            case ConvertStage c:
                WriteConvert(c);
                return;
            case FillNullStage f:
                WriteFillNull(f);
                return;
            case ExpandStage e:
                if (e.Limit is not null) Error(stage.Span, "mvexpand limit= has no ES|QL equivalent.");
                _lines.Add("MV_EXPAND " + Column(e.Field));
                _orderUnknown = true;
                return;
            case ExtractStage x:
                WriteExtract(x);
                return;
            case RegexFilterStage r:
                if (LuceneRegex.FromPcre(r.Regex) is not { } lucene)
                {
                    Error(r.Span, "This regex uses PCRE constructs that have no exact Lucene regular expression (ES|QL RLIKE) equivalent.");
                    return;
                }
                if (IsMultivalued(r.Field)) WarnMultivalued(r.Field, r.Span, "RLIKE");
                _lines.Add($"WHERE {(r.Negated ? "NOT COALESCE(" : "")}{Str(R(Column(r.Field), TypeOf(r.Field))).Text} RLIKE {ElasticCommon.Quote(lucene)}{(r.Negated ? ", false)" : "")}");
                return;
            case LookupStage l:
                WriteLookup(l);
                return;
            case ReplaceStage r:
                WriteReplace(r);
                return;
            case AddTotalsStage a:
                WriteAddTotals(a);
                return;
            case UnsupportedStage u:
                Error(u.Span, $"'{u.Command}' is not translated to ES|QL: {u.Reason}");
                return;
            case ForeachStage or ForeachValuesStage:
                // Not expanded: ESQ0007 says why.
                return;
            default:
                Error(stage.Span, $"'{StageName(stage)}' is not translated to ES|QL yet.");
                return;
        }
    }

    /// <summary>lookup as ENRICH with an enrich policy named after the lookup table (ES|QL ENRICH reference: one match
    /// field, WITH names the enrich fields and their new names; a new name that exists already is replaced). The
    /// policy is the user's setup, and Splunk's lookup options (case_sensitive_match, match_type, max_matches) decide
    /// how rows match, so the translation says so.</summary>
    private void WriteLookup(LookupStage l)
    {
        if (l.Inputs.Length != 1)
        {
            Error(l.Span, $"lookup '{l.Table}' matches on {l.Inputs.Length} fields; ES|QL's ENRICH matches on one.");
            return;
        }
        var policy = l.Table.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? l.Table[..^4] : l.Table;
        var (lookupField, eventField) = l.Inputs[0];
        Warn(l.Span, $"lookup '{l.Table}' is ENRICH with the enrich policy '{policy}', which must be created from the lookup table with match field '{lookupField}'. "
            + "The policy matches exactly and case-sensitively (Splunk's default case_sensitive_match=true); a lookup defined with case_sensitive_match=false or a WILDCARD/CIDR match_type matches differently.");
        var with = new List<string>();
        var fill = new List<string>();
        foreach (var (from, to) in l.Outputs)
        {
            if (l.OutputNew && (_columns is null || _columns.Contains(to) || _types.ContainsKey(to)))
            {
                // OUTPUTNEW keeps a value the row already has.
                var temp = "_lookup_" + to;
                with.Add($"{Identifier(temp)} = {Identifier(from)}");
                fill.Add(to);
            }
            else
            {
                with.Add(from == to ? Identifier(from) : $"{Identifier(to)} = {Identifier(from)}");
            }
        }
        _lines.Add($"ENRICH {Identifier(policy)} ON {Column(eventField)}" + (with.Count > 0 ? " WITH " + string.Join(", ", with) : ""));
        if (fill.Count > 0)
        {
            _lines.Add("EVAL " + string.Join(", ", fill.Select(f => $"{Column(f)} = COALESCE({Str(R(Column(f), TypeOf(f))).Text}, {Identifier("_lookup_" + f)})")));
            _lines.Add("DROP " + string.Join(", ", fill.Select(f => Identifier("_lookup_" + f))));
        }
        foreach (var (_, to) in l.Outputs) Define(to, EType.String);
        if (l.Outputs.IsEmpty && _columns is not null)
        {
            Error(l.Span, $"lookup '{l.Table}' without OUTPUT adds every column of the lookup table, which the translation cannot name after the columns are fixed; name the output fields.");
        }
    }

    private static string StageName(Stage stage) => stage switch
    {
        DedupStage => "dedup",
        JoinStage => "join",
        AppendStage => "append",
        RegexFilterStage => "regex",
        MakeMultivalueStage => "makemv",
        SpathStage => "spath",
        FromJsonStage => "fromjson",
        ReplaceStage => "replace",
        AddTotalsStage => "addtotals",
        _ => stage.GetType().Name,
    };

    private void WriteEval(EvalStage e)
    {
        var parts = new List<string>();
        foreach (var a in e.Assignments)
        {
            var value = Expr(a.Value);
            parts.Add(Identifier(ElasticCommon.TimeField(a.Field)) + " = " + value.Text);
            Define(a.Field, value.Type);
        }
        _lines.Add("EVAL " + string.Join(", ", parts));
    }

    private void Define(string field, EType type)
    {
        _multivalued.Remove(field);
        _alwaysSet.Remove(field);
        _types[field] = type;
        if (_columns is not null && !_columns.Contains(field)) _columns.Add(field);
    }

    private void WriteAggregate(AggregateStage a)
    {
        if (a.SharedOutputName() is { } shared)
        {
            Error(a.Span, $"Two outputs of {a.Command} are named '{shared}'; ES|QL needs distinct column names, and which one Splunk keeps is not documented.");
            return;
        }
        if (a.Mode == AggregateMode.Running)
        {
            Error(a.Span, $"'{a.Command}' computes running aggregates in event order; ES|QL has no running aggregation.");
            return;
        }
        var window = a.Mode == AggregateMode.Window;
        if (window && a.TimeSpan is not null)
        {
            // (By _time already binned by a bin stage is fine: grouping by @timestamp keeps its value.)
            Error(a.Span, $"'{a.Command}' by a time bucket is not translated to ES|QL (INLINE STATS would overwrite the event's @timestamp with the bucket).");
            return;
        }
        var by = new List<string>();
        foreach (var g in a.GroupBy)
        {
            if (g == "_time" && a.TimeSpan is not null)
            {
                if (Span(a.TimeSpan) is not { } span)
                {
                    Error(a.Span, $"The time span '{a.TimeSpan}' is not translated.");
                    return;
                }
                by.Add($"@timestamp = DATE_TRUNC({span}, @timestamp)");
            }
            else
            {
                by.Add(Column(g));
            }
        }
        var aggs = new List<string>();
        var newTypes = new Dictionary<string, EType>(StringComparer.Ordinal);
        foreach (var agg in a.Aggregations)
        {
            var text = Aggregation(agg, out var type);
            if (text is null)
            {
                // The translation has failed; the columns stay known so that later stages report only their own
                // problems (a ctime of min(_time) next to an untranslated aggregation is not one).
                (text, type) = ("null", EType.String);
            }
            // An aggregation named _time (stats min(_time) as _time) is the row's time: @timestamp, as every _time is.
            aggs.Add(Identifier(ElasticCommon.TimeField(agg.OutputName)) + " = " + text);
            newTypes[agg.OutputName] = type;
        }
        if (window)
        {
            WriteInlineStats(a, aggs, by, newTypes);
            return;
        }
        // Splunk's stats drops rows where a group-by field is missing; ES|QL groups them under null.
        if (a.GroupBy.Length > 0)
            _lines.Add("WHERE " + string.Join(" AND ", a.GroupBy.Select(g => Column(g) + " IS NOT NULL")));
        _lines.Add("STATS " + string.Join(", ", aggs) + (by.Count > 0 ? " BY " + string.Join(", ", by) : ""));
        var byTypes = a.GroupBy.ToDictionary(g => g, TypeOf, StringComparer.Ordinal);
        // STATS ... BY a multivalued column makes one group per value (like Splunk), so group keys hold one value.
        _multivalued.Clear();
        foreach (var agg in a.Aggregations.Where(x => x.Function is "values" or "list")) _multivalued.Add(agg.OutputName);
        // Counts, and with BY the group keys and the first/last time of each group, have a value in every row.
        _alwaysSet.Clear();
        foreach (var agg in a.Aggregations)
        {
            if (agg.Function is "count" or "c" && agg.Argument is null
                || a.GroupBy.Length > 0 && agg.Function is "min" or "max" or "earliest" or "latest" && agg.Argument is FieldRef { Name: "_time" })
                _alwaysSet.Add(agg.OutputName);
        }
        _alwaysSet.UnionWith(a.GroupBy);
        _types.Clear();
        foreach (var (k, v) in newTypes) _types[k] = v;
        foreach (var (k, v) in byTypes) _types[k] = v;
        _columns = [.. a.Aggregations.Select(x => x.OutputName), .. a.GroupBy];
        // Splunk's stats output is sorted by the group-by fields.
        _order = a.GroupBy.Length == 0 ? "" : string.Join(", ", a.GroupBy.Select(g => Column(g) + " ASC"));
        _orderUnknown = false;
        _lastWasSort = false;
    }

    private bool _lastWasSort;

    /// <summary>eventstats keeps every row and adds the group's aggregates: ES|QL's INLINE STATS (generally available
    /// since 9.3). ES|QL groups rows missing a group-by field under null; Splunk gives those rows no aggregate, so the
    /// new columns are nulled for them.</summary>
    private void WriteInlineStats(AggregateStage a, List<string> aggs, List<string> by, Dictionary<string, EType> newTypes)
    {
        _lines.Add("INLINE STATS " + string.Join(", ", aggs) + (by.Count > 0 ? " BY " + string.Join(", ", by) : ""));
        if (a.GroupBy.Length > 0)
        {
            var missing = string.Join(" OR ", a.GroupBy.Select(g => Column(g) + " IS NULL"));
            _lines.Add("EVAL " + string.Join(", ", a.Aggregations.Select(x => $"{Column(x.OutputName)} = CASE({missing}, null, {Column(x.OutputName)})")));
        }
        foreach (var (k, v) in newTypes) Define(k, v);
        // INLINE STATS documents no row order.
        _orderUnknown = true;
        _lastWasSort = false;
    }

    private string? Aggregation(Ir.Aggregation agg, out EType type)
    {
        type = EType.Number;
        var fn = agg.Function;
        var arg = agg.Argument;
        string Arg() => Expr(arg!).Text;
        string NumArg() => Numeric(Expr(arg!)).Text;
        switch (fn)
        {
            case "count" or "c" when arg is null:
                return "COUNT(*)";
            case "count" or "c":
                return $"COUNT({Arg()})";
            case "dc" or "distinct_count" when arg is not null:
                // COUNT_DISTINCT is approximate (HyperLogLog++); VALUES collects the distinct values exactly, and
                // MV_COUNT counts them (null when there is none, where Splunk's dc is 0).
                return $"COALESCE(MV_COUNT(VALUES({Arg()})), 0)";
            case "values" when arg is not null:
                // Splunk's values() is the distinct values, sorted lexicographically; VALUES() has no order.
                type = EType.String;
                return $"MV_SORT(VALUES({Arg()}))";
            case "min" or "max" when arg is not null:
            {
                var e = Expr(arg);
                type = e.Type;
                if (e.Type is EType.String)
                {
                    Warn(agg.Span, $"'{fn}' in Splunk compares numerically when the values are numbers; ES|QL compares '{agg.Argument}' as the index maps it (keyword: lexicographic).");
                }
                return $"{fn.ToUpperInvariant()}({e.Text})";
            }
            case "earliest" or "latest" when arg is FieldRef { Name: "_time" }:
                // The earliest (latest) event's time is the least (greatest) time.
                type = EType.Date;
                return $"{(fn == "earliest" ? "MIN" : "MAX")}(@timestamp)";
            case "avg" or "mean" when arg is not null:
                return $"AVG({NumArg()})";
            case "sum" when arg is not null:
                return $"SUM({NumArg()})";
            case "median" when arg is not null:
            case var perc when arg is not null && PercentileOf(perc) is not null:
            {
                var p = fn == "median" ? "50" : PercentileOf(fn)!;
                Warn(agg.Span, $"'{fn}' is computed by ES|QL's PERCENTILE, which is approximate (TDigest) and interpolates its own way; Splunk's percentiles can differ slightly.");
                return $"PERCENTILE({NumArg()}, {p})";
            }
            case "stdevp" when arg is not null:
                // STD_DEV is the population standard deviation (ES|QL aggregation functions reference), as stdevp.
                return $"STD_DEV({NumArg()})";
            case "stdev" when arg is not null:
            {
                // Splunk's stdev is the sample standard deviation: the population one scaled by n/(n-1); 0 for one
                // value, null for none.
                var v = NumArg();
                return $"CASE(COUNT({v}) > 1, SQRT(POW(STD_DEV({v}), 2) * COUNT({v}) / (COUNT({v}) - 1)), COUNT({v}) == 1, 0.0, null)";
            }
            default:
                Error(agg.Span, $"The aggregation '{fn}' is not translated to ES|QL yet.");
                return null;
        }
    }

    /// <summary>The percentile of <c>perc95</c>, <c>p95</c>, <c>exactperc95</c>, <c>upperperc95</c> (0–100), or null.</summary>
    private static string? PercentileOf(string function)
    {
        var m = Regex.Match(function, @"^(?:exactperc|upperperc|perc|p)(\d{1,2}(?:\.\d+)?|100)$", RegexOptions.CultureInvariant);
        return m.Success ? m.Groups[1].Value : null;
    }

    /// <summary>A Splunk span (<c>1m</c>, <c>1h</c>, <c>30s</c>, <c>1d</c>) as an ES|QL time span literal.</summary>
    private static string? Span(string span)
    {
        var m = Regex.Match(span, @"^(\d{1,6})(s|sec|m|min|h|hr|d|day)$", RegexOptions.CultureInvariant);
        if (!m.Success) return null;
        var unit = m.Groups[2].Value[0] switch
        {
            's' => "second",
            'm' => "minute",
            'h' => "hour",
            _ => "day",
        };
        var n = m.Groups[1].Value;
        return n + " " + unit + (n == "1" ? "" : "s");
    }

    private void WriteBin(BinStage b)
    {
        // A time span bins a time value (_time, or a copy of it such as eval t=_time) to the span's start.
        if (TypeOf(b.Field) != EType.Date || b.BinSpan is null || b.Bins is not null || Span(b.BinSpan) is not { } span)
        {
            Error(b.Span, "Only 'bin span=N(s|m|h|d)' of a time value (such as _time) is translated to ES|QL.");
            return;
        }
        var target = ElasticCommon.TimeField(b.OutputField);
        _lines.Add($"EVAL {Identifier(target)} = DATE_TRUNC({span}, {Column(b.Field)})");
        Define(b.OutputField, EType.Date);
    }

    private void WriteRename(RenameStage r)
    {
        var pairs = new List<string>();
        foreach (var (from, to) in r.Pairs)
        {
            if (from.Contains('*', StringComparison.Ordinal) || to.Contains('*', StringComparison.Ordinal))
            {
                var fs = from.Split('*');
                var ts = to.Split('*');
                if (fs.Length != 2 || ts.Length != 2)
                {
                    Error(r.Span, $"The wildcard rename '{from} AS {to}' is translated only with one '*' on each side.");
                    return;
                }
                if (_columns is null)
                {
                    // Rename the source fields later stages read under the new names (known from a first pass);
                    // fields nobody reads keep their names, which changes no result.
                    foreach (var c in PreknownSourceFields)
                    {
                        if (c.Length < fs[0].Length + fs[1].Length || !c.StartsWith(fs[0], StringComparison.Ordinal) || !c.EndsWith(fs[1], StringComparison.Ordinal)) continue;
                        AddRename(pairs, c, ts[0] + c[fs[0].Length..(c.Length - fs[1].Length)] + ts[1]);
                    }
                    _wildcardRenames.Add((fs[0], fs[1], ts[0], ts[1]));
                    continue;
                }
                foreach (var c in _columns.ToList())
                {
                    if (c.Length < fs[0].Length + fs[1].Length || !c.StartsWith(fs[0], StringComparison.Ordinal) || !c.EndsWith(fs[1], StringComparison.Ordinal)) continue;
                    var middle = c[fs[0].Length..(c.Length - fs[1].Length)];
                    AddRename(pairs, c, ts[0] + middle + ts[1]);
                }
            }
            else if (Exists(from))
            {
                AddRename(pairs, from, to);
            }
        }
        if (pairs.Count > 0) _lines.Add("RENAME " + string.Join(", ", pairs));
    }

    private void AddRename(List<string> pairs, string from, string to)
    {
        if (from == to) return;
        pairs.Add(Identifier(ElasticCommon.TimeField(from)) + " AS " + Identifier(ElasticCommon.TimeField(to)));
        var multivalued = IsMultivalued(from);
        _multivalued.Remove(from);
        if (multivalued) _multivalued.Add(to);
        else _multivalued.Remove(to);
        if (_alwaysSet.Remove(from)) _alwaysSet.Add(to);
        else _alwaysSet.Remove(to);
        var type = TypeOf(from);
        _types.Remove(from);
        _types[to] = type;
        if (_columns is not null)
        {
            _columns.Remove(to);
            var i = _columns.IndexOf(from);
            if (i >= 0) _columns[i] = to;
        }
        if (_order is not null) _order = _order.Replace(Column(from) + " ", Column(to) + " ", StringComparison.Ordinal);
    }

    private void WriteProject(ProjectStage p)
    {
        if (p.Mode == ProjectMode.Remove)
        {
            var drop = p.Fields.Where(f => f.Contains('*', StringComparison.Ordinal) || Exists(f)).Select(Pattern).ToList();
            if (drop.Count > 0) _lines.Add("DROP " + string.Join(", ", drop));
            if (_columns is not null) _columns.RemoveAll(c => p.Fields.Contains(c));
            return;
        }
        // A field the (known) rows do not have is an empty column in Splunk; ES|QL would reject the name.
        var keep = p.Fields.Where(f => f.Contains('*', StringComparison.Ordinal) || Exists(f)).ToList();
        if (keep.Count == 0)
        {
            Error(p.Span, "None of the fields kept exists at this point.");
            return;
        }
        _lines.Add("KEEP " + string.Join(", ", keep.Select(Pattern)));
        if (!keep.Any(f => f.Contains('*', StringComparison.Ordinal))) _columns = [.. keep];
    }

    private string Pattern(string field) => field.Contains('*', StringComparison.Ordinal) && field.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '*' or '@') ? field : Column(field);

    private void WriteSort(SortStage s)
    {
        var keys = new List<string>();
        foreach (var k in s.Keys)
        {
            var conversion = k.Conversion?.ToLowerInvariant();
            var type = TypeOf(k.Field);
            string key;
            if (conversion is "num" || conversion is null && type is EType.Number) key = type is EType.Number ? Column(k.Field) : $"TO_DOUBLE({Column(k.Field)})";
            else if (conversion is "str") key = type is EType.String ? Column(k.Field) : $"TO_STRING({Column(k.Field)})";
            else if (conversion is null && type is EType.Date) key = Column(k.Field);
            else if (conversion is null)
            {
                Warn(k.Span, $"Splunk sorts '{k.Field}' numerically when its values are numbers, else lexicographically; ES|QL sorts by the mapped type.");
                key = Column(k.Field);
            }
            else
            {
                Error(k.Span, $"The sort conversion '{k.Conversion}' is not translated.");
                return;
            }
            keys.Add(key + (k.Descending ? " DESC" : " ASC"));
        }
        _order = string.Join(", ", keys);
        _orderUnknown = false;
        _lines.Add("SORT " + _order);
        _lastWasSort = true;
        if (s.Limit is > 0) _lines.Add("LIMIT " + s.Limit.Value.ToString(CultureInfo.InvariantCulture));
    }

    private void WriteLimit(LimitStage l)
    {
        var n = l.Count.ToString(CultureInfo.InvariantCulture);
        if (_orderUnknown)
        {
            Warn(l.Span, "The rows' order is not defined here in ES|QL, so which rows head/tail keeps may differ.");
        }
        if (_order is null)
        {
            // Splunk returns events newest first: head keeps the newest, tail the oldest.
            _lines.Add("SORT @timestamp " + (l.FromEnd ? "ASC" : "DESC"));
        }
        else if (l.FromEnd)
        {
            _lines.Add("SORT " + Reverse(_order));
        }
        else if (!_lastWasSort && _order.Length > 0)
        {
            _lines.Add("SORT " + _order);
        }
        _lines.Add("LIMIT " + n);
        _lastWasSort = false;
    }

    private static string Reverse(string order) => string.Join(", ", order.Split(", ").Select(k =>
        k.EndsWith(" DESC", StringComparison.Ordinal) ? k[..^5] + " ASC" : k.EndsWith(" ASC", StringComparison.Ordinal) ? k[..^4] + " DESC" : k + " DESC"));

    private void WriteConvert(ConvertStage c)
    {
        var parts = new List<string>();
        foreach (var (function, field, output) in c.Conversions)
        {
            if (_columns is not null && !_columns.Contains(field))
            {
                // convert on a field the rows do not have does nothing in Splunk.
                continue;
            }
            switch (function)
            {
                case "ctime" when TypeOf(field) == EType.Date:
                {
                    var format = JavaTimeFormat(c.TimeFormat ?? "%m/%d/%Y %H:%M:%S");
                    if (format is null)
                    {
                        Error(c.Span, $"The time format '{c.TimeFormat}' is not translated.");
                        return;
                    }
                    parts.Add($"{Identifier(ElasticCommon.TimeField(output))} = DATE_FORMAT({ElasticCommon.Quote(format)}, {Column(field)})");
                    Define(output, EType.String);
                    break;
                }
                case "num" or "auto" when Exists(field):
                    parts.Add($"{Identifier(ElasticCommon.TimeField(output))} = TO_DOUBLE({Column(field)})");
                    Define(output, EType.Number);
                    break;
                default:
                    Error(c.Span, $"convert {function}({field}) is not translated to ES|QL (ctime is translated for time values such as min(_time)).");
                    return;
            }
        }
        if (parts.Count > 0) _lines.Add("EVAL " + string.Join(", ", parts));
    }

    /// <summary>A strftime format as a java.time pattern for DATE_FORMAT, or null when a specifier is unknown (%w and
    /// %u among them: java.time's localized day-of-week letters depend on the week definition of the locale).
    /// %e is <c>ppd</c>: the day padded with a space to width 2 (DateTimeFormatter "Pad modifier").</summary>
    internal static string? JavaTimeFormat(string strftime)
    {
        var sb = new StringBuilder();
        var literal = new StringBuilder();
        void Flush()
        {
            if (literal.Length == 0) return;
            var text = literal.ToString();
            sb.Append(text.Any(char.IsAsciiLetter) || text.Contains('\'', StringComparison.Ordinal) ? "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'" : text);
            literal.Clear();
        }
        for (var i = 0; i < strftime.Length; i++)
        {
            if (strftime[i] != '%' || i + 1 >= strftime.Length)
            {
                literal.Append(strftime[i]);
                continue;
            }
            var spec = strftime[++i] switch
            {
                'Y' => "yyyy",
                'y' => "yy",
                'm' => "MM",
                'd' => "dd",
                'H' => "HH",
                'I' => "hh",
                'M' => "mm",
                'S' => "ss",
                'p' => "a",
                'b' => "MMM",
                'B' => "MMMM",
                'a' => "EEE",
                'A' => "EEEE",
                'j' => "DDD",
                'e' => "ppd",
                'T' => "HH:mm:ss",
                'F' => "yyyy-MM-dd",
                'z' => "Z",
                'Z' => "z",
                '%' => null,
                _ => "?",
            };
            if (spec == "?") return null;
            if (spec is null)
            {
                literal.Append('%');
                continue;
            }
            Flush();
            sb.Append(spec);
        }
        Flush();
        return sb.ToString();
    }

    /// <summary>fillnull: COALESCE each field with the value. A number column takes a numeric value as a number; any
    /// other column is filled as text (ES|QL's COALESCE needs one type). Without a field list every field is filled,
    /// which ES|QL can say only once the columns are known (after STATS or KEEP).</summary>
    private void WriteFillNull(FillNullStage f)
    {
        var fields = f.Fields.IsEmpty ? _columns?.Where(c => c != "_time").ToList() : [.. f.Fields];
        if (fields is null && f.Fields.IsEmpty && StageReads.OnlyFieldsReadBy(_following.FirstOrDefault()) is { } read)
        {
            WriteFillNullOfPresentFields(f, read);
            return;
        }
        if (fields is null)
        {
            Error(f.Span, "fillnull without a field list fills every field; ES|QL needs the fields named, and they are not known here (before stats, table or fields).");
            return;
        }
        // A column that always has a value is not changed by the fill (nor its type).
        fields.RemoveAll(_alwaysSet.Contains);
        if (fields.Count == 0) return;
        _lines.Add("EVAL " + string.Join(", ", fields.Select(x => FillNullAssignment(x, f.Value, null))));
    }

    /// <summary><c>field = COALESCE(field, value)</c>, or with <paramref name="onlyIf"/> the fill only where that
    /// condition holds. A number column takes a numeric value as a number; any other column is filled as text (ES|QL's
    /// COALESCE needs one type).</summary>
    private string FillNullAssignment(string field, string value, string? onlyIf)
    {
        var asNumber = TypeOf(field) == EType.Number && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
        var column = asNumber || TypeOf(field) is EType.String ? Column(field) : $"TO_STRING({Column(field)})";
        var filled = $"COALESCE({column}, {(asNumber ? ElasticCommon.Number(value) : ElasticCommon.Quote(value))})";
        if (onlyIf is not null) filled = $"CASE({onlyIf}, {filled}, {column})";
        Define(field, asNumber ? EType.Number : EType.String);
        return $"{Identifier(ElasticCommon.TimeField(field))} = {filled}";
    }

    /// <summary>fillnull without a field list before the columns are known, followed by a stage that reads only the
    /// fields it names (stats, table, fields): filling the other fields changes nothing that stage returns. Splunk
    /// fills only the fields that have a value in at least one result (fillnull reference: "Fields in the event set
    /// should have at least one non-null value"); INLINE STATS without BY counts each field's values over all rows,
    /// and the fill applies only where that count is above zero.</summary>
    private void WriteFillNullOfPresentFields(FillNullStage f, List<string> fields)
    {
        if (fields.Count == 0) return;
        var counts = fields.Select((x, k) => (Field: x, Count: "_fillnull_" + k.ToString(CultureInfo.InvariantCulture))).ToList();
        _lines.Add("INLINE STATS " + string.Join(", ", counts.Select(c => $"{c.Count} = COUNT({Column(c.Field)})")));
        _lines.Add("EVAL " + string.Join(", ", counts.Select(c => FillNullAssignment(c.Field, f.Value, c.Count + " > 0"))));
        _lines.Add("DROP " + string.Join(", ", counts.Select(c => c.Count)));
        // INLINE STATS documents no row order.
        _orderUnknown = true;
    }

    private void WriteExtract(ExtractStage x)
    {
        if (x.SedMode || x.MaxMatch != 1)
        {
            Error(x.Span, x.SedMode ? "rex mode=sed is not translated to ES|QL." : "rex max_match other than 1 (several matches) is not translated to ES|QL.");
            return;
        }
        var names = Regex.Matches(x.Regex, @"\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>").Select(m => m.Groups[1].Value).ToList();
        if (names.Count == 0)
        {
            Error(x.Span, "This rex has no named group, so it extracts nothing.");
            return;
        }
        // GROK (Oniguruma) reads PCRE named groups (?<name>...) and the usual classes and quantifiers the same way;
        // PCRE's other spelling of a named group, (?P<name>...), is written (?<name>...). Constructs where the dialects
        // differ make the extraction an approximation.
        var grok = Regex.Replace(x.Regex, @"(?<!\\)\(\?P<", "(?<");
        if (Regex.IsMatch(grok, @"%\{|\(\?P|\\K|\\Q|\(\?<[=!]|\(\?\||\(\?[a-zA-Z]*[sxXUJm]|\\[zZAG]"))
            Warn(x.Span, "This rex regex uses constructs that PCRE (Splunk) and Oniguruma (ES|QL GROK) read differently.");
        else grok = GrokAnchors(grok);
        _lines.Add($"GROK {Column(x.Field)} {ElasticCommon.Quote(grok)}");
        foreach (var n in names) Define(n, EType.String);
    }

    /// <summary>PCRE's ^ and $ (outside a class, unescaped) as Oniguruma's \A and \Z. GROK compiles with Oniguruma's
    /// Ruby syntax (Joni), where ^ and $ match at every line start and end; PCRE's (without multiline) match at the
    /// start of the value, and at its end or before a final line feed, which are Oniguruma's \A and \Z.</summary>
    internal static string GrokAnchors(string pcre)
    {
        var sb = new StringBuilder(pcre.Length + 8);
        var inClass = false;
        var classStart = -1;
        for (var i = 0; i < pcre.Length; i++)
        {
            var c = pcre[i];
            if (c == '\\' && i + 1 < pcre.Length)
            {
                sb.Append(c).Append(pcre[++i]);
                continue;
            }
            if (inClass)
            {
                // A ']' first in the class (after '[' or '[^') is a member.
                if (c == ']' && i != classStart) inClass = false;
                sb.Append(c);
                continue;
            }
            if (c == '[')
            {
                inClass = true;
                classStart = i + 1 < pcre.Length && pcre[i + 1] == '^' ? i + 2 : i + 1;
            }
            sb.Append(c switch
            {
                '^' => "\\A",
                '$' => "\\Z",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }

    // ------------------------------------------------------------------ search predicates

    private string Condition(Nnf node, bool nested)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (node)
        {
            case NnfAnd a:
            {
                var ops = a.Operands.Where(o => o is not NnfLeaf { Predicate: TruePredicate, Negated: false }).ToList();
                if (ops.Count == 0) return "true";
                return string.Join(" AND ", ops.Select(o => o is NnfOr { Operands.Length: > 1 } ? "(" + Condition(o, true) + ")" : Condition(o, true)));
            }
            case NnfOr o:
            {
                if (o.Operands.Any(x => x is NnfLeaf { Predicate: TruePredicate, Negated: false })) return "true";
                var text = string.Join(" OR ", o.Operands.Select(x => Condition(x, true)));
                return text;
            }
            case NnfLeaf l:
                return l.Negated ? Negated(l.Predicate) : Positive(l.Predicate);
            default:
                return "true";
        }
    }

    /// <summary>A leaf that is true exactly where the SPL term holds; null (not true) where its field is missing.</summary>
    private string Positive(Predicate p)
    {
        switch (p)
        {
            case TruePredicate:
                return "true";
            case FieldMatchPredicate m:
                return Match(m.Field, m.Pattern, m.CaseSensitive, m.Span);
            case FieldNotMatchPredicate m:
                return m.Pattern.IsMatchAll ? "false" : $"({Column(m.Field)} IS NOT NULL AND NOT {Match(m.Field, m.Pattern, m.CaseSensitive, m.Span)})";
            case FieldExistsPredicate e:
                return $"{Column(e.Field)} IS NOT NULL";
            case CidrPredicate c:
                if (IsMultivalued(c.Field)) WarnMultivalued(c.Field, c.Span, "CIDR_MATCH");
                return $"CIDR_MATCH(TO_IP({Column(c.Field)}), {ElasticCommon.Quote(c.Cidr)})";
            case FieldCompareRangePredicate r:
                if (IsMultivalued(r.Field)) WarnMultivalued(r.Field, r.Span, "comparison");
                return Range(r);
            case TimeBoundPredicate t:
                return TimeBound(t);
            case RawTermPredicate t:
                return RawTerm(t);
            case ExpressionPredicate e:
                return P(Bool(Expr(e.Expression)), 30);
            default:
                Error(p.Span, $"{p.GetType().Name} is not translated to ES|QL yet.");
                return "true";
        }
    }

    /// <summary>The negation with SPL's meaning: true for events without the field.</summary>
    private string Negated(Predicate p)
    {
        switch (p)
        {
            case TruePredicate:
                return "false";
            case FieldMatchPredicate m when m.Pattern.IsMatchAll:
            case FieldExistsPredicate:
                return $"{Column(FieldOf(p))} IS NULL";
            case FieldMatchPredicate m:
                return $"({Column(m.Field)} IS NULL OR NOT {Match(m.Field, m.Pattern, m.CaseSensitive, m.Span)})";
            case FieldNotMatchPredicate m:
                return m.Pattern.IsMatchAll ? "true" : $"({Column(m.Field)} IS NULL OR {Match(m.Field, m.Pattern, m.CaseSensitive, m.Span)})";
            case TimeBoundPredicate or RawTermPredicate:
                return "NOT " + Positive(p);
            default:
                // CIDR_MATCH, TO_DOUBLE and expressions are null for missing or unconvertible values.
                return $"NOT COALESCE({Positive(p)}, false)";
        }
    }

    private static string FieldOf(Predicate p) => p switch
    {
        FieldMatchPredicate m => m.Field,
        FieldExistsPredicate e => e.Field,
        _ => "",
    };

    /// <summary><c>field=pattern</c>: ES|QL's <c>==</c> and <c>LIKE</c> are case-sensitive, so a case-insensitive match
    /// compares the lower-cased column with the lower-cased value. On a multivalued column, where SPL matches when any
    /// value matches, ES|QL's operators are null ("Unless otherwise documented functions will return null when applied
    /// to a multivalued field", ES|QL multivalued fields reference): an exact value is tested with MV_CONTAINS (false,
    /// not null, for a missing field) over the values, lower-cased by TO_LOWER, which takes multivalued input;
    /// <c>*text*</c> is searched in the values joined by MV_CONCAT; other wildcards have no multivalue form, which a
    /// warning says.</summary>
    private string Match(string field, ValuePattern pattern, bool caseSensitive, TextSpan span)
    {
        var column = Column(field);
        var type = TypeOf(field);
        var multivalued = IsMultivalued(field);
        if (type is EType.Number && !pattern.HasWildcard && double.TryParse(pattern.Literal, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            return multivalued ? $"MV_CONTAINS({column}, {ElasticCommon.Number(pattern.Literal)})" : $"{column} == {ElasticCommon.Number(pattern.Literal)}";
        if (type is not EType.String) column = $"TO_STRING({column})";
        if (pattern.IsMatchAll) return $"{Column(field)} IS NOT NULL";
        if (!pattern.HasWildcard)
        {
            var literal = pattern.Literal;
            var exact = caseSensitive || ElasticCommon.Caseless(literal);
            if (multivalued)
                return exact ? $"MV_CONTAINS({column}, {ElasticCommon.Quote(literal)})" : $"MV_CONTAINS(TO_LOWER({column}), {ElasticCommon.Quote(literal.ToLowerInvariant())})";
            if (exact) return $"{column} == {ElasticCommon.Quote(literal)}";
            return $"TO_LOWER({column}) == {ElasticCommon.Quote(literal.ToLowerInvariant())}";
        }
        var like = string.Join("*", pattern.Segments.Select(LikeEscape));
        if (multivalued && pattern.Shape == PatternShape.Contains && !pattern.Segments[1].Contains('\n', StringComparison.Ordinal))
        {
            // *text*: the values joined by a line feed hold the text exactly when one value does, since the text
            // has no line feed and so cannot span two values.
            var joined = caseSensitive || ElasticCommon.Caseless(like) ? $"MV_CONCAT({column}, \"\\n\")" : $"MV_CONCAT(TO_LOWER({column}), \"\\n\")";
            return $"{joined} LIKE {ElasticCommon.Quote(caseSensitive ? like : like.ToLowerInvariant())}";
        }
        if (multivalued) WarnMultivalued(field, span, "LIKE");
        if (caseSensitive || ElasticCommon.Caseless(like)) return $"{column} LIKE {ElasticCommon.Quote(like)}";
        return $"TO_LOWER({column}) LIKE {ElasticCommon.Quote(like.ToLowerInvariant())}";
    }

    /// <summary>replace IN fields as the evaluator runs it: per field a CASE over the patterns, the last literal
    /// pattern equal to the value first (== is case-sensitive), then the fullest wildcard pattern, tested with LIKE
    /// (case-sensitive, <c>*</c> any text, whole value) and rewritten with REPLACE's Java regex (<c>(?s)</c>,
    /// <c>$N</c> groups). A missing field stays null, as Splunk leaves it missing.</summary>
    private void WriteReplace(ReplaceStage r)
    {
        if (r.Fields.Length == 0 || r.Fields.Any(f => f.Contains('*', StringComparison.Ordinal)))
        {
            Error(r.Span, "replace without IN, or with wildcard field names, changes fields only the data tells; ES|QL must name them.");
            return;
        }
        var literals = r.Pairs.Where(p => !p.Pattern.Contains('*', StringComparison.Ordinal)).Reverse().ToList();
        var wildcards = r.Pairs.Where(p => p.Pattern.Contains('*', StringComparison.Ordinal))
            .OrderByDescending(p => p.Pattern.Length - p.Pattern.Count(c => c == '*')).ToList();
        var parts = new List<string>();
        foreach (var field in r.Fields.Distinct(StringComparer.Ordinal))
        {
            if (IsMultivalued(field) || TypeOf(field) != EType.String)
            {
                Error(r.Span, $"replace on '{field}', which may hold several values or is not text here, is not translated to ES|QL (its functions are null on multivalued values).");
                return;
            }
            var column = Column(field);
            var cases = new List<string>();
            foreach (var (pattern, replacement) in literals)
                cases.Add($"{column} == {ElasticCommon.Quote(pattern)}, {ElasticCommon.Quote(replacement)}");
            foreach (var (pattern, replacement) in wildcards)
            {
                var like = string.Join("*", pattern.Split('*').Select(LikeEscape));
                var regex = "(?s)^" + string.Join("(.*)", pattern.Split('*').Select(JavaRegexEscape)) + "$";
                var pieces = replacement.Split('*').Select(x => x.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("$", "\\$", StringComparison.Ordinal)).ToList();
                var rewrite = new StringBuilder(pieces[0]);
                for (var i = 1; i < pieces.Count; i++) rewrite.Append('$').Append(i.ToString(CultureInfo.InvariantCulture)).Append(pieces[i]);
                cases.Add($"{column} LIKE {ElasticCommon.Quote(like)}, REPLACE({column}, {ElasticCommon.Quote(regex)}, {ElasticCommon.Quote(rewrite.ToString())})");
            }
            parts.Add($"{column} = CASE({string.Join(", ", cases)}, {column})");
            Define(field, EType.String);
        }
        _lines.Add("EVAL " + string.Join(", ", parts));
    }

    /// <summary>addtotals over listed fields as the evaluator runs it: a text value counts when it reads as a number by
    /// FieldValue.TryParseNumber's rule (RLIKE, anchored: sign, digits with an optional point, exponent; no spaces, no
    /// hex) and is finite; a multivalued value does not count (RLIKE is null on it); values are added in the order
    /// listed from 0.0; with none the total is null, as the evaluator writes none.</summary>
    private void WriteAddTotals(AddTotalsStage a)
    {
        if (a.Fields.Length == 0 || a.Fields.Any(f => f.Contains('*', StringComparison.Ordinal)))
        {
            Error(a.Span, "addtotals without a field list, or with wildcard field names, sums fields only the data tells; ES|QL must name them.");
            return;
        }
        if (_types.ContainsKey(a.FieldName))
        {
            Error(a.Span, $"addtotals into '{a.FieldName}', a field that already exists (kept by Splunk in rows without a number), is not translated to ES|QL.");
            return;
        }
        const string number = @"[+\-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+\-]?[0-9]+)?";
        var terms = a.Fields.Distinct(StringComparer.Ordinal).Select(f =>
        {
            var column = Column(f);
            var value = TypeOf(f) == EType.Number ? $"TO_DOUBLE({column})" : $"CASE({column} RLIKE {ElasticCommon.Quote(number)}, TO_DOUBLE({column}), null)";
            return $"CASE(ABS({value}) <= 1.7976931348623157E308, {value}, null)";
        }).ToList();
        _lines.Add($"EVAL {Identifier(a.FieldName)} = CASE({string.Join(" AND ", terms.Select(t => t + " IS NULL"))}, null, 0.0 + {string.Join(" + ", terms.Select(t => $"COALESCE({t}, 0.0)"))})");
        Define(a.FieldName, EType.Number);
    }

    /// <summary>Escapes literal text for a Java regular expression: every ASCII character that is not a letter or a
    /// digit gets a backslash (java.util.regex.Pattern: "Backslashes may be used prior to a non-alphabetic character
    /// regardless of whether that character is part of an unescaped construct").</summary>
    internal static string JavaRegexEscape(string literal)
    {
        var sb = new StringBuilder(literal.Length + 8);
        foreach (var c in literal)
        {
            if (c < 128 && !char.IsAsciiLetterOrDigit(c)) sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }

    private void WarnMultivalued(string field, TextSpan span, string op) =>
        Warn(span, $"'{field}' may hold several values (a JSON array or a values() result); SPL matches when any value matches, but ES|QL's {op} is null on a multivalued value, so such events are kept only when the field has one value.");

    /// <summary>Escapes ES|QL LIKE's metacharacters (<c>*</c>, <c>?</c> and the escape <c>\</c>) in literal text.</summary>
    internal static string LikeEscape(string literal)
    {
        var sb = new StringBuilder(literal.Length);
        foreach (var c in literal)
        {
            if (c is '*' or '?' or '\\') sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }

    private string Range(FieldCompareRangePredicate r)
    {
        var op = ElasticCommon.Symbol(r.Operator);
        if (r.Value.Kind == LiteralKind.Number && TypeOf(r.Field) is EType.String)
        {
            // SPL's search compares numerically when the value holds a number and lexicographically otherwise.
            var text = Column(r.Field);
            return $"CASE(TO_DOUBLE({text}) IS NOT NULL, TO_DOUBLE({text}) {op} {ElasticCommon.Number(r.Value.Text)}, {text} {op} {ElasticCommon.Quote(r.Value.Text)})";
        }
        if (r.Value.Kind == LiteralKind.Number)
        {
            var column = TypeOf(r.Field) is EType.Number ? Column(r.Field) : $"TO_DOUBLE({Column(r.Field)})";
            return $"{column} {op} {ElasticCommon.Number(r.Value.Text)}";
        }
        var col = TypeOf(r.Field) is EType.String ? Column(r.Field) : $"TO_STRING({Column(r.Field)})";
        return $"{col} {op} {ElasticCommon.Quote(r.Value.Text)}";
    }

    private string TimeBound(TimeBoundPredicate t)
    {
        if (t.Earliest && t.Value is "0" or "1") return "true";
        if (ElasticCommon.RelativeTime(t.Value) is not { } rel)
        {
            Error(t.Span, $"The time modifier '{t.Value}' is not translated (relative -N(s|m|h|d|w) and now are).");
            return "true";
        }
        var time = rel.Count == 0 ? "NOW()" : $"NOW() - {rel.Count.ToString(CultureInfo.InvariantCulture)} {rel.Unit}";
        return t.Earliest ? $"@timestamp >= {time}" : $"@timestamp < {time}";
    }

    private string RawTerm(RawTermPredicate t)
    {
        if (t.Pattern.IsMatchAll) return "true";
        Warn(t.Span, $"The search term '{t.Pattern.Text}' matches whole indexed terms of the raw event in Splunk; ES|QL searches the _raw field for the text anywhere (a wider match).");
        var like = "*" + string.Join("*", t.Pattern.Segments.Select(LikeEscape)) + "*";
        while (like.Contains("**", StringComparison.Ordinal)) like = like.Replace("**", "*", StringComparison.Ordinal);
        return t.CaseSensitive ? $"_raw LIKE {ElasticCommon.Quote(like)}" : $"TO_LOWER(_raw) LIKE {ElasticCommon.Quote(like.ToLowerInvariant())}";
    }

    // ------------------------------------------------------------------ eval expressions

    /// <summary>Rendered text, its type and its precedence (OR 10, AND 20, NOT 30, comparisons 40, + - 50, * / % 60,
    /// unary minus 70, atoms 100): a child is parenthesized only when it binds less tightly than its place needs.</summary>
    internal readonly record struct Rendered(string Text, EType Type, int Prec = 100);

    private static Rendered R(string text, EType type, int prec = 100) => new(text, type, prec);

    private static string P(Rendered r, int min) => r.Prec >= min ? r.Text : "(" + r.Text + ")";

    private Rendered Numeric(Rendered r) => r.Type is EType.Number or EType.Null ? r : R($"TO_DOUBLE({r.Text})", EType.Number);

    private Rendered Str(Rendered r) => r.Type is EType.String or EType.Null ? r : R($"TO_STRING({r.Text})", EType.String);

    private Rendered Bool(Rendered r) => r.Type is EType.Bool or EType.Null ? r : R($"TO_BOOLEAN({r.Text})", EType.Bool);

    private Rendered Expr(Expr e)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (e)
        {
            case Literal { Kind: LiteralKind.String } s:
                return R(ElasticCommon.Quote(s.Text), EType.String);
            case Literal { Kind: LiteralKind.Number } n:
                return R(ElasticCommon.Number(n.Text), EType.Number);
            case Literal { Kind: LiteralKind.Boolean } b:
                return R(b.Text.ToLowerInvariant(), EType.Bool);
            case Literal:
                return R("null", EType.Null);
            case FieldRef { Name: "null" } when !_types.ContainsKey("null"):
                // Splunk reads a bare null as a field of that name, which no event has: its value is null. ES|QL
                // rejects a column the index does not map, so the value is written as null.
                return R("null", EType.Null);
            case FieldRef f:
                return R(Column(f.Name), TypeOf(f.Name));
            case UnaryExpr { Operator: UnaryOp.Not } u:
                return R("NOT " + P(Bool(Expr(u.Operand)), 30), EType.Bool, 30);
            case UnaryExpr u:
                return R("-" + P(Numeric(Expr(u.Operand)), 70), EType.Number, 70);
            case BinaryExpr b:
                return Binary(b);
            case LikeExpr l:
                return Like(l);
            case InExpr i:
                return In(i);
            case CallExpr c:
                return Call(c);
            default:
                Error(e.Span, $"{e.GetType().Name} is not translated to ES|QL.");
                return R("null", EType.Null);
        }
    }

    private Rendered Binary(BinaryExpr b)
    {
        var left = Expr(b.Left);
        var right = Expr(b.Right);
        switch (b.Operator)
        {
            case BinaryOp.And:
                return R($"{P(Bool(left), 20)} AND {P(Bool(right), 20)}", EType.Bool, 20);
            case BinaryOp.Or:
                return R($"{P(Bool(left), 10)} OR {P(Bool(right), 10)}", EType.Bool, 10);
            case BinaryOp.Xor:
                return R($"{P(Bool(left), 41)} != {P(Bool(right), 41)}", EType.Bool, 40);
            case BinaryOp.Concat:
                return R($"CONCAT({Str(left).Text}, {Str(right).Text})", EType.String);
            case BinaryOp.Add when left.Type is EType.String && right.Type is EType.String && (b.Left is Literal || b.Right is Literal):
                return R($"CONCAT({left.Text}, {right.Text})", EType.String);
            case BinaryOp.Multiply or BinaryOp.Divide or BinaryOp.Modulo or BinaryOp.Add or BinaryOp.Subtract:
            {
                var op = b.Operator switch
                {
                    BinaryOp.Multiply => "*",
                    BinaryOp.Divide => "/",
                    BinaryOp.Modulo => "%",
                    BinaryOp.Add => "+",
                    _ => "-",
                };
                var l = Numeric(left);
                var r = Numeric(right);
                // Splunk divides as real numbers; ES|QL divides integers as integers.
                if (op == "/" && left.Type is EType.Number && right.Type is EType.Number && !l.Text.Contains("TO_DOUBLE", StringComparison.Ordinal)) l = R($"TO_DOUBLE({l.Text})", EType.Number);
                var prec = op is "+" or "-" ? 50 : 60;
                return R($"{P(l, prec)} {op} {P(r, prec + 1)}", EType.Number, prec);
            }
            default:
            {
                var op = b.Operator switch
                {
                    BinaryOp.Less => "<",
                    BinaryOp.LessOrEqual => "<=",
                    BinaryOp.Greater => ">",
                    BinaryOp.GreaterOrEqual => ">=",
                    BinaryOp.Equal => "==",
                    _ => "!=",
                };
                if (left.Type is EType.Number && right.Type is EType.String || right.Type is EType.Number && left.Type is EType.String)
                {
                    // A number against a string value: SPL compares numerically when the string holds a number and
                    // lexicographically otherwise (as the evaluator does), so "abc" > 5 is true and "abc" != 5 too,
                    // where TO_DOUBLE alone gives null.
                    var text = left.Type is EType.String ? left : right;
                    var asNumbers = $"{P(Numeric(left), 41)} {op} {P(Numeric(right), 41)}";
                    var asStrings = $"{P(NumberAsString(left, b.Left), 41)} {op} {P(NumberAsString(right, b.Right), 41)}";
                    return R($"CASE(TO_DOUBLE({text.Text}) IS NOT NULL, {asNumbers}, {asStrings})", EType.Bool);
                }
                if (left.Type is EType.Number || right.Type is EType.Number)
                {
                    left = Numeric(left);
                    right = Numeric(right);
                }
                else if (left.Type is EType.Date || right.Type is EType.Date)
                {
                    // compared as they are
                }
                else
                {
                    left = Str(left);
                    right = Str(right);
                }
                return R($"{P(left, 41)} {op} {P(right, 41)}", EType.Bool, 40);
            }
        }
    }

    /// <summary>A number compared as text: a number literal as the evaluator writes the number (<c>5.0</c> is "5", as
    /// KQL's <c>tostring(real(5))</c>), another number by TO_STRING.</summary>
    private Rendered NumberAsString(Rendered r, Expr origin) =>
        r.Type is not EType.Number ? Str(r)
        : origin is Literal { Kind: LiteralKind.Number } n
            ? R(ElasticCommon.Quote(Evaluation.FieldValue.TryParseNumber(n.Text, out var number) ? Evaluation.FieldValue.FormatNumber(number) : n.Text), EType.String)
            : R($"TO_STRING({r.Text})", EType.String);

    private Rendered Like(LikeExpr l)
    {
        if (l.Pattern is not Literal { Kind: LiteralKind.String } p)
        {
            Error(l.Span, "LIKE with a pattern that is not a literal string is not translated to ES|QL.");
            return R("null", EType.Null);
        }
        // SPL LIKE: % any run, _ one character; ES|QL LIKE: * and ?, with \ escaping.
        var sb = new StringBuilder();
        foreach (var c in p.Text)
        {
            sb.Append(c switch
            {
                '%' => "*",
                '_' => "?",
                '*' or '?' or '\\' => "\\" + c,
                _ => c.ToString(),
            });
        }
        var value = Str(Expr(l.Value));
        return R($"{P(value, 41)} {(l.Negated ? "NOT LIKE" : "LIKE")} {ElasticCommon.Quote(sb.ToString())}", EType.Bool, 40);
    }

    private Rendered In(InExpr i)
    {
        var value = Expr(i.Value);
        var items = i.Items.Select(Expr).ToList();
        if (items.All(x => x.Type is EType.Number)) value = Numeric(value);
        else if (items.All(x => x.Type is EType.String)) value = Str(value);
        else
        {
            Error(i.Span, "IN with both numbers and strings is not translated to ES|QL.");
            return R("null", EType.Null);
        }
        return R($"{P(value, 41)} {(i.Negated ? "NOT IN" : "IN")} ({string.Join(", ", items.Select(x => x.Text))})", EType.Bool, 40);
    }

    private Rendered Call(CallExpr c)
    {
        var args = c.Arguments;
        bool Arity(int min, int max = -1) => args.Length >= min && args.Length <= (max < 0 ? min : max);
        Rendered Arg(int k) => Expr(args[k]);
        switch (c.Function)
        {
            case "if" when Arity(3):
            {
                var then = Arg(1);
                var otherwise = Arg(2);
                return R($"CASE({Bool(Arg(0)).Text}, {then.Text}, {otherwise.Text})", Unify(then.Type, otherwise.Type));
            }
            case "case" when args.Length >= 2 && args.Length % 2 == 0:
            {
                var parts = new List<string>();
                var type = EType.Null;
                for (var k = 0; k < args.Length; k += 2)
                {
                    var value = Arg(k + 1);
                    parts.Add(Bool(Arg(k)).Text);
                    parts.Add(value.Text);
                    type = Unify(type, value.Type);
                }
                // With no default, CASE is null when no condition holds, like Splunk's case().
                return R($"CASE({string.Join(", ", parts)})", type);
            }
            case "lower" when Arity(1): return R($"TO_LOWER({Str(Arg(0)).Text})", EType.String);
            case "upper" when Arity(1): return R($"TO_UPPER({Str(Arg(0)).Text})", EType.String);
            case "len" when Arity(1): return R($"LENGTH({Str(Arg(0)).Text})", EType.Number);
            case "trim" when Arity(1): return R($"TRIM({Str(Arg(0)).Text})", EType.String);
            case "ltrim" when Arity(1): return R($"LTRIM({Str(Arg(0)).Text})", EType.String);
            case "rtrim" when Arity(1): return R($"RTRIM({Str(Arg(0)).Text})", EType.String);
            case "tostring" when Arity(1): return Str(Arg(0));
            case "tonumber" when Arity(1): return R($"TO_DOUBLE({Arg(0).Text})", EType.Number);
            case "abs" when Arity(1): return R($"ABS({Numeric(Arg(0)).Text})", EType.Number);
            case "round" when Arity(1, 2): return R($"ROUND({Numeric(Arg(0)).Text}{(args.Length == 2 ? ", " + Arg(1).Text : "")})", EType.Number);
            case "floor" when Arity(1): return R($"FLOOR({Numeric(Arg(0)).Text})", EType.Number);
            case "ceil" or "ceiling" when Arity(1): return R($"CEIL({Numeric(Arg(0)).Text})", EType.Number);
            case "sqrt" when Arity(1): return R($"SQRT({Numeric(Arg(0)).Text})", EType.Number);
            case "pow" when Arity(2): return R($"POW({Numeric(Arg(0)).Text}, {Numeric(Arg(1)).Text})", EType.Number);
            case "substr" when Arity(2, 3):
                // Both count from 1; a negative start counts from the end in both.
                return R($"SUBSTRING({Str(Arg(0)).Text}, {Numeric(Arg(1)).Text}{(args.Length == 3 ? ", " + Numeric(Arg(2)).Text : "")})", EType.String);
            case "coalesce" when args.Length > 0:
            {
                var items = args.Select(Expr).ToList();
                var type = items.Aggregate(EType.Null, (t, x) => Unify(t, x.Type));
                if (type == EType.String) items = items.Select(Str).ToList();
                return R($"COALESCE({string.Join(", ", items.Select(x => x.Text))})", type);
            }
            case "isnull" when Arity(1): return R($"{P(Arg(0), 41)} IS NULL", EType.Bool, 40);
            case "isnotnull" when Arity(1): return R($"{P(Arg(0), 41)} IS NOT NULL", EType.Bool, 40);
            case "cidrmatch" when Arity(2) && args[0] is Literal { Kind: LiteralKind.String } cidr:
                return R($"CIDR_MATCH(TO_IP({Str(Arg(1)).Text}), {ElasticCommon.Quote(cidr.Text)})", EType.Bool);
            case "like" when Arity(2):
                return Like(new LikeExpr(args[0], args[1], false) { Span = c.Span });
            case "match" when Arity(2) && args[1] is Literal { Kind: LiteralKind.String } re:
            {
                if (LuceneRegex.FromPcre(re.Text) is not { } lucene)
                {
                    Error(c.Span, "This match() regex uses PCRE constructs that have no exact Lucene regular expression (ES|QL RLIKE) equivalent.");
                    return R("null", EType.Null);
                }
                return R($"{P(Str(Arg(0)), 41)} RLIKE {ElasticCommon.Quote(lucene)}", EType.Bool, 40);
            }
            case "replace" when Arity(3) && args[1] is Literal { Kind: LiteralKind.String } re && args[2] is Literal { Kind: LiteralKind.String } replacement
                && LuceneRegex.IsPortablePcre(re.Text):
            {
                // REPLACE uses Java regular expressions, which read this PCRE subset the same way; \N becomes $N.
                var java = Regex.Replace(replacement.Text.Replace("$", "\\$", StringComparison.Ordinal), @"\\(\d)", "$$$1");
                return R($"REPLACE({Str(Arg(0)).Text}, {ElasticCommon.Quote(re.Text)}, {ElasticCommon.Quote(java)})", EType.String);
            }
            case "split" when Arity(2): return R($"SPLIT({Str(Arg(0)).Text}, {Str(Arg(1)).Text})", EType.String);
            case "mvindex" when Arity(2, 3):
                return R($"MV_SLICE({Arg(0).Text}, {Arg(1).Text}, {(args.Length == 3 ? Arg(2).Text : Arg(1).Text)})", Arg(0).Type);
            case "mvcount" when Arity(1): return R($"MV_COUNT({Arg(0).Text})", EType.Number);
            case "mvjoin" when Arity(2): return R($"MV_CONCAT({Str(Arg(0)).Text}, {Str(Arg(1)).Text})", EType.String);
            case "now" or "time" when Arity(0): return R("NOW()", EType.Date);
            case "true" when Arity(0): return R("true", EType.Bool);
            case "false" when Arity(0): return R("false", EType.Bool);
            case "null" when Arity(0): return R("null", EType.Null);
            case "strftime" when Arity(2) && args[1] is Literal { Kind: LiteralKind.String } f && JavaTimeFormat(f.Text) is { } format:
            {
                var time = Arg(0);
                if (time.Type is not EType.Date)
                {
                    Error(c.Span, "strftime of a value that is not a time here (Splunk epoch seconds) is not translated to ES|QL.");
                    return R("null", EType.Null);
                }
                return R($"DATE_FORMAT({ElasticCommon.Quote(format)}, {time.Text})", EType.String);
            }
            default:
                Error(c.Span, $"The function '{c.Function}' with {args.Length} argument(s) is not translated to ES|QL yet.");
                return R("null", EType.Null);
        }
    }

    private static EType Unify(EType a, EType b) => a == EType.Null ? b : b == EType.Null ? a : a == b ? a : EType.String;
}
