namespace ExfilQuery.Ir;

/// <summary>What a <see cref="ChartStage"/> is in terms of other stages, for backends that translate stats but not a
/// pivot.</summary>
public static class ChartShapes
{
    /// <summary>The stats a chart or timechart without a split field is: <c>chart aggs over X</c> (or <c>by X</c>) is
    /// <c>stats aggs by X</c>, <c>chart aggs</c> is <c>stats aggs</c>, <c>timechart span=S aggs</c> is <c>stats aggs by
    /// _time span=S</c> (same columns, rows sorted by the row field, rows missing it dropped) except for the empty
    /// buckets that timechart's <c>cont=true</c> adds (<see cref="AddsEmptyBuckets"/>). Null with a split field: each
    /// split value becomes a column, which no stats is.</summary>
    public static AggregateStage? AsAggregate(ChartStage chart) =>
        chart.SplitField is not null ? null
        : new AggregateStage(AggregateMode.Group, chart.Aggregations, chart.RowField is null ? [] : [chart.RowField], chart.BinSpan, chart.Command) { Span = chart.Span };

    /// <summary>True when the chart adds rows for empty time buckets between the first and the last (timechart,
    /// <c>cont=true</c>, the default), which <see cref="AsAggregate"/> does not.</summary>
    public static bool AddsEmptyBuckets(ChartStage chart) => chart.Command == "timechart" && chart.Continuous;
}
