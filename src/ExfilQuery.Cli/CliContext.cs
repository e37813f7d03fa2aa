using ExfilQuery.Diagnostics;
using ExfilQuery.Macros;

namespace ExfilQuery.Cli;

/// <summary>The streams and working directory a command runs with (the console, or strings in tests).</summary>
public sealed record CliContext(TextReader In, TextWriter Out, TextWriter Error, string CurrentDirectory)
{
    /// <summary>A path given on the command line, made absolute against <see cref="CurrentDirectory"/>.</summary>
    public string ResolvePath(string path) => Path.GetFullPath(path, CurrentDirectory);
}

/// <summary>The process exit codes.</summary>
public static class ExitCodes
{
    /// <summary>Every search was read without error diagnostics.</summary>
    public const int Ok = 0;
    /// <summary>Some search has an error diagnostic.</summary>
    public const int Errors = 1;
    /// <summary>The command line is wrong, or a file it names cannot be read.</summary>
    public const int Usage = 2;
}

/// <summary>Loads the macro library named by <c>--macros</c>.</summary>
internal static class MacroLoading
{
    /// <summary>Loads <paramref name="path"/> (already resolved); problems in the file are reported on standard
    /// error and do not stop the command. A missing file is a <see cref="CliFailureException"/>.</summary>
    public static MacroLibrary Load(string path, CliContext context)
    {
        if (!File.Exists(path)) throw new CliFailureException($"macro library '{path}' not found.");
        var library = MacroLibrary.Load(path, out var diagnostics);
        Report(diagnostics, context);
        return library;
    }

    private static readonly string DefaultMacros = Path.Combine("fixtures", "splunk", "macros.jsonl");

    /// <summary>Parse options with the macro library named by <c>--macros</c> (<paramref name="given"/>), or else
    /// with fixtures/splunk/macros.jsonl when it is found (current directory or repository root); the library used
    /// is named on standard error.</summary>
    public static ParseOptions LoadOrDefault(string? given, CliContext context)
    {
        var macros = given is not null ? context.ResolvePath(given) : DemoCommand.FindDefault(DefaultMacros, context, File.Exists);
        if (macros is null) return ParseOptions.Default;
        var library = Load(macros, context);
        context.Error.Write(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"exfilq: using {library.Count} macros from {macros}\n"));
        return ParseOptions.Default.WithMacros(library);
    }

    /// <summary>Diagnostics about a file rather than a search: one line each on standard error.</summary>
    internal static void Report(IEnumerable<Diagnostic> diagnostics, CliContext context)
    {
        foreach (var d in diagnostics)
        {
            context.Error.Write("exfilq: " + d.SeverityName + " " + d.Code + ": " + DiagnosticFormatter.SingleLine(d.Message) + "\n");
        }
    }
}
