using System.Collections.Immutable;
using System.Text.Json;
using ExfilQuery.Diagnostics;
using ExfilQuery.Macros;

namespace ExfilQuery.Benchmarks;

/// <summary>Where the benchmarks read their searches and macros: <c>--corpus FILE --macros FILE</c>, or by default
/// ../shared/corpus/splunk/detections.public.jsonl and fixtures/splunk/macros.jsonl relative to the repository root
/// (the folder holding ExfilQuery.sln). BenchmarkDotNet runs each benchmark in a child process, so the chosen
/// paths travel in environment variables, which child processes inherit.</summary>
internal static class BenchmarkCorpus
{
    public const string CorpusVariable = "EXFILQUERY_BENCH_CORPUS";
    public const string MacrosVariable = "EXFILQUERY_BENCH_MACROS";

    /// <summary>Removes <c>--corpus FILE</c> and <c>--macros FILE</c> from <paramref name="args"/> (BenchmarkDotNet
    /// would reject them) and records the paths for this process and its children.</summary>
    public static string[] TakeOptions(string[] args)
    {
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--corpus" when i + 1 < args.Length:
                    Environment.SetEnvironmentVariable(CorpusVariable, Path.GetFullPath(args[++i]));
                    break;
                case "--macros" when i + 1 < args.Length:
                    Environment.SetEnvironmentVariable(MacrosVariable, Path.GetFullPath(args[++i]));
                    break;
                case "--corpus" or "--macros":
                    throw new ArgumentException($"{args[i]} needs a file name");
                default:
                    rest.Add(args[i]);
                    break;
            }
        }
        return [.. rest];
    }

    public static string CorpusPath =>
        Environment.GetEnvironmentVariable(CorpusVariable) is { Length: > 0 } path
            ? path
            : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "corpus", "splunk", "detections.public.jsonl"));

    public static string MacrosPath =>
        Environment.GetEnvironmentVariable(MacrosVariable) is { Length: > 0 } path
            ? path
            : Path.Combine(RepoRoot, "fixtures", "splunk", "macros.jsonl");

    /// <summary>The folder holding ExfilQuery.sln, above the program or the current directory.</summary>
    public static string RepoRoot
    {
        get
        {
            foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            {
                for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                    if (File.Exists(Path.Combine(dir.FullName, "ExfilQuery.sln"))) return dir.FullName;
            }
            throw new InvalidOperationException("cannot find the folder holding ExfilQuery.sln; pass --corpus FILE --macros FILE");
        }
    }

    /// <summary>The <c>search</c> field of every line of the corpus, in file order.</summary>
    public static string[] LoadSearches()
    {
        var path = CorpusPath;
        if (!File.Exists(path)) throw new FileNotFoundException($"corpus not found: {path} (pass --corpus FILE)", path);
        var searches = new List<string>();
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("search", out var search)
                && search.ValueKind == JsonValueKind.String)
                searches.Add(search.GetString()!);
        }
        if (searches.Count == 0) throw new InvalidDataException($"no \"search\" strings in {path}");
        return [.. searches];
    }

    public static MacroLibrary LoadMacros()
    {
        var path = MacrosPath;
        if (!File.Exists(path)) throw new FileNotFoundException($"macro library not found: {path} (pass --macros FILE)", path);
        var library = MacroLibrary.Load(path, out ImmutableArray<Diagnostic> diagnostics);
        if (diagnostics.Any(d => d.IsError))
            throw new InvalidDataException($"{path}: {diagnostics.First(d => d.IsError)}");
        return library;
    }
}
