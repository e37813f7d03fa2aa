using System.Collections.Immutable;
using System.Globalization;
using ExfilQuery.Diagnostics;
using ExfilQuery.Syntax;

namespace ExfilQuery.Ir;

public static partial class Lowering
{
    private sealed partial class Lowerer
    {
        /// <summary>True once the search has an <c>earliest=</c>/<c>latest=</c> condition: with it, timechart's
        /// default fixedrange=true makes the buckets cover that range.</summary>
        private bool _timeBounded;

        /// <summary>Options chart and timechart share (Search Reference, "chart": chart-options and tc-options;
        /// "timechart": optional arguments and tc-options), and the ones only timechart takes.</summary>
        private static readonly string[] ChartOptions = ["limit", "useother", "otherstr", "usenull", "nullstr", "sep", "format", "dedup_splitvals", "cont"];
        private static readonly string[] TimechartOptions = ["span", "partial", "fixedrange"];

        /// <summary>chart and timechart (Splunk Search Reference, "chart" and "timechart"). Options the IR does not
        /// model (bins, minspan, start, end, aligntime, agg, a row-split span for chart, partial=false) are refused with
        /// an <see cref="UnsupportedStage"/> naming them; the evaluator and the backends report it.</summary>
        private Stage LowerChart(StatsCommand s)
        {
            var command = s.Name;
            var timechart = s.Kind == StatsKind.Timechart;
            var options = s.Options.Concat(s.ClauseOptions).ToImmutableArray();
            foreach (var option in options)
            {
                var name = option.Name.ToLowerInvariant();
                if (!ChartOptions.Contains(name) && !(timechart && TimechartOptions.Contains(name)))
                    return new UnsupportedStage(command, $"the option '{option.Name}' is not modelled ({OptionMeaning(name, timechart)}).");
            }

            string? row;
            string? split;
            if (timechart)
            {
                // timechart: _time is the row (x-axis), one optional split-by field; no over clause.
                if (s.Over is not null || s.By.Length > 1)
                    return Invalid(s, "timechart takes one split-by field and no over clause.");
                row = "_time";
                split = s.By.FirstOrDefault()?.Name;
            }
            else
            {
                // chart: OVER row [BY column], or BY row [column] (the same meaning).
                if (s.Over is not null ? s.By.Length > 1 : s.By.Length > 2)
                    return Invalid(s, "chart takes one row-split and one column-split field.");
                row = s.Over?.Name ?? s.By.FirstOrDefault()?.Name;
                split = s.Over is not null ? s.By.FirstOrDefault()?.Name : s.By.Length > 1 ? s.By[1].Name : null;
            }

            string? span = null;
            if (timechart)
            {
                // "If you specify these arguments after the split-by field, Splunk software assumes that you want to
                // control the bins on the split-by field, not on the time axis" (Search Reference, "timechart", Usage).
                if (split is not null && options.FirstOrDefault(o => o.Name.Equals("span", StringComparison.OrdinalIgnoreCase) && o.Span.Start > s.By[0].Span.Start) is { } late)
                    return new UnsupportedStage(command, $"'{late.Name}' after the split-by field bins '{split}', not _time; the IR does not model binned split fields.");
                if (Option(options, "span") is not { } so)
                    return new UnsupportedStage(command, "without span= timechart takes its bucket size from the search's time range (bins=100, Search Reference \"timechart\", Usage); the search has none here, so give span= explicitly.");
                span = OptionText(so);
                if (Flag(options, "partial", true) is not { } partial) return Invalid(s, "partial= must be true or false.");
                if (!partial)
                    return new UnsupportedStage(command, "partial=false drops the first and last buckets when the search's time range cuts them; the IR has no search time range.");
            }

            var limit = 10;
            var bottom = false;
            if (Option(options, "limit") is { } lo)
            {
                var text = OptionText(lo).ToLowerInvariant();
                bottom = text.StartsWith("bottom", StringComparison.Ordinal);
                var digits = bottom ? text[6..] : text.StartsWith("top", StringComparison.Ordinal) ? text[3..] : text;
                if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out limit))
                    return Invalid(s, "limit= must be N, topN or bottomN.");
            }
            var useOther = Flag(options, "useother", true);
            var useNull = Flag(options, "usenull", true);
            var dedup = Flag(options, "dedup_splitvals", false);
            var continuous = Flag(options, "cont", true);
            var fixedRange = Flag(options, "fixedrange", true);
            if (useOther is null || useNull is null || dedup is null || continuous is null || fixedRange is null)
                return Invalid(s, "useother, usenull, dedup_splitvals, cont and fixedrange take true or false.");
            if (timechart && continuous.Value && fixedRange.Value && _timeBounded)
                return new UnsupportedStage(command, "with earliest=/latest= in the search, fixedrange=true (the default) and cont=true, Splunk's buckets cover the search's whole time range, empty ones included; the IR has no search time range (set fixedrange=false or cont=false).");
            ChartFilter? where = null;
            if (s.Where is { } w)
            {
                if (split is null) return Invalid(s, "a where clause picks series of a split-by field, and there is none.");
                if (w.Field is not null)
                    return new UnsupportedStage(command, $"where {w.Function}({w.Field.Name}): the reference does not say what an aggregation of a field scores in a where clause.");
                if (s.Aggregations.Length > 1 && !w.Function.Equals("count", StringComparison.OrdinalIgnoreCase))
                    return new UnsupportedStage(command, $"where {w.Function} with several aggregations: the reference does not say which aggregation's values it reads.");
                var comparison = w.Comparison.ToLowerInvariant();
                var text = w.Value.ToLowerInvariant();
                var whereBottom = text.StartsWith("bottom", StringComparison.Ordinal);
                var number = comparison is "in" or "notin" ? (whereBottom ? text[6..] : text.StartsWith("top", StringComparison.Ordinal) ? text[3..] : "") : text;
                if (comparison is not ("in" or "notin" or "<" or ">")
                    || !double.TryParse(number, comparison is "in" or "notin" ? NumberStyles.None : NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                    return Invalid(s, "the where clause must be '<function> (in|notin) (top|bottom)N' or '<function> (<|>) number'.");
                where = new ChartFilter(w.Function.ToLowerInvariant(), comparison, whereBottom, value) { Span = Map(w) };
            }
            // format takes precedence over sep; sep=X is format=$AGG$X$VAL$ (Search Reference, "timechart": format, sep).
            var format = Option(options, "format") is { } fo ? OptionText(fo) : Option(options, "sep") is { } sep ? "$AGG$" + OptionText(sep) + "$VAL$" : null;
            return new ChartStage(command, LowerAggregations(s.Aggregations, command), row, span, split, limit, bottom, useOther.Value,
                Option(options, "otherstr") is { } os ? OptionText(os) : "OTHER", useNull.Value,
                Option(options, "nullstr") is { } ns ? OptionText(ns) : "NULL", format, dedup.Value, continuous.Value, fixedRange.Value, where);
        }

        private UnsupportedStage Invalid(StatsCommand s, string detail)
        {
            Diagnostics.Add(DiagnosticFacts.InvalidArgumentValue(Map(s), s.Name, detail));
            return new UnsupportedStage(s.Name, detail);
        }

        /// <summary>A boolean option (true/t/1, false/f/0); the default when absent; null when it is neither.</summary>
        private static bool? Flag(ImmutableArray<CommandOption> options, string name, bool defaultValue) =>
            Option(options, name) is not { } o ? defaultValue
            : OptionText(o).ToLowerInvariant() switch
            {
                "true" or "t" or "1" => true,
                "false" or "f" or "0" => false,
                _ => null,
            };

        private static string OptionMeaning(string name, bool timechart) => name switch
        {
            "bins" or "minspan" => "it makes the bucket size depend on the data's time range",
            "span" when !timechart => "chart's span bins the row-split field",
            "start" or "end" or "aligntime" => "it moves the bucket bounds",
            "agg" => "it changes which split values the limit keeps",
            _ => "not an option of " + (timechart ? "timechart" : "chart") + " the IR knows",
        };
    }
}
