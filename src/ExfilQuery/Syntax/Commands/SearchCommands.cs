namespace ExfilQuery.Syntax;

/// <summary><c>search &lt;expression&gt;</c>, or the implicit search at the start of a pipeline or subsearch.</summary>
/// <param name="Expression">The search clause; null for <c>search</c> with no terms.</param>
/// <param name="HasKeyword">True when the word <c>search</c> was written.</param>
public sealed record SearchCommand(SearchExpression? Expression, bool HasKeyword) : Command
{
    /// <inheritdoc/>
    public override string Name => "search";
}

/// <summary><c>where &lt;eval-expression&gt;</c>.</summary>
public sealed record WhereCommand(Expression Condition) : Command
{
    /// <inheritdoc/>
    public override string Name => "where";
}
