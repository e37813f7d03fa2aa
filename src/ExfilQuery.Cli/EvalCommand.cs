using System.Globalization;
using System.Text;
using ExfilQuery.Evaluation;
using ExfilQuery.Testing;
using ExfilQuery.Text;

namespace ExfilQuery.Cli;

/// <summary><c>exfilq eval --events FILE|DIR [--macros FILE] [--lookups DIR] [--now TIME] [--year N] [--add-on-fields] [--format table|json|csv]
/// [SEARCH | -]</c> and the same with <c>--batch FILE|-</c>: runs searches in-process over event files.</summary>
internal static class EvalCommand
{
    private static readonly CommandSpec Spec = new("eval", ["--add-on-fields"],
        ["--events", "--macros", "--lookups", "--now", "--year", "--format", "--batch"], MaxPositionals: 1);

    /// <summary>Rows written per search in batch output (<c>rows</c> still counts them all).</summary>
    internal const int BatchResultLimit = 100;

    /// <summary>Runs the command with the arguments after <c>eval</c>.</summary>
    public static int Run(IReadOnlyList<string> args, CliContext context)
    {
        var parsed = CommandLine.Parse(args, Spec);
        if (parsed.Has("--help"))
        {
            context.Out.Write(Usage.Eval);
            return ExitCodes.Ok;
        }
        var eventsPath = parsed.Value("--events") ?? throw new UsageException("'eval': --events FILE is required.");
        var batch = parsed.Value("--batch");
        if (batch is not null && parsed.Positionals.Count > 0) throw new UsageException("'eval': a search argument cannot be used with --batch.");
        var format = parsed.Value("--format") ?? "table";
        if (format is not ("table" or "json" or "csv")) throw new UsageException($"'eval': unknown format '{format}'; the formats are table, json and csv.");
        if (batch is not null && parsed.Value("--format") is not null) throw new UsageException("'eval': --format cannot be used with --batch (batch output is JSON Lines).");
        var options = EvaluationOptions.Default;
        if (parsed.Value("--now") is { } nowText) options = options with { Now = ParseNow(nowText) };
        if (parsed.Value("--lookups") is { } lookups)
        {
            var full = context.ResolvePath(lookups);
            if (!Directory.Exists(full)) throw new CliFailureException($"lookups directory '{full}' not found.");
            options = options with { Lookups = new DirectoryLookupProvider(full) };
        }
        if (parsed.Has("--add-on-fields")) options = options with { AddOnFields = true };
        var parseOptions = parsed.Value("--macros") is { } macros
            ? ParseOptions.Default.WithMacros(MacroLoading.Load(context.ResolvePath(macros), context))
            : ParseOptions.Default;
        options = options with { Macros = parseOptions.Macros };
        var events = ReadEvents(eventsPath, parsed.Value("--year") is { } year ? ParseYear("eval", year) : null, context);
        return batch is not null
            ? RunBatch(batch, events, parseOptions, options, context)
            : RunSingle(parsed.Positionals.Count == 0 ? "-" : parsed.Positionals[0], events, parseOptions, options, format, context);
    }

