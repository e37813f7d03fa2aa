using System.Globalization;
using ExfilQuery.Diagnostics;
using ExfilQuery.Ir;

namespace ExfilQuery.Kql;

// stats / tstats / eventstats. Splunk's stats drops rows that lack any group-by field; KQL's summarize keeps them
// under an empty key, so the translation filters them out first.
internal sealed partial class KqlWriter
{
    private int _letCounter;

    private string? WriteAggregate(AggregateStage a)
    {
        if (a.SharedOutputName() is { } shared)
        {
            Diagnostics.Add(DiagnosticFacts.KqlUnsupported(a.Span, $"Two outputs of {a.Command} are named '{shared}'; KQL needs distinct column names, and which one Splunk keeps is not documented."));
            return null;
        }
        if (a.Mode == AggregateMode.Running) return WriteRunning(a);
        // Key types as the source has them (a mapped key such as RemotePort is an int).
        var inputTypes = a.GroupBy.Distinct().ToDictionary(g => g, TypeOf, StringComparer.Ordinal);
        foreach (var g in a.GroupBy.Where(g => TypeOf(g) == KType.Dynamic))
            Diagnostics.Add(DiagnosticFacts.KqlUnsupported(a.Span, $"Grouping by '{g}', which holds several values here, groups by each value in Splunk; this is not translated yet."));
        var aggregations = new List<(string Name, string Text, KType Type)>();
        foreach (var agg in a.Aggregations)
        {
            var rendered = Aggregation(agg);
            if (rendered is { } r) aggregations.Add((agg.OutputName, r.Text, r.Type));
        }
        _defaultOrder = false;
        // Group keys keep their SPL names (`['Processes.dest'] = DeviceName`) so later stages find them.
        var keys = a.GroupBy.Select(g =>
        {
            var column = Column(g);
            if (g == "_time" && a.TimeSpan is not null) return $"{KqlSyntax.Identifier("_time")} = bin({column}, {Span(a.TimeSpan, a)})";
            return column == KqlSyntax.Identifier(g) ? column : $"{KqlSyntax.Identifier(g)} = {column}";
        }).ToList();
        // An aggregation rendered as "(helper, name) = arg_max(...)" assigns two columns; the helper is dropped after.
        var summarize = "summarize " + string.Join(", ", aggregations.Select(x => x.Text.StartsWith('(') ? x.Text.Replace("(@, ", "(" + HelperName(x.Name) + ", " + KqlSyntax.Identifier(x.Name) + ") = ", StringComparison.Ordinal).Replace("(@)", "", StringComparison.Ordinal) : $"{KqlSyntax.Identifier(x.Name)} = {x.Text}"))
            + (keys.Count > 0 ? " by " + string.Join(", ", keys) : "");
        var helpers = aggregations.Where(x => x.Text.StartsWith('(')).Select(x => HelperName(x.Name)).ToList();
        if (helpers.Count > 0) summarize += " | project-away " + string.Join(", ", helpers);
        var guard = a.GroupBy.IsEmpty ? null : "where " + string.Join(" and ", a.GroupBy.Select(g => TypeOf(g) == KType.String ? $"isnotempty({Column(g)})" : $"isnotnull({Column(g)})"));

        if (a.Mode == AggregateMode.Group)
        {
            _types = a.GroupBy.ToDictionary(g => g, g => inputTypes.TryGetValue(g, out var t) ? t : KType.String, StringComparer.Ordinal);
            _closed = true;
            foreach (var x in aggregations) Target(x.Name, x.Type);
            return (guard is null ? summarize : guard + "\n| " + summarize).Replace(" | project-away ", "\n| project-away ", StringComparison.Ordinal);
        }

        // eventstats: every row kept, the group's aggregates added. KQL: join the rows with their own summary.
        foreach (var x in aggregations) Target(x.Name, x.Type);
        var name = "_rows" + (++_letCounter).ToString(CultureInfo.InvariantCulture);
        _pendingLet = name;
        if (a.GroupBy.IsEmpty)
            return $"extend _k = 1\n| join kind=leftouter ({name} | {summarize} | extend _k = 1) on _k\n| project-away _k, _k1";
        var on = string.Join(", ", a.GroupBy.Select(Column));
        var away = string.Join(", ", a.GroupBy.Select(g => KqlSyntax.Identifier(g + "1")));
        var inner = guard is null ? summarize : guard + " | " + summarize;
        return $"join kind=leftouter ({name} | {inner}) on {on}\n| project-away {away}";
    }

