using System.Collections.Immutable;
using ExfilQuery.Diagnostics;
using ExfilQuery.Evaluation;
using ExfilQuery.Ir;
using ExfilQuery.Text;

namespace ExfilQuery.Testing;

/// <summary>One search evaluated from its text: the rows, and every diagnostic of parsing, lowering and
/// evaluation in that order (spans point into the search as written).</summary>
/// <param name="Rows">The result rows.</param>
/// <param name="Diagnostics">Parse, lowering and evaluation diagnostics.</param>
public sealed record SearchEvaluationResult(ImmutableArray<Event> Rows, ImmutableArray<Diagnostic> Diagnostics)
{
    /// <summary>True when no diagnostic is an error: the rows mean what the search meant.</summary>
    public bool Ok => !Diagnostics.Any(d => d.IsError);
}

/// <summary>Runs a search given as SPL text over events: <see cref="Spl.Parse"/>, <see cref="Lowering.Lower"/>,
/// then <see cref="DetectionEvaluator.Evaluate"/>. Shared by <c>exfilq eval</c> and the fixture harness.</summary>
public static class SearchEvaluation
{
    /// <summary>Evaluates <paramref name="search"/> over <paramref name="events"/>. Never throws for any search: a
    /// search that does not parse returns no rows and its parse errors (the evaluator does not run on a tree that
    /// holds errors), and an unexpected failure is reported as SPL9999.</summary>
    public static SearchEvaluationResult Evaluate(string search, IEnumerable<Event> events, ParseOptions? parseOptions = null, EvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
        try
        {
            var parse = Spl.Parse(search ?? string.Empty, parseOptions);
            diagnostics.AddRange(parse.Diagnostics);
            if (!parse.Ok) return new SearchEvaluationResult([], diagnostics.ToImmutable());
            var lowered = Lowering.Lower(parse);
            diagnostics.AddRange(lowered.Diagnostics);
            if (!lowered.Ok) return new SearchEvaluationResult([], diagnostics.ToImmutable());
            var result = DetectionEvaluator.Evaluate(lowered.Detection, events, options);
            diagnostics.AddRange(result.Diagnostics);
            return new SearchEvaluationResult(result.Rows, diagnostics.ToImmutable());
        }
#pragma warning disable CA1031 // one failing search is reported, never thrown: a batch or a fixture run goes on
        catch (Exception e) when (e is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            diagnostics.Add(DiagnosticFacts.InternalError(TextSpan.Empty, e.GetType().Name + ": " + e.Message));
            return new SearchEvaluationResult([], diagnostics.ToImmutable());
        }
    }

    /// <summary>Reads event files in the given order (format picked per file by <see cref="EventReaders.ReadFile(string)"/>).
    /// Lines that cannot be read are EVL0007 diagnostics and a file that cannot be opened is EVL0034 (named by
    /// <paramref name="displayName"/>); the rest is read.</summary>
    public static EventReadResult ReadEventFiles(IEnumerable<string> files, Func<string, string> displayName, out ImmutableArray<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(displayName);
        var events = ImmutableArray.CreateBuilder<Event>();
        var malformed = ImmutableArray.CreateBuilder<MalformedEvent>();
        var found = ImmutableArray.CreateBuilder<Diagnostic>();
        foreach (var file in files)
        {
            try
            {
                var read = EventReaders.ReadFile(file);
                events.AddRange(read.Events);
                malformed.AddRange(read.Malformed);
                found.AddRange(read.Diagnostics);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                found.Add(FixtureDiagnostics.EventFileUnreadable(displayName(file), e.Message));
            }
        }
        diagnostics = found.ToImmutable();
        return new EventReadResult(events.ToImmutable(), malformed.ToImmutable());
    }
}
