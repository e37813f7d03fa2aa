using ExfilQuery.Text;

namespace ExfilQuery.Syntax;

/// <summary>Base of every syntax tree node. Nodes are immutable records; <see cref="Span"/> is the range of
/// the (macro-expanded) search text the node was read from. Map it to the text the user wrote with
/// <see cref="ParseResult.MapToOriginal(TextSpan)"/>.</summary>
public abstract record SyntaxNode
{
    /// <summary>Where the node was read from, in the macro-expanded text.</summary>
    public TextSpan Span { get; init; }
}

/// <summary>A value as written: a bare word (<c>rclone.exe</c>, <c>*copy*</c>, <c>-24h@h</c>) or a double-quoted
/// string. <see cref="Raw"/> is the text between the quotes exactly as written (escapes not decoded), so that
/// printing reproduces it; <see cref="Value"/> decodes <c>\"</c> and <c>\\</c>.</summary>
public sealed record SplValue(string Raw, bool Quoted) : SyntaxNode
{
    /// <summary>The value with SPL's quoted-string escapes <c>\"</c> and <c>\\</c> decoded (bare words are returned as written).</summary>
    public string Value => Quoted ? SyntaxFacts.UnescapeQuoted(Raw) : Raw;

    /// <summary>The value as it appears in SPL text, with its quotes.</summary>
    public string Text => Quoted ? "\"" + Raw + "\"" : Raw;
}

/// <summary>A field name as written: bare (<c>Processes.process</c>, <c>destination{}.address</c>), double-quoted or,
/// in eval expressions, single-quoted. <see cref="Name"/> is decoded.</summary>
public sealed record FieldName(string Name, FieldQuoting Quoting) : SyntaxNode;

/// <summary>How a field name was written.</summary>
public enum FieldQuoting
{
    /// <summary>As a bare word.</summary>
    None,
    /// <summary>In double quotes.</summary>
    Double,
    /// <summary>In single quotes (eval expressions).</summary>
    Single,
}

/// <summary>A subsearch <c>[ ... ]</c>.</summary>
public sealed record Subsearch(Pipeline Pipeline) : SyntaxNode;

/// <summary>A search: commands separated by pipes. The first command may be an implicit search.</summary>
public sealed record Pipeline(System.Collections.Immutable.ImmutableArray<Command> Commands) : SyntaxNode;

/// <summary>Base of every command.</summary>
public abstract record Command : SyntaxNode
{
    /// <summary>The command name as SPL spells it (lower case), e.g. <c>stats</c>.</summary>
    public abstract string Name { get; }
}
