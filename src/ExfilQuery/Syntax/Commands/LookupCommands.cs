using System.Collections.Immutable;

namespace ExfilQuery.Syntax;

/// <summary><c>lookup [options] table field [AS event_field] ... [OUTPUT|OUTPUTNEW field [AS name] ...]</c>.</summary>
public sealed record LookupCommand(
    ImmutableArray<CommandOption> Options,
    SplValue Table,
    ImmutableArray<LookupField> Inputs,
    LookupOutputMode OutputMode,
    ImmutableArray<LookupField> Outputs) : Command
{
    /// <inheritdoc/>
    public override string Name => "lookup";
}

/// <summary>A lookup field with an optional <c>AS</c> name.</summary>
public sealed record LookupField(FieldName Field, FieldName? Alias) : SyntaxNode;

/// <summary>Whether lookup output overwrites fields.</summary>
public enum LookupOutputMode
{
    /// <summary>No OUTPUT clause: all lookup fields are output, overwriting.</summary>
    None,
    /// <summary><c>OUTPUT</c>: overwrite existing fields.</summary>
    Output,
    /// <summary><c>OUTPUTNEW</c>: only fill fields that do not exist.</summary>
    OutputNew,
}

/// <summary><c>inputlookup [options] table [where search-clause]</c>.</summary>
public sealed record InputlookupCommand(ImmutableArray<CommandOption> Options, SplValue Table, SearchExpression? Where) : Command
{
    /// <inheritdoc/>
    public override string Name => "inputlookup";
}
