using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using ExfilQuery.Ir;

namespace ExfilQuery.Evaluation;

/// <summary>Runs a detection (the target-free IR) over events in-process, with Splunk's meaning. This is the
/// reference for what a detection means: backends are checked against it.</summary>
public static partial class DetectionEvaluator
{
    /// <summary>Evaluates a detection over events. Events are copied, never changed; by default they are read
    /// newest first, as Splunk returns them.</summary>
    public static EvaluationResult Evaluate(Detection detection, IEnumerable<Event> events, EvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(detection);
        ArgumentNullException.ThrowIfNull(events);
        var context = new EvaluationContext(options ?? EvaluationOptions.Default);
        var runner = new Runner(context);
        var rows = runner.Run(detection, events);
        return new EvaluationResult(rows.ToImmutableArray(), context.Diagnostics.ToImmutableArray());
    }

    private sealed partial class Runner(EvaluationContext context)
    {
        private readonly ExpressionEvaluator _expressions = new(context);
        private IReadOnlyList<Event>? _events;
        private EvaluationOptions Options => context.Options;

        public List<Event> Run(Detection detection, IEnumerable<Event> events)
        {
            // Subsearches (join, append, map) read the same events again.
            _events ??= events as IReadOnlyList<Event> ?? events.ToList();
            events = _events;
            List<Event> rows;
            switch (detection.Source)
            {
                case EventsSource:
                    rows = Input(events);
                    if (Options.AddOnFields) AddOnFields(rows);
                    break;
                case DataModelSource d:
                    rows = DataModelRows(d, Input(events), detection);
                    break;
                case LookupTableSource l:
                    rows = InputLookup(l);
                    break;
                default:
                    rows = [];
                    break;
            }
            return RunStages(detection, Limit(rows, detection.Source.Span));
        }

        /// <summary>Applies a detection's stages to rows.</summary>
        private List<Event> RunStages(Detection detection, List<Event> rows)
        {
            foreach (var stage in detection.Stages)
            {
                RuntimeHelpers.EnsureSufficientExecutionStack();
                rows = Limit(Apply(stage, rows), stage.Span);
            }
            return rows;
        }

        private List<Event> Input(IEnumerable<Event> events)
        {
            var copies = events.Select((e, i) => (Event: new Event(e), Index: i));
            if (Options.SortNewestFirst)
                copies = copies.OrderBy(x => x.Event.Time is null ? 1 : 0).ThenByDescending(x => x.Event.Time ?? 0).ThenBy(x => x.Index);
            return copies.Select(x => x.Event).ToList();
        }

        private List<Event> Limit(List<Event> rows, Text.TextSpan span)
        {
            if (rows.Count <= Options.MaxRows) return rows;
            context.Report(EvaluationDiagnostics.RowLimit(span, Options.MaxRows));
            return rows.Take(Options.MaxRows).ToList();
        }

