using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ExfilQuery.Evaluation;

namespace ExfilQuery.Benchmarks;

/// <summary><c>eval</c>: the evaluator over 1M generated Sysmon-like JSON Lines events (about 360 MB, written once to
/// the temp folder by <see cref="SysmonGenerator"/>). Each of five queries runs in its own child process with
/// <see cref="CompiledDetection.RunJsonLines"/> and with a hand-written <see cref="Utf8JsonReader"/> loop doing the
/// same work (the baseline), so each peak working set is that query's alone. Prints events/s, MB/s, peak memory
/// and the ratio to the baseline. Options: <c>--events N</c>, <c>--file PATH</c>, <c>--passes N</c> (timed runs
/// per process after one warm-up run; the best is kept), <c>--query NAME</c>.</summary>
internal static class EvalMode
{
    public sealed record Query(string Name, string Search, Func<Stream, (long Rows, string Check)> Baseline);

    public static readonly Query[] Queries =
    [
        new("field-filter", "OriginalFileName=certutil.exe", Baselines.FieldFilter),
        new("wildcard-filter", "CommandLine=\"*-encodedcommand*\"", Baselines.WildcardFilter),
        new("stats-sum", "| stats count sum(bytes_out) by host, dest_port", Baselines.StatsSum),
        new("eval-case-where-stats", "| eval size=case(bytes_out>1000000, \"large\", bytes_out>10000, \"medium\", true(), \"small\") | where size!=\"small\" | stats count by host, size", Baselines.EvalCaseWhereStats),
        new("dns-length", "EventCode=22 | eval qlen=len(QueryName) | stats avg(qlen) stdev(qlen) count by host", Baselines.DnsLength),
    ];

    public static int Run(string[] args)
    {
        var count = ProfileMode.IntOption(args, "--events", 1_000_000);
        var passes = Math.Max(1, ProfileMode.IntOption(args, "--passes", 2));
        var file = StringOption(args, "--file") ?? Path.Combine(Path.GetTempPath(), "exfilq-bench", $"sysmon-{count}-v{SysmonGenerator.Version}.jsonl");
        if (StringOption(args, "--child") is { } engine)
            return Child(file, StringOption(args, "--query")!, engine, passes);

        if (!File.Exists(file))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var sw = Stopwatch.StartNew();
            var tmp = file + ".tmp";
            var size = SysmonGenerator.Write(tmp, count);
            File.Move(tmp, file, overwrite: true);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"generated {file}: {count} events, {size / 1e6:F1} MB in {sw.Elapsed.TotalSeconds:F1} s"));
        }
        var bytes = new FileInfo(file).Length;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"events file: {file} ({count} events, {bytes / 1e6:F1} MB); {passes} timed pass(es) per process after 1 warm-up, best kept"));
        Console.WriteLine("| query | engine | events/s (CPU) | MB/s (CPU) | events/s (wall) | peak working set | rows | vs baseline (CPU) |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        var only = StringOption(args, "--query");
        var failed = false;
        foreach (var q in Queries.Where(q => only is null || q.Name == only))
        {
            var baseline = Spawn(file, q.Name, "baseline", passes, count);
            var ours = Spawn(file, q.Name, "exfilq", passes, count);
            if (baseline is null || ours is null) return 1;
            Console.WriteLine(Line(q.Name, "baseline", baseline, bytes, null));
            Console.WriteLine(Line(q.Name, "exfilq", ours, bytes, baseline));
            if (ours.Check != baseline.Check)
            {
                Console.WriteLine($"  MISMATCH: exfilq {ours.Check} / baseline {baseline.Check}");
                failed = true;
            }
        }
        return failed ? 1 : 0;
    }

    /// <summary>CPU seconds (user + system, all threads: the GC's included) and wall-clock seconds of the best pass.</summary>
    private sealed record Measure(double Seconds, double WallSeconds, long PeakBytes, long Rows, string Check);

    private static string Line(string query, string engine, Measure m, long bytes, Measure? baseline) =>
        string.Create(CultureInfo.InvariantCulture,
            $"| {query} | {engine} | {_events / m.Seconds:N0} | {bytes / 1e6 / m.Seconds:F0} | {_events / m.WallSeconds:N0} | {m.PeakBytes / 1048576.0:F0} MB | {m.Rows} | {(baseline is null ? "" : (baseline.Seconds / m.Seconds * 100).ToString("F0", CultureInfo.InvariantCulture) + " %")} |");

    private static long _events;

    private static Measure? Spawn(string file, string query, string engine, int passes, int count)
    {
        _events = count;
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(EvalMode).Assembly.Location);
        foreach (var a in new[] { "eval", "--child", engine, "--query", query, "--file", file, "--passes", passes.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
        {
            Console.Error.WriteLine($"{query}/{engine} failed (exit {process.ExitCode}):\n{output}");
            return null;
        }
        var parts = line.Split(' ', 6);
        return new Measure(double.Parse(parts[1], CultureInfo.InvariantCulture), double.Parse(parts[2], CultureInfo.InvariantCulture),
            long.Parse(parts[3], CultureInfo.InvariantCulture), long.Parse(parts[4], CultureInfo.InvariantCulture), parts[5]);
    }

    /// <summary>One query, one engine: prints <c>RESULT seconds peakBytes rows check</c>.</summary>
    private static int Child(string file, string name, string engine, int passes)
    {
        var query = Queries.Single(q => q.Name == name);
        var compiled = CompiledDetection.Compile(query.Search);
        var bestCpu = double.MaxValue;
        var bestWall = double.MaxValue;
        (long Rows, string Check) result = default;
        using var self = Process.GetCurrentProcess();
        for (var pass = 0; pass <= passes; pass++)
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            self.Refresh();
            var cpu = self.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            result = engine == "baseline" ? query.Baseline(stream) : Summarise(compiled.RunJsonLines(stream, Path.GetFileName(file)));
            sw.Stop();
            self.Refresh();
            if (pass == 0) continue;
            bestCpu = Math.Min(bestCpu, (self.TotalProcessorTime - cpu).TotalSeconds);
            bestWall = Math.Min(bestWall, sw.Elapsed.TotalSeconds);
        }
        self.Refresh();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT {bestCpu:R} {bestWall:R} {self.PeakWorkingSet64} {result.Rows} {result.Check}"));
        return 0;
    }

    /// <summary>What both engines must agree on: the row count and, for aggregations, the sum of the counts and a
    /// sum over the numeric results (rounded), so a wrong result shows as a mismatch.</summary>
    private static (long Rows, string Check) Summarise(EvaluationResult result)
    {
        if (result.Diagnostics.Any(d => d.IsError)) throw new InvalidOperationException(string.Join("; ", result.Diagnostics));
        var count = 0.0;
        var other = 0.0;
        foreach (var row in result.Rows)
            foreach (var (field, value) in row)
            {
                if (field == "count") count += value.AsNumber() ?? 0;
                else if (field.Contains('(') && value.AsNumber() is { } n) other += n;
            }
        return (result.Rows.Length, Check(result.Rows.Length, count, other));
    }

    internal static string Check(long rows, double count, double other) =>
        string.Create(CultureInfo.InvariantCulture, $"rows={rows};count={count:R};sum={Math.Round(other, 3):R}");

    private static string? StringOption(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
