using System.Diagnostics;
using System.Globalization;

namespace ExfilQuery.Benchmarks;

/// <summary>Parse+expand throughput on one thread with a Stopwatch: three warm-up passes over the corpus, then
/// ten timed passes. Prints one line: <c>parse+expand: N queries/s (M queries, X ms/pass)</c>.</summary>
internal static class QuickMode
{
    private const int WarmupPasses = 3;
    private const int TimedPasses = 10;

    public static int Run()
    {
        var searches = BenchmarkCorpus.LoadSearches();
        var options = ParseOptions.Default.WithMacros(BenchmarkCorpus.LoadMacros());

        var sink = 0;
        for (var pass = 0; pass < WarmupPasses; pass++) sink += Pass(searches, options);

        var stopwatch = Stopwatch.StartNew();
        for (var pass = 0; pass < TimedPasses; pass++) sink += Pass(searches, options);
        stopwatch.Stop();

        var msPerPass = stopwatch.Elapsed.TotalMilliseconds / TimedPasses;
        var perSecond = searches.Length * TimedPasses / stopwatch.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"parse+expand: {perSecond:F0} queries/s ({searches.Length} queries, {msPerPass:F1} ms/pass)"));
        GC.KeepAlive(sink);
        return 0;
    }

    private static int Pass(string[] searches, ParseOptions options)
    {
        var errors = 0;
        foreach (var search in searches)
            if (!Spl.Parse(search, options).Ok) errors++;
        return errors;
    }
}
