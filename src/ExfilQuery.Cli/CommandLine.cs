using System.Reflection;

namespace ExfilQuery.Cli;

/// <summary>What a command accepts: flags (<c>--print</c>), options with a value (<c>--macros FILE</c>) and how
/// many positional arguments.</summary>
internal sealed record CommandSpec(string Name, IReadOnlyCollection<string> Flags, IReadOnlyCollection<string> ValueOptions, int MaxPositionals);

/// <summary>The arguments of one command after parsing.</summary>
internal sealed class ParsedArguments
{
    private readonly HashSet<string> _flags;
    private readonly Dictionary<string, string> _values;

    public ParsedArguments(HashSet<string> flags, Dictionary<string, string> values, IReadOnlyList<string> positionals)
    {
        _flags = flags;
        _values = values;
        Positionals = positionals;
    }

    /// <summary>Positional arguments in order (a lone <c>-</c> is positional).</summary>
    public IReadOnlyList<string> Positionals { get; }

    /// <summary>True when the flag was given.</summary>
    public bool Has(string flag) => _flags.Contains(flag);

    /// <summary>The value of an option, or null when it was not given.</summary>
    public string? Value(string option) => _values.TryGetValue(option, out var v) ? v : null;
}

/// <summary>A small hand-written argument parser. Options may come before or after positional arguments;
/// <c>--name=value</c> and <c>--name value</c> are both accepted; <c>--</c> ends the options; a lone <c>-</c>
/// is a positional argument (standard input). <c>--help</c>/<c>-h</c> is always a flag.</summary>
internal static class CommandLine
{
    /// <summary>Parses <paramref name="args"/> for <paramref name="spec"/>; throws <see cref="UsageException"/>.</summary>
    public static ParsedArguments Parse(IReadOnlyList<string> args, CommandSpec spec)
    {
        var flags = new HashSet<string>(StringComparer.Ordinal);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var positionals = new List<string>();
        var optionsEnded = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (optionsEnded || arg == "-" || !arg.StartsWith('-'))
            {
                positionals.Add(arg);
                continue;
            }
            if (arg == "--")
            {
                optionsEnded = true;
                continue;
            }
            if (arg is "-h" or "--help")
            {
                flags.Add("--help");
                continue;
            }
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = arg.StartsWith("--", StringComparison.Ordinal) && eq > 2 ? arg[..eq] : arg;
            if (spec.ValueOptions.Contains(name))
            {
                string value;
                if (eq > 2 && name.Length == eq) value = arg[(eq + 1)..];
                else if (i + 1 < args.Count) value = args[++i];
                else throw new UsageException($"'{spec.Name}': option '{name}' needs a value.");
                if (!values.TryAdd(name, value)) throw new UsageException($"'{spec.Name}': option '{name}' is given more than once.");
                continue;
            }
            if (spec.Flags.Contains(name))
            {
                if (name.Length != arg.Length) throw new UsageException($"'{spec.Name}': option '{name}' takes no value.");
                if (!flags.Add(name)) throw new UsageException($"'{spec.Name}': option '{name}' is given more than once.");
                continue;
            }
            throw new UsageException($"'{spec.Name}': unknown option '{name}'.");
        }
        if (positionals.Count > spec.MaxPositionals)
        {
            throw new UsageException(spec.MaxPositionals == 0
                ? $"'{spec.Name}' takes no positional arguments, but got '{positionals[0]}'."
                : $"'{spec.Name}' takes at most {spec.MaxPositionals} positional argument(s), but got {positionals.Count}; quote the search so that the shell passes it as one argument.");
        }
        return new ParsedArguments(flags, values, positionals);
    }
}

/// <summary>A mistake in the command line: exit code 2 with a short usage on standard error.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>A failure that stops the command before it reads any search (a missing input file): exit code 2 with
/// the message, but no usage text.</summary>
internal sealed class CliFailureException(string message) : Exception(message);