        private List<Event> Apply(Stage stage, List<Event> rows)
        {
            switch (stage)
            {
                case FilterStage f:
                    return rows.Where(r => Test(f.Predicate, r)).ToList();
                case EvalStage e:
                    foreach (var row in rows)
                        foreach (var a in e.Assignments)
                            row.Set(a.Field, ExpressionEvaluator.Stored(_expressions.Evaluate(a.Value, row)));
                    return rows;
                case AggregateStage a:
                    return Aggregate(a, rows);
                case ChartStage c:
                    return Chart(c, rows);
                case RenameStage r:
                    foreach (var row in rows) Rename(r, row);
                    return rows;
                case ProjectStage p:
                    foreach (var row in rows) Project(p, row);
                    return rows;
                case DedupStage d:
                    return Dedup(d, rows);
                case SortStage s:
                {
                    var sorted = Sort(rows, s.Keys);
                    var limit = s.Limit ?? 10000;
                    return limit > 0 ? sorted.Take(limit).ToList() : sorted;
                }
                case LimitStage l:
                    if (l.FromEnd)
                    {
                        var tail = rows.Skip(Math.Max(0, rows.Count - l.Count)).ToList();
                        tail.Reverse();
                        return tail;
                    }
                    return rows.Take(l.Count).ToList();
                case BinStage b:
                    Bin(b, rows);
                    return rows;
                case FillNullStage f:
                    FillNull(f, rows);
                    return rows;
                case ExtractStage x:
                    Extract(x, rows);
                    return rows;
                case RegexFilterStage r:
                {
                    if (context.Regex(r.Regex, r.Span) is not { } regex) return rows;
                    return rows.Where(row => row[r.Field].Values.Any(v => context.Match(regex, v, r.Span)?.Success == true) != r.Negated).ToList();
                }
                case ExpandStage x:
                {
                    var result = new List<Event>();
                    foreach (var row in rows)
                    {
                        var values = row[x.Field].Values;
                        if (values.Length == 0)
                        {
                            result.Add(row);
                            continue;
                        }
                        foreach (var v in x.Limit is { } lim ? values.Take(lim) : values)
                        {
                            var copy = new Event(row);
                            copy.Set(x.Field, v);
                            result.Add(copy);
                        }
                    }
                    return result;
                }
                case MakeMultivalueStage m:
                    MakeMultivalue(m, rows);
                    return rows;
                case ConvertStage c:
                    Convert(c, rows);
                    return rows;
                case UnsupportedStage u when SideEffect(u, rows) is { } refused:
                    return refused;
                case UnsupportedStage u:
                    context.Report(EvaluationDiagnostics.UnsupportedStage(u.Span, u.Command, u.Reason));
                    return rows;
                default:
                {
                    if (ApplyMore(stage, rows) is { } more) return more;
                    var name = stage.GetType().Name.Replace("Stage", "", StringComparison.Ordinal);
                    context.Report(EvaluationDiagnostics.UnsupportedStage(stage.Span, name, "not implemented in the evaluator yet"));
                    return rows;
                }
            }
        }

        // ------------------------------------------------------------------ search predicates

        private bool Test(Predicate predicate, Event row)
        {
            switch (predicate)
            {
                case AndPredicate a:
                    foreach (var o in a.Operands) if (!Test(o, row)) return false;
                    return true;
                case OrPredicate o:
                    foreach (var x in o.Operands) if (Test(x, row)) return true;
                    return false;
                case NotPredicate n:
                    return !Test(n.Operand, row);
                case TruePredicate:
                    return true;
                case FieldMatchPredicate m:
                    return Matching.FieldMatches(row[m.Field], m);
                case FieldNotMatchPredicate m:
                    return Matching.FieldDoesNotMatch(row[m.Field], m);
                case FieldExistsPredicate e:
                    return Matching.FieldExists(row[e.Field]);
                case CidrPredicate c:
                    return Matching.FieldInCidr(row[c.Field], c.Cidr);
                case FieldCompareRangePredicate r:
                    return Matching.FieldInRange(row[r.Field], r, Matching.RangeNumber(r));
                case RawTermPredicate t:
                    return Matching.RawMatches(row.Raw, t);
                case TimeBoundPredicate t:
                {
                    if (RelativeTime(t.Value) is not { } bound)
                    {
                        context.Report(EvaluationDiagnostics.UnsupportedPredicate(t.Span, $"The time modifier '{t.Value}' is not read by the evaluator."));
                        return true;
                    }
                    if (row.Time is not { } time) return false;
                    return t.Earliest ? time >= bound : time < bound;
                }
                case ExpressionPredicate e:
                    return _expressions.IsTrue(e.Expression, row);
                case SubsearchPredicate s:
                    return SubsearchMatches(s, row);
                default:
                    context.Report(EvaluationDiagnostics.UnsupportedPredicate(predicate.Span, $"{predicate.GetType().Name} is not evaluated yet."));
                    return true;
            }
        }

