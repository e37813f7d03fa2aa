using ExfilQuery.Cli;
using ExfilQuery.Syntax;
using NUnit.Framework;
using static ExfilQuery.Tests.Cli.CliTestSupport;

namespace ExfilQuery.Tests.Cli;

/// <summary><c>exfilq demo</c> on temporary fixture folders.</summary>
[TestFixture]
public sealed class DemoCommandTests
{
    [Test]
    public void ShowsEachSearchAndASummary()
    {
        var dir = TempDirectory();
        File.WriteAllText(Path.Combine(dir, "a.jsonl"),
            "{\"id\":\"rclone\",\"name\":\"Rclone exfil\",\"search\":\"index=x process_name=rclone.exe | stats count by host\"}\n" +
            "\n" +
            "{\"id\":2,\"search\":\"index=x \\\"abc\"}\n" +
            "oops\n");
        File.WriteAllText(Path.Combine(dir, "b.spl"), "# name: Macro search\n# more header\n\n`corp_source` | stats count\n");
        File.WriteAllText(Path.Combine(dir, "ignored.txt"), "index=x");
        var macros = TempFile("macros.conf", "[corp_source]\ndefinition = index=main sourcetype=x\n");

        var run = RunIn(string.Empty, TempDirectory(), "demo", dir, "--macros", macros);

        var good = Spl.Parse("index=x process_name=rclone.exe | stats count by host");
        var macro = Spl.Parse("`corp_source` | stats count", ParseOptions.Default.WithMacros(ExfilQuery.Macros.MacroLibrary.ParseMacrosConf(
            "[corp_source]\ndefinition = index=main sourcetype=x\n", "macros.conf", out _)));
        var bad = Spl.Parse("index=x \"abc");
        var expected =
            "=== rclone Rclone exfil ===\n" +
            EndLine(SyntaxPrinter.Print(good.Pipeline)) + EndLine(SyntaxDumper.Dump(good.Pipeline)) +
            "\n" +
            "=== 2 ===\n" +
            DiagnosticFormatter.Format(bad) +
            "\n" +
            "=== a.jsonl:4 ===\n" +
            "error CLI0001 at a.jsonl:4:1: This line is not valid JSON; each line must be a JSON object such as {\"id\": 1, \"search\": \"index=main\"}.\n" +
            "\n" +
            "=== b Macro search ===\n" +
            EndLine(SyntaxPrinter.Print(macro.Pipeline)) + EndLine(SyntaxDumper.Dump(macro.Pipeline)) +
            "\n" +
            "4 searches: 2 ok, 2 with errors\n";
        Assert.That(run.Stdout, Is.EqualTo(expected));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Errors));
        Assert.That(run.Stdout, Does.Contain("\nindex=main sourcetype=x | stats count\n"));
    }

    [Test]
    public void AllGoodExitsZero()
    {
        var dir = TempDirectory();
        File.WriteAllText(Path.Combine(dir, "one.spl"), "index=x | stats count by host\n");
        var run = RunIn(string.Empty, TempDirectory(), "demo", dir, "--macros", TempFile("m.conf", string.Empty));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(run.Stdout, Does.StartWith("=== one ===\nindex=x | stats count BY host\n").Or.StartWith("=== one ===\nindex=x | stats count by host\n"));
        Assert.That(run.Stdout, Does.EndWith("\n\n1 searches: 1 ok, 0 with errors\n"));
    }

    [Test]
    public void DefaultDirectoryIsFixturesSeedsUnderTheCurrentDirectory()
    {
        var cwd = TempDirectory();
        Directory.CreateDirectory(Path.Combine(cwd, "fixtures", "seeds"));
        File.WriteAllText(Path.Combine(cwd, "fixtures", "seeds", "s.jsonl"), "{\"id\":\"s1\",\"search\":\"index=x\"}\n");
        var run = RunIn(string.Empty, cwd, "demo", "--macros", TempFile("m.conf", string.Empty));
        Assert.That(run.Stdout, Does.StartWith("=== s1 ===\n"));
        Assert.That(run.Stdout, Does.EndWith("1 searches: 1 ok, 0 with errors\n"));
    }

    [Test]
    public void MissingDirectoryExitsTwo()
    {
        var run = Exfilq("demo", Path.Combine(TempDirectory(), "nope"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(run.Stderr, Does.StartWith("exfilq: directory '").And.Contain("not found"));
    }

    [TestCase("index=x\n", null, "index=x")]
    [TestCase("# header\n#name: X y\n\n  # indented header\nindex=x\n| stats count\n\n", "X y", "index=x\n| stats count")]
    [TestCase("\uFEFF#  Name:  Z \r\nindex=x\r\n", "Z", "index=x")]
    [TestCase("# only a header\n", null, "")]
    public void SplFileHeader(string text, string? name, string search)
    {
        var (actualName, actualSearch) = DemoCommand.ReadSplFile(text);
        Assert.That(actualName, Is.EqualTo(name));
        Assert.That(actualSearch, Is.EqualTo(search));
    }

    [Test]
    public void FindsRepositoryRoot()
    {
        Assert.That(DemoCommand.FindRepositoryRoot(TestContext.CurrentContext.TestDirectory), Is.EqualTo(RepositoryRoot()));
    }

    private static string EndLine(string text) => text.EndsWith('\n') ? text : text + "\n";
}
