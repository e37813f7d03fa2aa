using System.Collections.Immutable;
using ExfilQuery.Ir;

namespace ExfilQuery.Evaluation;

public static partial class DetectionEvaluator
{
    private sealed partial class Runner
    {
        /// <summary>Aggregations whose OTHER value is the same whether computed over the merged series' events or
        /// from their values: for the others the Search Reference does not say which Splunk does.</summary>
        private static readonly string[] MergeSafe = ["count", "c", "sum", "min", "max"];

        /// <summary>chart and timechart (Splunk Search Reference, "chart" and "timechart"), decided as follows:
        /// <list type="bullet">
        /// <item>Rows: one per value of the row-split field (a multivalue field gives one row per value; rows missing it
        /// are dropped, as stats drops them), sorted numbers first, numerically, then strings (as stats); timechart: one
        /// per <c>span</c> bucket of <c>_time</c>, ascending, and with <c>cont=true</c> (default) every bucket between
        /// the first and the last, empty ones included. The evaluator has no dispatch time range (All time), so the
        /// buckets run from the first to the last bucket with data (lowering refuses fixedrange with earliest/latest).</item>
        /// <item>Cells: the aggregation over the events of that row and series; where there are none, the aggregation
        /// over no events: count and dc 0, every other function null ("bins that have no values will display with a
        /// count of 0 or null values", chart, cont; the reference's tables show 0 for count and dc).</item>
        /// <item>Series: one per split value (each value of a multivalue field, duplicates counted unless
        /// dedup_splitvals=true); events without the split field make the NULL series (usenull/nullstr); with more
        /// split values than <c>limit</c> (default 10, 0: all), the top (bottomN: lowest) scoring are kept, scored by
        /// the sum of the cells of a single aggregation or by the number of events with several, ties broken
        /// lexicographically; a where clause replaces the limit (see <see cref="Kept"/>); the others merge into OTHER
        /// (useother/otherstr), aggregated over their events.</item>
        /// <item>Columns: the row field, then per aggregation the kept series in lexicographic order, NULL, OTHER;
        /// named by the aggregation without a split field, by the value with one aggregation, by format/sep
        /// (<c>$AGG$</c>, <c>$VAL$</c>) with several; timechart prefixes <c>VALUE</c> to a name starting with <c>_</c>.</item>
        /// </list>
        /// Where the reference is silent (the default names with several aggregations, where NULL stands beside the
        /// limit, OTHER of a function that does not merge), EVL0020/EVL0021 say so.</summary>
        private List<Event> Chart(ChartStage c, List<Event> rows)
        {
            foreach (var agg in c.Aggregations)
                if (!Accumulator.IsKnown(agg.Function))
                    context.Report(EvaluationDiagnostics.UnknownFunction(agg.Span, agg.Function));
            var timechart = c.Command == "timechart";
            double span = 0;
            if (timechart)
            {
                if (c.BinSpan is null || Spans.Seconds(c.BinSpan) is not { } seconds)
                {
                    context.Report(EvaluationDiagnostics.UnsupportedStage(c.Span, c.Command, c.BinSpan is null ? "timechart without span= is not evaluated" : $"span={c.BinSpan} is not read"));
                    return rows;
                }
                span = seconds;
            }

            var cells = new Dictionary<(string Row, string? Series), Accumulator[]>();
            var rowValues = new Dictionary<string, double>(StringComparer.Ordinal);
            var seriesEvents = new Dictionary<string, long>(StringComparer.Ordinal);
            var added = new List<(string Row, string? Series, Event Event)>();
            var groupLimitHit = false;
            foreach (var row in rows)
            {
                List<string> rowKeys;
                if (timechart)
                {
                    if (row.Time is not { } t) continue;
                    var bucket = Spans.Floor(t, span);
                    var key = FieldValue.FormatNumber(bucket);
                    rowValues[key] = bucket;
                    rowKeys = [key];
                }
                else if (c.RowField is null) rowKeys = [""];
                else
                {
                    rowKeys = [.. row[c.RowField].Values.Distinct(StringComparer.Ordinal)];
                    if (rowKeys.Count == 0) continue;
                }
                string?[] series;
                if (c.SplitField is null) series = [""];
                else
                {
                    var values = row[c.SplitField].Values;
                    if (values.Length == 0)
                    {
                        if (!c.UseNull) continue;
                        series = [null];
                    }
                    else series = [.. c.DedupSplitValues ? values.Distinct(StringComparer.Ordinal) : values];
                }
                foreach (var rowKey in rowKeys)
                    foreach (var s in series)
                    {
                        if (!cells.TryGetValue((rowKey, s), out var accumulators))
                        {
                            if (cells.Count >= Options.MaxGroups)
                            {
                                groupLimitHit = true;
                                continue;
                            }
                            cells[(rowKey, s)] = accumulators = NewAccumulators(c.Aggregations);
                        }
                        AddTo(accumulators, c.Aggregations, row);
                        added.Add((rowKey, s, row));
                        if (s is not null && c.SplitField is not null) seriesEvents[s] = seriesEvents.GetValueOrDefault(s) + 1;
                    }
            }
            if (groupLimitHit) context.Report(EvaluationDiagnostics.GroupLimit(c.Span, Options.MaxGroups));

            var (kept, dropped) = SelectSeries(c, cells, seriesEvents);
            var columns = new List<string?>(kept);
            var hasNull = c.SplitField is not null && cells.Keys.Any(k => k.Series is null);
            if (hasNull) columns.Add(null);
            var other = new Dictionary<string, Accumulator[]>(StringComparer.Ordinal);
            if (dropped.Count > 0 && c.UseOther)
            {
                foreach (var (rowKey, s, e) in added)
                {
                    if (s is null || !dropped.Contains(s)) continue;
                    if (!other.TryGetValue(rowKey, out var accumulators)) other[rowKey] = accumulators = NewAccumulators(c.Aggregations);
                    AddTo(accumulators, c.Aggregations, e);
                }
                if (c.Aggregations.FirstOrDefault(a => !MergeSafe.Contains(a.Function)) is { } unsafeAgg)
                    context.Report(EvaluationDiagnostics.ChartSeries(c.Span, c.Command, $"the {c.OtherString} series' {unsafeAgg.OutputName} is computed over the events of the {dropped.Count} merged split values, not from their values"));
            }
            if (dropped.Count > 0 && hasNull)
                context.Report(EvaluationDiagnostics.ChartSeries(c.Span, c.Command, $"the {c.NullString} series (events without '{c.SplitField}') is kept beside {(c.Where is null ? $"the limit of {c.Limit}" : "the where clause")} and not ranked with the split values"));

            var names = ColumnNames(c, columns, dropped.Count > 0 && c.UseOther);
            var empty = NewAccumulators(c.Aggregations);
            var result = new List<Event>();
            var outputRows = RowKeys(c, timechart, span, rowValues, cells.Keys.Select(k => k.Row));
            // Every cell is written, empty or not, so memory grows with rows × columns: capped by MaxChartCells.
            var cellsPerRow = 1L + (long)c.Aggregations.Length * (columns.Count + (dropped.Count > 0 && c.UseOther ? 1 : 0));
            if (outputRows.Count * cellsPerRow > Options.MaxChartCells)
            {
                var fit = (int)Math.Max(1, Options.MaxChartCells / cellsPerRow);
                context.Report(EvaluationDiagnostics.ChartCellLimit(c.Span, Options.MaxChartCells, fit));
                outputRows = outputRows.Take(fit).ToList();
            }
            foreach (var rowKey in outputRows)
            {
                var output = new Event();
                if (c.RowField is not null)
                    output.Set(c.RowField, timechart ? FieldValue.Number(rowValues.TryGetValue(rowKey, out var b) ? b : FieldValue.TryParseNumber(rowKey, out var n) ? n : 0) : FieldValue.String(rowKey));
                for (var i = 0; i < c.Aggregations.Length; i++)
                {
                    for (var j = 0; j < columns.Count; j++)
                        output.Set(names[i][j], (cells.TryGetValue((rowKey, columns[j]), out var a) ? a[i] : empty[i]).Result());
                    if (dropped.Count > 0 && c.UseOther)
                        output.Set(names[i][^1], (other.TryGetValue(rowKey, out var o) ? o[i] : empty[i]).Result());
                }
                result.Add(output);
            }
            return result;
        }

