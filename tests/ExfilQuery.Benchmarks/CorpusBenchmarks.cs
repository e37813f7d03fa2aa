using BenchmarkDotNet.Attributes;
using ExfilQuery.Macros;

namespace ExfilQuery.Benchmarks;

/// <summary>Throughput over the public detection corpus. Every invocation handles
/// <see cref="QueriesPerInvoke"/> searches, so BenchmarkDotNet's Op/s column is searches per second.</summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 5)]
[MemoryDiagnoser]
[OperationsPerSecond]
public class CorpusBenchmarks
{
    /// <summary>The number of searches in detections.public.jsonl on 2026-11-22. An invocation handles exactly
    /// this many, going round the corpus when it has another size, so Op/s stays searches per second.</summary>
    public const int QueriesPerInvoke = 793;

    private const int WarmupPasses = 5;

    private string[] _searches = [];
    private string[] _expanded = [];
    private MacroLibrary _library = MacroLibrary.Empty;
    private ParseOptions _options = ParseOptions.Default;
    private ParseOptions _expandedOptions = ParseOptions.Default;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _searches = BenchmarkCorpus.LoadSearches();
        _library = BenchmarkCorpus.LoadMacros();
        _options = ParseOptions.Default.WithMacros(_library);
        // Parse-only: the texts are expanded already; no library and no built-ins, so expansion finds nothing to do.
        _expandedOptions = ParseOptions.Default with { MacroExpansion = MacroExpansionOptions.Default with { UseBuiltins = false } };
        _expanded = [.. _searches.Select(s => MacroExpander.Expand(s, _library).Text)];

        // JIT warm-up, so that BenchmarkDotNet's first (jitting) invocation stays under its 500 ms iteration time.
        // A slower one makes it skip the pilot stage and run one invocation per iteration, and three warm-up
        // iterations of one invocation do not reach tier-1 code: the results then drift down iteration by iteration.
        for (var pass = 0; pass < WarmupPasses; pass++)
        {
            foreach (var search in _searches) Spl.Parse(search, _options);
            foreach (var text in _expanded) Spl.Parse(text, _expandedOptions);
            foreach (var search in _searches) MacroExpander.Expand(search, _library);
            foreach (var search in _searches) Kql.KqlBackend.Translate(search, _options, _defender);
        }

        if (_searches.Length != QueriesPerInvoke)
            Console.WriteLine($"// note: the corpus has {_searches.Length} searches; each invocation handles {QueriesPerInvoke}, going round it");
    }

    /// <summary>The next <see cref="QueriesPerInvoke"/> indexes, round the corpus.</summary>
    private int Next()
    {
        var i = _next;
        _next = i + 1 == _searches.Length ? 0 : i + 1;
        return i;
    }

    [Benchmark(OperationsPerInvoke = QueriesPerInvoke)]
    public int ParseAndExpandCorpus()
    {
        var errors = 0;
        for (var n = 0; n < QueriesPerInvoke; n++)
            if (!Spl.Parse(_searches[Next()], _options).Ok) errors++;
        return errors;
    }

    /// <summary>End to end: parse, expand, lower and translate to KQL (profile defender).</summary>
    [Benchmark(OperationsPerInvoke = QueriesPerInvoke)]
    public int TranslateToKqlDefender()
    {
        var failed = 0;
        for (var n = 0; n < QueriesPerInvoke; n++)
            if (Kql.KqlBackend.Translate(_searches[Next()], _options, _defender).Query is null) failed++;
        return failed;
    }

    private readonly Kql.KqlOptions _defender = Kql.KqlOptions.Default with { Profile = "defender" };

    [Benchmark(OperationsPerInvoke = QueriesPerInvoke)]
    public int ParseOnly()
    {
        var errors = 0;
        for (var n = 0; n < QueriesPerInvoke; n++)
            if (!Spl.Parse(_expanded[Next()], _expandedOptions).Ok) errors++;
        return errors;
    }

    [Benchmark(OperationsPerInvoke = QueriesPerInvoke)]
    public int ExpandOnly()
    {
        var length = 0;
        for (var n = 0; n < QueriesPerInvoke; n++)
            length += MacroExpander.Expand(_searches[Next()], _library).Text.Length;
        return length;
    }
}
