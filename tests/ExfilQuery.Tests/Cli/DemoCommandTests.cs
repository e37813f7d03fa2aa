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

        var good = "index=x process_name=rclone.exe | stats count by host";
        var macroOptions = ParseOptions.Default.WithMacros(ExfilQuery.Macros.MacroLibrary.ParseMacrosConf(
            "[corp_source]\ndefinition = index=main sourcetype=x\n", "macros.conf", out _));
        var bad = Spl.Parse("index=x \"abc");
        var expected =
            "=== rclone Rclone exfil ===\n" +
            ExpectedShown(good, ParseOptions.Default, tree: false) +
            "\n" +
            "=== 2 ===\n" +
            DiagnosticFormatter.Format(bad) +
            "\n" +
            "=== a.jsonl:4 ===\n" +
            "error CLI0001 at a.jsonl:4:1: This line is not valid JSON; each line must be a JSON object such as {\"id\": 1, \"search\": \"index=main\"}.\n" +
            "\n" +
            "=== b Macro search ===\n" +
            ExpectedShown("`corp_source` | stats count", macroOptions, tree: false) +
            "\n" +
            "4 searches: 2 ok, 2 with errors\n" +
            ExpectedKqlSummary((good, ParseOptions.Default), ("index=x \"abc", ParseOptions.Default), (null, ParseOptions.Default),
                ("`corp_source` | stats count", macroOptions));
        Assert.That(run.Stdout, Is.EqualTo(expected));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Errors));
        Assert.That(run.Stdout, Does.Contain("\nindex=main sourcetype=x | stats count\n--- KQL (profile none): full\nEvents\n| where "));
        Assert.That(run.Stdout, Does.Not.Contain("Pipeline"), "the syntax tree is shown only with --tree");
    }

    [Test]
    public void TreeFlagAddsTheSyntaxTreeAfterTheKql()
    {
        var dir = TempDirectory();
        File.WriteAllText(Path.Combine(dir, "one.spl"), "# name: One\nerror | stats count by host\n");
        var run = RunIn(string.Empty, TempDirectory(), "demo", dir, "--tree", "--macros", TempFile("m.conf", string.Empty));
        var search = "error | stats count by host";
        var tree = SyntaxDumper.Dump(Spl.Parse(search).Pipeline);
        Assert.That(run.Stdout, Is.EqualTo(
            "=== one One ===\n" + ExpectedShown(search, ParseOptions.Default, tree: true) + "\n" +
            "1 searches: 1 ok, 0 with errors\n" + ExpectedKqlSummary((search, ParseOptions.Default))));
        Assert.That(run.Stdout, Does.Contain("--- KQL (profile none): partial\nEvents\n| where _raw contains \"error\"\n"));
        Assert.That(run.Stdout, Does.Contain("\n" + EndLine(tree) + "\n1 searches"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
    }

    [Test]
    public void FailedTranslationIsShownButDoesNotChangeTheExitCode()
    {
        var dir = TempDirectory();
        File.WriteAllText(Path.Combine(dir, "t.jsonl"), "{\"id\":\"t\",\"search\":\"index=x | transaction host\"}\n");
        var run = RunIn(string.Empty, TempDirectory(), "demo", dir, "--macros", TempFile("m.conf", string.Empty));
        Assert.That(run.Stdout, Does.StartWith("=== t ===\nindex=x | transaction host\n--- KQL (profile none): failed\nerror "));
        Assert.That(run.Stdout, Does.EndWith("\n\n1 searches: 1 ok, 0 with errors\n" + ExpectedKqlSummary(("index=x | transaction host", ParseOptions.Default))));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
    }

    [Test]
    public void BundledSeedsShowKqlForEverySearch()
    {
        var run = RunIn(string.Empty, RepositoryRoot(), "demo");
        var lines = Lines(run.Stdout);
        var searches = lines.Count(l => l.StartsWith("=== ", StringComparison.Ordinal));
        Assert.That(searches, Is.GreaterThanOrEqualTo(16));
        foreach (var profile in DemoCommand.Profiles)
        {
            Assert.That(lines.Count(l => l.StartsWith("--- KQL (profile " + profile + "): ", StringComparison.Ordinal)), Is.EqualTo(searches));
        }
        Assert.That(lines, Has.None.EqualTo("Pipeline"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(run.Stderr, Does.StartWith("exfilq: using "));
    }

    [Test]
    public void ShowsProfileNoneFirstAndDefenderOnlyWhenTheLibraryMapsIt()
    {
        Assert.That(DemoCommand.Profiles[0], Is.EqualTo("none"));
        Assert.That(DemoCommand.Profiles, Is.EqualTo(new[] { "none" }).Or.EqualTo(new[] { "none", "defender" }));
        var defender = ExfilQuery.Kql.KqlBackend.Translate("| tstats count from datamodel=Endpoint.Processes by Processes.process_name", null,
            ExfilQuery.Kql.KqlOptions.Default with { Profile = "defender" });
        Assert.That(DemoCommand.Profiles.Contains("defender"), Is.EqualTo(defender.Query?.Contains("DeviceProcessEvents", StringComparison.Ordinal) == true));
    }

    [Test]
    public void AllGoodExitsZero()
    {
        var dir = TempDirectory();
        File.WriteAllText(Path.Combine(dir, "one.spl"), "index=x | stats count by host\n");
        var run = RunIn(string.Empty, TempDirectory(), "demo", dir, "--macros", TempFile("m.conf", string.Empty));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(run.Stdout, Does.StartWith("=== one ===\nindex=x | stats count BY host\n").Or.StartWith("=== one ===\nindex=x | stats count by host\n"));
        Assert.That(run.Stdout, Does.EndWith("\n\n1 searches: 1 ok, 0 with errors\n" + ExpectedKqlSummary(("index=x | stats count by host", ParseOptions.Default))));
        Assert.That(run.Stdout, Does.Contain("\n1 searches: 1 ok, 0 with errors\nKQL (profile none): 1 full, 0 partial, 0 failed\n"));
        Assert.That(run.Stdout, Does.Contain("\n--- KQL (profile none): full\nEvents\n| where index =~ \"x\"\n"));
    }

    [Test]
    public void DefaultDirectoryIsFixturesSeedsUnderTheCurrentDirectory()
    {
        var cwd = TempDirectory();
        Directory.CreateDirectory(Path.Combine(cwd, "fixtures", "seeds"));
        File.WriteAllText(Path.Combine(cwd, "fixtures", "seeds", "s.jsonl"), "{\"id\":\"s1\",\"search\":\"index=x\"}\n");
        var run = RunIn(string.Empty, cwd, "demo", "--macros", TempFile("m.conf", string.Empty));
        Assert.That(run.Stdout, Does.StartWith("=== s1 ===\n"));
        Assert.That(run.Stdout, Does.EndWith("1 searches: 1 ok, 0 with errors\n" + ExpectedKqlSummary(("index=x", ParseOptions.Default))));
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

    /// <summary>What demo shows for a search that parses, built from the library by hand: the canonical SPL, the
    /// parse diagnostics, per profile the KQL header, query and the diagnostics the translation adds, then (with
    /// <paramref name="tree"/>) the syntax tree.</summary>
    private static string ExpectedShown(string search, ParseOptions options, bool tree)
    {
        var parse = Spl.Parse(search, options);
        Assert.That(parse.Ok, Is.True);
        var text = EndLine(SyntaxPrinter.Print(parse.Pipeline)) + DiagnosticFormatter.Format(parse);
        foreach (var profile in DemoCommand.Profiles)
        {
            var translation = ExfilQuery.Kql.KqlBackend.Translate(search, options, ExfilQuery.Kql.KqlOptions.Default with { Profile = profile });
            text += "--- KQL (profile " + profile + "): " + translation.StatusName + "\n";
            if (translation.Query is not null) text += EndLine(translation.Query);
            text += DiagnosticFormatter.Format(translation.Diagnostics.Where(d => !parse.Diagnostics.Contains(d)), parse.Source);
        }
        if (tree) text += EndLine(SyntaxDumper.Dump(parse.Pipeline));
        return text;
    }

    /// <summary>The KQL summary lines for these searches (null: an input line that cannot be read), counted per
    /// profile from the library's translations; a search that does not parse counts as failed.</summary>
    private static string ExpectedKqlSummary(params (string? Search, ParseOptions Options)[] searches) => string.Concat(DemoCommand.Profiles.Select(p =>
    {
        var statuses = searches.Select(s => s.Search is null ? ExfilQuery.Kql.TranslationStatus.Failed
            : ExfilQuery.Kql.KqlBackend.Translate(s.Search, s.Options, ExfilQuery.Kql.KqlOptions.Default with { Profile = p }).Status).ToList();
        int Count(ExfilQuery.Kql.TranslationStatus status) => statuses.Count(x => x == status);
        return $"KQL (profile {p}): {Count(ExfilQuery.Kql.TranslationStatus.Full)} full, {Count(ExfilQuery.Kql.TranslationStatus.Partial)} partial, " +
            $"{Count(ExfilQuery.Kql.TranslationStatus.Failed)} failed\n";
    }));
}