        private static Accumulator[] NewAccumulators(ImmutableArray<Aggregation> aggregations) =>
            aggregations.Select(a => new Accumulator(a.Function, a.Argument is not null)).ToArray();

        /// <summary>The row keys in output order: timechart buckets ascending, with <c>cont=true</c> every bucket from the
        /// first to the last (at most <see cref="EvaluationOptions.MaxRows"/>, EVL0003 past that); chart values as stats
        /// sorts its groups; chart without a row field one row even over no events (as stats).</summary>
        private List<string> RowKeys(ChartStage c, bool timechart, double span, Dictionary<string, double> rowValues, IEnumerable<string> used)
        {
            var keys = used.Distinct(StringComparer.Ordinal).ToList();
            if (!timechart)
            {
                if (c.RowField is null) return [""];
                keys.Sort(Matching.CompareAuto);
                return keys;
            }
            keys.Sort((x, y) => rowValues[x].CompareTo(rowValues[y]));
            if (!c.Continuous || keys.Count < 2) return keys;
            var first = rowValues[keys[0]];
            var count = Math.Round((rowValues[keys[^1]] - first) / span) + 1;
            if (count > Options.MaxRows) context.Report(EvaluationDiagnostics.RowLimit(c.Span, Options.MaxRows));
            var filled = new List<string>();
            for (var i = 0; i < Math.Min(count, Options.MaxRows); i++)
            {
                var bucket = first + i * span;
                var key = FieldValue.FormatNumber(bucket);
                rowValues.TryAdd(key, bucket);
                filled.Add(key);
            }
            return filled;
        }

