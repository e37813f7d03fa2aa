using System.Collections.Immutable;

namespace ExfilQuery.Syntax;

/// <summary><c>addinfo</c>: adds the search's time bounds (<c>info_min_time</c>, ...).</summary>
public sealed record AddinfoCommand(ImmutableArray<CommandOption> Options) : Command
{
    /// <inheritdoc/>
    public override string Name => "addinfo";
}

/// <summary>Classic <c>from datamodel:X</c> / <c>from inputlookup:X</c> / <c>from savedsearch:X</c>.</summary>
public sealed record FromCommand(ImmutableArray<GenericArgument> Arguments) : Command
{
    /// <inheritdoc/>
    public override string Name => "from";
}

/// <summary>A macro call in command position, left unexpanded (it is undefined; a diagnostic says so).</summary>
public sealed record MacroCommand(string Text) : Command
{
    /// <inheritdoc/>
    public override string Name => "`macro`";
}

/// <summary>A command ExfilQuery does not model: its name and its arguments as tokens. It parses; whatever
/// later stage cannot handle it says so.</summary>
public sealed record GenericCommand(string CommandName, ImmutableArray<GenericArgument> Arguments) : Command
{
    /// <inheritdoc/>
    public override string Name => CommandName;
}

/// <summary>An argument of a command kept as tokens.</summary>
public abstract record GenericArgument : SyntaxNode;

/// <summary>A token as written (a quoted string keeps its quotes).</summary>
public sealed record TokenArgument(string Text) : GenericArgument;

/// <summary>A subsearch argument.</summary>
public sealed record SubsearchArgument(Subsearch Subsearch) : GenericArgument;

/// <summary>A parenthesised group of arguments.</summary>
public sealed record GroupArgument(ImmutableArray<GenericArgument> Arguments) : GenericArgument;

/// <summary>An <c>eval(...)</c> argument.</summary>
public sealed record EvalArgument(Expression Expression) : GenericArgument;
