using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using ExfilQuery.Diagnostics;
using ExfilQuery.Ir;
using ExfilQuery.Macros;
using ExfilQuery.Text;

namespace ExfilQuery.Evaluation;

/// <summary>Options of <see cref="CompiledDetection.Compile"/>.</summary>
public sealed record CompileOptions
{
    /// <summary>The defaults: built-in macros only, default evaluation options, streaming and prefilter on.</summary>
    public static CompileOptions Default { get; } = new();

    /// <summary>Macros expanded before parsing (built-in macros fill in what it lacks).</summary>
    public MacroLibrary Macros { get; init; } = MacroLibrary.Empty;

    /// <summary>The full parse options (macro library, macro expansion limits, length and nesting limits). When set,
    /// they are used as given and <see cref="Macros"/> is not read; when null (the default), the search is parsed with
    /// <see cref="ParseOptions.Default"/> and <see cref="Macros"/>.</summary>
    public ParseOptions? Parsing { get; init; }

    /// <summary>The parse options a compile uses: <see cref="Parsing"/>, else the defaults with <see cref="Macros"/>.</summary>
    internal ParseOptions EffectiveParsing => Parsing ?? ParseOptions.Default.WithMacros(Macros);

    /// <summary>Limits, regex timeout, "now" and event order of every run.</summary>
    public EvaluationOptions Evaluation { get; init; } = EvaluationOptions.Default;

    /// <summary>When true (the default), runs stream when the pipeline allows it; when false every run materialises
    /// its events and calls <see cref="DetectionEvaluator.Evaluate"/>.</summary>
    public bool Streaming { get; init; } = true;

    /// <summary>When true (the default), <see cref="CompiledDetection.RunJsonLines"/> skips lines whose bytes cannot
    /// hold a literal the leading search filter requires, without parsing them (reported as EVL0041).</summary>
    public bool Prefilter { get; init; } = true;
}

/// <summary>A detection compiled once (macros expanded, parsed, lowered) and run any number of times over events:
/// a list, a lazy sequence, an asynchronous stream or a JSON Lines stream. Results are those of
/// <see cref="DetectionEvaluator.Evaluate"/>. When the pipeline starts with row-wise stages (search, where, eval,
/// rename, rex, regex, fields, ...) they run one event at a time; an aggregation after them whose result does not
/// depend on event order (count, dc, sum, avg, min, max, stdev, values, earliest, latest, first, last, ...) keeps
/// one accumulator set per group, so memory grows with the groups, not the events. Other pipelines keep only the
/// rows that pass the row-wise stages. <see cref="Plan"/> says which. Thread-safe: each run has its own state.</summary>
public sealed class CompiledDetection
{
    private readonly StreamingPlan? _plan;

    private CompiledDetection(string search, Detection detection, ImmutableArray<Diagnostic> diagnostics, CompileOptions options)
    {
        Search = search;
        Detection = detection;
        Diagnostics = diagnostics;
        Options = options;
        if (!options.Streaming) return;
        try
        {
            _plan = StreamingPlan.Build(detection, options.Evaluation, new DetectionEvaluator.RowPipeline(new EvaluationContext(options.Evaluation)));
        }
        catch (InsufficientExecutionStackException)
        {
            // A detection nested too deeply to analyse runs through Evaluate, which reports what it cannot run.
            _plan = null;
        }
    }

    /// <summary>The search as given.</summary>
    public string Search { get; }

    /// <summary>The lowered detection.</summary>
    public Detection Detection { get; }

    /// <summary>Parse and lowering diagnostics (spans in <see cref="Search"/>). Run diagnostics come with each result.</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; }

    /// <summary>The options it was compiled with.</summary>
    public CompileOptions Options { get; }

    /// <summary>True when no compile diagnostic is an error.</summary>
    public bool Ok => !Diagnostics.Any(d => d.IsError);

    /// <summary>True when runs stream (read each event once, without keeping it unless it survives the row-wise stages).</summary>
    public bool Streams => _plan is { Streams: true };

    /// <summary>How runs work, one decision per line (streamed stages, aggregation, fields read, prefilter).</summary>
    public string Plan => _plan?.Describe() ?? (Options.Streaming ? "materialise: the detection is nested too deeply to analyse" : "materialise: streaming is off");

