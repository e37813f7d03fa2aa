using ExfilQuery.Cli;
using ExfilQuery.Syntax;
using NUnit.Framework;
using static ExfilQuery.Tests.Cli.CliTestSupport;

namespace ExfilQuery.Tests.Cli;

/// <summary><c>exfilq parse</c> on one search, help, version and usage errors.</summary>
[TestFixture]
public sealed class ParseCommandTests
{
    [Test]
    public void PrintsTreeThenNothingForAGoodSearch()
    {
        const string search = "index=x process_name=rclone.exe | stats count by host";
        var run = Exfilq("parse", search);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(run.Stdout, Is.EqualTo(WithNewline(SyntaxDumper.Dump(Spl.Parse(search).Pipeline))));
        Assert.That(run.Stderr, Is.Empty);
    }

    [Test]
    public void PrintOptionPrintsCanonicalSpl()
    {
        const string search = "index=x   process_name=rclone.exe |   stats count by host";
        var run = Exfilq("parse", "--print", search);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(run.Stdout, Is.EqualTo(WithNewline(SyntaxPrinter.Print(Spl.Parse(search).Pipeline))));
        Assert.That(Lines(run.Stdout), Has.Length.EqualTo(1));
    }

    [Test]
    public void OptionsMayFollowTheSearch()
    {
        const string search = "index=x | stats count by host";
        Assert.That(Exfilq("parse", search, "--print").Stdout, Is.EqualTo(Exfilq("parse", "--print", search).Stdout));
    }

