using System.Text.RegularExpressions;
using ExfilQuery.Evaluation;
using NUnit.Framework;

namespace ExfilQuery.Tests.Evaluation;

/// <summary>Event readers over real attack_data lines (fixtures/events, Apache-2.0) and small hand-made inputs.</summary>
public class EventReaderTests
{
    private static string Fixture(string name) => TestData.Repo("fixtures", "events", name);

    [Test]
    public void SysmonXmlLinesGiveSystemAndEventDataFields()
    {
        var read = EventReaders.ReadFile(Fixture("attack_data_T1202_sysmon_sample.xml.log"));
        Assert.That(read.Malformed, Is.Empty);
        Assert.That(read.Events, Has.Length.EqualTo(2));
        var e = read.Events[0];
        Assert.Multiple(() =>
        {
            Assert.That(e["EventCode"].AsString(), Is.EqualTo("1"));
            Assert.That(e["EventID"].AsString(), Is.EqualTo("1"));
            Assert.That(e["Computer"].AsString(), Is.EqualTo("win-dc-emcginnis-47905-664.attackrange.local"));
            Assert.That(e.Host, Is.EqualTo("win-dc-emcginnis-47905-664.attackrange.local"));
            Assert.That(e["Channel"].AsString(), Is.EqualTo("Microsoft-Windows-Sysmon/Operational"));
            Assert.That(e.Source, Is.EqualTo("XmlWinEventLog:Microsoft-Windows-Sysmon/Operational"));
            Assert.That(e.SourceType, Is.EqualTo("XmlWinEventLog"));
            Assert.That(e.TimeUtc, Is.EqualTo(new DateTimeOffset(2022, 3, 25, 17, 46, 37, 652, TimeSpan.Zero).AddTicks(8979)).Within(TimeSpan.FromMilliseconds(0.01)));
            Assert.That(e["Image"].AsString(), Is.EqualTo(@"C:\Windows\System32\calc.exe"));
            Assert.That(e["ParentCommandLine"].AsString(), Is.EqualTo(@"pcalua.exe  -a C:\Windows\System32\calc.exe"));
            Assert.That(e["CommandLine"].AsString(), Is.EqualTo("\"C:\\Windows\\System32\\calc.exe\" "));
            Assert.That(e["UserID"].AsString(), Is.EqualTo("S-1-5-18"));
            Assert.That(e["ProcessID"].AsString(), Is.EqualTo("2740"));
            Assert.That(e.Raw, Does.StartWith("<Event xmlns="));
            Assert.That(read.Events[1]["EventCode"].AsString(), Is.EqualTo("10"));
            Assert.That(read.Events[1]["GrantedAccess"].AsString(), Is.EqualTo("0x1fffff"));
        });
    }

    [Test]
    public void SecurityXmlLine()
    {
        var read = EventReaders.ReadFile(Fixture("attack_data_T1134.005_security_sample.xml.log"));
        Assert.That(read.Malformed, Is.Empty);
        var e = read.Events.Single();
        Assert.Multiple(() =>
        {
            Assert.That(e["EventCode"].AsString(), Is.EqualTo("4742"));
            Assert.That(e.Source, Is.EqualTo("XmlWinEventLog:Security"));
            Assert.That(e["SubjectUserName"].AsString(), Is.EqualTo("Administrator"));
            Assert.That(e["TargetUserName"].AsString(), Is.EqualTo("WIN-HOST-ROOT-0$"));
            Assert.That(e["SidHistory"].AsString(), Does.Contain("\n").And.Contain(@"ATTACKRANGE\Administrator"), "a value holding a line break continues the event on the next line");
            Assert.That(e["ServicePrincipalNames"].AsString(), Is.EqualTo("-"));
        });
    }

