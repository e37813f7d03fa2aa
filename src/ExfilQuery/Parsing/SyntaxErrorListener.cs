using Antlr4.Runtime;
using Antlr4.Runtime.Misc;
using ExfilQuery.Diagnostics;
using ExfilQuery.Parsing.Generated;
using ExfilQuery.Text;

namespace ExfilQuery.Parsing;

/// <summary>Collects ANTLR syntax errors as diagnostics with short, readable messages.</summary>
internal sealed class SyntaxErrorListener : BaseErrorListener
{
    private readonly List<Diagnostic> _diagnostics;
    private readonly HashSet<int> _reportedOffsets = [];

    public SyntaxErrorListener(List<Diagnostic> diagnostics, IEnumerable<int> lexicalErrorOffsets)
    {
        _diagnostics = diagnostics;
        foreach (var o in lexicalErrorOffsets) _reportedOffsets.Add(o);
    }

    public override void SyntaxError(TextWriter output, IRecognizer recognizer, IToken offendingSymbol, int line, int charPositionInLine, string msg, RecognitionException e)
    {
        // One diagnostic per position: a lexical error there (bad character, unterminated string) says it better.
        var start = offendingSymbol?.StartIndex ?? 0;
        if (!_reportedOffsets.Add(start)) return;
        var span = offendingSymbol is null || offendingSymbol.Type == TokenConstants.EOF
            ? new TextSpan(Math.Max(0, start), 0)
            : SyntaxTreeBuilder.SpanOf(offendingSymbol);
        _diagnostics.Add(DiagnosticFacts.SyntaxError(span, Describe(recognizer, offendingSymbol, e)));
    }

    private static string Describe(IRecognizer recognizer, IToken? token, RecognitionException? e)
    {
        var found = token is null || token.Type == TokenConstants.EOF ? "end of the search" : $"'{Shorten(token.Text)}'";
        IntervalSet? expected = null;
        try
        {
            expected = e?.GetExpectedTokens() ?? (recognizer as Parser)?.GetExpectedTokens();
        }
        catch (ArgumentException)
        {
            // ANTLR cannot always compute the expected set after recovery; the message just omits it.
        }
        var types = expected?.ToList() ?? [];
        // After a pipe every command name is possible: say so instead of listing them.
        var names = types.Contains(SplParser.CMD_NAME)
            ? ["a command"]
            : types.Select(t => TokenDisplay(recognizer.Vocabulary, t))
                .Where(n => n is not null)
                .Select(n => n!)
                .Distinct()
                .ToList();
        // "expected the end of the search" alone is what ANTLR offers when the enclosing rules are complete; it
        // rarely helps (the usual fault is a missing comma, operator or pipe before the token), so it is left out.
        if (names is ["the end of the search"]) names = [];
        if (names.Count is > 0 and <= 6)
            return $"Unexpected {found}; expected {string.Join(", ", names.Take(names.Count - 1))}{(names.Count > 1 ? " or " : "")}{names[^1]}.";
        return $"Unexpected {found}.";
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";

    private static string? TokenDisplay(IVocabulary vocabulary, int type)
    {
        if (type == TokenConstants.EOF) return "the end of the search";
        var symbolic = vocabulary.GetSymbolicName(type);
        return symbolic switch
        {
            "PIPE" => "'|'",
            "LBRACK" => "'['",
            "RBRACK" => "']'",
            "LPAREN" => "'('",
            "RPAREN" => "')'",
            "COMMA" => "','",
            "EQ" => "'='",
            "STRING" => "a quoted string",
            "WORD" or "SEARCH" or "IN" or "OUTPUT" or "OUTPUTNEW" or "OVER" => "a word",
            "IDENT" => "a field name",
            "QUOTED_FIELD" => "a field name",
            "NUMBER" => "a number",
            "MACRO" => "a macro",
            "EVAL_LP" => "'eval('",
            null => null,
            _ when symbolic.Length > 0 && symbolic.All(c => char.IsUpper(c) || c == '_') => "'" + symbolic.ToLowerInvariant().Replace("_lp", "(", StringComparison.Ordinal) + "'",
            _ => null,
        };
    }
}