    [Test]
    public void ErrorsPrintTreeThenDiagnosticsWithCaretsAndExitOne()
    {
        const string search = "index=x \"abc";
        var result = Spl.Parse(search);
        var run = Exfilq("parse", search);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Errors));
        Assert.That(run.Stdout, Is.EqualTo(WithNewline(SyntaxDumper.Dump(result.Pipeline)) + DiagnosticFormatter.Format(result)));
        Assert.That(run.Stdout, Does.Contain("error SPL0002 at 1:9: "));
        Assert.That(run.Stdout, Does.EndWith("\nindex=x \"abc\n        ^~~~\n"));
    }

    [Test]
    public void InfoDiagnosticsArePrintedAndDoNotFail()
    {
        const string search = "index=x | `drop_dm_object_name(Processes)`";
        var run = Exfilq("parse", "--print", search);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(run.Stdout, Does.Contain("\ninfo SPL0104 at 1:11: "));
        Assert.That(run.Stdout, Does.EndWith("\n" + search + "\n          ^" + new string('~', 31) + "\n"));
    }

    [Test]
    public void ReadsStandardInputWhenNoSearchIsGiven()
    {
        const string search = "index=main\n| stats count by";
        var expected = Exfilq("parse", search).Stdout;
        var fromStdin = RunIn(search + "\n", TempDirectory(), "parse");
        Assert.That(fromStdin.Stdout, Is.EqualTo(expected));
        Assert.That(fromStdin.ExitCode, Is.EqualTo(ExitCodes.Errors));
        var fromDash = RunIn(search + "\r\n", TempDirectory(), "parse", "-");
        Assert.That(fromDash.Stdout, Is.EqualTo(expected));
        Assert.That(fromDash.Stdout, Does.Contain("error SPL0001 at 2:17: "));
    }

    [Test]
    public void DoubleDashEndsOptions()
    {
        var run = Exfilq("parse", "--print", "--", "-x");
        Assert.That(run.ExitCode, Is.Not.EqualTo(ExitCodes.Usage));
        Assert.That(run.Stdout, Is.EqualTo(WithNewline(SyntaxPrinter.Print(Spl.Parse("-x").Pipeline))));
    }

    [Test]
    public void MacrosOptionExpandsMacros()
    {
        var conf = TempFile("macros.conf", "[corp_source]\ndefinition = index=main sourcetype=x\n");
        var jsonl = TempFile("macros.jsonl", "{\"name\":\"corp_source\",\"definition\":\"index=main sourcetype=x\"}\n");
        const string search = "`corp_source` | stats count";
        Assert.That(Exfilq("parse", search).ExitCode, Is.EqualTo(ExitCodes.Errors));
        foreach (var file in new[] { conf, jsonl })
        {
            var run = Exfilq("parse", "--print", "--macros", file, search);
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Stdout + run.Stderr);
            Assert.That(run.Stdout, Does.StartWith("index=main sourcetype=x"));
        }
    }

    [Test]
    public void MacroLibraryProblemsGoToStandardError()
    {
        var jsonl = TempFile("macros.jsonl", "{\"name\":\"ok_macro\",\"definition\":\"index=main\"}\nnot json\n");
        var run = Exfilq("parse", "--macros", jsonl, "--print", "`ok_macro`");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(run.Stdout, Is.EqualTo("index=main\n"));
        Assert.That(run.Stderr, Does.StartWith("exfilq: error SPL0105: "));
    }

    [Test]
    public void MissingMacroFileExitsTwo()
    {
        var run = Exfilq("parse", "--macros", Path.Combine(TempDirectory(), "nope.conf"), "index=x");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(run.Stdout, Is.Empty);
        Assert.That(run.Stderr, Does.StartWith("exfilq: macro library '").And.Contain("not found"));
    }

    [TestCase(new string[0], "no command given.")]
    [TestCase(new[] { "frobnicate" }, "unknown command 'frobnicate'.")]
    [TestCase(new[] { "--frobnicate" }, "unknown option '--frobnicate'.")]
    [TestCase(new[] { "parse", "--bogus", "index=x" }, "'parse': unknown option '--bogus'.")]
    [TestCase(new[] { "parse", "index=x", "|", "stats" }, "'parse' takes at most 1 positional argument(s), but got 3; quote the search so that the shell passes it as one argument.")]
    [TestCase(new[] { "parse", "index=x", "--macros" }, "'parse': option '--macros' needs a value.")]
    [TestCase(new[] { "parse", "--print", "--print", "index=x" }, "'parse': option '--print' is given more than once.")]
    [TestCase(new[] { "parse", "--print=yes", "index=x" }, "'parse': option '--print' takes no value.")]
    [TestCase(new[] { "parse", "--batch", "in.jsonl", "--print" }, "'parse': --print cannot be used with --batch.")]
    [TestCase(new[] { "parse", "--batch", "in.jsonl", "index=x" }, "'parse': a search argument cannot be used with --batch.")]
    [TestCase(new[] { "demo", "a", "b" }, "'demo' takes at most 1 positional argument(s), but got 2; quote the search so that the shell passes it as one argument.")]
    [TestCase(new[] { "demo", "--print" }, "'demo': unknown option '--print'.")]
    [TestCase(new[] { "--version", "x" }, "--version takes no arguments.")]
    [TestCase(new[] { "help", "frobnicate" }, "unknown command 'frobnicate'.")]
    public void UsageErrorsExitTwoWithShortUsage(string[] args, string message)
    {
        var run = Exfilq(args);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(run.Stdout, Is.Empty);
        Assert.That(run.Stderr, Is.EqualTo(
            "exfilq: " + message + "\n" +
            "Usage: exfilq parse [--macros FILE] [--print] [SEARCH | -]\n" +
            "       exfilq parse --batch FILE|- [--macros FILE]\n" +
            "       exfilq translate --to kql [OPTIONS] [SEARCH | -]\n" +
            "       exfilq translate --to kql --batch FILE|- [OPTIONS]\n" +
            "       exfilq demo [DIR] [--macros FILE] [--tree]\n" +
            "       exfilq eval --events FILE|DIR [OPTIONS] [SEARCH | -]\n" +
            "       exfilq eval --events FILE|DIR --batch FILE|- [OPTIONS]\n" +
            "       exfilq test [DIR] [--filter PATTERN] [--macros FILE] [--junit FILE]\n" +
            "       exfilq --help | --version\n" +
            "Try 'exfilq --help' for more information.\n"));
    }

    [TestCase("--help")]
    [TestCase("-h")]
    [TestCase("help")]
    public void HelpGoesToStandardOutput(string flag)
    {
        var run = Exfilq(flag);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(run.Stdout, Does.StartWith("exfilq - read Splunk SPL detection searches\n"));
        Assert.That(run.Stdout, Does.Contain("exfilq parse --batch FILE|- [--macros FILE]"));
        Assert.That(run.Stderr, Is.Empty);
    }

    [Test]
    public void CommandHelp()
    {
        Assert.That(Exfilq("parse", "--help").Stdout, Does.StartWith("Usage: exfilq parse [--macros FILE] [--print] [SEARCH | -]\n"));
        Assert.That(Exfilq("help", "demo").Stdout, Does.StartWith("Usage: exfilq demo [DIR] [--macros FILE] [--tree]\n"));
        Assert.That(Exfilq("demo", "-h").ExitCode, Is.EqualTo(ExitCodes.Ok));
    }

    [Test]
    public void Version()
    {
        var run = Exfilq("--version");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(run.Stdout, Does.Match(@"^exfilq \d+\.\d+\.\d+[^\s+]*\n$"));
    }

    [Test]
    public void EmptySearchIsAnError()
    {
        var run = Exfilq("parse", "");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Errors));
        Assert.That(run.Stdout, Does.Contain("error SPL0006 at 1:1: "));
    }

    private static string WithNewline(string text) => text.Length == 0 || text.EndsWith('\n') ? text : text + "\n";
}
