using ExfilQuery.Diagnostics;
using ExfilQuery.Ir;

namespace ExfilQuery.Kql;

// chart / timechart (Splunk Search Reference, "chart", "timechart").
internal sealed partial class KqlWriter
{
    /// <summary>Without a split field a chart is a stats (<see cref="ChartShapes.AsAggregate"/>): same columns, rows
    /// missing the row field dropped. timechart's <c>cont=true</c> (the default) also gives the empty buckets between
    /// the first and the last (count 0, other functions null), which <c>summarize ... by bin(_time, S)</c> does not:
    /// KQL0006, partial. With a split field each split value becomes a column, kept or merged into OTHER by a ranking
    /// (limit, useother, usenull): KQL's pivot plugin neither ranks nor merges, and its column set depends on the data,
    /// so the translation fails with KQL0005.</summary>
    private string? WriteChart(ChartStage c)
    {
        if (ChartShapes.AsAggregate(c) is not { } stats)
        {
            Diagnostics.Add(DiagnosticFacts.KqlChartPivot(c.Span, $"'{c.Command} ... by {c.SplitField}' makes one column per value of '{c.SplitField}' (the top {c.Limit} by score, the rest merged into {c.OtherString}, rows without it in {c.NullString}); KQL has no exact form (evaluate pivot() neither ranks nor merges the values)."));
            return null;
        }
        if (ChartShapes.AddsEmptyBuckets(c))
            Diagnostics.Add(DiagnosticFacts.KqlChartBuckets(c.Span, $"timechart cont=true (the default) also returns every empty {c.BinSpan} bucket (count 0, other functions null) {(c.FixedRange ? "over the search's whole time range (fixedrange=true, the default)" : "between the first and the last")}; summarize by bin(_time, {c.BinSpan}) returns only the buckets with events. Write cont=false if the empty buckets do not matter."));
        return WriteAggregate(stats);
    }
}
