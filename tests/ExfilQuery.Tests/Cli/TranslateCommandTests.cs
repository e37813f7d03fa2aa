using System.Globalization;
using System.Text;
using System.Text.Json;
using ExfilQuery.Cli;
using ExfilQuery.Diagnostics;
using ExfilQuery.Kql;
using ExfilQuery.Text;
using NUnit.Framework;
using static ExfilQuery.Tests.Cli.CliTestSupport;

namespace ExfilQuery.Tests.Cli;

/// <summary><c>exfilq translate --to kql</c>: one search (argument or standard input), the batch JSON Lines contract,
/// options passed through to the library, help and usage errors. Expected outputs are built from
/// <see cref="KqlBackend.Translate(string, ParseOptions?, KqlOptions?)"/> by hand (not through the tool's code), so
/// that the tests pin the output format while the backend's queries and messages evolve; literal checks pin what the
/// three example searches must be (full, partial, failed).</summary>
[TestFixture]
public sealed class TranslateCommandTests
{
    private const string Full = "index=x process=*rclone* | stats count by host";
    private const string Partial = "error";
    private const string Failed = "index=x | transaction host";
    private const string ParseError = "index=x | stats count by";

    private const string ShortUsage =
        "Usage: exfilq parse [--macros FILE] [--print] [SEARCH | -]\n" +
        "       exfilq parse --batch FILE|- [--macros FILE]\n" +
        "       exfilq translate --to kql [OPTIONS] [SEARCH | -]\n" +
        "       exfilq translate --to kql --batch FILE|- [OPTIONS]\n" +
        "       exfilq demo [DIR] [--macros FILE] [--tree]\n" +
        "       exfilq eval --events FILE|DIR [OPTIONS] [SEARCH | -]\n" +
        "       exfilq eval --events FILE|DIR --batch FILE|- [OPTIONS]\n" +
        "       exfilq test [DIR] [--filter PATTERN] [--macros FILE] [--junit FILE]\n" +
        "       exfilq --help | --version\n" +
        "Try 'exfilq --help' for more information.\n";

    // ------------------------------------------------------------------ one search

    [Test]
    public void FullTranslationPrintsQueryThenStatusAndExitsZero()
    {
        var run = Exfilq("translate", "--to", "kql", Full);
        Assert.That(run.Stdout, Is.EqualTo(ExpectedText(Full)));
        Assert.That(run.Stdout, Does.StartWith("Events\n| where "));
        Assert.That(run.Stdout, Does.Contain("\n| summarize "));
        Assert.That(run.Stdout, Does.EndWith("\nstatus: full\n"));
        Assert.That(run.Stderr, Is.Empty);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
    }

    [Test]
    public void PartialTranslationPrintsQueryStatusAndWarningsAndExitsZero()
    {
        var run = Exfilq("translate", "--to", "kql", Partial);
        Assert.That(run.Stdout, Is.EqualTo(ExpectedText(Partial)));
        Assert.That(run.Stdout, Does.StartWith("Events\n| where _raw contains \"error\"\nstatus: partial\nwarning KQL0002 at 1:1: "));
        Assert.That(run.Stdout, Does.EndWith("\nerror\n^~~~~\n"));
        Assert.That(run.Stderr, Is.Empty);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
    }