        /// <summary><c>now</c>, epoch seconds, <c>-24h</c>, <c>-7d@d</c>, <c>@w0</c>-free snaps to s/m/h/d.</summary>
        private double? RelativeTime(string text)
        {
            var now = (Options.Now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;
            var value = text.Trim().Trim('"');
            if (value.Equals("now", StringComparison.OrdinalIgnoreCase)) return now;
            if (FieldValue.TryParseNumber(value, out var epoch)) return epoch;
            return TimeFormats.ApplyTimeModifier(now, value);
        }

        // ------------------------------------------------------------------ aggregation

        private List<Event> Aggregate(AggregateStage a, List<Event> rows)
        {
            foreach (var agg in a.Aggregations)
                if (!Accumulator.IsKnown(agg.Function))
                    context.Report(EvaluationDiagnostics.UnknownFunction(agg.Span, agg.Function));
            var span = a.TimeSpan is null ? null : Spans.Seconds(a.TimeSpan);
            if (a.TimeSpan is not null && span is null)
                context.Report(EvaluationDiagnostics.UnsupportedStage(a.Span, a.Command, $"span={a.TimeSpan} is not read"));

            var groups = new Dictionary<string, (List<string> Key, Accumulator[] Accumulators)>(StringComparer.Ordinal);
            var order = new List<string>();
            var rowKeys = new List<List<string>?>(rows.Count);
            var groupLimitHit = false;
            var running = a.Mode == AggregateMode.Running;
            foreach (var row in rows)
            {
                var keys = Keys(row, a.GroupBy, span, a.FillNullValue);
                rowKeys.Add(keys.Count == 0 ? null : keys[0]);
                if (running && keys.Count > 0)
                {
                    var key = keys[0];
                    var g = Group(key);
                    if (g is null) continue;
                    AddTo(g.Value.Accumulators, a.Aggregations, row);
                    for (var i = 0; i < a.Aggregations.Length; i++)
                        row.Set(a.Aggregations[i].OutputName, g.Value.Accumulators[i].Result());
                    continue;
                }
                foreach (var key in keys)
                    if (Group(key) is { } g) AddTo(g.Accumulators, a.Aggregations, row);
            }
            if (groupLimitHit) context.Report(EvaluationDiagnostics.GroupLimit(a.Span, Options.MaxGroups));

            switch (a.Mode)
            {
                case AggregateMode.Running:
                    return rows;
                case AggregateMode.Window:
                    for (var r = 0; r < rows.Count; r++)
                    {
                        if (rowKeys[r] is not { } key || !groups.TryGetValue(KeyText(key), out var g)) continue;
                        for (var i = 0; i < a.Aggregations.Length; i++)
                            rows[r].Set(a.Aggregations[i].OutputName, g.Accumulators[i].Result());
                    }
                    return rows;
            }

            if (a.GroupBy.Length == 0 && groups.Count == 0)
            {
                // stats without by over no rows: one row (count 0, dc 0, other functions null).
                var empty = new Event();
                foreach (var agg in a.Aggregations)
                    empty.Set(agg.OutputName, new Accumulator(agg.Function, agg.Argument is not null).Result());
                return [empty];
            }
            var result = new List<Event>();
            var sortedKeys = order.Select(k => groups[k]).ToList();
            sortedKeys.Sort((x, y) =>
            {
                for (var i = 0; i < x.Key.Count; i++)
                {
                    var c = Matching.CompareAuto(x.Key[i], y.Key[i]);
                    if (c != 0) return c;
                }
                return 0;
            });
            foreach (var (key, accumulators) in sortedKeys)
            {
                var row = new Event();
                for (var i = 0; i < a.GroupBy.Length; i++)
                    row.Set(a.GroupBy[i], a.GroupBy[i] == "_time" && FieldValue.TryParseNumber(key[i], out var t) ? FieldValue.Number(t) : FieldValue.String(key[i]));
                for (var i = 0; i < a.Aggregations.Length; i++)
                    row.Set(a.Aggregations[i].OutputName, accumulators[i].Result());
                result.Add(row);
            }
            return result;

            (List<string> Key, Accumulator[] Accumulators)? Group(List<string> key)
            {
                var text = KeyText(key);
                if (groups.TryGetValue(text, out var g)) return g;
                if (groups.Count >= Options.MaxGroups)
                {
                    groupLimitHit = true;
                    return null;
                }
                g = (key, a.Aggregations.Select(x => new Accumulator(x.Function, x.Argument is not null)).ToArray());
                groups[text] = g;
                order.Add(text);
                return g;
            }
        }

        private static string KeyText(List<string> key) => string.Join("\u0001", key);

        private void AddTo(Accumulator[] accumulators, ImmutableArray<Aggregation> aggregations, Event row)
        {
            for (var i = 0; i < aggregations.Length; i++)
            {
                var agg = aggregations[i];
                var value = agg.Argument is null ? FieldValue.String("1") : _expressions.Evaluate(agg.Argument, row);
                if (agg.Argument is null || !value.IsNull) accumulators[i].Add(value, row.Time);
            }
        }

        /// <summary>The group keys of a row: none when a by field is missing (the row is dropped), several when a
        /// by field is multivalue (one group per value, as Splunk's stats).</summary>
        private static List<List<string>> Keys(Event row, ImmutableArray<string> by, double? span, string? fillNull)
        {
            var keys = new List<List<string>> { new() };
            foreach (var field in by)
            {
                ImmutableArray<string> values;
                if (field == "_time" && span is { } s && row.Time is { } t) values = [FieldValue.FormatNumber(Spans.Floor(t, s))];
                else values = row[field].Values;
                if (values.Length == 0 && fillNull is not null) values = [fillNull];
                if (values.Length == 0) return [];
                keys = keys.SelectMany(k => values.Distinct(StringComparer.Ordinal).Select(v => new List<string>(k) { v })).ToList();
            }
            return keys;
        }

        // ------------------------------------------------------------------ fields

        private static Regex WildcardRegex(string pattern) =>
            new("^" + string.Join("(.*)", pattern.Split('*').Select(Regex.Escape)) + "$", RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromSeconds(1));

        private static void Rename(RenameStage r, Event row)
        {
            foreach (var (from, to) in r.Pairs)
            {
                if (!from.Contains('*'))
                {
                    row.Rename(from, to);
                    continue;
                }
                var regex = WildcardRegex(from);
                foreach (var field in row.Fields.ToList())
                {
                    var m = regex.Match(field);
                    if (!m.Success) continue;
                    var parts = to.Split('*');
                    var sb = new StringBuilder(parts[0]);
                    for (var i = 1; i < parts.Length; i++)
                        sb.Append(i < m.Groups.Count ? m.Groups[i].Value : "").Append(parts[i]);
                    row.Rename(field, sb.ToString());
                }
            }
        }

        private static List<string> Matches(Event row, IEnumerable<string> patterns)
        {
            var result = new List<string>();
            foreach (var p in patterns)
            {
                if (!p.Contains('*'))
                {
                    if (!result.Contains(p)) result.Add(p);
                    continue;
                }
                var regex = WildcardRegex(p);
                foreach (var f in row.Fields)
                    if (regex.IsMatch(f) && !result.Contains(f)) result.Add(f);
            }
            return result;
        }

        private static void Project(ProjectStage p, Event row)
        {
            var matched = Matches(row, p.Fields);
            switch (p.Mode)
            {
                case ProjectMode.Table:
                    row.Retain(matched);
                    break;
                case ProjectMode.Keep:
                    // fields keeps the internal fields _raw and _time unless named for removal.
                    row.Retain([.. matched, .. row.Fields.Where(f => f is "_raw" or "_time" && !matched.Contains(f))]);
                    break;
                default:
                    foreach (var f in matched) row.Remove(f);
                    break;
            }
        }

        private List<Event> Dedup(DedupStage d, List<Event> rows)
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            var result = new List<Event>();
            string? previous = null;
            foreach (var row in rows)
            {
                var values = d.Fields.Select(f => row[f]).ToList();
                if (values.Any(v => v.IsNull))
                {
                    if (d.KeepEmpty) result.Add(row);
                    continue;
                }
                var key = string.Join("\u0001", values.Select(v => string.Join("\u0002", v.Values)));
                if (d.Consecutive)
                {
                    if (key != previous) result.Add(row);
                    previous = key;
                    continue;
                }
                counts.TryGetValue(key, out var n);
                if (n < d.Count) result.Add(row);
                counts[key] = n + 1;
            }
            return d.SortBy.Length > 0 ? Sort(result, d.SortBy) : result;
        }