/// <summary>Usage and help texts.</summary>
internal static class Usage
{
    /// <summary>The version, without any source-revision suffix, so that the output is stable.</summary>
    public static string Version
    {
        get
        {
            var assembly = typeof(Usage).Assembly;
            var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            var version = informational ?? assembly.GetName().Version?.ToString() ?? "0.0.0";
            var plus = version.IndexOf('+', StringComparison.Ordinal);
            return plus >= 0 ? version[..plus] : version;
        }
    }

    public const string Short =
        "Usage: exfilq parse [--macros FILE] [--print] [SEARCH | -]\n" +
        "       exfilq parse --batch FILE|- [--macros FILE]\n" +
        "       exfilq translate --to kql [OPTIONS] [SEARCH | -]\n" +
        "       exfilq translate --to kql --batch FILE|- [OPTIONS]\n" +
        "       exfilq demo [DIR] [--macros FILE] [--tree]\n" +
        "       exfilq eval --events FILE|DIR [OPTIONS] [SEARCH | -]\n" +
        "       exfilq eval --events FILE|DIR --batch FILE|- [OPTIONS]\n" +
        "       exfilq test [DIR] [--filter PATTERN] [--macros FILE] [--junit FILE]\n" +
        "       exfilq --help | --version\n";

    public const string Parse =
        "Usage: exfilq parse [--macros FILE] [--print] [SEARCH | -]\n" +
        "       exfilq parse --batch FILE|- [--macros FILE]\n" +
        "\n" +
        "Parse one Splunk SPL search and print its syntax tree (or, with --print, the canonical SPL),\n" +
        "then its diagnostics with the source line and a caret under the problem. The search is the\n" +
        "argument SEARCH, or standard input when SEARCH is '-' or missing.\n" +
        "\n" +
        "With --batch, read JSON Lines ({\"id\": ..., \"search\": \"...\"} per line; '-' is standard input)\n" +
        "and write one line per search to standard output:\n" +
        "  {\"id\":...,\"ok\":true|false,\"diagnostics\":[{\"code\",\"severity\",\"message\",\"line\",\"column\"}]}\n" +
        "and a one-line summary to standard error.\n" +
        "\n" +
        "Options:\n" +
        "  --macros FILE   macro library: macros.jsonl (security_content) or Splunk macros.conf\n" +
        "  --print         print the canonical SPL text instead of the syntax tree\n" +
        "  --batch FILE    parse every search of a JSON Lines file\n" +
        "  --              end of options (for a search that starts with '-')\n" +
        "\n" +
        "Exit codes: 0 no errors, 1 some search has error diagnostics, 2 usage error or unreadable file.\n";