        /// <summary>The split values that keep their own series and the ones merged (limit, top/bottom; Search
        /// Reference "timechart", limit: a single aggregation scores by the sum of its values, several by the number
        /// of events; ties broken lexicographically). The kept ones are returned in lexicographic order.</summary>
        private (List<string> Kept, HashSet<string> Dropped) SelectSeries(ChartStage c, Dictionary<(string Row, string? Series), Accumulator[]> cells, Dictionary<string, long> seriesEvents)
        {
            var all = seriesEvents.Keys.ToList();
            var dropped = new HashSet<string>(StringComparer.Ordinal);
            if (c.SplitField is null)
                return ([""], dropped);
            // The first aggregation's value in each cell of each series, read once (series × cells would not end).
            var values = new Dictionary<string, List<FieldValue>>(StringComparer.Ordinal);
            foreach (var (key, accumulators) in cells)
            {
                if (key.Series is not { } name) continue;
                if (!values.TryGetValue(name, out var list)) values[name] = list = [];
                list.Add(accumulators[0].Result());
            }
            if (c.Where is { } where)
            {
                var kept = Kept(where, all, values, seriesEvents, c);
                foreach (var s in all.Where(s => !kept.Contains(s))) dropped.Add(s);
                all = [.. kept];
            }
            else if (c.Limit > 0 && all.Count > c.Limit)
            {
                var scores = new Dictionary<string, double>(StringComparer.Ordinal);
                var nonNumeric = false;
                foreach (var s in all)
                {
                    if (c.Aggregations.Length != 1)
                    {
                        scores[s] = seriesEvents[s];
                        continue;
                    }
                    double sum = 0;
                    foreach (var value in values[s])
                    {
                        if (value.AsNumber() is { } number) sum += number;
                        else if (!value.IsNull) nonNumeric = true;
                    }
                    scores[s] = sum;
                }
                if (c.Command == "chart" && c.Aggregations.Length > 1)
                    context.Report(EvaluationDiagnostics.ChartSeries(c.Span, c.Command, $"with several aggregations the split values are ranked for limit={c.Limit} by their number of events, as timechart's reference says; chart's says only 'the sum of each series'"));
                if (nonNumeric)
                    context.Report(EvaluationDiagnostics.ChartSeries(c.Span, c.Command, $"some {c.Aggregations[0].OutputName} values are not numbers; they add 0 to their split value's score for limit={c.Limit}"));
                var ranked = all.OrderBy(s => c.Bottom ? scores[s] : -scores[s]).ThenBy(s => s, StringComparer.Ordinal).ToList();
                foreach (var s in ranked.Skip(c.Limit)) dropped.Add(s);
                all = ranked.Take(c.Limit).ToList();
            }
            all.Sort(StringComparer.Ordinal);
            return (all, dropped);
        }