    [Test]
    public void JsonLinesFlattenObjectsAndArraysLikeSpath()
    {
        var read = EventReaders.ReadFile(Fixture("attack_data_T1621_pingid_sample.jsonl"));
        Assert.That(read.Malformed, Is.Empty);
        Assert.That(read.Events, Has.Length.EqualTo(2));
        var e = read.Events[0];
        Assert.Multiple(() =>
        {
            Assert.That(e["source"].AsString(), Is.EqualTo("PINGID"), "a 'source' member of the JSON wins over the file name");
            Assert.That(e["actors{}.name"].AsString(), Is.EqualTo("victim_user"));
            Assert.That(e["resources{}.ipaddress"].AsString(), Is.EqualTo("74.208.236.210"));
            Assert.That(e["result.status"].AsString(), Is.EqualTo("SUCCESS"));
            // Not a time member the reader knows, but Splunk's automatic timestamp recognition takes the first
            // date-time within MAX_TIMESTAMP_LOOKAHEAD (128 characters): "recorded":"2023-05-10T16:07:27.763Z".
            Assert.That(e.Time, Is.EqualTo(DateTimeOffset.Parse("2023-05-10T16:07:27.763Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds() / 1000.0).Within(1e-6));
        });
    }

    [Test]
    public void UnpairedSurrogateEscapesAreMalformedLinesNotExceptions()
    {
        // System.Text.Json parses "\ud800" but refuses to decode it into a .NET string; the line is reported.
        var json = EventReaders.ReadJsonLines(new StringReader("{\"a\":\"\\ud800\"}\n{\"\\udc00\":1}\n{\"ok\":\"\\ud83d\\ude00\"}"), "s.jsonl");
        Assert.That(json.Events.Select(e => e["ok"].AsString()), Is.EqualTo(new[] { "\U0001F600" }));
        Assert.That(json.Malformed.Select(m => m.Line), Is.EqualTo(new[] { 1, 2 }));
        Assert.That(json.Malformed.Select(m => m.Reason), Has.All.Contains("unpaired UTF-16 surrogate"));
    }

    [Test]
    public void MalformedLinesAreCountedWithFileAndLine()
    {
        var json = EventReaders.ReadJsonLines(new StringReader("{\"a\":1}\n{broken\n[1,2]\n{\"b\":2}"), "x.jsonl");
        Assert.That(json.Events, Has.Length.EqualTo(2));
        Assert.That(json.Malformed.Select(m => (m.File, m.Line)), Is.EqualTo(new[] { ("x.jsonl", 2), ("x.jsonl", 3) }));
        Assert.That(json.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "EVL0007", "EVL0007" }));

        var xml = EventReaders.ReadXmlWinEventLog(new StringReader("<Event><System><EventID>1</EventID></System></Event>\n<!DOCTYPE x [<!ENTITY e \"boom\">]><Event>&e;</Event>\n<Event><System>\n<Other/>"), "w.log");
        Assert.That(xml.Events, Has.Length.EqualTo(1));
        Assert.That(xml.Malformed.Select(m => m.Line), Is.EqualTo(new[] { 2, 3 }), "an event left open is reported at its first line");
        Assert.That(xml.Malformed[0].Reason, Does.Contain("DTD").IgnoreCase, "DTDs are refused (DtdProcessing.Prohibit)");

        var csv = EventReaders.ReadCsv(new StringReader("a,b\n1,2\n\"x,y\",3\n1,2,3\n\"open,4"), "c.csv");
        Assert.That(csv.Events.Select(e => e["a"].AsString()), Is.EqualTo(new[] { "1", "x,y" }));
        Assert.That(csv.Malformed.Select(m => m.Line), Is.EqualTo(new[] { 4, 5 }));
    }

    [Test]
    public void CsvAndTextReaders()
    {
        var csv = EventReaders.ReadCsv(new StringReader("_time,host,msg\n2024-05-01T10:00:00Z,h1,\"said \"\"hi\"\"\"\n60,h2,"), "c.csv");
        Assert.That(csv.Events[0].Time, Is.EqualTo(1714557600));
        Assert.That(csv.Events[0]["msg"].AsString(), Is.EqualTo("said \"hi\""));
        Assert.That(csv.Events[1].Has("msg"), Is.False, "an empty cell is a missing field");
        var text = EventReaders.ReadText(new StringReader("one line\n\nanother"), "t.log");
        Assert.That(text.Events.Select(e => e.Raw), Is.EqualTo(new[] { "one line", "another" }));
    }

    [Test]
    public void EveryEvaluationCodeIsDocumented()
    {
        var doc = File.ReadAllText(TestData.Repo("docs", "DIAGNOSTICS.md"));
        var headings = Regex.Matches(doc, @"^## ([A-Z]{3}\d{4})\s*$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        // The streaming runs of CompiledDetection have their own catalogue (EVL0040-EVL0049); EVL0030-EVL0039 belong
        // to the fixture harness (ExfilQuery.Testing.FixtureDiagnostics).
        var codes = EvaluationDiagnostics.All.Concat(StreamingDiagnostics.All).Concat(ExfilQuery.Testing.FixtureDiagnostics.All).Select(d => d.Code).ToList();
        Assert.That(codes, Is.Unique);
        Assert.That(codes, Has.All.Matches(@"^EVL\d{4}$"));
        Assert.That(ExfilQuery.Testing.FixtureDiagnostics.All.Select(d => d.Code), Has.All.Matches(@"^EVL003\d$"));
        Assert.That(codes.Where(c => !headings.Contains(c)), Is.Empty, "codes without a '## EVLxxxx' section in docs/DIAGNOSTICS.md");
        Assert.That(headings.Where(h => h.StartsWith("EVL", StringComparison.Ordinal) && !codes.Contains(h)), Is.Empty);
    }
}
