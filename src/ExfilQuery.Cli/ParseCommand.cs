using System.Globalization;
using ExfilQuery.Diagnostics;
using ExfilQuery.Syntax;
using ExfilQuery.Text;

namespace ExfilQuery.Cli;

/// <summary><c>exfilq parse [--macros FILE] [--print] [SEARCH | -]</c> and
/// <c>exfilq parse --batch FILE|- [--macros FILE]</c>.</summary>
internal static class ParseCommand
{
    private static readonly CommandSpec Spec = new("parse", ["--print"], ["--macros", "--batch"], MaxPositionals: 1);

    /// <summary>Runs the command with the arguments after <c>parse</c>.</summary>
    public static int Run(IReadOnlyList<string> args, CliContext context)
    {
        var parsed = CommandLine.Parse(args, Spec);
        if (parsed.Has("--help"))
        {
            context.Out.Write(Usage.Parse);
            return ExitCodes.Ok;
        }
        var batch = parsed.Value("--batch");
        if (batch is not null)
        {
            if (parsed.Has("--print")) throw new UsageException("'parse': --print cannot be used with --batch.");
            if (parsed.Positionals.Count > 0) throw new UsageException("'parse': a search argument cannot be used with --batch.");
        }
        var options = ParseOptions.Default;
        if (parsed.Value("--macros") is { } macros)
        {
            options = options.WithMacros(MacroLoading.Load(context.ResolvePath(macros), context));
        }
        return batch is not null
            ? RunBatch(batch, options, context)
            : RunSingle(parsed.Positionals.Count == 0 ? "-" : parsed.Positionals[0], parsed.Has("--print"), options, context);
    }

    private static int RunSingle(string search, bool print, ParseOptions options, CliContext context)
    {
        if (search == "-") search = TrimTrailingLineBreaks(context.In.ReadToEnd());
        var result = Spl.Parse(search, options);
        var output = print ? SyntaxPrinter.Print(result.Pipeline) : SyntaxDumper.Dump(result.Pipeline);
        context.Out.Write(Lines(output));
        context.Out.Write(DiagnosticFormatter.Format(result));
        return result.Ok ? ExitCodes.Ok : ExitCodes.Errors;
    }

    private static int RunBatch(string path, ParseOptions options, CliContext context)
    {
        var ok = 0;
        var json = new JsonOutput();
        var total = BatchRun.Run(path, context, record =>
        {
            if (record.Search is null) return json.ResultLine(record.Id, false, [BatchRun.Unreadable(record)]);
            var line = BatchLine(json, record, record.Search, options, out var searchOk);
            if (searchOk) ok++;
            return line;
        }, (n, timing) => string.Create(CultureInfo.InvariantCulture, $"parsed {n} searches: {ok} ok, {n - ok} with errors {timing}"));
        return ok == total ? ExitCodes.Ok : ExitCodes.Errors;
    }

    /// <summary>The output line for one search. <see cref="Spl.Parse"/> never throws by contract; should it ever, one
    /// bad search must not stop a batch run, so the failure is reported as an SPL9999 internal error.</summary>
    private static string BatchLine(JsonOutput json, SearchRecord record, string search, ParseOptions options, out bool ok)
    {
        ParseResult result;
        try
        {
            result = Spl.Parse(search, options);
        }
#pragma warning disable CA1031 // a batch run reports any failure of one search and goes on
        catch (Exception e)
#pragma warning restore CA1031
        {
            ok = false;
            var d = DiagnosticFacts.InternalError(TextSpan.Empty, e.GetType().Name + ": " + e.Message);
            return json.ResultLine(record.Id, false, [new JsonDiagnostic(d.Code, d.SeverityName, d.Message, 1, 1)]);
        }
        ok = result.Ok;
        return json.ResultLine(record.Id, ok, JsonOutput.From(result));
    }

    /// <summary>Text from standard input without the line break(s) that usually end it.</summary>
    internal static string TrimTrailingLineBreaks(string text) => text.TrimEnd('\r', '\n');

    /// <summary>Text ending in a line break (empty text stays empty).</summary>
    internal static string Lines(string text)
    {
        if (string.IsNullOrEmpty(text)) return string.Empty;
        return text.EndsWith('\n') ? text : text + "\n";
    }
}
