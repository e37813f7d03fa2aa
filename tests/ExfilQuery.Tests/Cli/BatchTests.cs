using System.Text.Json;
using ExfilQuery.Cli;
using NUnit.Framework;
using static ExfilQuery.Tests.Cli.CliTestSupport;

namespace ExfilQuery.Tests.Cli;

/// <summary><c>exfilq parse --batch</c>: the JSON Lines contract used by CI and benchmarks.</summary>
[TestFixture]
public sealed class BatchTests
{
    private const string Good = "index=x process_name=rclone.exe | stats count by host";
    private const string MissingByField = "index=x | stats count by";
    private const string Unterminated = "index=x \"abc";
    private const string SigmaJson = "{\"selection1\": {\"Image|endswith\": \"\\\\rclone.exe\"}, \"condition\": \"selection1\"}";

    private const string NotJsonMessage =
        "This line is not valid JSON; each line must be a JSON object such as {\\\"id\\\": 1, \\\"search\\\": \\\"index=main\\\"}.";

    [Test]
    public void MixedInputWritesOneExactLinePerSearchAndExitsOne()
    {
        var input =
            "{\"id\":\"good\",\"search\":" + JsonString(Good) + "}\n" +
            "{\"id\":\"bad\",\"search\":" + JsonString(MissingByField) + "}\n" +
            "\n" +
            "   \n" +
            "{\"id\":\"sigma\",\"search\":" + SigmaJson + "}\n" +
            "{\"id\": 42, \"search\": " + JsonString(Unterminated) + "}\n" +
            "this is not json\n" +
            "{\"id\":\"no-search\",\"name\":\"x\"}\n";
        var path = TempFile("in.jsonl", input);

        var run = Exfilq("parse", "--batch", path);

        var lines = Lines(run.Stdout);
        Assert.That(lines, Has.Length.EqualTo(6));
        Assert.That(lines[0], Is.EqualTo("{\"id\":\"good\",\"ok\":true,\"diagnostics\":[]}"));
        Assert.That(lines[1], Is.EqualTo(ExpectedBatchLine("\"bad\"", MissingByField)));
        Assert.That(lines[1], Does.StartWith("{\"id\":\"bad\",\"ok\":false,\"diagnostics\":[{\"code\":\"SPL"));
        Assert.That(lines[2], Is.EqualTo(ExpectedBatchLine("\"sigma\"", SigmaJson)));
        Assert.That(lines[2], Does.StartWith("{\"id\":\"sigma\",\"ok\":false,\"diagnostics\":[{\"code\":\"SPL0011\",\"severity\":\"error\",\"message\":"));
        Assert.That(lines[3], Is.EqualTo(ExpectedBatchLine("42", Unterminated)));
        Assert.That(lines[3], Does.StartWith("{\"id\":42,\"ok\":false,\"diagnostics\":[{\"code\":\"SPL0002\",\"severity\":\"error\",\"message\":"));
        Assert.That(lines[3], Does.EndWith(",\"line\":1,\"column\":9}]}"));
        Assert.That(lines[4], Is.EqualTo(
            "{\"id\":null,\"ok\":false,\"diagnostics\":[{\"code\":\"CLI0001\",\"severity\":\"error\",\"message\":\"" + NotJsonMessage + "\",\"line\":7,\"column\":1}]}"));
        Assert.That(lines[5], Is.EqualTo(
            "{\"id\":\"no-search\",\"ok\":false,\"diagnostics\":[{\"code\":\"CLI0001\",\"severity\":\"error\",\"message\":" +
            "\"This line has no \\\"search\\\" member; each line must be a JSON object such as {\\\"id\\\": 1, \\\"search\\\": \\\"index=main\\\"}.\",\"line\":8,\"column\":1}]}"));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Errors));
        Assert.That(run.Stderr, Does.Match(@"^parsed 6 searches: 1 ok, 5 with errors \(\d+ ms, \d+ searches/s\)\n$"));
    }

    [Test]
    public void EveryOutputLineIsAnObjectWithKeysInContractOrder()
    {
        var input = "{\"id\":1,\"search\":\"index=x | stats count by\"}\n[1]\n{\"search\":\"index=x\"}\n";
        var run = Exfilq("parse", "--batch", TempFile("in.jsonl", input));
        foreach (var line in Lines(run.Stdout))
        {
            using var doc = JsonDocument.Parse(line);
            Assert.That(doc.RootElement.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "id", "ok", "diagnostics" }));
            foreach (var d in doc.RootElement.GetProperty("diagnostics").EnumerateArray())
            {
                Assert.That(d.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "code", "severity", "message", "line", "column" }));
            }
        }
        Assert.That(Lines(run.Stdout)[2], Is.EqualTo("{\"id\":null,\"ok\":true,\"diagnostics\":[]}"));
    }

    [Test]
    public void AllGoodFileExitsZero()
    {
        var input = "{\"id\":\"a\",\"search\":\"index=main sourcetype=x\"}\r\n{\"id\":2,\"search\":\"index=x | stats count by host\"}\r\n";
        var run = Exfilq("parse", "--batch", TempFile("good.jsonl", input));
        Assert.That(run.Stdout, Is.EqualTo(
            "{\"id\":\"a\",\"ok\":true,\"diagnostics\":[]}\n" +
            "{\"id\":2,\"ok\":true,\"diagnostics\":[]}\n"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(run.Stderr, Does.StartWith("parsed 2 searches: 2 ok, 0 with errors ("));
    }

    [Test]
    public void EmptyFileExitsZero()
    {
        var run = Exfilq("parse", "--batch", TempFile("empty.jsonl", "\n\n"));
        Assert.That(run.Stdout, Is.Empty);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(run.Stderr, Does.StartWith("parsed 0 searches: 0 ok, 0 with errors ("));
    }

    [Test]
    public void IdIsCopiedAsGiven()
    {
        var input =
            "{\"id\":1.50,\"search\":\"index=x\"}\n" +
            "{\"id\":\"d\\u00e9j\\u00e0 vu \\\"q\\\"\",\"search\":\"index=x\"}\n" +
            "{\"id\":null,\"search\":\"index=x\"}\n" +
            "\uFEFF";
        var run = Exfilq("parse", "--batch", TempFile("ids.jsonl", "\uFEFF" + input));
        Assert.That(Lines(run.Stdout), Is.EqualTo(new[]
        {
            "{\"id\":1.50,\"ok\":true,\"diagnostics\":[]}",
            "{\"id\":\"déjà vu \\\"q\\\"\",\"ok\":true,\"diagnostics\":[]}",
            "{\"id\":null,\"ok\":true,\"diagnostics\":[]}",
            "{\"id\":null,\"ok\":false,\"diagnostics\":[{\"code\":\"CLI0001\",\"severity\":\"error\",\"message\":\"" + NotJsonMessage + "\",\"line\":4,\"column\":1}]}",
        }));
    }

    [Test]
    public void NonAsciiSearchTextAndPositionsInMultiLineSearches()
    {
        const string search = "index=x user=\"jöhn\"\n| eval y=\"abc";
        var run = Exfilq("parse", "--batch", TempFile("u.jsonl", "{\"id\":\"u\",\"search\":" + JsonString(search) + "}\n"));
        var line = Lines(run.Stdout).Single();
        Assert.That(line, Is.EqualTo(ExpectedBatchLine("\"u\"", search)));
        Assert.That(line, Does.Contain("\"code\":\"SPL0002\""));
        Assert.That(line, Does.Contain("\"line\":2,\"column\":10"));
    }

    [Test]
    public void BadSearchMemberTypesAreCli0001()
    {
        var input =
            "{\"id\":\"n\",\"search\":null}\n" +
            "{\"id\":\"num\",\"search\":3}\n" +
            "\"just a string\"\n" +
            "{\"id\":\"s\",\"search\":\"\\ud800\"}\n";
        var run = Exfilq("parse", "--batch", TempFile("types.jsonl", input));
        var lines = Lines(run.Stdout);
        Assert.That(lines, Has.Length.EqualTo(4));
        Assert.That(lines[0], Is.EqualTo(
            "{\"id\":\"n\",\"ok\":false,\"diagnostics\":[{\"code\":\"CLI0001\",\"severity\":\"error\",\"message\":" +
            "\"The \\\"search\\\" member is a JSON null; it must be a string (or an object or array holding a Sigma-style mapping).\",\"line\":1,\"column\":1}]}"));
        Assert.That(lines[1], Does.StartWith("{\"id\":\"num\",\"ok\":false,\"diagnostics\":[{\"code\":\"CLI0001\""));
        Assert.That(lines[1], Does.Contain("is a JSON number"));
        Assert.That(lines[2], Does.StartWith("{\"id\":null,\"ok\":false,\"diagnostics\":[{\"code\":\"CLI0001\""));
        Assert.That(lines[2], Does.Contain("This line is a JSON string, not an object"));
        Assert.That(lines[3], Does.StartWith("{\"id\":\"s\",\"ok\":false,\"diagnostics\":[{\"code\":\"CLI0001\""));
        Assert.That(lines[3], Does.EndWith("\"line\":4,\"column\":1}]}"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Errors));
    }

    [Test]
    public void SigmaArrayIsPassedAsRawJson()
    {
        const string raw = "[{\"selection\":{\"a\":1}},\"condition\"]";
        var run = Exfilq("parse", "--batch", TempFile("a.jsonl", "{\"id\":\"arr\",\"search\":" + raw + "}\n"));
        Assert.That(Lines(run.Stdout).Single(), Is.EqualTo(ExpectedBatchLine("\"arr\"", raw)));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Errors));
    }

    [Test]
    public void ReadsStandardInputWithDash()
    {
        var run = RunIn("{\"id\":1,\"search\":\"index=x\"}\n", TempDirectory(), "parse", "--batch", "-");
        Assert.That(run.Stdout, Is.EqualTo("{\"id\":1,\"ok\":true,\"diagnostics\":[]}\n"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
    }

    [Test]
    public void RelativePathIsResolvedAgainstTheCurrentDirectory()
    {
        var dir = TempDirectory();
        File.WriteAllText(Path.Combine(dir, "rel.jsonl"), "{\"id\":1,\"search\":\"index=x\"}\n");
        var run = RunIn(string.Empty, dir, "parse", "--batch=rel.jsonl");
        Assert.That(run.Stdout, Is.EqualTo("{\"id\":1,\"ok\":true,\"diagnostics\":[]}\n"));
    }

    [Test]
    public void MacrosApplyToBatchSearches()
    {
        var macros = TempFile("macros.conf", "[corp_source]\ndefinition = index=main sourcetype=x\n");
        var input = "{\"id\":1,\"search\":\"`corp_source` | stats count\"}\n{\"id\":2,\"search\":\"`nope_not_defined_anywhere` | stats count\"}\n";
        var run = Exfilq("parse", "--batch", TempFile("m.jsonl", input), "--macros", macros);
        var lines = Lines(run.Stdout);
        Assert.That(lines[0], Is.EqualTo("{\"id\":1,\"ok\":true,\"diagnostics\":[]}"));
        Assert.That(lines[1], Does.StartWith("{\"id\":2,\"ok\":false,\"diagnostics\":[{\"code\":\"SPL0100\",\"severity\":\"error\",\"message\":"));
        Assert.That(lines[1], Does.EndWith("\"line\":1,\"column\":1}]}"));
    }

    [Test]
    public void MissingBatchFileExitsTwo()
    {
        var run = Exfilq("parse", "--batch", Path.Combine(TempDirectory(), "missing.jsonl"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(run.Stdout, Is.Empty);
        Assert.That(run.Stderr, Does.StartWith("exfilq: batch input '").And.Contain("not found"));
    }

    [Test]
    public void OutputIsDeterministic()
    {
        var input = "{\"id\":\"x\",\"search\":\"index=x | stats count by\"}\n{\"id\":\"y\",\"search\":" + SigmaJson + "}\n";
        var path = TempFile("d.jsonl", input);
        Assert.That(Exfilq("parse", "--batch", path).Stdout, Is.EqualTo(Exfilq("parse", "--batch", path).Stdout));
    }
}