        private static List<Event> Sort(List<Event> rows, ImmutableArray<SortKeySpec> keys)
        {
            var indexed = rows.Select((r, i) => (Row: r, Index: i)).ToList();
            indexed.Sort((x, y) =>
            {
                foreach (var k in keys)
                {
                    var a = x.Row[k.Field];
                    var b = y.Row[k.Field];
                    // Missing values sort last in either direction (the largest value ascending, the smallest
                    // descending).
                    if (a.IsNull || b.IsNull)
                    {
                        if (a.IsNull != b.IsNull) return a.IsNull ? 1 : -1;
                        continue;
                    }
                    var c = CompareForSort(a, b, k.Conversion);
                    if (c != 0) return k.Descending ? -c : c;
                }
                return x.Index.CompareTo(y.Index);
            });
            return indexed.Select(x => x.Row).ToList();
        }

        /// <summary>Numbers before strings, numerically; strings ordinally (<c>str()</c> forces lexicographic).</summary>
        private static int CompareForSort(FieldValue a, FieldValue b, string? conversion)
        {
            var x = a.AsString()!;
            var y = b.AsString()!;
            var mode = conversion?.ToLowerInvariant();
            if (mode == "str") return string.CompareOrdinal(x, y);
            var xn = FieldValue.TryParseNumber(x, out var xv);
            var yn = FieldValue.TryParseNumber(y, out var yv);
            if (xn && yn) return xv.CompareTo(yv);
            if (xn != yn) return xn ? -1 : 1;
            return string.CompareOrdinal(x, y);
        }

