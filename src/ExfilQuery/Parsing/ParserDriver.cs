using System.Collections.Immutable;
using System.Text.Json;
using Antlr4.Runtime;
using Antlr4.Runtime.Atn;
using Antlr4.Runtime.Misc;
using ExfilQuery.Diagnostics;
using ExfilQuery.Macros;
using ExfilQuery.Parsing.Generated;
using ExfilQuery.Syntax;
using ExfilQuery.Text;
using P = ExfilQuery.Parsing.Generated.SplParser;

namespace ExfilQuery.Parsing;

/// <summary>Runs the stages of reading a search: non-SPL detection, macro expansion, lexing, a nesting check,
/// two-stage parsing (SLL, then full LL only when SLL fails) and tree building.</summary>
internal static class ParserDriver
{
    public static ParseResult Parse(string text, ParseOptions options)
    {
        var diagnostics = new List<Diagnostic>();
        var map = SourceMap.Identity(text.Length);
        var expanded = text;
        var pipeline = EmptyPipeline(0);
        try
        {
            if (IsSigmaMapping(text))
            {
                diagnostics.Add(DiagnosticFacts.SigmaMapping(new TextSpan(0, text.Length)));
                return Result(text, expanded, map, pipeline, diagnostics, mapped: true);
            }

            if (text.Length > options.MaxLength)
            {
                diagnostics.Add(DiagnosticFacts.QueryTooLarge(new TextSpan(0, 0), text.Length, options.MaxLength));
                return Result(text, expanded, map, pipeline, diagnostics, mapped: true);
            }

            var expansion = MacroExpander.Expand(text, options.Macros, options.MacroExpansion);
            expanded = expansion.Text;
            map = expansion.Map;
            var macroDiagnostics = expansion.Diagnostics;

            if (expanded.Length > options.MaxLength)
            {
                diagnostics.Add(DiagnosticFacts.QueryTooLarge(new TextSpan(0, 0), expanded.Length, options.MaxLength));
                return Result(text, expanded, map, pipeline, diagnostics, mapped: false, macroDiagnostics);
            }

            if (FindSpl2(expanded) is { } spl2)
            {
                diagnostics.Add(DiagnosticFacts.Spl2Search(spl2.Span, spl2.Source));
                return Result(text, expanded, map, pipeline, diagnostics, mapped: false, macroDiagnostics);
            }

            pipeline = ParseText(expanded, options, diagnostics);
            return Result(text, expanded, map, pipeline, diagnostics, mapped: false, macroDiagnostics);
        }
        catch (SyntaxTreeBuilder.TooDeepException e)
        {
            diagnostics.Add(DiagnosticFacts.NestingTooDeep(e.Span with { Length = Math.Min(e.Span.Length, 1) }, SyntaxTreeBuilder.MaxExpressionDepth));
            return Result(text, expanded, map, EmptyPipeline(0), diagnostics, mapped: false);
        }
        catch (InsufficientExecutionStackException)
        {
            diagnostics.Add(DiagnosticFacts.NestingTooDeep(new TextSpan(0, 0), options.MaxNestingDepth));
            return Result(text, expanded, map, EmptyPipeline(0), diagnostics, mapped: false);
        }
#pragma warning disable CA1031 // User input never throws: a bug becomes a diagnostic, not a crash.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            diagnostics.Add(DiagnosticFacts.InternalError(new TextSpan(0, 0), $"{ex.GetType().Name}: {ex.Message}"));
            return Result(text, expanded, map, EmptyPipeline(0), diagnostics, mapped: false);
        }
    }

    private static Pipeline EmptyPipeline(int at) => new(ImmutableArray<Command>.Empty) { Span = new TextSpan(at, 0) };

    private static ParseResult Result(string text, string expanded, SourceMap map, Pipeline pipeline, List<Diagnostic> diagnostics, bool mapped, ImmutableArray<Diagnostic> macroDiagnostics = default)
    {
        var all = new List<Diagnostic>();
        if (!macroDiagnostics.IsDefault) all.AddRange(macroDiagnostics);
        foreach (var d in diagnostics) all.Add(mapped ? d : d.WithSpan(map.ToOriginal(d.Span)));
        var ordered = all
            .Distinct()
            .OrderBy(d => d.Span.Start)
            .ThenBy(d => d.Code, StringComparer.Ordinal)
            .ToImmutableArray();
        return new ParseResult(text, expanded, map, pipeline, ordered);
    }

    private static Pipeline ParseText(string text, ParseOptions options, List<Diagnostic> diagnostics)
    {
        var lexer = new SplLexer(new AntlrInputStream(text));
        lexer.RemoveErrorListeners();
        var tokens = new CommonTokenStream(lexer);
        tokens.Fill();

        var lexicalErrorOffsets = ReportLexicalErrors(tokens.GetTokens(), diagnostics);
        if (CheckNesting(tokens.GetTokens(), options.MaxNestingDepth, diagnostics)) return EmptyPipeline(0);

        var parser = new P(tokens);
        parser.RemoveErrorListeners();
        parser.Interpreter.PredictionMode = PredictionMode.SLL;
        parser.ErrorHandler = new BailErrorStrategy();
        P.QueryContext tree;
        try
        {
            tree = parser.query();
        }
        catch (ParseCanceledException)
        {
            // SLL could not decide (or the input has an error): parse again with full LL and error recovery.
            tokens.Seek(0);
            parser.Reset();
            parser.Interpreter.PredictionMode = PredictionMode.LL;
            parser.ErrorHandler = new DefaultErrorStrategy();
            parser.AddErrorListener(new SyntaxErrorListener(diagnostics, lexicalErrorOffsets));
            tree = parser.query();
        }

        var pipeline = new SyntaxTreeBuilder(diagnostics).BuildQuery(tree);
        if (pipeline.Commands.Length == 0 && !diagnostics.Any(d => d.IsError))
            diagnostics.Add(DiagnosticFacts.EmptySearch(new TextSpan(0, text.Length)));
        return pipeline;
    }

    private static List<int> ReportLexicalErrors(IList<IToken> tokens, List<Diagnostic> diagnostics)
    {
        var offsets = new List<int>();
        foreach (var token in tokens)
        {
            if (token.Type == SplLexer.ERROR_CHAR && token.Text == "`")
            {
                // A backtick that opens no complete macro call: the expander reported it (SPL0007) already.
                offsets.Add(token.StartIndex);
                continue;
            }
            Diagnostic? d = token.Type switch
            {
                SplLexer.ERROR_CHAR => DiagnosticFacts.UnexpectedCharacter(SyntaxTreeBuilder.SpanOf(token), token.Text),
                SplLexer.UNTERMINATED_STRING => DiagnosticFacts.UnterminatedString(SyntaxTreeBuilder.SpanOf(token)),
                SplLexer.UNTERMINATED_COMMENT => DiagnosticFacts.UnterminatedComment(new TextSpan(token.StartIndex, 3)),
                _ => null,
            };
            if (d is null) continue;
            diagnostics.Add(d);
            offsets.Add(token.StartIndex);
        }
        return offsets;
    }

    /// <summary>Reports nesting deeper than the limit before the recursive-descent parser sees it.</summary>
    private static bool CheckNesting(IList<IToken> tokens, int limit, List<Diagnostic> diagnostics)
    {
        var depth = 0;
        var prefixRun = 0;
        foreach (var token in tokens)
        {
            // A run of prefix operators (NOT NOT ..., - - ...) nests as deeply as parentheses do.
            prefixRun = token.Type is SplLexer.NOT or SplLexer.MINUS or SplLexer.PLUS ? prefixRun + 1 : 0;
            if (prefixRun > limit)
            {
                diagnostics.Add(DiagnosticFacts.NestingTooDeep(SyntaxTreeBuilder.SpanOf(token), limit));
                return true;
            }
            switch (token.Type)
            {
                case SplLexer.LPAREN or SplLexer.LBRACK or SplLexer.LBRACK_SEARCH or SplLexer.LBRACK_EVAL or SplLexer.LBRACK_WHERE or SplLexer.EVAL_LP or SplLexer.TERM_LP or SplLexer.CASE_LP:
                    if (++depth > limit)
                    {
                        diagnostics.Add(DiagnosticFacts.NestingTooDeep(SyntaxTreeBuilder.SpanOf(token), limit));
                        return true;
                    }
                    break;
                case SplLexer.RPAREN or SplLexer.RBRACK:
                    depth = Math.Max(0, depth - 1);
                    break;
            }
        }
        return false;
    }

    /// <summary>A Sigma-style detection stored where a search should be: a JSON object with a "condition".</summary>
    private static bool IsSigmaMapping(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.Length == 0 || trimmed[0] != '{') return false;
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("condition", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>SPL2 reads from a function call (<c>| from read_ssa_enriched_events()</c>); classic <c>from</c>
    /// takes <c>datamodel:X</c>, <c>lookup:X</c> or <c>savedsearch:X</c>.</summary>
    private static (TextSpan Span, string Source)? FindSpl2(string text)
    {
        var i = 0;
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        if (i >= text.Length || text[i] != '|') return null;
        var start = i;
        i++;
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        if (!text.AsSpan(i).StartsWith("from", StringComparison.OrdinalIgnoreCase)) return null;
        i += 4;
        if (i >= text.Length || !char.IsWhiteSpace(text[i])) return null;
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        var nameStart = i;
        while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_')) i++;
        if (i == nameStart) return null;
        var name = text[nameStart..i].TrimEnd();
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        return i < text.Length && text[i] == '(' ? (TextSpan.FromBounds(start, i + 1), name) : null;
    }
}
