using System.Collections.Immutable;

namespace ExfilQuery.Syntax;

/// <summary><c>join [options] [fields] [subsearch]</c>.</summary>
public sealed record JoinCommand(ImmutableArray<CommandOption> Options, ImmutableArray<FieldName> Fields, Subsearch Subsearch) : Command
{
    /// <inheritdoc/>
    public override string Name => "join";
}

/// <summary><c>append [options] [subsearch]</c> or <c>appendpipe [options] [subpipeline]</c>.</summary>
public sealed record AppendCommand(bool Pipe, ImmutableArray<CommandOption> Options, Subsearch Subsearch) : Command
{
    /// <inheritdoc/>
    public override string Name => Pipe ? "appendpipe" : "append";
}

/// <summary><c>map [search="..."] [maxsearches=N]</c> or <c>map [subsearch]</c>.</summary>
public sealed record MapCommand(ImmutableArray<CommandOption> Options, Subsearch? Subsearch) : Command
{
    /// <inheritdoc/>
    public override string Name => "map";
}

/// <summary><c>transaction [fields] [options]</c> (maxspan, maxpause, startswith, endswith, ...).</summary>
public sealed record TransactionCommand(ImmutableArray<FieldName> Fields, ImmutableArray<CommandOption> Options) : Command
{
    /// <inheritdoc/>
    public override string Name => "transaction";
}

/// <summary><c>return [N] [alias=]field | $field ...</c> (ends a subsearch).</summary>
public sealed record ReturnCommand(int? Count, ImmutableArray<ReturnItem> Items) : Command
{
    /// <inheritdoc/>
    public override string Name => "return";
}

/// <summary>One item of return: <c>field</c>, <c>alias=field</c> or <c>$field</c>.</summary>
public sealed record ReturnItem(string? Alias, string Field, bool ValueOnly) : SyntaxNode;

/// <summary><c>format [options] ["row prefix" "col prefix" "col sep" "col end" "row sep" "row end"]</c>.</summary>
public sealed record FormatCommand(ImmutableArray<CommandOption> Options, ImmutableArray<SplValue> Strings) : Command
{
    /// <inheritdoc/>
    public override string Name => "format";
}
