using System.Collections.Immutable;

namespace ExfilQuery.Syntax;

/// <summary><c>rex [field=F] [max_match=N] [mode=sed] "regex"</c>.</summary>
public sealed record RexCommand(ImmutableArray<CommandOption> Options, SplValue Pattern) : Command
{
    /// <inheritdoc/>
    public override string Name => "rex";
}

/// <summary><c>regex [field=|field!=]"regex"</c>: keep (or with <c>!=</c> drop) events whose field matches.</summary>
public sealed record RegexCommand(FieldName? Field, bool Negated, SplValue Pattern) : Command
{
    /// <inheritdoc/>
    public override string Name => "regex";
}

/// <summary><c>spath [input=F] [output=F] [path=P | P]</c>.</summary>
public sealed record SpathCommand(ImmutableArray<CommandOption> Options, SplValue? Path) : Command
{
    /// <inheritdoc/>
    public override string Name => "spath";
}

/// <summary><c>xmlkv [maxinputs=N] [field]</c>.</summary>
public sealed record XmlkvCommand(ImmutableArray<CommandOption> Options, FieldName? Field) : Command
{
    /// <inheritdoc/>
    public override string Name => "xmlkv";
}

/// <summary><c>iplocation [prefix=X] [allfields=B] [lang=X] field</c>.</summary>
public sealed record IplocationCommand(ImmutableArray<CommandOption> Options, FieldName Field) : Command
{
    /// <inheritdoc/>
    public override string Name => "iplocation";
}
