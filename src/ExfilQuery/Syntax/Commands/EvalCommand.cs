using System.Collections.Immutable;

namespace ExfilQuery.Syntax;

/// <summary><c>eval field=expression[, field=expression]...</c>; assignments run left to right.</summary>
public sealed record EvalCommand(ImmutableArray<EvalAssignment> Assignments) : Command
{
    /// <inheritdoc/>
    public override string Name => "eval";
}

/// <summary>One <c>field=expression</c> of an eval.</summary>
public sealed record EvalAssignment(FieldName Target, Expression Value) : SyntaxNode;