        /// <summary>The split values a where clause keeps (Search Reference, "timechart", where clause: "the default is the
        /// same as specifying where sum in top10"; with count it "measures the total number of events"): each series is
        /// scored by the function over its cells that have events, count by its number of events; in/notin take the top or
        /// bottom N by score (ties broken lexicographically), &lt; and &gt; compare with the threshold.</summary>
        private HashSet<string> Kept(ChartFilter where, List<string> all, Dictionary<string, List<FieldValue>> values, Dictionary<string, long> seriesEvents, ChartStage c)
        {
            var countsEvents = where.Function is "count" or "c";
            if (!countsEvents && !Accumulator.IsKnown(where.Function))
            {
                context.Report(EvaluationDiagnostics.UnknownFunction(where.Span, where.Function));
                return [.. all];
            }
            if (where.Function is not ("sum" or "max") && !countsEvents)
                context.Report(EvaluationDiagnostics.ChartSeries(where.Span, c.Command, $"where {where.Function} scores each series over the rows where it has events, not over its empty cells"));
            var scores = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var s in all)
            {
                if (countsEvents)
                {
                    scores[s] = seriesEvents[s];
                    continue;
                }
                var score = new Accumulator(where.Function, true);
                foreach (var value in values[s])
                    if (!value.IsNull) score.Add(value, null);
                scores[s] = score.Result().AsNumber() ?? double.NaN;
            }
            if (where.Comparison is "<" or ">")
                return [.. all.Where(s => where.Comparison == "<" ? scores[s] < where.Value : scores[s] > where.Value)];
            var top = all.OrderBy(s => where.Bottom ? scores[s] : -scores[s]).ThenBy(s => s, StringComparer.Ordinal).Take((int)where.Value).ToHashSet(StringComparer.Ordinal);
            return where.Comparison == "in" ? top : [.. all.Where(s => !top.Contains(s))];
        }

        /// <summary>Column names per aggregation: the kept columns (null: the NULL series), then OTHER when
        /// <paramref name="withOther"/>.</summary>
        private List<List<string>> ColumnNames(ChartStage c, List<string?> columns, bool withOther)
        {
            var values = columns.Select(s => s ?? c.NullString).ToList();
            if (withOther) values.Add(c.OtherString);
            var names = new List<List<string>>();
            if (c.SplitField is not null && c.Aggregations.Length == 1 && c.Format is not null && values.Count > 0)
                context.Report(EvaluationDiagnostics.ChartNames(c.Span, c.Command, "with one aggregation the columns are named by the split values alone, format/sep unused"));
            if (c.SplitField is not null && c.Aggregations.Length > 1 && c.Format is null && values.Count > 0)
                context.Report(EvaluationDiagnostics.ChartNames(c.Span, c.Command, "with several aggregations and no format= or sep= the columns are named '<aggregation>: <value>'"));
            string? underscored = null;
            foreach (var agg in c.Aggregations)
            {
                var list = new List<string>();
                foreach (var value in values)
                {
                    var name = c.SplitField is null ? agg.OutputName
                        : c.Aggregations.Length == 1 ? value
                        : (c.Format ?? "$AGG$: $VAL$").Replace("$AGG$", agg.OutputName, StringComparison.Ordinal).Replace("$VAL$", value, StringComparison.Ordinal);
                    // timechart: "Prepending VALUE to the names of some fields that begin with underscore" (Usage).
                    if (name.StartsWith('_') && c.SplitField is not null)
                    {
                        if (c.Command == "timechart") name = "VALUE" + name;
                        else underscored ??= name;
                    }
                    list.Add(name);
                }
                names.Add(list);
            }
            if (underscored is not null)
                context.Report(EvaluationDiagnostics.ChartNames(c.Span, c.Command, $"columns starting with an underscore ('{underscored}') are kept so (timechart would name them 'VALUE{underscored}')"));
            return names;
        }
    }
}
