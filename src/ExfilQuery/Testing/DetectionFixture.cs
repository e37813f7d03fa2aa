using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ExfilQuery.Diagnostics;

namespace ExfilQuery.Testing;

/// <summary>One expected result row: field name to its values (one value, or several for a multivalue field), as
/// <see cref="ResultRows"/> writes them.</summary>
public sealed record ExpectedRow(ImmutableArray<KeyValuePair<string, ImmutableArray<string>>> Fields);

/// <summary>What a fixture's <c>expected.json</c> says (docs: fixtures/detections/README.md).</summary>
/// <param name="Description">What the fixture shows, for people.</param>
/// <param name="Now">The fixed "now" for <c>earliest</c>/<c>latest</c> and <c>now()</c>, or null for the default.</param>
/// <param name="Rows">The exact rows the positive events must give (fields and order), or null.</param>
/// <param name="MinRows">The fewest rows the positive events must give.</param>
/// <param name="Pending">When set, the fixture is reported as ignored with this reason, never as passed.</param>
/// <param name="Inputs">Per event file (path relative to the fixture folder, with <c>/</c>): the <c>host</c>,
/// <c>source</c> and <c>sourcetype</c> its events get, as a Splunk input assigns them (attack_data's dataset YAML
/// names them the same way).</param>
public sealed record FixtureExpectation(string? Description, DateTimeOffset? Now, ImmutableArray<ExpectedRow>? Rows, int MinRows, string? Pending,
    ImmutableDictionary<string, ImmutableArray<KeyValuePair<string, string>>> Inputs);

