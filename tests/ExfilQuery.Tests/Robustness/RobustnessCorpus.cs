using System.Globalization;
using System.Text;
using System.Text.Json;
using ExfilQuery.Macros;
using NUnit.Framework;

namespace ExfilQuery.Tests.Robustness;

/// <summary>The searches the robustness tests start from: the public detections in
/// ../shared/corpus/splunk/detections.public.jsonl, or, when ../shared is absent, the seeds in fixtures/seeds.</summary>
internal static class RobustnessCorpus
{
    private static readonly Lazy<(string Source, string[] Searches)> s_searches = new(Load);
    private static readonly Lazy<MacroLibrary> s_macros = new(LoadMacros);

    /// <summary>The folder holding ExfilQuery.sln, found by walking up from the test output folder.</summary>
    public static string RepoRoot => TestData.RepoRoot;

    /// <summary>The non-empty searches, in file order; the test is ignored when there are none.</summary>
    public static string[] Searches
    {
        get
        {
            var (source, searches) = s_searches.Value;
            if (searches.Length == 0)
                Assert.Ignore($"no searches to mutate: ../shared is absent ({SharedCorpusPath} not found) and fixtures/seeds holds no *.jsonl or *.spl searches");
            TestContext.Out.WriteLine($"corpus: {searches.Length} searches from {source}");
            return searches;
        }
    }

    /// <summary>The security_content macro library in fixtures/splunk/macros.jsonl (empty when it is missing).</summary>
    public static MacroLibrary Macros => s_macros.Value;

    private static string SharedCorpusPath =>
        Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "corpus", "splunk", "detections.public.jsonl"));

    private static (string, string[]) Load()
    {
        var shared = SharedCorpusPath;
        if (File.Exists(shared)) return (shared, [.. ReadJsonLines(shared)]);

        var seeds = Path.Combine(RepoRoot, "fixtures", "seeds");
        var searches = new List<string>();
        if (Directory.Exists(seeds))
        {
            foreach (var file in Directory.GetFiles(seeds, "*.jsonl").Order(StringComparer.Ordinal))
                searches.AddRange(ReadJsonLines(file));
            foreach (var file in Directory.GetFiles(seeds, "*.spl").Order(StringComparer.Ordinal))
            {
                // Leading '#' lines are provenance notes, not SPL.
                var lines = File.ReadAllLines(file).SkipWhile(l => l.TrimStart().StartsWith('#'));
                var text = string.Join("\n", lines).Trim();
                if (text.Length > 0) searches.Add(text);
            }
        }
        return ($"{seeds} (../shared is absent)", [.. searches]);
    }

    private static IEnumerable<string> ReadJsonLines(string path)
    {
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("search", out var search)
                && search.ValueKind == JsonValueKind.String
                && search.GetString() is { Length: > 0 } text)
                yield return text;
        }
    }

    private static MacroLibrary LoadMacros()
    {
        var path = Path.Combine(RepoRoot, "fixtures", "splunk", "macros.jsonl");
        return File.Exists(path) ? MacroLibrary.Load(path, out _) : MacroLibrary.Empty;
    }

    /// <summary>The text as a C# string literal (non-ASCII and control characters escaped), cut to
    /// <paramref name="max"/> characters with the full length noted, for failure messages.</summary>
    public static string Literal(string text, int max = 400)
    {
        var sb = new StringBuilder("\"");
        var shown = Math.Min(text.Length, max);
        for (var i = 0; i < shown; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\0': sb.Append("\\0"); break;
                default:
                    if (c < 0x20 || c > 0x7E) sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
        if (shown < text.Length) sb.Append(CultureInfo.InvariantCulture, $" (first {shown} of {text.Length} chars)");
        return sb.ToString();
    }
}
