using System.Globalization;
using System.Text;

namespace ExfilQuery.Cli;

/// <summary>The <c>exfilq</c> entry point: sets up the standard streams and dispatches to a command.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;

        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        var stdin = new StreamReader(Console.OpenStandardInput(), utf8, detectEncodingFromByteOrderMarks: true);
        var stdout = new StreamWriter(Console.OpenStandardOutput(), utf8, 1 << 16) { NewLine = "\n", AutoFlush = false };
        var stderr = new StreamWriter(Console.OpenStandardError(), utf8) { NewLine = "\n", AutoFlush = true };
        try
        {
            var code = Run(args, new CliContext(stdin, stdout, stderr, Directory.GetCurrentDirectory()));
            stdout.Flush();
            return code;
        }
        catch (IOException)
        {
            // The reader of our output went away (for example `exfilq ... | head`): nothing more to say.
            return ExitCodes.Errors;
        }
        // The console streams are left open: disposing would flush again, which fails after a broken pipe.
    }

    /// <summary>Runs <c>exfilq</c> with these arguments and streams, in-process (tests call this).</summary>
    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, string? currentDirectory = null) =>
        Run(args, new CliContext(stdin, stdout, stderr, currentDirectory ?? Directory.GetCurrentDirectory()));

    /// <summary>Dispatches to the command named by the first argument.</summary>
    public static int Run(string[] args, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            if (args.Length == 0) throw new UsageException("no command given.");
            var rest = args[1..];
            switch (args[0])
            {
                case "parse":
                    return ParseCommand.Run(rest, context);
                case "translate":
                    return TranslateCommand.Run(rest, context);
                case "demo":
                    return DemoCommand.Run(rest, context);
                case "eval":
                    return EvalCommand.Run(rest, context);
                case "test":
                    return TestCommand.Run(rest, context);
                case "--help" or "-h" or "help":
                    return Help(rest, context);
                case "--version":
                    if (rest.Length > 0) throw new UsageException("--version takes no arguments.");
                    context.Out.Write("exfilq " + Usage.Version + "\n");
                    return ExitCodes.Ok;
                case var other when other.StartsWith('-') && other.Length > 1:
                    throw new UsageException($"unknown option '{other}'.");
                default:
                    throw new UsageException($"unknown command '{args[0]}'.");
            }
        }
        catch (UsageException e)
        {
            context.Error.Write("exfilq: " + e.Message + "\n" + Usage.Short + "Try 'exfilq --help' for more information.\n");
            return ExitCodes.Usage;
        }
        catch (CliFailureException e)
        {
            context.Error.Write("exfilq: " + e.Message + "\n");
            return ExitCodes.Usage;
        }
    }

    private static int Help(string[] rest, CliContext context)
    {
        if (rest.Length > 1) throw new UsageException("help takes at most one command name.");
        var text = rest.Length == 0 ? Usage.Full : rest[0] switch
        {
            "parse" => Usage.Parse,
            "translate" => Usage.Translate,
            "demo" => Usage.Demo,
            "eval" => Usage.Eval,
            "test" => Usage.Test,
            _ => throw new UsageException($"unknown command '{rest[0]}'."),
        };
        context.Out.Write(text);
        return ExitCodes.Ok;
    }
}