    /// <summary>streamstats with its defaults: each row gets the aggregate over the rows before it and itself, in the
    /// current order, over a window of at most 10,000 rows (SPL Search Reference, "streamstats": without window or
    /// time_window, max_stream_window = 10,000 in limits.conf applies). Translated for count without a field or by
    /// clause, as KQL's row_cumsum over serialized rows capped at 10,000 (learn.microsoft.com/kusto/query/
    /// row-cumsum-function); other functions and by clauses need per-group sliding windows and fail. Raw events are
    /// sorted newest first, as head does (rows with the same _time may come in another order than in Splunk).</summary>
    private string? WriteRunning(AggregateStage a)
    {
        if (!a.GroupBy.IsEmpty)
            return Unsupported(a, "streamstats with a by clause (running values per group, over a sliding window of 10,000 rows) is not translated yet.");
        if (a.Aggregations.FirstOrDefault(x => x.Function != "count" || x.Argument is not null) is { } other)
            return Unsupported(a, $"streamstats {other.Function}({(other.Argument is null ? "" : "…")}) over a sliding window of 10,000 rows is not translated yet; only count is.");
        string order;
        if (_sorted) order = "serialize";
        else if (_defaultOrder && TypeOf("_time") == KType.DateTime) order = $"sort by {Column("_time")} desc";
        else return Unsupported(a, "streamstats runs in the current row order, which KQL does not keep here (after an aggregation or a stage that reorders rows); sort first.");
        var assignments = a.Aggregations.Select(x => $"{Target(x.OutputName, KType.Long)} = min_of(row_cumsum(1), 10000)").ToList();
        return order + "\n| extend " + string.Join(", ", assignments);
    }

    /// <summary>Set by a stage that needs the rows so far as a named value (eventstats joins them with themselves).</summary>
    private string? _pendingLet;

    private string Span(string span, IrNode origin)
    {
        var time = KqlSpan(span);
        if (time is null)
        {
            Diagnostics.Add(DiagnosticFacts.KqlUnsupported(origin.Span, $"The span '{span}' has no fixed length in KQL (months and years vary)."));
            return "1d";
        }
        return time;
    }

