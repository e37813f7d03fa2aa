using System.Diagnostics;
using System.Globalization;

namespace ExfilQuery.Benchmarks;

/// <summary>Parse+expand throughput on one thread with a Stopwatch: three warm-up passes over the corpus, then
/// ten timed passes (<c>--warmup N</c>, <c>--passes N</c> change them). Prints one line:
/// <c>parse+expand: N queries/s (M queries, X ms/pass)</c>.</summary>
internal static class QuickMode
{
    public static int Run(string[] args)
    {
        var warmupPasses = ProfileMode.IntOption(args, "--warmup", 3);
        var timedPasses = Math.Max(1, ProfileMode.IntOption(args, "--passes", 10));
        var searches = BenchmarkCorpus.LoadSearches();
        var options = ParseOptions.Default.WithMacros(BenchmarkCorpus.LoadMacros());

        var sink = 0;
        for (var pass = 0; pass < warmupPasses; pass++) sink += Pass(searches, options);

        var stopwatch = Stopwatch.StartNew();
        for (var pass = 0; pass < timedPasses; pass++) sink += Pass(searches, options);
        stopwatch.Stop();

        var msPerPass = stopwatch.Elapsed.TotalMilliseconds / timedPasses;
        var perSecond = searches.Length * timedPasses / stopwatch.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"parse+expand: {perSecond:F0} queries/s ({searches.Length} queries, {msPerPass:F1} ms/pass)"));
        var defender = Kql.KqlOptions.Default with { Profile = "defender" };
        for (var pass = 0; pass < warmupPasses; pass++)
            foreach (var search in searches) sink += Kql.KqlBackend.Translate(search, options, defender).Query is null ? 1 : 0;
        stopwatch.Restart();
        for (var pass = 0; pass < timedPasses; pass++)
            foreach (var search in searches) sink += Kql.KqlBackend.Translate(search, options, defender).Query is null ? 1 : 0;
        stopwatch.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"translate to KQL (defender): {searches.Length * timedPasses / stopwatch.Elapsed.TotalSeconds:F0} detections/s ({searches.Length} detections, {stopwatch.Elapsed.TotalMilliseconds / timedPasses:F1} ms/pass)"));
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