    [Test]
    public void FailedTranslationPrintsNoQueryAndExitsOne()
    {
        var run = Exfilq("translate", "--to", "kql", Failed);
        Assert.That(run.Stdout, Is.EqualTo(ExpectedText(Failed)));
        Assert.That(run.Stdout, Does.StartWith("status: failed\nerror KQL0001 at 1:11: The KQL backend does not translate TransactionStage yet."));
        Assert.That(run.Stdout, Does.EndWith("\nindex=x | transaction host\n          ^~~~~~~~~~~~~~~~\n"));
        Assert.That(run.Stderr, Is.Empty);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Errors));
    }

    [Test]
    public void SearchThatDoesNotParseFailsWithTheParserDiagnostics()
    {
        var run = Exfilq("translate", "--to", "kql", ParseError);
        Assert.That(run.Stdout, Is.EqualTo(ExpectedText(ParseError)));
        Assert.That(run.Stdout, Does.StartWith("status: failed\nerror SPL0001 at 1:25: "));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Errors));
    }

    [TestCase("error\n")]
    [TestCase("error\r\n\n")]
    [TestCase("error")]
    public void SearchFromStandardInput(string stdin)
    {
        var withoutArgument = RunIn(stdin, TempDirectory(), "translate", "--to", "kql");
        var withDash = RunIn(stdin, TempDirectory(), "translate", "-", "--to=kql");
        Assert.That(withoutArgument.Stdout, Is.EqualTo(ExpectedText(Partial)));
        Assert.That(withDash.Stdout, Is.EqualTo(ExpectedText(Partial)));
        Assert.That(withoutArgument.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(withDash.ExitCode, Is.EqualTo(ExitCodes.Ok));
    }

    [Test]
    public void MultiLineSearchFromStandardInputPointsIntoTheRightLine()
    {
        const string search = "index=x\n| transaction host";
        var run = RunIn(search + "\n", TempDirectory(), "translate", "--to", "kql");
        Assert.That(run.Stdout, Is.EqualTo(ExpectedText(search)));
        Assert.That(run.Stdout, Does.StartWith("status: failed\nerror KQL0001 at 2:3: "));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Errors));
    }

    [Test]
    public void SearchStartingWithADashAfterDoubleDash()
    {
        var run = Exfilq("translate", "--to", "kql", "--", "-x");
        Assert.That(run.ExitCode, Is.Not.EqualTo(ExitCodes.Usage));
        Assert.That(run.Stdout, Is.EqualTo(ExpectedText("-x")));
    }

    // ------------------------------------------------------------------ options passed to the library

    [Test]
    public void TableOptionNamesTheSourceTable()
    {
        var run = Exfilq("translate", "--to", "kql", "--table", "SecurityEvent", Full);
        Assert.That(run.Stdout, Is.EqualTo(ExpectedText(Full, KqlOptions.Default with { Table = "SecurityEvent" })));
        Assert.That(run.Stdout, Does.StartWith("SecurityEvent\n| where "));

        var quoted = Exfilq("translate", "--to", "kql", "--table=My Events", Full);
        Assert.That(quoted.Stdout, Is.EqualTo(ExpectedText(Full, KqlOptions.Default with { Table = "My Events" })));
    }

    [TestCase("none")]
    [TestCase("defender")]
    [TestCase("sentinel")]
    [TestCase("asim")]
    [TestCase("bogus")]
    public void ProfileIsPassedThroughToTheLibrary(string profile)
    {
        // The CLI does not check the name: the library decides (an unknown profile is its MAP0001 error once it
        // applies profiles); the CLI's output and exit code follow whatever the library reports.
        var options = KqlOptions.Default with { Profile = profile };
        var run = Exfilq("translate", "--to", "kql", "--profile", profile, Full);
        Assert.That(run.Stdout, Is.EqualTo(ExpectedText(Full, options)));
        Assert.That(run.ExitCode, Is.EqualTo(ExpectedExitCode(KqlBackend.Translate(Full, null, options))));
        Assert.That(run.Stderr, Is.Empty);
    }

    [Test]
    public void UnknownProfileIsTheLibrarysError()
    {
        var run = Exfilq("translate", "--to", "kql", "--profile", "bogus", "index=x");
        Assert.That(run.Stdout, Does.StartWith("status: failed\nerror MAP0001 at 1:1: Unknown mapping profile 'bogus'"));
        Assert.That(run.Stdout, Does.EndWith("\nindex=x\n^\n"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Errors));
    }

    [Test]
    public void DefenderProfileMapsADataModelSearch()
    {
        const string search = "| tstats count from datamodel=Endpoint.Processes by Processes.process_name";
        var run = Exfilq("translate", "--to", "kql", "--profile", "defender", search);
        Assert.That(run.Stdout, Is.EqualTo(ExpectedText(search, KqlOptions.Default with { Profile = "defender" })));
        Assert.That(run.Stdout, Does.StartWith("DeviceProcessEvents\n"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
    }

    [Test]
    public void StrictIsPassedThroughToTheLibrary()
    {
        var options = KqlOptions.Default with { Strict = true };
        var run = Exfilq("translate", "--to", "kql", "--strict", Full);
        Assert.That(run.Stdout, Is.EqualTo(ExpectedText(Full, options)));
        Assert.That(run.ExitCode, Is.EqualTo(ExpectedExitCode(KqlBackend.Translate(Full, null, options))));
    }

    [Test]
    public void MacrosAreExpandedBeforeTranslating()
    {
        const string conf = "[corp_source]\ndefinition = index=main sourcetype=x\n";
        var macros = TempFile("macros.conf", conf);
        var parseOptions = ParseOptions.Default.WithMacros(ExfilQuery.Macros.MacroLibrary.ParseMacrosConf(conf, "macros.conf", out _));
        var run = Exfilq("translate", "--to", "kql", "--macros", macros, "`corp_source` | stats count by host");
        Assert.That(run.Stdout, Is.EqualTo(ExpectedText("`corp_source` | stats count by host", null, parseOptions)));
        Assert.That(run.Stdout, Does.StartWith("Events\n| where index =~ \"main\" and sourcetype =~ \"x\"\n"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
    }

    [Test]
    public void MappingFileTextIsPassedThroughToTheLibrary()
    {
        const string json = "{\"name\":\"none\",\"datasets\":{}}\n";
        var path = TempFile("mapping.json", "\uFEFF" + json);
        var options = KqlOptions.Default with { MappingOverridesJson = json };
        var run = Exfilq("translate", "--to", "kql", "--mapping", path, Full);
        Assert.That(run.Stdout, Is.EqualTo(ExpectedText(Full, options, mapping: ("ignored", json))));
        Assert.That(run.ExitCode, Is.EqualTo(ExpectedExitCode(KqlBackend.Translate(Full, null, options))));
    }

    [Test]
    public void ErrorsInTheMappingFileNameTheFileAndPointIntoIt()
    {
        const string json =
            "{\n" +
            "  \"datasets\": {\n" +
            "    \"Endpoint.Processes\": {\"fields\": {\"process_name\": {\"column\": \"FileName\", \"transform\": \"nope\"}}}\n" +
            "  }\n" +
            "}\n";
        const string search = "| tstats count from datamodel=Endpoint.Processes by Processes.process_name";
        var dir = TempDirectory();
        File.WriteAllText(Path.Combine(dir, "m.json"), json, new UTF8Encoding(false));

        var run = RunIn(string.Empty, dir, "translate", "--to", "kql", "--profile", "defender", "--mapping", "m.json", search);
        Assert.That(run.Stdout, Is.EqualTo(ExpectedText(search, KqlOptions.Default with { Profile = "defender", MappingOverridesJson = json }, mapping: ("m.json", json))));
        Assert.That(run.Stdout, Does.StartWith("status: failed\nerror MAP0005 at m.json:3:91: "));
        Assert.That(run.Stdout, Does.EndWith(
            "\n    \"Endpoint.Processes\": {\"fields\": {\"process_name\": {\"column\": \"FileName\", \"transform\": \"nope\"}}}\n" +
            new string(' ', 90) + "^~~~~~\n"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Errors));

        var batch = RunIn("{\"id\":1,\"search\":" + JsonString(search) + "}\n", dir,
            "translate", "--to", "kql", "--profile", "defender", "--mapping", "m.json", "--batch", "-");
        Assert.That(batch.Stdout, Does.StartWith("{\"id\":1,\"status\":\"failed\",\"query\":null,\"diagnostics\":[{\"code\":\"MAP0005\",")
            .And.EndWith(",\"line\":3,\"column\":91}]}\n"));
        Assert.That(batch.ExitCode, Is.EqualTo(ExitCodes.Errors));
    }

    [TestCase("--mapping", "mapping file '")]
    [TestCase("--macros", "macro library '")]
    [TestCase("--batch", "batch input '")]
    public void MissingFileExitsTwoWithoutUsage(string option, string message)
    {
        var run = Exfilq("translate", "--to", "kql", option, Path.Combine(TempDirectory(), "nope"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(run.Stdout, Is.Empty);
        Assert.That(run.Stderr, Does.StartWith("exfilq: " + message).And.EndWith("nope' not found.\n"));
    }

    [Test]
    public void DiagnosticsAboutTheMappingFilePointIntoTheFile()
    {
        var mapping = new MappingFile("my-mapping.json", new SourceText("{\n  \"datasets\": 5\n}\n"));
        var search = new SourceText("index=x");
        Diagnostic[] diagnostics =
        [
            new("MAP0003", DiagnosticSeverity.Error, "'datasets' must be an object.", new TextSpan(16, 1)),
            new("MAP0001", DiagnosticSeverity.Error, "Unknown mapping profile 'x'.", TextSpan.Empty),
            new("MAP0020", DiagnosticSeverity.Warning, "Field 'index' has no mapping.", new TextSpan(0, 5)),
        ];
        Assert.That(TranslateCommand.FormatDiagnostics(diagnostics, search, mapping), Is.EqualTo(
            "error MAP0003 at my-mapping.json:2:15: 'datasets' must be an object.\n" +
            "  \"datasets\": 5\n" +
            "              ^\n" +
            "error MAP0001 at 1:1: Unknown mapping profile 'x'.\n" +
            "index=x\n" +
            "^\n" +
            "warning MAP0020 at 1:1: Field 'index' has no mapping.\n" +
            "index=x\n" +
            "^~~~~\n"));
        Assert.That(TranslateCommand.JsonDiagnostics(diagnostics, search, mapping).Select(d => (d.Code, d.Line, d.Column)),
            Is.EqualTo(new[] { ("MAP0003", 2, 15), ("MAP0001", 1, 1), ("MAP0020", 1, 1) }));
        // Without a mapping file every span is in the search.
        Assert.That(TranslateCommand.FormatDiagnostics(diagnostics.Take(1), search, null), Does.StartWith("error MAP0003 at 1:8: "));
    }

    // ------------------------------------------------------------------ batch

    [Test]
    public void BatchWritesOneExactLinePerSearchAndExitsOneWhenSomeFailed()
    {
        var input =
            "{\"id\":\"full\",\"search\":" + JsonString(Full) + "}\n" +
            "{\"id\":2,\"search\":" + JsonString(Partial) + "}\n" +
            "\n" +
            "{\"id\":[\"x\"],\"name\":\"t\",\"search\":" + JsonString(Failed) + "}\n" +
            "{\"id\":\"parse\",\"search\":" + JsonString(ParseError) + "}\n" +
            "this is not json\n" +
            "{\"id\":\"no-search\"}\n";
        var run = Exfilq("translate", "--to", "kql", "--batch", TempFile("in.jsonl", input));

        var lines = Lines(run.Stdout);
        Assert.That(lines, Has.Length.EqualTo(6));
        Assert.That(lines[0], Is.EqualTo(ExpectedBatchLine("\"full\"", Full)));
        Assert.That(lines[0], Does.StartWith("{\"id\":\"full\",\"status\":\"full\",\"query\":\"Events\\n| where ").And.EndWith("\",\"diagnostics\":[]}"));
        Assert.That(lines[1], Is.EqualTo(ExpectedBatchLine("2", Partial)));
        Assert.That(lines[1], Does.StartWith(
            "{\"id\":2,\"status\":\"partial\",\"query\":\"Events\\n| where _raw contains \\\"error\\\"\",\"diagnostics\":[{\"code\":\"KQL0002\",\"severity\":\"warning\",\"message\":"));
        Assert.That(lines[1], Does.EndWith(",\"line\":1,\"column\":1}]}"));
        Assert.That(lines[2], Is.EqualTo(ExpectedBatchLine("[\"x\"]", Failed)));
        Assert.That(lines[2], Does.StartWith("{\"id\":[\"x\"],\"status\":\"failed\",\"query\":null,\"diagnostics\":[{\"code\":\"KQL0001\",\"severity\":\"error\",\"message\":"));
        Assert.That(lines[2], Does.EndWith(",\"line\":1,\"column\":11}]}"));
        Assert.That(lines[3], Is.EqualTo(ExpectedBatchLine("\"parse\"", ParseError)));
        Assert.That(lines[3], Does.StartWith("{\"id\":\"parse\",\"status\":\"failed\",\"query\":null,\"diagnostics\":[{\"code\":\"SPL0001\",\"severity\":\"error\""));
        Assert.That(lines[4], Is.EqualTo(
            "{\"id\":null,\"status\":\"failed\",\"query\":null,\"diagnostics\":[{\"code\":\"CLI0001\",\"severity\":\"error\",\"message\":" +
            "\"This line is not valid JSON; each line must be a JSON object such as {\\\"id\\\": 1, \\\"search\\\": \\\"index=main\\\"}.\",\"line\":6,\"column\":1}]}"));
        Assert.That(lines[5], Is.EqualTo(
            "{\"id\":\"no-search\",\"status\":\"failed\",\"query\":null,\"diagnostics\":[{\"code\":\"CLI0001\",\"severity\":\"error\",\"message\":" +
            "\"This line has no \\\"search\\\" member; each line must be a JSON object such as {\\\"id\\\": 1, \\\"search\\\": \\\"index=main\\\"}.\",\"line\":7,\"column\":1}]}"));

        Assert.That(run.Stderr, Does.Match(@"^translated 6 searches: 1 full, 1 partial, 4 failed \(\d+ ms, \d+ searches/s\)\n$"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Errors));
    }

    [Test]
    public void BatchOfFullAndPartialExitsZero()
    {
        var input = "{\"id\":\"a\",\"search\":" + JsonString(Full) + "}\r\n{\"id\":\"b\",\"search\":\"error\"}\r\n";
        var run = Exfilq("translate", "--batch", TempFile("good.jsonl", input), "--to", "kql");
        Assert.That(run.Stdout, Is.EqualTo(ExpectedBatchLine("\"a\"", Full) + "\n" + ExpectedBatchLine("\"b\"", Partial) + "\n"));
        Assert.That(run.Stderr, Does.Match(@"^translated 2 searches: 1 full, 1 partial, 0 failed \(\d+ ms, \d+ searches/s\)\n$"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
    }

    [Test]
    public void BatchFromStandardInputWithOptions()
    {
        var input = "{\"id\":1,\"search\":" + JsonString(Full) + "}\n";
        var run = RunIn(input, TempDirectory(), "translate", "--to", "kql", "--table", "T", "--batch", "-");
        Assert.That(run.Stdout, Is.EqualTo(ExpectedBatchLine("1", Full, KqlOptions.Default with { Table = "T" }) + "\n"));
        Assert.That(run.Stdout, Does.StartWith("{\"id\":1,\"status\":\"full\",\"query\":\"T\\n| where "));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
    }

    [Test]
    public void EmptyBatchExitsZero()
    {
        var run = RunIn("\n\n", TempDirectory(), "translate", "--to", "kql", "--batch", "-");
        Assert.That(run.Stdout, Is.Empty);
        Assert.That(run.Stderr, Does.StartWith("translated 0 searches: 0 full, 0 partial, 0 failed ("));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
    }

    [Test]
    public void EveryBatchLineIsAnObjectWithKeysInContractOrder()
    {
        var input = "{\"id\":1,\"search\":\"index=x | stats count by\"}\n[1]\n{\"search\":\"error\"}\n{\"id\":{\"a\":1},\"search\":\"index=x\"}\n";
        var run = Exfilq("translate", "--to", "kql", "--batch", TempFile("in.jsonl", input));
        var lines = Lines(run.Stdout);
        Assert.That(lines, Has.Length.EqualTo(4));
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            Assert.That(doc.RootElement.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "id", "status", "query", "diagnostics" }));
            Assert.That(doc.RootElement.GetProperty("status").GetString(), Is.AnyOf("full", "partial", "failed"));
            Assert.That(doc.RootElement.GetProperty("query").ValueKind,
                Is.EqualTo(doc.RootElement.GetProperty("status").GetString() == "failed" ? JsonValueKind.Null : JsonValueKind.String));
            foreach (var d in doc.RootElement.GetProperty("diagnostics").EnumerateArray())
            {
                Assert.That(d.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "code", "severity", "message", "line", "column" }));
            }
        }
        Assert.That(lines[3], Does.StartWith("{\"id\":{\"a\":1},\"status\":\"full\","));
    }

    // ------------------------------------------------------------------ help and usage errors

    [Test]
    public void Help()
    {
        var help = Exfilq("help", "translate");
        Assert.That(help.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(help.Stdout, Does.StartWith("Usage: exfilq translate --to kql [--profile NAME] [--table NAME] [--mapping FILE] [--macros FILE]\n"));
        Assert.That(help.Stdout, Does.Contain("--to LANG ").And.Contain("kql, esql or eql"));
        Assert.That(help.Stderr, Is.Empty);
        Assert.That(Exfilq("translate", "--help").Stdout, Is.EqualTo(help.Stdout));
        Assert.That(Exfilq("translate", "-h").ExitCode, Is.EqualTo(ExitCodes.Ok));
        var full = Exfilq("--help").Stdout;
        Assert.That(full, Does.Contain("\n  translate ").And.Contain("exfilq translate --to kql [OPTIONS] [SEARCH | -]\n").And.Contain("'exfilq help translate'"));
    }

    [TestCase(new[] { "translate", "index=x" }, "'translate': --to is required: kql, esql or eql.")]
    [TestCase(new[] { "translate", "--to", "eql", "--index=", "index=x" }, "'translate': --index needs an index pattern.")]
    [TestCase(new[] { "translate", "--to=esql", "--table", "T", "index=x" }, "'translate': --table applies to --to kql only (esql and eql take --index).")]
    [TestCase(new[] { "translate", "--to", "kql", "--index", "x-*", "index=x" }, "'translate': --index applies to --to eql and --to esql only.")]
    [TestCase(new[] { "translate", "--to", "sql", "index=x" }, "'translate': unknown target 'sql'; the targets are kql, esql and eql.")]
    [TestCase(new[] { "translate", "--to", "KQL", "index=x" }, "'translate': unknown target 'KQL'; the targets are kql, esql and eql.")]
    [TestCase(new[] { "translate", "--to" }, "'translate': option '--to' needs a value.")]
    [TestCase(new[] { "translate", "--to", "kql", "--to", "kql", "x" }, "'translate': option '--to' is given more than once.")]
    [TestCase(new[] { "translate", "--to", "kql", "--print", "x" }, "'translate': unknown option '--print'.")]
    [TestCase(new[] { "translate", "--to", "kql", "--strict=yes", "x" }, "'translate': option '--strict' takes no value.")]
    [TestCase(new[] { "translate", "--to", "kql", "--table", "", "x" }, "'translate': --table needs a table name.")]
    [TestCase(new[] { "translate", "--to", "kql", "index=x", "|", "stats" }, "'translate' takes at most 1 positional argument(s), but got 3; quote the search so that the shell passes it as one argument.")]
    [TestCase(new[] { "translate", "--to", "kql", "--batch", "in.jsonl", "index=x" }, "'translate': a search argument cannot be used with --batch.")]
    [TestCase(new[] { "help", "translate", "x" }, "help takes at most one command name.")]
    public void UsageErrorsExitTwoWithShortUsage(string[] args, string message)
    {
        var run = Exfilq(args);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(run.Stdout, Is.Empty);
        Assert.That(run.Stderr, Is.EqualTo("exfilq: " + message + "\n" + ShortUsage));
    }

    [Test]
    public void TargetIsCheckedBeforeReadingStandardInput()
    {
        var run = RunIn("index=x\n", TempDirectory(), "translate", "--to", "sql");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(run.Stderr, Does.StartWith("exfilq: 'translate': unknown target 'sql';"));
    }

    [Test]
    public void EsqlAndEqlTargets()
    {
        var esql = Exfilq("translate", "--to", "esql", "--index", "winlogbeat-*", "process_name=*rclone* | stats count by host");
        Assert.That((esql.ExitCode, esql.Stdout), Is.EqualTo((ExitCodes.Ok,
            "FROM winlogbeat-*\n| WHERE TO_LOWER(process_name) LIKE \"*rclone*\"\n| WHERE host IS NOT NULL\n| STATS count = COUNT(*) BY host\nstatus: full\n")));
        var eql = Exfilq("translate", "--to", "eql", "process_name=*rclone* | stats count by host | where count > 5");
        Assert.That(eql.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(eql.Stdout, Does.StartWith("any where process_name : \"*rclone*\"\nstatus: partial\nwarning EQL0002 at 1:25: "));
        Assert.That(eql.Stdout, Does.EndWith("threshold rule: group by host; count >= 6\n"));
    }

    [Test]
    public void ElasticEcsProfileMappingFileAndStrict()
    {
        const string search = "| tstats count from datamodel=Endpoint.Processes where Processes.process_name=rclone.exe by Processes.dest";
        var eql = Exfilq("translate", "--to", "eql", "--profile", "ecs", search);
        Assert.That(eql.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(eql.Stdout, Does.StartWith("process where event.type == \"start\" and process.name : \"rclone.exe\"\nstatus: partial\n"));
        Assert.That(eql.Stdout, Does.EndWith("index: logs-endpoint.events.process-*\nthreshold rule: group by host.name; count >= 1\n"));

        var dir = TempDirectory();
        File.WriteAllText(Path.Combine(dir, "m.json"), """{"datasets": {"Endpoint.Processes": {"table": "my-*", "fields": {"dest": {"column": "hostx"}}}}}""");
        var esql = RunIn(string.Empty, dir, "translate", "--to", "esql", "--profile", "ecs", "--mapping", "m.json", search);
        Assert.That(esql.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(esql.Stdout, Does.StartWith("FROM my-*\n"));
        Assert.That(esql.Stdout, Does.Contain("warning MAP0008 at m.json:1:")
            .And.Contain("| WHERE TO_LOWER(process.name) == \"rclone.exe\"\n| WHERE hostx IS NOT NULL\n| STATS count = COUNT(*) BY hostx\n"));

        var strict = Exfilq("translate", "--to", "esql", "--profile", "ecs", "--strict", "| tstats count from datamodel=Endpoint.Processes by Processes.process_hash");
        Assert.That(strict.ExitCode, Is.EqualTo(ExitCodes.Errors));
        Assert.That(strict.Stdout, Does.StartWith("status: failed\nerror MAP0020 at 1:"));
    }

    // ------------------------------------------------------------------ expected output, by hand

    /// <summary>The text output for one search: query, <c>status: NAME</c>, diagnostics.</summary>
    private static string ExpectedText(string search, KqlOptions? options = null, ParseOptions? parseOptions = null,
        (string Name, string Json)? mapping = null)
    {
        var translation = KqlBackend.Translate(search, parseOptions, options);
        var sb = new StringBuilder();
        if (translation.Query is not null) sb.Append(translation.Query).Append('\n');
        sb.Append("status: ").Append(translation.StatusName).Append('\n');
        var source = new SourceText(search);
        var mappingSource = mapping is { } m ? new SourceText(m.Json) : null;
        foreach (var d in translation.Diagnostics)
        {
            var aboutFile = mappingSource is not null && d.Code.StartsWith("MAP", StringComparison.Ordinal)
                && int.Parse(d.Code[3..], CultureInfo.InvariantCulture) is >= 2 and < 20;
            sb.Append(aboutFile
                ? TranslateCommand.FormatDiagnostics([d], source, new MappingFile(mapping!.Value.Name, mappingSource!))
                : DiagnosticFormatter.Format(d, source));
        }
        return sb.ToString();
    }

    private static int ExpectedExitCode(KqlTranslation translation) =>
        translation.Status == TranslationStatus.Failed || translation.Diagnostics.Any(d => d.IsError) ? ExitCodes.Errors : ExitCodes.Ok;

    /// <summary>The batch line for one search, written by hand from the library's translation.</summary>
    private static string ExpectedBatchLine(string idJson, string search, KqlOptions? options = null)
    {
        var translation = KqlBackend.Translate(search, null, options);
        var source = new SourceText(search);
        var sb = new StringBuilder();
        sb.Append("{\"id\":").Append(idJson)
            .Append(",\"status\":").Append(JsonString(translation.StatusName))
            .Append(",\"query\":").Append(translation.Query is null ? "null" : JsonString(translation.Query))
            .Append(",\"diagnostics\":[");
        var first = true;
        foreach (var d in translation.Diagnostics)
        {
            if (!first) sb.Append(',');
            first = false;
            var p = source.GetLinePosition(d.Span.Start);
            sb.Append("{\"code\":").Append(JsonString(d.Code))
                .Append(",\"severity\":").Append(JsonString(d.SeverityName))
                .Append(",\"message\":").Append(JsonString(d.Message))
                .Append(",\"line\":").Append(p.Line.ToString(CultureInfo.InvariantCulture))
                .Append(",\"column\":").Append(p.Column.ToString(CultureInfo.InvariantCulture))
                .Append('}');
        }
        return sb.Append("]}").ToString();
    }
}
