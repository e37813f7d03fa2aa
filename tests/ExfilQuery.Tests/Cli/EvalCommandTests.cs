using System.Text.Json;
using ExfilQuery.Cli;
using NUnit.Framework;
using static ExfilQuery.Tests.Cli.CliTestSupport;

namespace ExfilQuery.Tests.Cli;

/// <summary><c>exfilq eval</c>: one search over event files as a table, JSON Lines or CSV, the batch contract (same
/// conventions as <c>translate --batch</c>), exit codes and usage errors. The events are the Sysmon XML fixtures in
/// fixtures/events (80 process creations of nslookup.exe on three hosts and 25 network connections).</summary>
[TestFixture]
public sealed class EvalCommandTests
{
    private static string Events => TestData.Repo("fixtures", "events", "sysmon_nslookup_excessive.xml.log");

    private const string ByHost = "EventCode=1 | stats count by host";

    [Test]
    public void TablePrintsRowsInStableColumnsAndExitsZero()
    {
        var run = Exfilq("eval", "--events", Events, ByHost);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Stderr);
        var lines = Lines(run.Stdout);
        Assert.That(lines[0], Does.Match(@"^host +count$"));
        Assert.That(lines[1], Does.Match(@"^-+  -+$"));
        Assert.That(lines[^1], Is.EqualTo("(3 rows)"));
        Assert.That(lines.Skip(2).Take(3).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]).Sum(int.Parse), Is.EqualTo(80));
        Assert.That(run.Stderr, Is.Empty);
    }

    [Test]
    public void JsonAndCsvCarryTheSameRows()
    {
        var json = Exfilq("eval", "--events", Events, "--format", "json", ByHost);
        var csv = Exfilq("eval", "--events", Events, "--format", "csv", ByHost);
        Assert.That(json.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(csv.ExitCode, Is.EqualTo(ExitCodes.Ok));
        var rows = Lines(json.Stdout).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.That(rows, Has.Count.EqualTo(3));
        Assert.That(rows.Select(r => string.Join(",", r.EnumerateObject().Select(p => p.Name))), Has.All.EqualTo("host,count"));
        Assert.That(rows.Select(r => r.GetProperty("count").ValueKind), Has.All.EqualTo(JsonValueKind.String), "values are strings, as Splunk's REST API writes them");
        var csvLines = Lines(csv.Stdout);
        Assert.That(csvLines[0], Is.EqualTo("host,count"));
        Assert.That(csvLines.Skip(1), Is.EqualTo(rows.Select(r => r.GetProperty("host").GetString() + "," + r.GetProperty("count").GetString())));
    }

    [Test]
    public void MultivalueCellsAndCsvQuoting()
    {
        var events = TempFile("e.jsonl", "{\"h\":\"a,b\",\"m\":[\"x\",\"y\"]}\n");
        // A JSON array is the multivalue field m{} (spath's naming).
        var table = Exfilq("eval", "--events", events, "| table h m{}");
        Assert.That(table.Stdout, Is.EqualTo("h    m{}\n---  ---\na,b  x\n     y\n(1 row)\n"));
        var csv = Exfilq("eval", "--events", events, "--format", "csv", "| table h m{}");
        Assert.That(csv.Stdout, Is.EqualTo("h,m{}\n\"a,b\",\"x\ny\"\n"));
        var json = Exfilq("eval", "--events", events, "--format", "json", "| table h m{}");
        Assert.That(json.Stdout, Is.EqualTo("{\"h\":\"a,b\",\"m{}\":[\"x\",\"y\"]}\n"));
    }

    [Test]
    public void ErrorDiagnosticsFollowTheTableAndExitOne()
    {
        var run = Exfilq("eval", "--events", Events, "EventCode=1 | stats count by");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Errors));
        Assert.That(run.Stdout, Does.StartWith("(0 rows)\nerror SPL0001 at 1:29: "));
        var json = Exfilq("eval", "--events", Events, "--format", "json", "EventCode=1 | stats count by");
        Assert.That(json.Stdout, Is.Empty, "json output stays machine-readable: diagnostics go to standard error");
        Assert.That(json.Stderr, Does.StartWith("error SPL0001 at 1:29: "));
        Assert.That(json.ExitCode, Is.EqualTo(ExitCodes.Errors));
    }

    [Test]
    public void NowIsTheFixedReferenceOfRelativeTimes()
    {
        // The events are from 2024-05-01 10:00-10:25 UTC; earliest=-1h@h is relative to --now.
        var late = Exfilq("eval", "--events", Events, "--now", "2024-05-01T10:30:00Z", "--format", "csv", "EventCode=1 earliest=-1h@h | stats count");
        Assert.That(late.Stdout, Is.EqualTo("count\n80\n"), late.Stderr);
        var epoch = Exfilq("eval", "--events", Events, "--now", "1714600000", "--format", "csv", "EventCode=1 earliest=-1h | stats count");
        Assert.That(epoch.Stdout, Is.EqualTo("count\n0\n"), epoch.Stderr);
    }

    [Test]
    public void BatchWritesOneLinePerSearchWithKeysInContractOrder()
    {
        var input = TempFile("in.jsonl",
            "{\"id\":1,\"search\":\"" + ByHost + "\"}\n" +
            "{\"id\":\"all\",\"search\":\"| table host EventCode\"}\n" +
            "{\"id\":3,\"search\":\"| stats count by\"}\n" +
            "not json\n");
        var run = Exfilq("eval", "--events", Events, "--batch", input);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Errors));
        var lines = Lines(run.Stdout).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.That(lines, Has.Count.EqualTo(4));
        Assert.That(lines.Select(l => string.Join(",", l.EnumerateObject().Select(p => p.Name))), Has.All.EqualTo("id,status,rows,results,diagnostics"));
        Assert.Multiple(() =>
        {
            Assert.That(lines[0].GetProperty("id").GetInt32(), Is.EqualTo(1));
            Assert.That(lines[0].GetProperty("status").GetString(), Is.EqualTo("ok"));
            Assert.That(lines[0].GetProperty("rows").GetInt32(), Is.EqualTo(3));
            Assert.That(lines[0].GetProperty("results").GetArrayLength(), Is.EqualTo(3));
            // 105 rows: all counted, the first 100 written
            Assert.That(lines[1].GetProperty("rows").GetInt32(), Is.EqualTo(105));
            Assert.That(lines[1].GetProperty("results").GetArrayLength(), Is.EqualTo(100));
            Assert.That(lines[2].GetProperty("status").GetString(), Is.EqualTo("failed"));
            var d = lines[2].GetProperty("diagnostics")[0];
            Assert.That(string.Join(",", d.EnumerateObject().Select(p => p.Name)), Is.EqualTo("code,severity,message,line,column"));
            Assert.That(d.GetProperty("code").GetString(), Is.EqualTo("SPL0001"));
            Assert.That(d.GetProperty("column").GetInt32(), Is.EqualTo(17));
            Assert.That(lines[3].GetProperty("id").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(lines[3].GetProperty("diagnostics")[0].GetProperty("code").GetString(), Is.EqualTo(CliDiagnostics.InputLineUnreadable));
            Assert.That(lines[3].GetProperty("diagnostics")[0].GetProperty("line").GetInt32(), Is.EqualTo(4));
        });
        Assert.That(run.Stderr, Does.Match(@"^evaluated 4 searches over 105 events: 2 ok, 2 failed \(\d+ ms, \d+ searches/s\)\n$"));
    }

    [Test]
    public void BatchOfGoodSearchesExitsZeroAndReadsStandardInput()
    {
        var run = RunIn("{\"id\":1,\"search\":\"" + ByHost + "\"}\n", TempDirectory(), "eval", "--events", Events, "--batch", "-");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(Lines(run.Stdout), Has.Length.EqualTo(1));
    }

    [Test]
    public void MalformedEventLinesAreReportedAndTheRestEvaluated()
    {
        var events = TempFile("e.jsonl", "{\"a\":1}\n{broken\n{\"a\":2}\n");
        var run = Exfilq("eval", "--events", events, "--format", "csv", "| stats count");
        Assert.That(run.Stdout, Is.EqualTo("count\n2\n"));
        Assert.That(run.Stderr, Does.StartWith("exfilq: warning EVL0007: e.jsonl:2: invalid JSON"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
    }

    [Test]
    public void LookupsFolderIsRead()
    {
        var lookups = TempDirectory();
        File.WriteAllText(Path.Combine(lookups, "hosts.csv"), "host,owner\nwin-exfil.example.local,finance\n");
        var run = Exfilq("eval", "--events", Events, "--lookups", lookups, "--format", "csv",
            "EventCode=1 | stats count by host | lookup hosts host OUTPUT owner | where isnotnull(owner)");
        Assert.That(run.Stdout, Is.EqualTo("host,count,owner\nwin-exfil.example.local,50,finance\n"), run.Stderr);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
    }

    [Test]
    public void AddOnFieldsGiveRawEventsTheirCimNames()
    {
        // process_name is not in Sysmon's XML: the Sysmon add-on derives it from Image at search time.
        const string search = "EventCode=1 process_name=nslookup.exe | stats count";
        Assert.That(Exfilq("eval", "--events", Events, "--format", "csv", search).Stdout, Is.EqualTo("count\n0\n"));
        // 80 process creations: 55 of nslookup.exe, 25 of PING.EXE.
        Assert.That(Exfilq("eval", "--events", Events, "--add-on-fields", "--format", "csv", search).Stdout, Is.EqualTo("count\n55\n"));
    }

    [Test]
    public void YearGivesSyslogLinesTheirTime()
    {
        // RFC 3164 section 4.1.2 timestamps have no year ("Mmm dd hh:mm:ss", the day padded with a space); Splunk
        // takes the year from the time it indexes the line (props.conf TIME_FORMAT %b %d %H:%M:%S), so --year says it.
        var events = TempFile("secure", "May 27 09:28:31 srv sshd[41]: Failed password for root from 203.0.113.7\n"
            + "Jun  1 00:00:00 srv sshd[42]: Accepted password for alice from 198.51.100.2\n"
            + "not a syslog line\n");
        const string search = "| table _time";
        var with = Exfilq("eval", "--events", events, "--year", "2024", "--format", "csv", search);
        Assert.That(with.ExitCode, Is.EqualTo(ExitCodes.Ok), with.Stderr);
        // Newest first, as a Splunk search returns events; the line without a timestamp comes last.
        Assert.That(with.Stdout, Is.EqualTo("_time\n2024-06-01T00:00:00.000Z\n2024-05-27T09:28:31.000Z\n\n"));
        // Without --year nothing is made up: the lines have no _time, as before.
        const string timed = "| stats count(_time) as timed count";
        Assert.That(Exfilq("eval", "--events", events, "--format", "csv", timed).Stdout, Is.EqualTo("timed,count\n0,3\n"));
        Assert.That(Exfilq("eval", "--events", events, "--year", "2024", "--format", "csv", timed).Stdout, Is.EqualTo("timed,count\n2,3\n"));
        // earliest/latest then work on such files: one line on or after 2024-06-01T00:00:00Z (epoch 1717200000).
        var window = Exfilq("eval", "--events", events, "--year", "2024", "--format", "csv", "earliest=1717200000 | stats count");
        Assert.That(window.Stdout, Is.EqualTo("count\n1\n"), window.Stderr);
        // 29 Feb exists in 2024 only: in 2023 the line keeps no _time rather than a wrong date.
        var leap = TempFile("leap", "Feb 29 12:00:00 srv cron[1]: tick\n");
        Assert.That(Exfilq("eval", "--events", leap, "--year", "2023", "--format", "csv", timed).Stdout, Is.EqualTo("timed,count\n0,1\n"));
        Assert.That(Exfilq("eval", "--events", leap, "--year", "2024", "--format", "csv", search).Stdout, Is.EqualTo("_time\n2024-02-29T12:00:00.000Z\n"));
    }

    [TestCase(new[] { "eval", "x" }, "'eval': --events FILE is required.")]
    [TestCase(new[] { "eval", "--events", "e", "--format", "xml", "x" }, "'eval': unknown format 'xml'; the formats are table, json and csv.")]
    [TestCase(new[] { "eval", "--events", "e", "--batch", "b", "x" }, "'eval': a search argument cannot be used with --batch.")]
    [TestCase(new[] { "eval", "--events", "e", "--batch", "b", "--format", "csv" }, "'eval': --format cannot be used with --batch (batch output is JSON Lines).")]
    [TestCase(new[] { "eval", "--events", "e", "--now", "soon", "x" }, "'eval': --now 'soon' is neither an ISO-8601 time nor epoch seconds.")]
    [TestCase(new[] { "eval", "--events", "e", "--year", "0", "x" }, "'eval': --year '0' is not a year from 1 to 9999.")]
    [TestCase(new[] { "eval", "--events", "e", "--year", "-2024", "x" }, "'eval': --year '-2024' is not a year from 1 to 9999.")]
    [TestCase(new[] { "eval", "--events", "e", "--year", "2024.5", "x" }, "'eval': --year '2024.5' is not a year from 1 to 9999.")]
    public void UsageErrorsExitTwo(string[] args, string message)
    {
        var run = Exfilq(args);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(run.Stderr, Does.StartWith("exfilq: " + message + "\nUsage: "));
    }

    [Test]
    public void MissingFilesExitTwo()
    {
        var dir = TempDirectory();
        var noEvents = RunIn("", dir, "eval", "--events", "missing.jsonl", "x");
        Assert.That(noEvents.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(noEvents.Stderr, Is.EqualTo("exfilq: events '" + Path.Combine(dir, "missing.jsonl") + "' not found.\n"));
        var noBatch = Exfilq("eval", "--events", Events, "--batch", Path.Combine(dir, "none.jsonl"));
        Assert.That(noBatch.ExitCode, Is.EqualTo(ExitCodes.Usage));
        var noLookups = Exfilq("eval", "--events", Events, "--lookups", Path.Combine(dir, "none"), "x");
        Assert.That(noLookups.ExitCode, Is.EqualTo(ExitCodes.Usage));
    }

    [Test]
    public void HelpDescribesTheCommand()
    {
        var run = Exfilq("help", "eval");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(run.Stdout, Is.EqualTo(Usage.Eval));
        Assert.That(Exfilq("eval", "--help").Stdout, Is.EqualTo(Usage.Eval));
    }
}
