using System.Globalization;
using System.Text;
using ExfilQuery.Diagnostics;
using ExfilQuery.Kql;
using ExfilQuery.Syntax;
using ExfilQuery.Text;

namespace ExfilQuery.Cli;

/// <summary><c>exfilq demo [DIR] [--macros FILE] [--tree]</c>: parses and translates the bundled example searches and
/// shows, for each, the canonical SPL and the KQL translation (with <c>--tree</c>, the syntax tree too), or the
/// diagnostics.</summary>
internal static class DemoCommand
{
    private static readonly CommandSpec Spec = new("demo", ["--tree"], ["--macros"], MaxPositionals: 1);

    private static readonly string DefaultDirectory = Path.Combine("fixtures", "seeds");

    /// <summary>Runs the command with the arguments after <c>demo</c>.</summary>
    public static int Run(IReadOnlyList<string> args, CliContext context)
    {
        var parsed = CommandLine.Parse(args, Spec);
        if (parsed.Has("--help"))
        {
            context.Out.Write(Usage.Demo);
            return ExitCodes.Ok;
        }
        var directory = FindDirectory(parsed.Positionals.Count > 0 ? parsed.Positionals[0] : null, DefaultDirectory, context);
        var options = MacroLoading.LoadOrDefault(parsed.Value("--macros"), context);

        var files = Directory.EnumerateFiles(directory)
            .Where(f => HasExtension(f, ".jsonl") || HasExtension(f, ".spl"))
            .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal)
            .ToList();
        var tree = parsed.Has("--tree");
        var profiles = Profiles;
        var counts = profiles.ToDictionary(p => p, _ => new int[3], StringComparer.Ordinal);
        int total = 0, ok = 0;
        var output = context.Out;
        foreach (var file in files)
        {
            var fileName = Path.GetFileName(file);
            foreach (var item in ReadFile(file))
            {
                total++;
                output.Write("=== " + item.Id + (string.IsNullOrEmpty(item.Name) ? string.Empty : " " + item.Name) + " ===\n");
                if (item.Search is null)
                {
                    output.Write(string.Create(CultureInfo.InvariantCulture,
                        $"error {CliDiagnostics.InputLineUnreadable} at {fileName}:{item.Line}:1: {item.Error}\n"));
                    foreach (var c in counts.Values) c[(int)TranslationStatus.Failed]++;
                }
                else if (Show(item.Search, options, profiles, tree, counts, output))
                {
                    ok++;
                }
                output.Write('\n');
            }
        }
        output.Write(string.Create(CultureInfo.InvariantCulture, $"{total} searches: {ok} ok, {total - ok} with errors\n"));
        foreach (var profile in profiles)
        {
            var c = counts[profile];
            output.Write(string.Create(CultureInfo.InvariantCulture,
                $"KQL (profile {profile}): {c[(int)TranslationStatus.Full]} full, {c[(int)TranslationStatus.Partial]} partial, {c[(int)TranslationStatus.Failed]} failed\n"));
        }
        return ok == total ? ExitCodes.Ok : ExitCodes.Errors;
    }

    /// <summary>The KQL profiles the demo shows: <c>none</c>, and <c>defender</c> once the library implements it.
    /// Whether it does is found by translating a probe search over <c>Endpoint.Processes</c>, which the defender
    /// profile maps to <c>DeviceProcessEvents</c> (docs/MAPPING.md); until then a defender section would only repeat
    /// profile none under the wrong name.</summary>
    internal static IReadOnlyList<string> Profiles => LazyProfiles.Value;

    private static readonly Lazy<IReadOnlyList<string>> LazyProfiles = new(() =>
    {
        const string probe = "| tstats count from datamodel=Endpoint.Processes by Processes.process_name";
        var defender = TranslateCommand.Translate(probe, ParseOptions.Default, KqlOptions.Default with { Profile = "defender" });
        return defender.Query is { } q && q.Contains("DeviceProcessEvents", StringComparison.Ordinal) ? ["none", "defender"] : ["none"];
    });

    /// <summary>Prints one search's result: the canonical SPL, its parse diagnostics, then per profile
    /// <c>--- KQL (profile NAME): STATUS</c>, the query and the diagnostics the translation adds, and with
    /// <paramref name="tree"/> the syntax tree; or only the diagnostics when the search does not parse. True when
    /// it parses without errors.</summary>
    private static bool Show(string search, ParseOptions options, IReadOnlyList<string> profiles, bool tree,
        Dictionary<string, int[]> counts, TextWriter output)
    {
        ParseResult? result = null;
        var text = new StringBuilder();
        var statuses = new List<TranslationStatus>();
        try
        {
            result = Spl.Parse(search, options);
            if (!result.Ok)
            {
                output.Write(DiagnosticFormatter.Format(result));
                foreach (var c in counts.Values) c[(int)TranslationStatus.Failed]++;
                return false;
            }
            text.Append(ParseCommand.Lines(SyntaxPrinter.Print(result.Pipeline)));
            text.Append(DiagnosticFormatter.Format(result));
            var parseDiagnostics = result.Diagnostics.ToHashSet();
            foreach (var profile in profiles)
            {
                var translation = KqlBackend.Translate(search, options, KqlOptions.Default with { Profile = profile });
                statuses.Add(translation.Status);
                text.Append("--- KQL (profile ").Append(profile).Append("): ").Append(translation.StatusName).Append('\n');
                if (translation.Query is not null) text.Append(ParseCommand.Lines(translation.Query));
                text.Append(DiagnosticFormatter.Format(translation.Diagnostics.Where(d => !parseDiagnostics.Contains(d)), result.Source));
            }
            if (tree) text.Append(ParseCommand.Lines(SyntaxDumper.Dump(result.Pipeline)));
        }
#pragma warning disable CA1031 // one failing search must not hide the others
        catch (Exception e)
#pragma warning restore CA1031
        {
            var d = DiagnosticFacts.InternalError(TextSpan.Empty, e.GetType().Name + ": " + e.Message);
            output.Write(DiagnosticFormatter.Format(d, result?.Source ?? new SourceText(search)));
            foreach (var c in counts.Values) c[(int)TranslationStatus.Failed]++;
            return false;
        }
        output.Write(text.ToString());
        for (var i = 0; i < profiles.Count; i++) counts[profiles[i]][(int)statuses[i]]++;
        return true;
    }

    /// <summary>One search of a demo file.</summary>
    private sealed record DemoItem(string Id, string? Name, int Line, string? Search, string? Error);

    private static IEnumerable<DemoItem> ReadFile(string file)
    {
        if (HasExtension(file, ".spl"))
        {
            var (name, search) = ReadSplFile(File.ReadAllText(file, Encoding.UTF8));
            return [new DemoItem(Path.GetFileNameWithoutExtension(file), name, 1, search, null)];
        }
        using var reader = new StreamReader(file, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        return JsonLinesInput.Read(reader)
            .Select(r => new DemoItem(r.DisplayId(Path.GetFileName(file)), r.Name, r.Line, r.Search, r.Error))
            .ToList();
    }

    /// <summary>Splits a <c>.spl</c> file into its header (leading lines that start with <c>#</c>, and blank
    /// lines among them; <c># name: ...</c> names the search) and the search, without trailing line breaks.</summary>
    internal static (string? Name, string Search) ReadSplFile(string text)
    {
        if (text.StartsWith('\uFEFF')) text = text[1..];
        string? name = null;
        var offset = 0;
        while (offset < text.Length)
        {
            var newline = text.IndexOf('\n', offset);
            var end = newline < 0 ? text.Length : newline + 1;
            var line = text[offset..end].TrimEnd('\r', '\n');
            var trimmed = line.TrimStart();
            if (trimmed.StartsWith('#'))
            {
                var header = trimmed.TrimStart('#').Trim();
                if (name is null && header.StartsWith("name:", StringComparison.OrdinalIgnoreCase))
                {
                    name = header["name:".Length..].Trim();
                }
            }
            else if (trimmed.Length > 0)
            {
                break;
            }
            offset = end;
        }
        return (string.IsNullOrEmpty(name) ? null : name, text[offset..].TrimEnd('\r', '\n'));
    }

    /// <summary>The folder <paramref name="given"/> on the command line, or else <paramref name="defaultDirectory"/>
    /// found as <see cref="FindDefault"/> finds it.</summary>
    internal static string FindDirectory(string? given, string defaultDirectory, CliContext context)
    {
        if (given is not null)
        {
            var full = context.ResolvePath(given);
            if (!Directory.Exists(full)) throw new CliFailureException($"directory '{full}' not found.");
            return full;
        }
        return FindDefault(defaultDirectory, context, Directory.Exists)
            ?? throw new CliFailureException($"no '{defaultDirectory}' directory in '{context.CurrentDirectory}' or in the repository root; give DIR.");
    }

    /// <summary>The first existing <paramref name="relative"/> under the current directory, the repository root
    /// above it, or the repository root above the tool itself.</summary>
    internal static string? FindDefault(string relative, CliContext context, Func<string, bool> exists)
    {
        var candidates = new List<string> { Path.Combine(context.CurrentDirectory, relative) };
        if (FindRepositoryRoot(context.CurrentDirectory) is { } root) candidates.Add(Path.Combine(root, relative));
        if (FindRepositoryRoot(AppContext.BaseDirectory) is { } toolRoot) candidates.Add(Path.Combine(toolRoot, relative));
        return candidates.Select(Path.GetFullPath).FirstOrDefault(exists);
    }

    /// <summary>The nearest folder at or above <paramref name="start"/> that holds <c>ExfilQuery.sln</c>.</summary>
    internal static string? FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ExfilQuery.sln"))) return dir.FullName;
        }
        return null;
    }

    private static bool HasExtension(string path, string extension) =>
        Path.GetExtension(path).Equals(extension, StringComparison.OrdinalIgnoreCase);
}
