using System.Globalization;
using System.Text;
using ExfilQuery.Diagnostics;
using ExfilQuery.Text;

namespace ExfilQuery.Cli;

/// <summary>Renders diagnostics as text: a header line, the source line and a caret line under the span.
/// <code>
/// error SPL0001 at 1:17: message
/// index=x | stats count by
///                 ^~~~~
/// </code>
/// The caret is at the span's start column and <c>~</c> covers the rest of the span on that line (a span that
/// runs onto later lines is underlined to the end of its first line). Tabs in the source line are copied into
/// the caret line so that the caret lines up. Every line ends with <c>\n</c>.</summary>
public static class DiagnosticFormatter
{
    /// <summary>All diagnostics of a parse result, in their order.</summary>
    public static string Format(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Format(result.Diagnostics, result.Source);
    }

    /// <summary>These diagnostics, whose spans refer to <paramref name="source"/>.</summary>
    public static string Format(IEnumerable<Diagnostic> diagnostics, SourceText source)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        ArgumentNullException.ThrowIfNull(source);
        var sb = new StringBuilder();
        foreach (var d in diagnostics) Append(sb, d, source);
        return sb.ToString();
    }

    /// <summary>One diagnostic whose span refers to <paramref name="source"/>.</summary>
    public static string Format(Diagnostic diagnostic, SourceText source)
    {
        var sb = new StringBuilder();
        Append(sb, diagnostic, source);
        return sb.ToString();
    }

    /// <summary>The header line alone, without its line break: <c>error SPL0001 at 1:17: message</c>.</summary>
    public static string Header(Diagnostic diagnostic, SourceText source)
    {
        ArgumentNullException.ThrowIfNull(diagnostic);
        ArgumentNullException.ThrowIfNull(source);
        var position = source.GetLinePosition(diagnostic.Span.Start);
        return string.Create(CultureInfo.InvariantCulture,
            $"{diagnostic.SeverityName} {diagnostic.Code} at {position.Line}:{position.Column}: {SingleLine(diagnostic.Message)}");
    }

    /// <summary>The caret line for a span: indentation (tabs copied from <paramref name="lineText"/>, spaces
    /// otherwise) up to <paramref name="column"/>, <c>^</c>, then <paramref name="length"/> - 1 <c>~</c> limited to
    /// the end of the line.</summary>
    public static string CaretLine(string lineText, int column, int length)
    {
        ArgumentNullException.ThrowIfNull(lineText);
        var start = Math.Clamp(column - 1, 0, lineText.Length);
        var sb = new StringBuilder(start + 1 + Math.Max(0, length));
        for (var i = 0; i < start; i++) sb.Append(lineText[i] == '\t' ? '\t' : ' ');
        sb.Append('^');
        var tildes = Math.Min(length, lineText.Length - start) - 1;
        if (tildes > 0) sb.Append('~', tildes);
        return sb.ToString();
    }

    /// <summary>A message on one line: line breaks inside it are shown as <c>\n</c> and <c>\r</c>.</summary>
    public static string SingleLine(string message)
    {
        if (message is null) return string.Empty;
        if (message.AsSpan().IndexOfAny('\r', '\n') < 0) return message;
        return message.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
    }

    private static void Append(StringBuilder sb, Diagnostic diagnostic, SourceText source)
    {
        ArgumentNullException.ThrowIfNull(diagnostic);
        var text = source.Text;
        var start = Math.Clamp(diagnostic.Span.Start, 0, text.Length);
        var end = Math.Clamp(diagnostic.Span.End, start, text.Length);
        var position = source.GetLinePosition(start);
        var lineText = source.GetLineText(position.Line);
        var (shown, column) = Window(lineText, position.Column);
        sb.Append(Header(diagnostic, source)).Append('\n');
        sb.Append(shown).Append('\n');
        sb.Append(CaretLine(shown, column, end - start)).Append('\n');
    }

    /// <summary>Widest source line shown in full; longer lines (single-line detections run to hundreds of
    /// characters) are cut to a window around the caret, with "..." where text was left out.</summary>
    public const int MaxLineWidth = 120;

    /// <summary>The part of <paramref name="lineText"/> to show and the caret's column in it.</summary>
    public static (string Text, int Column) Window(string lineText, int column)
    {
        ArgumentNullException.ThrowIfNull(lineText);
        if (lineText.Length <= MaxLineWidth) return (lineText, column);
        const string ellipsis = "...";
        var caret = Math.Clamp(column - 1, 0, lineText.Length);
        var from = Math.Clamp(caret - MaxLineWidth / 3, 0, Math.Max(0, lineText.Length - MaxLineWidth));
        var to = Math.Min(lineText.Length, from + MaxLineWidth);
        var prefix = from > 0 ? ellipsis : "";
        var suffix = to < lineText.Length ? ellipsis : "";
        return (prefix + lineText[from..to] + suffix, caret - from + prefix.Length + 1);
    }
}
