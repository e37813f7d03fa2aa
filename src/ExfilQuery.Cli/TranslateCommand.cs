using System.Globalization;
using System.Text;
using ExfilQuery.Diagnostics;
using ExfilQuery.Elastic;
using ExfilQuery.Kql;
using ExfilQuery.Text;

namespace ExfilQuery.Cli;

/// <summary><c>exfilq translate --to kql [--profile NAME] [--table NAME] [--mapping FILE] [--macros FILE] [--strict]
/// [SEARCH | -]</c> and the same with <c>--batch FILE|-</c>.</summary>
internal static class TranslateCommand
{
    private static readonly CommandSpec Spec = new("translate", ["--strict"],
        ["--to", "--profile", "--table", "--mapping", "--macros", "--batch", "--index"], MaxPositionals: 1);


    /// <summary>The target language and its options for one run.</summary>
    internal sealed record Target(string Language, KqlOptions Kql, ElasticOptions Elastic)
    {
        /// <summary>KQL with these options.</summary>
        public static Target ForKql(KqlOptions options) => new("kql", options, ElasticOptions.Default);
    }

    /// <summary>Runs the command with the arguments after <c>translate</c>.</summary>
    public static int Run(IReadOnlyList<string> args, CliContext context)
    {
        var parsed = CommandLine.Parse(args, Spec);
        if (parsed.Has("--help"))
        {
            context.Out.Write(Usage.Translate);
            return ExitCodes.Ok;
        }
        CheckTarget(parsed.Value("--to"));
        var language = parsed.Value("--to")!;
        var elastic = ElasticOptions.Default;
        if (language != "kql")
        {
            if (parsed.Value("--table") is not null) throw new UsageException("'translate': --table applies to --to kql only (esql and eql take --index).");
            if (parsed.Value("--index") is { Length: 0 }) throw new UsageException("'translate': --index needs an index pattern.");
            // The profile name is passed through as given: the library reports a name it does not know (MAP0001).
            elastic = elastic with
            {
                Profile = parsed.Value("--profile") ?? ElasticOptions.Default.Profile,
                Index = parsed.Value("--index"),
                Strict = parsed.Has("--strict"),
            };
        }
        else if (parsed.Value("--index") is not null)
        {
            throw new UsageException("'translate': --index applies to --to eql and --to esql only.");
        }
        var batch = parsed.Value("--batch");
        if (batch is not null && parsed.Positionals.Count > 0)
        {
            throw new UsageException("'translate': a search argument cannot be used with --batch.");
        }
        if (parsed.Value("--table") is { Length: 0 }) throw new UsageException("'translate': --table needs a table name.");

        var options = KqlOptions.Default with
        {
            // The profile name is passed through as given: the library reports a name it does not know (MAP0001).
            Profile = parsed.Value("--profile") ?? KqlOptions.Default.Profile,
            Table = parsed.Value("--table") ?? KqlOptions.Default.Table,
            Strict = parsed.Has("--strict"),
        };
        MappingFile? mapping = null;
        if (parsed.Value("--mapping") is { } mappingPath)
        {
            mapping = MappingFile.Load(mappingPath, context);
            options = options with { MappingOverridesJson = mapping.Source.Text };
            elastic = elastic with { MappingOverridesJson = mapping.Source.Text };
        }
        var parseOptions = ParseOptions.Default;
        if (parsed.Value("--macros") is { } macros)
        {
            parseOptions = parseOptions.WithMacros(MacroLoading.Load(context.ResolvePath(macros), context));
        }
        var target = new Target(language, options, elastic);
        return batch is not null
            ? RunBatch(batch, parseOptions, target, mapping, context)
            : RunSingle(parsed.Positionals.Count == 0 ? "-" : parsed.Positionals[0], parseOptions, target, mapping, context);
    }

    /// <summary>Only KQL is implemented; the other targets the project plans are named as such.</summary>
    private static void CheckTarget(string? target)
    {
        switch (target)
        {
            case null:
                throw new UsageException("'translate': --to is required: kql, esql or eql.");
            case "kql" or "esql" or "eql":
                return;
            default:
                throw new UsageException($"'translate': unknown target '{target}'; the targets are kql, esql and eql.");
        }
    }