/// <summary>A detection fixture: a folder with one search, positive events in <c>events/</c>, near-miss events in
/// <c>negative/</c> and <c>expected.json</c>. Load problems are <see cref="Diagnostics"/> (EVL0030–EVL0034); a
/// fixture with an error diagnostic fails.</summary>
/// <param name="Name">The folder name.</param>
/// <param name="Folder">The folder's full path.</param>
/// <param name="SearchFile">The .spl or .yml file, or null.</param>
/// <param name="Search">The search text, or null.</param>
/// <param name="EventFiles">Positive event files, in ordinal order.</param>
/// <param name="NegativeFiles">Negative event files, in ordinal order.</param>
/// <param name="Expectation">The expectation, or null when expected.json cannot be read.</param>
/// <param name="Diagnostics">Problems found while loading.</param>
public sealed record DetectionFixture(
    string Name,
    string Folder,
    string? SearchFile,
    string? Search,
    ImmutableArray<string> EventFiles,
    ImmutableArray<string> NegativeFiles,
    FixtureExpectation? Expectation,
    ImmutableArray<Diagnostic> Diagnostics)
{
    /// <summary>The name of the expectation file in a fixture folder.</summary>
    public const string ExpectationFileName = "expected.json";

    /// <summary>The fixtures under <paramref name="root"/>: every folder (at any depth) that holds an
    /// <c>expected.json</c>, in ordinal order of their paths relative to the root.</summary>
    public static ImmutableArray<DetectionFixture> LoadAll(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return Directory.EnumerateFiles(root, ExpectationFileName, SearchOption.AllDirectories)
            .Select(f => Path.GetDirectoryName(f)!)
            .OrderBy(d => Path.GetRelativePath(root, d).Replace('\\', '/'), StringComparer.Ordinal)
            .Select(Load)
            .ToImmutableArray();
    }

    /// <summary>Loads one fixture folder. Never throws for bad content: problems become diagnostics.</summary>
    public static DetectionFixture Load(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        folder = Path.GetFullPath(folder);
        var name = Path.GetFileName(folder);
        var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();

        var searchFiles = Directory.EnumerateFiles(folder)
            .Where(f => HasExtension(f, ".spl") || HasExtension(f, ".yml") || HasExtension(f, ".yaml"))
            .Order(StringComparer.Ordinal).ToList();
        string? searchFile = null, search = null;
        if (searchFiles.Count != 1)
        {
            diagnostics.Add(FixtureDiagnostics.NoSearch(name, searchFiles.Count == 0
                ? "no .spl or .yml file."
                : $"{searchFiles.Count} search files ({string.Join(", ", searchFiles.Select(Path.GetFileName))})."));
        }
        else
        {
            searchFile = searchFiles[0];
            search = ReadSearch(searchFile, diagnostics);
        }

        var events = EventFilesIn(Path.Combine(folder, "events"));
        if (events.IsEmpty) diagnostics.Add(FixtureDiagnostics.NoEvents(name));
        var negative = EventFilesIn(Path.Combine(folder, "negative"));
        var expectation = ReadExpectation(Path.Combine(folder, ExpectationFileName), diagnostics);
        if (expectation is not null)
        {
            var known = events.Concat(negative).Select(f => RelativeName(folder, f)).ToHashSet(StringComparer.Ordinal);
            foreach (var file in expectation.Inputs.Keys.Where(k => !known.Contains(k)).Order(StringComparer.Ordinal))
                diagnostics.Add(FixtureDiagnostics.BadExpectation(name + "/" + ExpectationFileName, $"inputs['{file}'] is not an event file of the fixture (events/ or negative/)."));
        }
        return new DetectionFixture(name, folder, searchFile, search, events, negative, expectation, diagnostics.ToImmutable());
    }

    /// <summary>The path of a file relative to the fixture folder, with <c>/</c>.</summary>
    public static string RelativeName(string folder, string file) => Path.GetRelativePath(folder, file).Replace('\\', '/');

    private static bool HasExtension(string path, string extension) => path.EndsWith(extension, StringComparison.OrdinalIgnoreCase);

    private static ImmutableArray<string> EventFilesIn(string folder) => Directory.Exists(folder)
        ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith('.'))
            .Order(StringComparer.Ordinal).ToImmutableArray()
        : [];

    /// <summary>A .spl file (leading lines starting with '#' are a header, as in fixtures/seeds) or a
    /// security_content YAML's <c>search:</c>.</summary>
    private static string? ReadSearch(string path, ImmutableArray<Diagnostic>.Builder diagnostics)
    {
        var text = File.ReadAllText(path, new UTF8Encoding(false)).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (text.StartsWith('\uFEFF')) text = text[1..];
        if (HasExtension(path, ".spl"))
            return string.Join("\n", text.Split('\n').SkipWhile(l => l.StartsWith('#'))).Trim();
        var search = SecurityContentYaml.ReadSearch(text, out var error);
        if (search is null) diagnostics.Add(FixtureDiagnostics.YamlSearch(Path.GetFileName(path), error!));
        return search?.Trim();
    }

    private static FixtureExpectation? ReadExpectation(string path, ImmutableArray<Diagnostic>.Builder diagnostics)
    {
        var file = Path.GetFileName(Path.GetDirectoryName(path)) + "/" + ExpectationFileName;
        if (!File.Exists(path))
        {
            diagnostics.Add(FixtureDiagnostics.BadExpectation(file, "not found."));
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var problems = new List<string>();
            var expectation = ParseExpectation(doc.RootElement, problems);
            foreach (var p in problems) diagnostics.Add(FixtureDiagnostics.BadExpectation(file, p));
            return problems.Count == 0 ? expectation : null;
        }
        catch (JsonException e)
        {
            diagnostics.Add(FixtureDiagnostics.BadExpectation(file, "not valid JSON: " + e.Message));
            return null;
        }
    }

    private static readonly string[] Members = ["description", "now", "rows", "min_rows", "pending", "inputs"];

    /// <summary>The fields an <c>inputs</c> entry may set.</summary>
    public static readonly ImmutableArray<string> InputFields = ["host", "source", "sourcetype"];

    private static FixtureExpectation ParseExpectation(JsonElement root, List<string> problems)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            problems.Add("the top level must be an object.");
            return new FixtureExpectation(null, null, null, 1, null, ImmutableDictionary<string, ImmutableArray<KeyValuePair<string, string>>>.Empty);
        }
        foreach (var p in root.EnumerateObject())
            if (!Members.Contains(p.Name)) problems.Add($"unknown member '{p.Name}'; the members are {string.Join(", ", Members)}.");
        string? description = null, pending = null;
        DateTimeOffset? now = null;
        ImmutableArray<ExpectedRow>? rows = null;
        int? minRows = null;
        if (root.TryGetProperty("description", out var d)) description = String(d, "description", problems);
        if (root.TryGetProperty("pending", out var pe))
        {
            pending = String(pe, "pending", problems);
            if (pending is { Length: 0 }) problems.Add("'pending' must give the reason.");
        }
        if (root.TryGetProperty("now", out var n) && String(n, "now", problems) is { } nowText)
        {
            if (DateTimeOffset.TryParse(nowText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)) now = parsed;
            else problems.Add($"'now' is not an ISO-8601 time: '{nowText}'.");
        }
        if (root.TryGetProperty("min_rows", out var m))
        {
            if (m.ValueKind == JsonValueKind.Number && m.TryGetInt32(out var count) && count >= 0) minRows = count;
            else problems.Add("'min_rows' must be a whole number, 0 or more.");
        }
        if (root.TryGetProperty("rows", out var r))
        {
            if (r.ValueKind != JsonValueKind.Array) problems.Add("'rows' must be an array of objects.");
            else rows = r.EnumerateArray().Select((row, i) => ParseRow(row, i, problems)).ToImmutableArray();
        }
        var inputs = ImmutableDictionary.CreateBuilder<string, ImmutableArray<KeyValuePair<string, string>>>(StringComparer.Ordinal);
        if (root.TryGetProperty("inputs", out var inp))
        {
            if (inp.ValueKind != JsonValueKind.Object) problems.Add("'inputs' must be an object: event file to {\"host\", \"source\", \"sourcetype\"}.");
            else
                foreach (var file in inp.EnumerateObject())
                {
                    if (file.Value.ValueKind != JsonValueKind.Object)
                    {
                        problems.Add($"inputs['{file.Name}'] must be an object.");
                        continue;
                    }
                    var fields = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>();
                    foreach (var f in file.Value.EnumerateObject())
                    {
                        if (!InputFields.Contains(f.Name)) problems.Add($"inputs['{file.Name}'].{f.Name}: only host, source and sourcetype can be set.");
                        else if (f.Value.ValueKind != JsonValueKind.String) problems.Add($"inputs['{file.Name}'].{f.Name} must be a string.");
                        else fields.Add(new(f.Name, f.Value.GetString()!));
                    }
                    inputs[file.Name] = fields.ToImmutable();
                }
        }
        if (rows is null && minRows is null) minRows = 1;
        if (rows is { } exact && minRows is { } min && min > exact.Length)
            problems.Add($"'min_rows' ({min}) is more than the {exact.Length} exact 'rows'.");
        return new FixtureExpectation(description, now, rows, minRows ?? rows?.Length ?? 1, pending, inputs.ToImmutable());
    }

    private static string? String(JsonElement e, string member, List<string> problems)
    {
        if (e.ValueKind == JsonValueKind.String) return e.GetString();
        problems.Add($"'{member}' must be a string.");
        return null;
    }

    private static ExpectedRow ParseRow(JsonElement row, int index, List<string> problems)
    {
        var fields = ImmutableArray.CreateBuilder<KeyValuePair<string, ImmutableArray<string>>>();
        if (row.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"rows[{index}] must be an object.");
            return new ExpectedRow([]);
        }
        foreach (var p in row.EnumerateObject())
        {
            ImmutableArray<string>? values = p.Value.ValueKind switch
            {
                JsonValueKind.String => [p.Value.GetString()!],
                JsonValueKind.Number => [p.Value.GetRawText()],
                JsonValueKind.Array when p.Value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String) =>
                    p.Value.EnumerateArray().Select(v => v.GetString()!).ToImmutableArray(),
                _ => null,
            };
            if (values is null) problems.Add($"rows[{index}].{p.Name} must be a string, a number or an array of strings.");
            else fields.Add(new(p.Name, values.Value));
        }
        return new ExpectedRow(fields.ToImmutable());
    }
}
