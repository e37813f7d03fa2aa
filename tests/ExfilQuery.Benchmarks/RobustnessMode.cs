using System.Diagnostics;
using System.Globalization;
using ExfilQuery.Tests.Robustness;

namespace ExfilQuery.Benchmarks;

/// <summary><c>robustness</c>: issue #2's speed target on hostile input: every deep-nesting and long-chain input of
/// <see cref="LongInputShapes"/> (10,000 levels, 100,000 terms or commands, up to 1.1 MB) parses within one second.
/// Each shape is warmed up on a small instance, then parsed <c>--passes N</c> times (default 3) after a full garbage
/// collection; the fastest time is kept (a pause caused by another process is rarely repeated). Prints one line per
/// shape with its time and its share of the budget, then the slowest; exits 1 when one is over budget.</summary>
internal static class RobustnessMode
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(1);

    public static int Run(string[] args)
    {
        var passes = Math.Max(1, ProfileMode.IntOption(args, "--passes", 3));
        var over = 0;
        var slowest = (Name: "", Ms: 0.0);
        foreach (var (name, size, make) in LongInputShapes.All)
        {
            Spl.Parse(make(Math.Max(2, size / 100)), ParseOptions.Default);
            var input = make(size);
            var best = double.MaxValue;
            for (var pass = 0; pass < passes; pass++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                var stopwatch = Stopwatch.StartNew();
                Spl.Parse(input, ParseOptions.Default);
                best = Math.Min(best, stopwatch.Elapsed.TotalMilliseconds);
            }
            if (best > Budget.TotalMilliseconds) over++;
            if (best > slowest.Ms) slowest = ($"{name} x{size}", best);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name} x{size} ({input.Length} chars): {best:F0} ms, {100 * best / Budget.TotalMilliseconds:F0}% of the budget"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"slowest: {slowest.Name}: {slowest.Ms:F0} ms; {over} of {LongInputShapes.All.Length} over the {Budget.TotalMilliseconds:F0} ms budget"));
        return over == 0 ? 0 : 1;
    }
}