    private static int RunSingle(string search, ParseOptions parseOptions, Target target, MappingFile? mapping, CliContext context)
    {
        if (search == "-") search = ParseCommand.TrimTrailingLineBreaks(context.In.ReadToEnd());
        var translation = Translate(search, parseOptions, target, out var threshold, out var index);
        context.Out.Write(Render(translation, new SourceText(search), mapping));
        if (target.Language == "eql" && index is not null) context.Out.Write($"index: {index}\n");
        if (threshold is not null)
            context.Out.Write($"threshold rule: group by {string.Join(", ", threshold.GroupBy)}; count >= {threshold.Value.ToString(CultureInfo.InvariantCulture)}\n");
        return Failed(translation) ? ExitCodes.Errors : ExitCodes.Ok;
    }

    /// <summary>The text output for one translation: the query (when there is one), <c>status: NAME</c>, then the
    /// diagnostics with a caret under the position.</summary>
    internal static string Render(KqlTranslation translation, SourceText search, MappingFile? mapping)
    {
        var sb = new StringBuilder();
        if (translation.Query is not null) sb.Append(ParseCommand.Lines(translation.Query));
        sb.Append("status: ").Append(translation.StatusName).Append('\n');
        sb.Append(FormatDiagnostics(translation.Diagnostics, search, mapping));
        return sb.ToString();
    }

    /// <summary>Diagnostics as text. Diagnostics about the mapping file name it and point into it; every other
    /// diagnostic points into the search.</summary>
    internal static string FormatDiagnostics(IEnumerable<Diagnostic> diagnostics, SourceText search, MappingFile? mapping)
    {
        var sb = new StringBuilder();
        foreach (var d in diagnostics)
        {
            if (mapping is not null && MappingFile.IsAbout(d))
            {
                // Same shape as any other diagnostic, with the file's name before line:column.
                var at = mapping.Source.GetLinePosition(Math.Clamp(d.Span.Start, 0, mapping.Source.Text.Length));
                var text = DiagnosticFormatter.Format(d, mapping.Source);
                var sourceLines = text[(text.IndexOf('\n', StringComparison.Ordinal) + 1)..];
                sb.Append(string.Create(CultureInfo.InvariantCulture,
                    $"{d.SeverityName} {d.Code} at {mapping.DisplayName}:{at.Line}:{at.Column}: {DiagnosticFormatter.SingleLine(d.Message)}\n"));
                sb.Append(sourceLines);
            }
            else
            {
                sb.Append(DiagnosticFormatter.Format(d, search));
            }
        }
        return sb.ToString();
    }

    /// <summary>Diagnostics for JSON output, with one-based line and column in the search (or, for diagnostics about
    /// the mapping file, in that file).</summary>
    internal static IEnumerable<JsonDiagnostic> JsonDiagnostics(IEnumerable<Diagnostic> diagnostics, SourceText search, MappingFile? mapping)
    {
        foreach (var d in diagnostics)
        {
            var source = mapping is not null && MappingFile.IsAbout(d) ? mapping.Source : search;
            var position = source.GetLinePosition(Math.Clamp(d.Span.Start, 0, source.Text.Length));
            yield return new JsonDiagnostic(d.Code, d.SeverityName, d.Message, position.Line, position.Column);
        }
    }

    /// <summary>True when the translation failed or has an error diagnostic (exit code 1).</summary>
    internal static bool Failed(KqlTranslation translation) =>
        translation.Status == TranslationStatus.Failed || translation.Diagnostics.Any(d => d.IsError);

    /// <summary>Translates one search. <see cref="KqlBackend.Translate(string, ParseOptions?, KqlOptions?)"/> never
    /// throws by contract; should it ever, the failure is reported as an SPL9999 internal error so that one search
    /// cannot stop a batch run.</summary>
    internal static KqlTranslation Translate(string search, ParseOptions parseOptions, KqlOptions options) =>
        Translate(search, parseOptions, Target.ForKql(options), out _, out _);