        private void Bin(BinStage b, List<Event> rows)
        {
            if (b.BinSpan is null)
            {
                context.Report(EvaluationDiagnostics.UnsupportedStage(b.Span, "bin", "bins= without span= is not evaluated"));
                return;
            }
            // A span with a time unit (span=1h) bins time values, whatever the field (the corpus bins copies of _time
            // such as gtime this way, and the KQL and ES|QL backends bin them as times too); a plain number on a field
            // other than _time gives ranges.
            var plainNumber = FieldValue.TryParseNumber(b.BinSpan, out var n);
            var isTime = b.Field == "_time" || !plainNumber;
            double? span = isTime ? Spans.Seconds(b.BinSpan) : n > 0 ? n : null;
            if (span is not { } s)
            {
                context.Report(EvaluationDiagnostics.UnsupportedStage(b.Span, "bin", $"span={b.BinSpan} is not read"));
                return;
            }
            foreach (var row in rows)
            {
                if (row[b.Field].AsNumber() is not { } v) continue;
                var low = Spans.Floor(v, s);
                row.Set(b.OutputField, isTime
                    ? FieldValue.Number(low)
                    : FieldValue.String(FieldValue.FormatNumber(low) + "-" + FieldValue.FormatNumber(low + s)));
            }
        }

        private static void FillNull(FillNullStage f, List<Event> rows)
        {
            var fields = f.Fields.Length > 0
                ? f.Fields.ToList()
                : rows.SelectMany(r => r.Fields).Distinct(StringComparer.Ordinal).ToList();
            foreach (var row in rows)
                foreach (var field in fields)
                    if (row[field].IsNull || row[field].AsString()!.Length == 0)
                        row.Set(field, f.Value);
        }