    public const string Translate =
        "Usage: exfilq translate --to kql [--profile NAME] [--table NAME] [--mapping FILE] [--macros FILE]\n" +
        "                        [--strict] [SEARCH | -]\n" +
        "       exfilq translate --to esql|eql [--profile none|ecs] [--index PATTERN] [--mapping FILE]\n" +
        "                        [--macros FILE] [--strict] [SEARCH | -]\n" +
        "       exfilq translate --to LANG --batch FILE|- [same options]\n" +
        "\n" +
        "Translate one Splunk SPL search to KQL and print the query (unless the translation failed), then\n" +
        "a line 'status: full|partial|failed', then the diagnostics with the source line and a caret under\n" +
        "the problem. full: the query means exactly what the SPL meant; partial: a query was written and the\n" +
        "warnings say where its meaning differs; failed: no query can be trusted, the errors say why. The\n" +
        "search is the argument SEARCH, or standard input when SEARCH is '-' or missing.\n" +
        "\n" +
        "With --batch, read JSON Lines ({\"id\": ..., \"search\": \"...\"} per line; '-' is standard input)\n" +
        "and write one line per search to standard output:\n" +
        "  {\"id\":...,\"status\":\"full|partial|failed\",\"query\":\"...\"|null,\n" +
        "   \"diagnostics\":[{\"code\",\"severity\",\"message\",\"line\",\"column\"}]}\n" +
        "and a one-line summary to standard error. Line and column point into the search, except for\n" +
        "diagnostics about the mapping file (MAP0002-MAP0019), which point into that file.\n" +
        "\n" +
        "Options:\n" +
        "  --to LANG        target language (required): kql, esql or eql\n" +
        "  --index PATTERN  the index pattern read by esql and eql (default: the ecs profile's index for\n" +
        "                   the dataset or source; logs-* for profile none); eql prints it as 'index: ...'\n" +
        "  --profile NAME   field and table mapping: none (default); kql: defender, sentinel or asim;\n" +
        "                   esql and eql: ecs (Elastic Common Schema fields and index patterns)\n" +
        "  --table NAME     the table read by profile none (default Events)\n" +
        "  --mapping FILE   JSON mapping file that overrides or extends the profile (docs/MAPPING.md)\n" +
        "  --macros FILE    macro library: macros.jsonl (security_content) or Splunk macros.conf\n" +
        "  --strict         unmapped fields are errors instead of warnings\n" +
        "  --batch FILE     translate every search of a JSON Lines file\n" +
        "  --               end of options (for a search that starts with '-')\n" +
        "\n" +
        "Exit codes: 0 every translation is full or partial, 1 some translation failed (or has an error\n" +
        "diagnostic), 2 usage error or unreadable file.\n";

    public const string Demo =
        "Usage: exfilq demo [DIR] [--macros FILE] [--tree]\n" +
        "\n" +
        "Parse the bundled example searches and show, for each, the canonical SPL and its KQL translation\n" +
        "(profile none, and defender once the library implements it): '--- KQL (profile NAME): STATUS',\n" +
        "the query and the translation's diagnostics; or, when the search does not parse, its diagnostics.\n" +
        "With --tree, the syntax tree follows. DIR (default fixtures/seeds, also looked up from the\n" +
        "repository root) holds *.jsonl files ({\"id\", \"search\", optional \"name\"} per line) and *.spl\n" +
        "files (one search each; leading '#' lines are a header). Macros default to\n" +
        "fixtures/splunk/macros.jsonl when it exists.\n" +
        "\n" +
        "Exit codes: 0 every search parses, 1 some search has parse errors (a failed translation alone does\n" +
        "not change the exit code), 2 usage error or unreadable directory.\n";

    public const string Eval =
        "Usage: exfilq eval --events FILE|DIR [--macros FILE] [--lookups DIR] [--now TIME] [--year N]\n" +
        "                   [--add-on-fields] [--format table|json|csv] [SEARCH | -]\n" +
        "       exfilq eval --events FILE|DIR --batch FILE|- [--macros FILE] [--lookups DIR] [--now TIME] [--year N]\n" +
        "\n" +
        "Run one Splunk SPL search in-process over the events of FILE (or of every file under DIR: JSON Lines,\n" +
        "Splunk XmlWinEventLog, CSV with a header, or plain text lines) and print the result rows: a table\n" +
        "(default; columns in order of first appearance, a multivalue cell on several lines), JSON Lines (one\n" +
        "object per row, every value a string, a multivalue field an array, _time ISO-8601 UTC) or CSV. The\n" +
        "search's diagnostics follow the table on standard output, or go to standard error with json and csv.\n" +
        "Event lines that cannot be read are reported on standard error (EVL0007) and left out.\n" +
        "\n" +
        "With --batch, read JSON Lines ({\"id\": ..., \"search\": \"...\"} per line; '-' is standard input)\n" +
        "and write one line per search to standard output:\n" +
        "  {\"id\":...,\"status\":\"ok|failed\",\"rows\":N,\"results\":[first 100 rows],\n" +
        "   \"diagnostics\":[{\"code\",\"severity\",\"message\",\"line\",\"column\"}]}\n" +
        "and a one-line summary to standard error. failed: some diagnostic is an error, so the rows may\n" +
        "differ from Splunk's.\n" +
        "\n" +
        "Options:\n" +
        "  --events PATH    event file, or folder of event files (required)\n" +
        "  --macros FILE    macro library: macros.jsonl (security_content) or Splunk macros.conf\n" +
        "  --lookups DIR    folder of lookup tables: NAME.csv, or lookup_definitions.jsonl naming the CSV files\n" +
        "  --now TIME       \"now\" for earliest/latest and now(): ISO-8601 or epoch seconds (default 1970-01-01)\n" +
        "  --year N         year of syslog timestamps without one (\"May 27 09:28:31 ...\" text lines, as in\n" +
        "                   /var/log/secure): such lines get _time in year N, UTC (default: no _time)\n" +
        "  --add-on-fields  give raw events the add-ons' search-time CIM fields (process_name, dest, user, ...)\n" +
        "  --format FORMAT  table (default), json or csv\n" +
        "  --batch FILE     evaluate every search of a JSON Lines file\n" +
        "  --               end of options (for a search that starts with '-')\n" +
        "\n" +
        "Exit codes: 0 no error diagnostics, 1 some search has an error diagnostic (it does not parse, or a\n" +
        "part of it is not evaluated), 2 usage error or unreadable file.\n";

