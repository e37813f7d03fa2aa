using System.Text.RegularExpressions;
using ExfilQuery.Diagnostics;
using ExfilQuery.Text;

namespace ExfilQuery.Evaluation;

/// <summary>State shared by one evaluation: options, diagnostics (each reported once per code and span) and
/// compiled regular expressions.</summary>
internal sealed class EvaluationContext(EvaluationOptions options)
{
    private readonly HashSet<(string Code, TextSpan Span, string Message)> _seen = [];
    private readonly Dictionary<string, Regex?> _regexes = new(StringComparer.Ordinal);

    public EvaluationOptions Options { get; } = options;

    public List<Diagnostic> Diagnostics { get; } = [];

    public void Report(Diagnostic diagnostic)
    {
        if (_seen.Add((diagnostic.Code, diagnostic.Span, diagnostic.Message))) Diagnostics.Add(diagnostic);
    }

    /// <summary>A compiled regex, or null (and a diagnostic) when it does not compile.</summary>
    public Regex? Regex(string pattern, TextSpan span)
    {
        if (_regexes.TryGetValue(pattern, out var cached)) return cached;
        Regex? regex;
        try
        {
            regex = Matching.Compile(pattern, Options.RegexTimeout, needGroups: true);
        }
        catch (ArgumentException ex)
        {
            Report(EvaluationDiagnostics.RegexError(span, pattern, "does not compile: " + ex.Message));
            regex = null;
        }
        _regexes[pattern] = regex;
        return regex;
    }

    /// <summary>The match after <paramref name="match"/>, or null (and a diagnostic) when finding it timed out.</summary>
    public Match? Next(Match match, Regex regex, TextSpan span)
    {
        try
        {
            return match.NextMatch();
        }
        catch (RegexMatchTimeoutException)
        {
            Report(EvaluationDiagnostics.RegexError(span, regex.ToString(), "timed out; later matches were left out."));
            return null;
        }
    }

    /// <summary>Runs a match, reporting a timeout as a failed match.</summary>
    public Match? Match(Regex regex, string input, TextSpan span)
    {
        try
        {
            return regex.Match(input);
        }
        catch (RegexMatchTimeoutException)
        {
            Report(EvaluationDiagnostics.RegexError(span, regex.ToString(), $"took longer than {Options.RegexTimeout.TotalMilliseconds} ms on an input of {input.Length} characters; the match counts as failed."));
            return null;
        }
    }
}