    /// <summary>perc95, p95, exactperc95, upperperc95 and median as a percentile number.</summary>
    private static string? PercentileOf(string function)
    {
        if (function == "median") return "50";
        foreach (var prefix in new[] { "exactperc", "upperperc", "perc", "p" })
        {
            if (function.StartsWith(prefix, StringComparison.Ordinal) && function.Length > prefix.Length
                && double.TryParse(function[prefix.Length..], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n is >= 0 and <= 100)
                return function[prefix.Length..];
        }
        return null;
    }

    internal static string? KqlSpan(string span)
    {
        var i = 0;
        while (i < span.Length && char.IsAsciiDigit(span[i])) i++;
        var count = i == 0 ? 1 : long.Parse(span[..i], CultureInfo.InvariantCulture);
        return span[i..].ToLowerInvariant() switch
        {
            "s" or "sec" or "secs" or "second" or "seconds" => $"{count}s",
            "m" or "min" or "mins" or "minute" or "minutes" => $"{count}m",
            "h" or "hr" or "hrs" or "hour" or "hours" => $"{count}h",
            "d" or "day" or "days" => $"{count}d",
            "w" or "week" or "weeks" => $"{count * 7}d",
            _ => null,
        };
    }

    private static string HelperName(string output) => KqlSyntax.Identifier("_at_" + output);

    private (string Text, KType Type)? Aggregation(Ir.Aggregation agg)
    {
        var arg = agg.Argument is null ? (Typed?)null : Expr(agg.Argument);
        if (arg is { Type: KType.Dynamic })
        {
            Diagnostics.Add(DiagnosticFacts.KqlUnsupported(agg.Span, $"{agg.Function}() of a field that holds several values here aggregates each value in Splunk; this is not translated yet."));
            return null;
        }
        if (arg is null && agg.Function is not ("count" or "c"))
        {
            // Only count aggregates rows; every other function needs a field or an eval expression.
            Diagnostics.Add(DiagnosticFacts.KqlUnsupported(agg.Span, $"{agg.Function} without a field or eval expression has nothing to aggregate; it is not translated."));
            return null;
        }
        var field = arg?.Text;
        var present = arg is null ? null : arg.Value.Type == KType.String ? $"isnotempty({field})" : $"isnotnull({field})";
        switch (agg.Function)
        {
            case "count" when arg is null:
                return ("count()", KType.Long);
            case "count" when agg.Argument is FieldRef:
                return ($"countif({present})", KType.Long);
            case "count":
                // count(eval(cond)): Splunk counts the rows where the expression has a value; a false
                // comparison is still a value, so only a true/false test would differ. Count where it is true.
                Diagnostics.Add(DiagnosticFacts.KqlApproximation(agg.Span, "count(eval(...)) counts rows where the expression is non-null in Splunk; KQL counts rows where it is true."));
                return ($"countif({field})", KType.Long);
            case "dc" or "distinct_count":
                return ($"count_distinctif({field}, {present})", KType.Long);
            case "sum":
                return ($"sum({Numeric(arg!.Value).Text})", KType.Real);
            case "avg" or "mean":
                return ($"avg({Numeric(arg!.Value).Text})", KType.Real);
            case "stdev":
                return ($"stdev({Numeric(arg!.Value).Text})", KType.Real);
            case "stdevp":
                return ($"stdevp({Numeric(arg!.Value).Text})", KType.Real);
            case "var":
                return ($"variance({Numeric(arg!.Value).Text})", KType.Real);
            case "varp":
                return ($"variancep({Numeric(arg!.Value).Text})", KType.Real);
            case "min" or "max" when arg is { Type: KType.DateTime or KType.Long or KType.Real }:
                return ($"{agg.Function}({field})", arg.Value.Type);
            case "min" or "max":
                // Splunk compares numerically when the values are numbers and lexicographically otherwise.
                Diagnostics.Add(DiagnosticFacts.KqlApproximation(agg.Span, $"{agg.Function}() of a text field compares numbers numerically in Splunk; KQL compares the values as numbers only."));
                return ($"{agg.Function}({Numeric(arg!.Value).Text})", KType.Real);
            case var p when PercentileOf(p) is { } percent:
                Diagnostics.Add(DiagnosticFacts.KqlApproximation(agg.Span, $"{agg.Function}() and KQL's percentile() both estimate percentiles, with different algorithms; results can differ slightly."));
                return ($"percentile({Numeric(arg!.Value).Text}, {percent})", KType.Real);
            case "latest" or "earliest" or "first" or "last" when arg is not null:
            {
                // latest(x): x at the newest event that has x; earliest(x): at the oldest. first/last are the first
                // and last seen in the current order, which is newest first only until the rows are reordered.
                var newest = agg.Function is "latest" or "first";
                if (agg.Function is "first" or "last" && !_defaultOrder)
                    Diagnostics.Add(DiagnosticFacts.KqlApproximation(agg.Span, $"{agg.Function}() takes the {(newest ? "first" : "last")} value in the current row order; KQL takes the value at the {(newest ? "newest" : "oldest")} _time."));
                var time = Column("_time");
                var fn = newest ? "arg_max" : "arg_min";
                // "(@, " is replaced by the helper and output names when the summarize is assembled.
                return ($"(@, {fn}(iff({present}, {time}, datetime(null)), {field})(@)", arg.Value.Type);
            }
            case "values":
                // Splunk's values() is the distinct values in lexicographic order.
                return ($"array_sort_asc(make_set_if({Str(arg!.Value).Text}, {present}))", KType.Dynamic);
            case "list":
                // list() keeps up to 100 values in order.
                return ($"make_list_if({Str(arg!.Value).Text}, {present}, 100)", KType.Dynamic);
            default:
                Diagnostics.Add(DiagnosticFacts.KqlUnsupported(agg.Span, $"The aggregation {agg.Function}() is not translated to KQL yet."));
                return null;
        }
    }
}