    /// <summary>Compiles a search: macros expanded, parsed, then lowered. Never throws for any search text: problems
    /// are in <see cref="Diagnostics"/>, parse diagnostics first, then lowering diagnostics. A search that does not
    /// parse is not lowered (a tree that holds errors has no meaning to run): its diagnostics are the parse
    /// diagnostics alone and its runs return no rows. An unexpected failure is reported as SPL9999 after the
    /// diagnostics found until then, and runs return no rows. This is the one place that turns search text into a
    /// runnable detection; <see cref="Testing.SearchEvaluation"/> and <c>exfilq eval</c>/<c>exfilq test</c> compile
    /// through it.</summary>
    public static CompiledDetection Compile(string search, CompileOptions? options = null)
    {
        options ??= CompileOptions.Default;
        search ??= string.Empty;
        // The searches map runs are expanded with the same macros as this one unless the caller gave others.
        if (ReferenceEquals(options.Evaluation.Macros, MacroLibrary.Empty) && !ReferenceEquals(options.EffectiveParsing.Macros, MacroLibrary.Empty))
            options = options with { Evaluation = options.Evaluation with { Macros = options.EffectiveParsing.Macros } };
        var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
        Detection detection = new(new EmptySource(), []);
        try
        {
            var parse = Spl.Parse(search, options.EffectiveParsing);
            diagnostics.AddRange(parse.Diagnostics);
            if (parse.Ok)
            {
                var lowered = Lowering.Lower(parse);
                diagnostics.AddRange(lowered.Diagnostics);
                detection = lowered.Detection;
            }
        }
#pragma warning disable CA1031 // a search that breaks the compiler is reported, never thrown
        catch (Exception e) when (e is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            diagnostics.Add(DiagnosticFacts.InternalError(TextSpan.Empty, e.GetType().Name + ": " + e.Message));
            detection = new(new EmptySource(), []);
        }
        return new CompiledDetection(search, detection, diagnostics.ToImmutable(), options);
    }

    /// <summary>Runs over events (read once, lazily when streaming). Events are never changed.</summary>
    public EvaluationResult Run(IEnumerable<Event> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (_plan is not { Streams: true } plan) return DetectionEvaluator.Evaluate(Detection, events, Options.Evaluation);
        var run = new StreamingRun(plan);
        foreach (var e in events) run.Push(e);
        return run.Finish();
    }

    /// <summary>Runs over an asynchronous stream of events.</summary>
    public async Task<EvaluationResult> RunAsync(IAsyncEnumerable<Event> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (_plan is not { Streams: true } plan)
        {
            var list = new List<Event>();
            await foreach (var e in events.WithCancellation(cancellationToken).ConfigureAwait(false)) list.Add(e);
            return DetectionEvaluator.Evaluate(Detection, list, Options.Evaluation);
        }
        var run = new StreamingRun(plan);
        await foreach (var e in events.WithCancellation(cancellationToken).ConfigureAwait(false)) run.Push(e);
        return run.Finish();
    }

    /// <summary>Runs over JSON Lines read from a UTF-8 stream (events as <see cref="EventReaders.ReadJsonLines"/>
    /// reads them; malformed lines are reported as EVL0007 with <paramref name="sourceName"/> and their line number).
    /// Only the fields the pipeline reads are parsed, and with <see cref="CompileOptions.Prefilter"/> lines that cannot
    /// match are not parsed at all.</summary>
    public EvaluationResult RunJsonLines(Stream utf8, string sourceName = "stream", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(utf8);
        if (_plan is not { Streams: true } plan) return Materialised(utf8, sourceName);
        var run = new StreamingRun(plan);
        new JsonLineEventReader(run, sourceName, Options.Prefilter).Read(utf8, cancellationToken);
        return run.Finish();
    }

    /// <summary>Asynchronous <see cref="RunJsonLines"/>.</summary>
    public async Task<EvaluationResult> RunJsonLinesAsync(Stream utf8, string sourceName = "stream", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(utf8);
        if (_plan is not { Streams: true } plan) return Materialised(utf8, sourceName);
        var run = new StreamingRun(plan);
        await new JsonLineEventReader(run, sourceName, Options.Prefilter).ReadAsync(utf8, cancellationToken).ConfigureAwait(false);
        return run.Finish();
    }

    private EvaluationResult Materialised(Stream utf8, string sourceName)
    {
        using var text = new StreamReader(utf8, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        var read = EventReaders.ReadJsonLines(text, sourceName);
        var result = DetectionEvaluator.Evaluate(Detection, read.Events, Options.Evaluation);
        return result with { Diagnostics = [.. read.Diagnostics, .. result.Diagnostics] };
    }

    /// <summary>The events of an asynchronous sequence, for callers that have a list (a convenience for tests and
    /// samples).</summary>
    internal static async IAsyncEnumerable<Event> AsAsync(IEnumerable<Event> events, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var e in events)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return e;
        }
    }
}