        private void Extract(ExtractStage x, List<Event> rows)
        {
            if (x.SedMode)
            {
                Sed(x, rows);
                return;
            }
            if (context.Regex(x.Regex, x.Span) is not { } regex) return;
            var names = regex.GetGroupNames().Where(n => !int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out _)).ToList();
            var max = x.MaxMatch <= 0 ? int.MaxValue : x.MaxMatch;
            foreach (var row in rows)
            {
                if (row[x.Field].AsString() is not { } input) continue;
                var found = names.ToDictionary(n => n, _ => new List<string>(), StringComparer.Ordinal);
                var m = context.Match(regex, input, x.Span);
                var count = 0;
                while (m is { Success: true } && count < max)
                {
                    foreach (var n in names)
                        if (m.Groups[n].Success) found[n].Add(m.Groups[n].Value);
                    count++;
                    if (m.Length == 0) break;
                    m = context.Next(m, regex, x.Span);
                }
                foreach (var n in names)
                    if (found[n].Count > 0) row.Set(n, FieldValue.Multi(found[n]));
            }
        }

        private void Sed(ExtractStage x, List<Event> rows)
        {
            var text = x.Regex;
            if (text.Length < 4 || text[0] != 's')
            {
                context.Report(EvaluationDiagnostics.UnsupportedStage(x.Span, "rex", "only sed 's/regex/replacement/flags' is evaluated"));
                return;
            }
            var delimiter = text[1];
            var parts = new List<string>();
            var sb = new StringBuilder();
            for (var i = 2; i < text.Length; i++)
            {
                if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] == delimiter)
                {
                    sb.Append(delimiter);
                    i++;
                }
                else if (text[i] == delimiter)
                {
                    parts.Add(sb.ToString());
                    sb.Clear();
                }
                else sb.Append(text[i]);
            }
            parts.Add(sb.ToString());
            if (parts.Count != 3)
            {
                context.Report(EvaluationDiagnostics.UnsupportedStage(x.Span, "rex", "the sed expression is not 's/regex/replacement/flags'"));
                return;
            }
            var flags = parts[2];
            var pattern = flags.Contains('i', StringComparison.Ordinal) ? "(?i)" + parts[0] : parts[0];
            if (context.Regex(pattern, x.Span) is not { } regex) return;
            var global = flags.Contains('g', StringComparison.Ordinal);
            var replacement = ExpressionEvaluator.SedReplacement(parts[1]);
            foreach (var row in rows)
            {
                if (row[x.Field].AsString() is not { } input) continue;
                try
                {
                    row.Set(x.Field, global ? regex.Replace(input, replacement) : regex.Replace(input, replacement, 1));
                }
                catch (RegexMatchTimeoutException)
                {
                    context.Report(EvaluationDiagnostics.RegexError(x.Span, x.Regex, "timed out; the field was left unchanged."));
                }
            }
        }

        private void Convert(ConvertStage c, List<Event> rows)
        {
            foreach (var (function, field, output) in c.Conversions)
            {
                if (function is not ("ctime" or "num"))
                {
                    context.Report(EvaluationDiagnostics.UnsupportedStage(c.Span, "convert", $"{function}() is not evaluated"));
                    continue;
                }
                var format = c.TimeFormat ?? "%m/%d/%Y %H:%M:%S";
                if (function == "ctime" && TimeFormats.StrFTime(0, format) is null)
                {
                    context.Report(EvaluationDiagnostics.UnsupportedStage(c.Span, "convert", $"timeformat=\"{format}\" has a format variable the evaluator does not write"));
                    continue;
                }
                foreach (var row in rows)
                {
                    if (row[field].AsNumber() is not { } n) continue;
                    row.Set(output, function == "num" ? FieldValue.Number(n) : FieldValue.String(TimeFormats.StrFTime(n, format)!));
                }
            }
        }

    }
}
