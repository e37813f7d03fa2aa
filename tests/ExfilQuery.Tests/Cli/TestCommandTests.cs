using System.Xml.Linq;
using ExfilQuery.Cli;
using NUnit.Framework;
using static ExfilQuery.Tests.Cli.CliTestSupport;

namespace ExfilQuery.Tests.Cli;

/// <summary><c>exfilq test</c>: the pass/fail table, JUnit XML, exit codes; on the bundled fixtures and on small
/// fixtures made in a temporary folder.</summary>
[TestFixture]
public sealed class TestCommandTests
{
    private static string MakeFixture(string root, string name, string expected, string negative = "{\"p\":\"y\"}\n")
    {
        var dir = Path.Combine(root, name);
        Directory.CreateDirectory(Path.Combine(dir, "events"));
        Directory.CreateDirectory(Path.Combine(dir, "negative"));
        File.WriteAllText(Path.Combine(dir, "search.spl"), "# header\np=x | stats count by p\n");
        // search matches X case-insensitively; stats groups by the exact value, so x and X are two rows.
        File.WriteAllText(Path.Combine(dir, "events", "e.jsonl"), "{\"p\":\"x\"}\n{\"p\":\"X\"}\n{\"p\":\"x\"}\n");
        File.WriteAllText(Path.Combine(dir, "negative", "n.jsonl"), negative);
        File.WriteAllText(Path.Combine(dir, "expected.json"), expected);
        return dir;
    }

