using System.Collections.Immutable;
using ExfilQuery.Diagnostics;
using ExfilQuery.Macros;
using ExfilQuery.Syntax;
using ExfilQuery.Text;

namespace ExfilQuery;

/// <summary>The result of parsing one search: always a tree (possibly partial) and the diagnostics.</summary>
public sealed class ParseResult
{
    internal ParseResult(string originalText, string expandedText, SourceMap map, Pipeline pipeline, ImmutableArray<Diagnostic> diagnostics)
    {
        OriginalText = originalText;
        ExpandedText = expandedText;
        Map = map;
        Pipeline = pipeline;
        Diagnostics = diagnostics;
        Source = new SourceText(originalText);
    }

    /// <summary>The text the user wrote.</summary>
    public string OriginalText { get; }

    /// <summary>The text after macro expansion; syntax tree spans refer to it.</summary>
    public string ExpandedText { get; }

    /// <summary>Maps spans of <see cref="ExpandedText"/> to <see cref="OriginalText"/>.</summary>
    public SourceMap Map { get; }

    /// <summary>The syntax tree. When there are errors it holds what could be read.</summary>
    public Pipeline Pipeline { get; }

    /// <summary>Diagnostics, with spans in <see cref="OriginalText"/>, ordered by position.</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; }

    /// <summary>The original text with its line index, for line/column display.</summary>
    public SourceText Source { get; }

    /// <summary>True when no diagnostic is an error.</summary>
    public bool Ok => !Diagnostics.Any(d => d.IsError);

    /// <summary>Maps a span of the expanded text (a syntax node's span) to the text the user wrote: text that
    /// came from a macro maps to the macro call.</summary>
    public TextSpan MapToOriginal(TextSpan expandedSpan) => Map.ToOriginal(expandedSpan);
}