    /// <summary>ISO-8601 (a time without offset is UTC) or epoch seconds.</summary>
    private static DateTimeOffset ParseNow(string text)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds)
            && Math.Abs(seconds) < 253_402_300_799)
            return DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)) return time;
        throw new UsageException($"'eval': --now '{text}' is neither an ISO-8601 time nor epoch seconds.");
    }

    /// <summary>--year of <paramref name="command"/>: the year of syslog timestamps, 1 to 9999.</summary>
    internal static int ParseYear(string command, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 1 and <= 9999
            ? year
            : throw new UsageException($"'{command}': --year '{text}' is not a year from 1 to 9999.");

    /// <summary>The events of a file, or of every file in a folder (in ordinal order). Lines that cannot be read are
    /// reported on standard error (EVL0007) and left out. With <paramref name="syslogYear"/>, text lines that start
    /// with a syslog timestamp get it as <c>_time</c> in that year.</summary>
    private static List<Event> ReadEvents(string path, int? syslogYear, CliContext context)
    {
        var full = context.ResolvePath(path);
        IEnumerable<string> files;
        if (Directory.Exists(full)) files = Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal);
        else if (File.Exists(full)) files = [full];
        else throw new CliFailureException($"events '{full}' not found.");
        var read = SearchEvaluation.ReadEventFiles(files, f => f, syslogYear, out var diagnostics);
        if (diagnostics.FirstOrDefault(d => d.Code == FixtureDiagnostics.EventFileUnreadableDescriptor.Code) is { } unreadable)
            throw new CliFailureException("events " + unreadable.Message);
        MacroLoading.Report(diagnostics, context);
        return read.Events.ToList();
    }

    private static int RunSingle(string search, List<Event> events, ParseOptions parseOptions, EvaluationOptions options, string format, CliContext context)
    {
        if (search == "-") search = ParseCommand.TrimTrailingLineBreaks(context.In.ReadToEnd());
        var result = SearchEvaluation.Evaluate(search, events, parseOptions, options);
        var diagnostics = TranslateCommand.FormatDiagnostics(result.Diagnostics, new SourceText(search), null);
        switch (format)
        {
            case "json":
                var json = new JsonOutput();
                foreach (var row in result.Rows) context.Out.Write(json.RowLine(row) + "\n");
                context.Error.Write(diagnostics);
                break;
            case "csv":
                context.Out.Write(ResultTable.Csv(result.Rows));
                context.Error.Write(diagnostics);
                break;
            default:
                context.Out.Write(ResultTable.Text(result.Rows));
                context.Out.Write(diagnostics);
                break;
        }
        return result.Ok ? ExitCodes.Ok : ExitCodes.Errors;
    }

    private static int RunBatch(string path, List<Event> events, ParseOptions parseOptions, EvaluationOptions options, CliContext context)
    {
        int ok = 0, failed = 0;
        var json = new JsonOutput();
        BatchRun.Run(path, context, record =>
        {
            if (record.Search is null)
            {
                failed++;
                return json.EvaluationLine(record.Id, "failed", [], BatchResultLimit, [BatchRun.Unreadable(record)]);
            }
            var result = SearchEvaluation.Evaluate(record.Search, events, parseOptions, options);
            if (result.Ok) ok++;
            else failed++;
            return json.EvaluationLine(record.Id, result.Ok ? "ok" : "failed", result.Rows, BatchResultLimit,
                TranslateCommand.JsonDiagnostics(result.Diagnostics, new SourceText(record.Search), null));
        }, (n, timing) => string.Create(CultureInfo.InvariantCulture,
            $"evaluated {n} searches over {events.Count} events: {ok} ok, {failed} failed {timing}"));
        return failed == 0 ? ExitCodes.Ok : ExitCodes.Errors;
    }
}

/// <summary>Result rows as a text table or CSV, columns in <see cref="ResultRows.Columns"/> order.</summary>
internal static class ResultTable
{
    /// <summary>A text table: a header, a rule, one line per row (a multivalue cell takes one line per value,
    /// as Splunk shows it), then <c>(N rows)</c>. Line breaks and tabs inside values are shown as <c>\n</c>,
    /// <c>\r</c>, <c>\t</c>; trailing spaces are trimmed.</summary>
    public static string Text(IReadOnlyList<Event> rows)
    {
        var columns = ResultRows.Columns(rows);
        var cells = rows.Select(r => columns.Select(c => ResultRows.Values(r, c).Select(Escape).ToList()).ToList()).ToList();
        var widths = columns.Select((c, i) => Math.Max(c.Length, cells.Select(r => r[i].Select(v => v.Length).DefaultIfEmpty(0).Max()).DefaultIfEmpty(0).Max())).ToList();
        var sb = new StringBuilder();
        if (columns.Count > 0)
        {
            Line(sb, columns, widths);
            Line(sb, widths.Select(w => new string('-', w)).ToList(), widths);
            foreach (var row in cells)
            {
                var height = Math.Max(1, row.Max(c => c.Count));
                for (var line = 0; line < height; line++)
                    Line(sb, row.Select(c => line < c.Count ? c[line] : string.Empty).ToList(), widths);
            }
        }
        sb.Append(string.Create(CultureInfo.InvariantCulture, $"({rows.Count} {(rows.Count == 1 ? "row" : "rows")})\n"));
        return sb.ToString();
    }

    private static void Line(StringBuilder sb, IReadOnlyList<string> values, IReadOnlyList<int> widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0) line.Append("  ");
            line.Append(values[i].PadRight(widths[i]));
        }
        sb.Append(line.ToString().TrimEnd()).Append('\n');
    }

    private static string Escape(string value) => value.AsSpan().IndexOfAny('\r', '\n', '\t') < 0 ? value
        : value.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);

    /// <summary>CSV (RFC 4180, <c>\n</c> line breaks): a header row, then one row per result; a multivalue cell
    /// holds its values separated by line breaks, as Splunk exports them.</summary>
    public static string Csv(IReadOnlyList<Event> rows)
    {
        var columns = ResultRows.Columns(rows);
        var sb = new StringBuilder();
        if (columns.Count == 0) return string.Empty;
        sb.AppendJoin(',', columns.Select(Quote)).Append('\n');
        foreach (var row in rows)
            sb.AppendJoin(',', columns.Select(c => Quote(string.Join("\n", ResultRows.Values(row, c))))).Append('\n');
        return sb.ToString();
    }

    private static string Quote(string value) => value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