    /// <summary>Translates one search to the target language; EQL's threshold-rule metadata and the Elastic index
    /// pattern come back separately.</summary>
    internal static KqlTranslation Translate(string search, ParseOptions parseOptions, Target target, out ThresholdRule? threshold, out string? index)
    {
        threshold = null;
        index = null;
        try
        {
            switch (target.Language)
            {
                case "esql":
                    var esql = EsqlBackend.Translate(search, parseOptions, target.Elastic);
                    index = esql.Index;
                    return FromElastic(esql);
                case "eql":
                    var eql = EqlBackend.Translate(search, parseOptions, target.Elastic);
                    threshold = eql.Threshold;
                    index = eql.Index;
                    return FromElastic(eql);
                default:
                    return KqlBackend.Translate(search, parseOptions, target.Kql);
            }
        }
#pragma warning disable CA1031 // one failing search is reported, and the others go on
        catch (Exception e)
#pragma warning restore CA1031
        {
            var d = DiagnosticFacts.InternalError(TextSpan.Empty, e.GetType().Name + ": " + e.Message);
            return new KqlTranslation(TranslationStatus.Failed, null, [d]);
        }
    }

    /// <summary>An Elastic translation in the shape the output code shares: status, query, diagnostics.</summary>
    private static KqlTranslation FromElastic(ElasticTranslation e) => new(e.Status, e.Query, e.Diagnostics);

    private static int RunBatch(string path, ParseOptions parseOptions, Target target, MappingFile? mapping, CliContext context)
    {
        int fullCount = 0, partial = 0, failed = 0;
        var anyErrors = false;
        var json = new JsonOutput();
        BatchRun.Run(path, context, record =>
        {
            if (record.Search is null)
            {
                failed++;
                return json.TranslationLine(record.Id, "failed", null, [BatchRun.Unreadable(record)]);
            }
            var translation = Translate(record.Search, parseOptions, target, out _, out _);
            switch (translation.Status)
            {
                case TranslationStatus.Full: fullCount++; break;
                case TranslationStatus.Partial: partial++; break;
                default: failed++; break;
            }
            if (Failed(translation)) anyErrors = true;
            return json.TranslationLine(record.Id, translation.StatusName, translation.Query,
                JsonDiagnostics(translation.Diagnostics, new SourceText(record.Search), mapping));
        }, (n, timing) => string.Create(CultureInfo.InvariantCulture,
            $"translated {n} searches: {fullCount} full, {partial} partial, {failed} failed {timing}"));
        return failed == 0 && !anyErrors ? ExitCodes.Ok : ExitCodes.Errors;
    }
}

/// <summary>The user mapping file named by <c>--mapping</c>: its text (passed to the library as
/// <see cref="KqlOptions.MappingOverridesJson"/>) and the name to show in diagnostics.</summary>
internal sealed record MappingFile(string DisplayName, SourceText Source)
{
    /// <summary>Reads <paramref name="path"/> (UTF-8; a byte order mark is dropped). A missing or unreadable file
    /// is a <see cref="CliFailureException"/>.</summary>
    public static MappingFile Load(string path, CliContext context)
    {
        var full = context.ResolvePath(path);
        if (!File.Exists(full)) throw new CliFailureException($"mapping file '{full}' not found.");
        string text;
        try
        {
            text = File.ReadAllText(full, new UTF8Encoding(false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliFailureException($"mapping file '{full}' cannot be read: {e.Message}");
        }
        if (text.StartsWith('\uFEFF')) text = text[1..];
        return new MappingFile(path, new SourceText(text));
    }

    /// <summary>True for diagnostics about the mapping file's text (MAP0002–MAP0019: not JSON, wrong shape, unknown
    /// members, columns or transforms), whose spans point into the file rather than into the search. MAP0001
    /// (unknown profile) and MAP0020 and up (applying the mapping to a search) are about the search.</summary>
    public static bool IsAbout(Diagnostic diagnostic) =>
        diagnostic.Code.Length == 7
        && diagnostic.Code.StartsWith("MAP", StringComparison.Ordinal)
        && int.TryParse(diagnostic.Code.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
        && n is >= 2 and < 20;
}
