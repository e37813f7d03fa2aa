using System.Collections.Immutable;

namespace ExfilQuery.Syntax;

/// <summary>The commands that share the stats shape.</summary>
public enum StatsKind
{
    /// <summary><c>stats</c></summary>
    Stats,
    /// <summary><c>eventstats</c></summary>
    EventStats,
    /// <summary><c>streamstats</c></summary>
    StreamStats,
    /// <summary><c>chart</c></summary>
    Chart,
    /// <summary><c>timechart</c></summary>
    Timechart,
}

/// <summary><c>stats</c>, <c>eventstats</c>, <c>streamstats</c>, <c>chart</c> and <c>timechart</c>:
/// options, aggregations, an optional <c>over</c> field (chart), <c>by</c> fields and options written after
/// the aggregations (such as <c>span=1h</c> or <c>limit=0</c>), and chart/timechart's series filter
/// (<c>where max in top5</c>), if any.</summary>
public sealed record StatsCommand(
    StatsKind Kind,
    ImmutableArray<CommandOption> Options,
    ImmutableArray<Aggregation> Aggregations,
    FieldName? Over,
    ImmutableArray<FieldName> By,
    ImmutableArray<CommandOption> ClauseOptions,
    SeriesFilter? Where = null) : Command
{
    /// <inheritdoc/>
    public override string Name => Kind switch
    {
        StatsKind.EventStats => "eventstats",
        StatsKind.StreamStats => "streamstats",
        StatsKind.Chart => "chart",
        StatsKind.Timechart => "timechart",
        _ => "stats",
    };
}

/// <summary>The where clause of chart/timechart's split field: <c>where max in top5</c>, <c>where sum &gt; 100</c>.</summary>
/// <param name="Function">The aggregation over each series (<c>sum</c>, <c>max</c>, <c>count</c>, ...).</param>
/// <param name="Field">Its field argument, if written (<c>max(x)</c>).</param>
/// <param name="Comparison"><c>in</c>, <c>notin</c>, <c>&lt;</c> or <c>&gt;</c>.</param>
/// <param name="Value"><c>top5</c>, <c>bottom3</c> or a number.</param>
public sealed record SeriesFilter(string Function, FieldName? Field, string Comparison, string Value) : SyntaxNode;

/// <summary><c>tstats</c> over an accelerated data model or index:
/// <c>tstats [options] aggregations [from datamodel=X] [where search-clause] [by fields] [options]</c>.
/// The <c>where</c> clause uses search-clause precedence (OR before AND).</summary>
public sealed record TstatsCommand(
    ImmutableArray<CommandOption> Options,
    ImmutableArray<Aggregation> Aggregations,
    TstatsSource? From,
    SearchExpression? Where,
    ImmutableArray<FieldName> By,
    ImmutableArray<CommandOption> ClauseOptions) : Command
{
    /// <inheritdoc/>
    public override string Name => "tstats";
}

/// <summary>The <c>from</c> of tstats: <c>datamodel=Endpoint.Processes</c> (an option) or words such as <c>datamodel Endpoint</c>.</summary>
public sealed record TstatsSource(CommandOption? Option, ImmutableArray<SplValue> Words) : SyntaxNode;

/// <summary>An aggregation such as <c>count</c>, <c>dc(user)</c>, <c>values(x) AS y</c> or <c>count(eval(x&gt;1))</c>.</summary>
/// <param name="Function">The function name as written (<c>perc95</c>, <c>dc</c>, ...).</param>
/// <param name="Field">The field argument, if any.</param>
/// <param name="Eval">An <c>eval(...)</c> argument, if any.</param>
/// <param name="HasParentheses">True when parentheses were written (<c>count()</c>).</param>
/// <param name="Alias">The <c>AS</c> name, if any.</param>
public sealed record Aggregation(string Function, FieldName? Field, Expression? Eval, bool HasParentheses, FieldName? Alias) : SyntaxNode;

/// <summary><c>top</c> or <c>rare</c>.</summary>
public sealed record TopCommand(bool Rare, ImmutableArray<CommandOption> Options, ImmutableArray<FieldName> Fields, ImmutableArray<FieldName> By, ImmutableArray<CommandOption> TrailingOptions) : Command
{
    /// <inheritdoc/>
    public override string Name => Rare ? "rare" : "top";
}
