using System.Text.Json;
using ExfilQuery.Macros;
using NUnit.Framework;

namespace ExfilQuery.Tests;

/// <summary>Where the tests find the repository, the bundled fixtures and the read-only ../shared corpus.</summary>
public static class TestData
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ExfilQuery.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("ExfilQuery.sln not found above the test directory.");
    });

    private static readonly Lazy<MacroLibrary> Macros = new(() =>
    {
        var library = MacroLibrary.Load(Path.Combine(RepoRoot, "fixtures", "splunk", "macros.jsonl"), out var diagnostics);
        if (diagnostics.Any(d => d.IsError)) throw new InvalidOperationException("fixtures/splunk/macros.jsonl: " + string.Join("; ", diagnostics));
        return library;
    });

    /// <summary>The repository root (the folder holding ExfilQuery.sln).</summary>
    public static string RepoRoot => Root.Value;

    /// <summary>A path under the repository root.</summary>
    public static string Repo(params string[] parts) => Path.Combine([RepoRoot, .. parts]);

    /// <summary>The security_content macro library bundled in fixtures/splunk.</summary>
    public static MacroLibrary SplunkMacros => Macros.Value;

    /// <summary>Parse options with the bundled macro library.</summary>
    public static ParseOptions WithSplunkMacros => ParseOptions.Default.WithMacros(SplunkMacros);

    /// <summary>A path in ../shared, or Assert.Ignore when ../shared is absent (it is read-only material that CI
    /// provides beside the clone).</summary>
    public static string Shared(params string[] parts)
    {
        var shared = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));
        var path = Path.Combine([shared, .. parts]);
        if (!File.Exists(path) && !Directory.Exists(path))
            Assert.Ignore($"../shared is absent ({path} not found): this test reads the shared corpus and cannot run without it.");
        return path;
    }

    /// <summary>One search read from a fixture or corpus file.</summary>
    public sealed record SearchCase(string Id, string Search)
    {
        public override string ToString() => Id;
    }

    /// <summary>Reads JSON Lines with "id" (or "name") and "search"; a non-string search (a Sigma mapping) is
    /// returned as its raw JSON text.</summary>
    public static IEnumerable<SearchCase> ReadJsonLines(string path)
    {
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var id = root.TryGetProperty("id", out var i) ? i.ToString() : root.GetProperty("name").GetString()!;
            var search = root.GetProperty("search");
            yield return new SearchCase(id, search.ValueKind == JsonValueKind.String ? search.GetString()! : search.GetRawText());
        }
    }

    /// <summary>Reads a .spl fixture: leading lines starting with '#' are a header.</summary>
    public static SearchCase ReadSpl(string path)
    {
        var lines = File.ReadAllLines(path).SkipWhile(l => l.StartsWith('#'));
        return new SearchCase(Path.GetFileNameWithoutExtension(path), string.Join("\n", lines).Trim());
    }

    /// <summary>Every classic-SPL seed search bundled in fixtures/seeds (Splunk detections and MITRE analytics).</summary>
    public static IEnumerable<SearchCase> SeedSearches()
    {
        var dir = Repo("fixtures", "seeds");
        foreach (var c in ReadJsonLines(Path.Combine(dir, "splunk_seed_detections.jsonl"))) yield return c;
        foreach (var f in Directory.GetFiles(dir, "*.spl").Order(StringComparer.Ordinal)) yield return ReadSpl(f);
    }
}
