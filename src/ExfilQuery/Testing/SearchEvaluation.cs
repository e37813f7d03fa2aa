using System.Collections.Immutable;
using ExfilQuery.Diagnostics;
using ExfilQuery.Evaluation;
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

/// <summary>Runs a search given as SPL text over events: a thin wrapper over <see cref="CompiledDetection"/>, which
/// expands macros, parses and lowers (<see cref="CompiledDetection.Compile"/>), then
/// <see cref="DetectionEvaluator.Evaluate"/> over the events. Shared by <c>exfilq eval</c> and the fixture harness.</summary>
public static class SearchEvaluation
{
    /// <summary>Evaluates <paramref name="search"/> over <paramref name="events"/>: <see cref="Compile"/>, then
    /// <see cref="Run"/>. Never throws for any search: a search that does not parse returns no rows and its parse
    /// errors (the evaluator does not run on a tree that holds errors), and an unexpected failure is reported as
    /// SPL9999.</summary>
    public static SearchEvaluationResult Evaluate(string search, IEnumerable<Event> events, ParseOptions? parseOptions = null, EvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        return Run(Compile(search, parseOptions, options), events);
    }

    /// <summary>Compiles a search the way <see cref="Evaluate"/> runs it, to run it over several event sets: the
    /// given parse and evaluation options, streaming off (the events are in memory already, and every run is
    /// <see cref="DetectionEvaluator.Evaluate"/>, the reference meaning of a search). Never throws for any search.</summary>
    public static CompiledDetection Compile(string search, ParseOptions? parseOptions = null, EvaluationOptions? options = null) =>
        CompiledDetection.Compile(search, new CompileOptions
        {
            Parsing = parseOptions ?? ParseOptions.Default,
            Evaluation = options ?? EvaluationOptions.Default,
            Streaming = false,
        });

    /// <summary>Runs a compiled search over <paramref name="events"/>: the rows, and the compile diagnostics followed by
    /// the run diagnostics. When a compile diagnostic is an error nothing runs and there are no rows; an unexpected
    /// failure of the run is reported as SPL9999 and gives no rows.</summary>
    public static SearchEvaluationResult Run(CompiledDetection compiled, IEnumerable<Event> events)
    {
        ArgumentNullException.ThrowIfNull(compiled);
        ArgumentNullException.ThrowIfNull(events);
        if (!compiled.Ok) return new SearchEvaluationResult([], compiled.Diagnostics);
        try
        {
            var result = compiled.Run(events);
            return new SearchEvaluationResult(result.Rows, [.. compiled.Diagnostics, .. result.Diagnostics]);
        }
#pragma warning disable CA1031 // one failing search is reported, never thrown: a batch or a fixture run goes on
        catch (Exception e) when (e is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            return new SearchEvaluationResult([], [.. compiled.Diagnostics, DiagnosticFacts.InternalError(TextSpan.Empty, e.GetType().Name + ": " + e.Message)]);
        }
    }

    /// <summary>Reads event files in the given order (format picked per file by <see cref="EventReaders.ReadFile(string)"/>).
    /// Lines that cannot be read are EVL0007 diagnostics and a file that cannot be opened is EVL0034 (named by
    /// <paramref name="displayName"/>); the rest is read.</summary>
    public static EventReadResult ReadEventFiles(IEnumerable<string> files, Func<string, string> displayName, out ImmutableArray<Diagnostic> diagnostics) =>
        ReadEventFiles(files, displayName, null, out diagnostics);

    /// <summary>Reads event files as <see cref="ReadEventFiles(IEnumerable{string}, Func{string, string}, out ImmutableArray{Diagnostic})"/>
    /// does; with <paramref name="syslogYear"/>, plain text lines that start with a BSD syslog timestamp (no year, as
    /// in <c>/var/log/secure</c>) get it as <c>_time</c> in that year (<see cref="EventReaders.ReadFile(string, int)"/>).</summary>
    public static EventReadResult ReadEventFiles(IEnumerable<string> files, Func<string, string> displayName, int? syslogYear, out ImmutableArray<Diagnostic> diagnostics)
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
                var read = syslogYear is { } year ? EventReaders.ReadFile(file, year) : EventReaders.ReadFile(file);
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