    [Test]
    public void PassingAndPendingFixturesExitZero()
    {
        var root = TempDirectory();
        MakeFixture(root, "a_pass", """{"rows":[{"p":"X","count":"1"},{"p":"x","count":"2"}]}""");
        MakeFixture(root, "b_pending", """{"min_rows":1,"pending":"needs the mapping"}""");
        var run = Exfilq("test", root);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Stdout);
        Assert.That(run.Stdout, Is.EqualTo(
            "result   fixture    rows negative\n" +
            "PASS     a_pass        2        0\n" +
            "PENDING  b_pending     2        0  needs the mapping (now passes: remove 'pending')\n" +
            "2 fixtures: 1 passed, 0 failed, 1 pending\n"));
        Assert.That(run.Stderr, Does.Match(@"ran 2 fixtures from .* in \d+ ms\n$"));
    }

    [Test]
    public void AFailureIsListedUnderItsFixtureAndExitsOne()
    {
        var root = TempDirectory();
        MakeFixture(root, "fails", """{"rows":[{"p":"X","count":"1"},{"p":"x","count":"3"}]}""", negative: "{\"p\":\"x\"}\n");
        var run = Exfilq("test", root);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Errors));
        Assert.That(Lines(run.Stdout), Is.EqualTo(new[]
        {
            "result   fixture  rows negative",
            "FAIL     fails       2        1",
            "    row 2: count = [2], expected [3].",
            "    negative: 1 row(s), expected none; first: p=x count=1",
            "1 fixtures: 0 passed, 1 failed, 0 pending",
        }));
    }

    [Test]
    public void YearDatesSyslogEventFiles()
    {
        // A BSD syslog line (RFC 3164 section 4.1.2) has no year: earliest= can only select it once --year dates it.
        var root = TempDirectory();
        var dir = Path.Combine(root, "ssh_failures_since_june");
        Directory.CreateDirectory(Path.Combine(dir, "events"));
        Directory.CreateDirectory(Path.Combine(dir, "negative"));
        File.WriteAllText(Path.Combine(dir, "search.spl"), "\"Failed password\" earliest=1717200000 | eval t=_time | table t\n");
        File.WriteAllText(Path.Combine(dir, "events", "secure"), "Jun  1 10:08:31 srv sshd[41]: Failed password for root from 203.0.113.7\n");
        File.WriteAllText(Path.Combine(dir, "negative", "secure"), "May 27 09:28:31 srv sshd[40]: Failed password for root from 203.0.113.7\n");
        // 2024-06-01T10:08:31Z; earliest=1717200000 is 2024-06-01T00:00:00Z.
        File.WriteAllText(Path.Combine(dir, "expected.json"), """{"rows":[{"t":"1717236511"}]}""");
        var dated = Exfilq("test", root, "--year", "2024");
        Assert.That(dated.ExitCode, Is.EqualTo(ExitCodes.Ok), dated.Stdout);
        Assert.That(Lines(dated.Stdout)[1], Does.StartWith("PASS     ssh_failures_since_june"));
        // In 2023 June 1st is before the window's start (2024): no row.
        var early = Exfilq("test", root, "--year", "2023");
        Assert.That(early.ExitCode, Is.EqualTo(ExitCodes.Errors), early.Stdout);
        Assert.That(early.Stdout, Does.Contain("events: 0 row(s), expected exactly 1."));
        // Without --year the lines have no _time, so earliest= keeps none of them.
        var undated = Exfilq("test", root);
        Assert.That(undated.ExitCode, Is.EqualTo(ExitCodes.Errors), undated.Stdout);
        var bad = Exfilq("test", root, "--year", "next");
        Assert.That(bad.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(bad.Stderr, Does.StartWith("exfilq: 'test': --year 'next' is not a year from 1 to 9999.\nUsage: "));
    }

    [Test]
    public void JUnitReportIsWritten()
    {
        var root = TempDirectory();
        MakeFixture(root, "ok", """{"min_rows":1}""");
        MakeFixture(root, "bad", """{"min_rows":3}""");
        var report = Path.Combine(TempDirectory(), "junit.xml");
        var run = Exfilq("test", root, "--junit", report);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Errors));
        var doc = XDocument.Load(report);
        var suite = doc.Root!.Element("testsuite")!;
        Assert.That((string?)suite.Attribute("tests"), Is.EqualTo("2"));
        Assert.That((string?)suite.Attribute("failures"), Is.EqualTo("1"));
        Assert.That(suite.Elements("testcase").Select(t => (string?)t.Attribute("name")), Is.EqualTo(new[] { "bad", "ok" }));
        Assert.That(suite.Elements("testcase").Select(t => t.Attribute("time")), Has.All.Not.Null);
        Assert.That((string?)suite.Element("testcase")!.Element("failure")!.Attribute("message"), Is.EqualTo("events: 2 row(s), expected at least 3."));
    }

    [Test]
    public void BundledFixturesPassOrArePending()
    {
        // The default folder is found from the repository root; the bundled macro library is loaded by default.
        var run = RunIn("", RepositoryRoot(), "test");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Stdout);
        Assert.That(run.Stderr, Does.StartWith("exfilq: using "));
        Assert.That(Lines(run.Stdout)[^1], Does.Match(@"^18 fixtures: \d+ passed, 0 failed, \d+ pending$"));
        Assert.That(run.Stdout, Does.Not.Contain("FAIL"));
    }

    /// <summary>--filter: wildcards match the whole name, a plain pattern a part of it; case-insensitive.</summary>
    [TestCase("dns_query", "dns_query_length", false)]   // the pattern is looked for in the name, not the other way
    [TestCase("DNS_QUERY_length", "DNS", true)]
    [TestCase("dns_query_length", "query", true)]
    [TestCase("dns_query_length", "dns*", true)]
    [TestCase("dns_query_length", "*length", true)]
    [TestCase("dns_query_length", "*QUERY*", true)]
    [TestCase("dns_query_length", "dns_query_lengt?", true)]
    [TestCase("dns_query_length", "query*", false)]   // a wildcard pattern matches the whole name
    [TestCase("dns_query_length", "dns?query", false)]
    [TestCase("dns_query_length", "nslookup", false)]
    [TestCase("a.b", "a?b", true)]
    [TestCase("axb", "a.b", false)]                  // '.' is a literal, not a regex
    public void FilterMatchesFixtureNames(string name, string pattern, bool expected) =>
        Assert.That(TestCommand.NameMatches(name, pattern), Is.EqualTo(expected));

    [Test]
    public void FilterRunsOnlyTheMatchingFixtures()
    {
        var root = TempDirectory();
        MakeFixture(root, "a_pass", """{"min_rows":1}""");
        MakeFixture(root, "b_fail", """{"min_rows":3}""");
        MakeFixture(root, "c_pass", """{"min_rows":2}""");
        var run = Exfilq("test", root, "--filter", "*PASS");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Stdout);
        Assert.That(Lines(run.Stdout), Is.EqualTo(new[]
        {
            "result   fixture  rows negative",
            "PASS     a_pass      2        0",
            "PASS     c_pass      2        0",
            "2 fixtures: 2 passed, 0 failed, 0 pending",
        }));
        var failing = Exfilq("test", root, "--filter", "b_");
        Assert.That(failing.ExitCode, Is.EqualTo(ExitCodes.Errors));
        Assert.That(Lines(failing.Stdout)[^1], Is.EqualTo("1 fixtures: 0 passed, 1 failed, 0 pending"));
        var none = Exfilq("test", root, "--filter", "zz*");
        Assert.That(none.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(none.Stderr, Does.Contain("no fixture name under '").And.Contain("' matches 'zz*' (3 fixtures there)."));
        Assert.That(Exfilq("test", root, "--filter", "").ExitCode, Is.EqualTo(ExitCodes.Usage));
    }

    [Test]
    public void NoFixturesOrMissingFolderExitTwo()
    {
        var empty = Exfilq("test", TempDirectory());
        Assert.That(empty.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(empty.Stderr, Does.Contain("exfilq: no fixtures (folders with expected.json) under "));
        var missing = Exfilq("test", Path.Combine(TempDirectory(), "none"));
        Assert.That(missing.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(Exfilq("test", "--junit", "", "x").ExitCode, Is.EqualTo(ExitCodes.Usage));
    }
}