    public const string Test =
        "Usage: exfilq test [DIR] [--filter PATTERN] [--macros FILE] [--junit FILE] [--year N]\n" +
        "\n" +
        "Run every detection fixture under DIR (default fixtures/detections, also looked up from the\n" +
        "repository root): each folder with an expected.json holds one search (.spl, or a security_content\n" +
        "YAML with 'search:'), its positive events in events/ and near-miss events in negative/\n" +
        "(fixtures/detections/README.md). A fixture passes when its events give the expected rows (or at\n" +
        "least the minimum count) without error diagnostics, and its negative events give no row. Prints\n" +
        "one line per fixture (PASS, FAIL with the reasons, or PENDING with the reason from expected.json)\n" +
        "and the counts. Macros default to fixtures/splunk/macros.jsonl when it exists.\n" +
        "\n" +
        "Options:\n" +
        "  --filter PATTERN  run only the fixtures whose name matches: * and ? are wildcards over the whole\n" +
        "                  name; without them, names that contain PATTERN (case-insensitive either way)\n" +
        "  --macros FILE   macro library: macros.jsonl (security_content) or Splunk macros.conf\n" +
        "  --junit FILE    also write the outcomes as JUnit XML (pending fixtures are <skipped>)\n" +
        "  --year N        year of syslog timestamps without one in text event files: such lines get _time\n" +
        "                  in year N, UTC (default: no _time)\n" +
        "\n" +
        "Exit codes: 0 no fixture failed (pending ones do not fail), 1 some fixture failed, 2 usage error or\n" +
        "no fixture found (or none matches --filter).\n";

    public const string Full =
        "exfilq - read Splunk SPL detection searches\n" +
        "\n" +
        Short +
        "\n" +
        "Commands:\n" +
        "  parse     parse one search (argument or standard input), or a JSON Lines file with --batch\n" +
        "  translate translate one search to KQL (argument or standard input), or a JSON Lines file with --batch\n" +
        "  demo      parse and translate the bundled example searches and show the results\n" +
        "  eval      run one search (or a JSON Lines file with --batch) over event files, in-process\n" +
        "  test      run every detection fixture of a folder and print a pass/fail table\n" +
        "\n" +
        "Run 'exfilq help parse', 'exfilq help translate', 'exfilq help demo', 'exfilq help eval' or\n" +
        "'exfilq help test' for the options of a command.\n" +
        "\n" +
        "Exit codes: 0 no errors, 1 some search has error diagnostics, 2 usage error or unreadable file.\n";
}
