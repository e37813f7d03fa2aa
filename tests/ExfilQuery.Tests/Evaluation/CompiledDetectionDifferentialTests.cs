using System.Text;
using System.Text.Json;
using ExfilQuery.Diagnostics;
using ExfilQuery.Evaluation;
using NUnit.Framework;

namespace ExfilQuery.Tests.Evaluation;

/// <summary>CompiledDetection must give what DetectionEvaluator.Evaluate gives, pipeline by pipeline: the streamed
/// runs (IEnumerable, IAsyncEnumerable, JSON Lines with field projection and the raw prefilter) are compared with
/// the materialising evaluator over the real event logs of ../shared/corpus/attack_data, the fixture events and a
/// synthetic set built to hit the order traps (ties on _time, events without _time, multivalue group keys,
/// numerically equal keys, the group limit).</summary>
public class CompiledDetectionDifferentialTests
{
    /// <summary>Stats functions and the order they depend on: https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/stats
    /// ("first: returns the first seen value ... the most recent instance"; earliest/latest by _time). Splunk returns
    /// events newest first: https://help.splunk.com/splunk-enterprise/search/search-manual/9.2/search-primer/about-the-search-results-order</summary>
    private const string StatsReference = "Splunk stats reference and search results order";

    /// <summary>Synthetic events: equal _time values, missing _time, multivalue keys, "1" vs "1.0", JSON escapes.</summary>
    internal static readonly string[] Synthetic =
    [
        """{"_time":100,"id":"1","host":"a","port":"1","bytes":"10","user":"alice","tags":["x","y"],"cmd":"powershell -enc AAA"}""",
        """{"_time":100,"id":"2","host":"b","port":"1.0","bytes":"20.5","user":"bob","tags":["y"],"cmd":"cmd.exe /c whoami"}""",
        """{"_time":300,"id":"3","host":"a","port":"01","bytes":"30","user":"Alice","cmd":"PowerShell -EncodedCommand BBB"}""",
        """{"id":"4","host":"c","port":"2","bytes":"x","user":"carol","tags":["x"],"cmd":"\u0070owershell -enc CCC"}""",
        """{"_time":200,"id":"5","host":"b","bytes":"7","user":"dave","cmd":"notepad.exe C:\\temp\\a.txt"}""",
        """{"_time":200,"id":"6","host":"a","port":"2","bytes":"-3","tags":["x","x","z"],"cmd":"powershell.exe -ENC DDD"}""",
        """{"_time":"1970-01-01T00:05:00Z","id":"7","host":"c","port":"3","bytes":"1e3","user":"erin","cmd":"rundll32.exe"}""",
        """{"_time":50,"id":"8","port":"3","bytes":"5","user":"frank","cmd":"p\u00f6wershell -enc"}""",
        """{"_time":100,"id":"9","host":"b","port":"1","bytes":"0.1","user":"bob","cmd":"cmd /c echo \"-enc\""}""",
        """{"_time":400,"id":"10","host":"d","port":"1","bytes":"0.2","user":"alice","cmd":"whoami","dup":"p","dup":"q"}""",
    ];

    /// <summary>Pipelines over the synthetic events: streamed aggregations, collected rows and fallbacks.</summary>
    internal static readonly string[] Pipelines =
    [
        "*",
        "host=a",
        "cmd=*-enc*",
        "cmd=*-enc* OR user=bob",
        "NOT cmd=*-enc*",
        "powershell",
        "| stats count",
        "host=zzz | stats count",
        "host=zzz | stats count by host",
        "| stats count sum(bytes) avg(bytes) min(bytes) max(bytes) range(bytes) by host",
        "| stats count by host, port",
        "| stats count by port",
        "| stats dc(user) values(user) count(user) by host",
        "| stats earliest(id) latest(id) earliest_time(id) latest_time(id) by host",
        "| stats first(id) last(id) by host",
        "| stats first(tags{}) last(tags{}) values(tags{}) by host",
        "| stats count by tags{}",
        "| stats stdev(bytes) var(bytes) stdevp(bytes) varp(bytes) avg(bytes) by host",
        "| stats list(id) by host",
        "| stats mode(user) median(bytes) perc90(bytes) by host",
        "| eval k=if(bytes>9, \"big\", \"small\") | stats count by k",
        "| eval risk=case(bytes>20, \"high\", bytes>5, \"medium\", true(), \"low\") | where risk!=\"low\" | stats count by host, risk",
        "| eval _time=0 | stats earliest(id) latest(id) by host",
        "| bin _time span=100s | stats first(id) earliest(id) count by _time",
        "| stats count by _time span=1m",
        "| rename host as h | stats count by h",
        "| rex field=cmd \"(?<exe>\\w+)\\.exe\" | stats count by exe",
        "| regex cmd=\"(?i)enc\" | stats count",
        "| fields host bytes | stats sum(bytes) by host",
        "| eventstats count by host | table id host count",
        "| streamstats count by host | table id count",
        "| head 3",
        "| tail 2",
        "| dedup host",
        "| sort - bytes | table id bytes",
        "host=a | eval x=len(cmd) | table id x",
        "| stats count by host | where count > 1",
        "| stats count by host | sort - count",
        "| where isnull(host) | table id",
        "| eval q=len(cmd) | stats avg(q) stdev(q) count by host",
        "| stats count by dup",
        "earliest=-1d",
        "| fillnull value=NA host | stats count by host",
        // The JSON Lines reader reuses one event: fields a stage adds, renames or removes must not leak to the next line.
        "| eval host=if(isnull(host), \"none\", host) | stats count by host",
        "| eval _raw=\"zz\" | search zz | stats count",
        "| rename host as h | eval port=h | stats count by port",
        "| fields - host | stats count by host",
        "| eval source=\"s\" | stats count by source, sourcetype",
        // spath, fromjson, replace and addtotals run row by row in the streamed prefix.
        "| spath | stats count by user, tags{}",
        "| spath path=tags{} output=t | stats count by t",
        "| spath input=_raw path=user output=host | stats count by host",
        "| fromjson _raw prefix=j_ | stats count by j_host, j_tags",
        "| replace a with A, \"*ob\" with \"*OB\" in host, user | stats count by host, user",
        "| replace \"*1*\" with \"*one*\" | table id port bytes",
        "| addtotals fieldname=t port bytes | stats sum(t) by host",
        "| addtotals | table id Total",
    ];

    private static List<Event> SyntheticEvents() => EvalTestSupport.Json(Synthetic);

    private static IEnumerable<TestCaseData> SyntheticCases()
    {
        foreach (var p in Pipelines) yield return new TestCaseData(p).SetName("synthetic: " + p).SetDescription(StatsReference);
    }

    [TestCaseSource(nameof(SyntheticCases))]
    public async Task SyntheticEventsGiveTheSameRowsInEveryMode(string search)
    {
        var events = SyntheticEvents();
        var variants = new[]
        {
            EvaluationOptions.Default,
            EvaluationOptions.Default with { SortNewestFirst = false },
            EvaluationOptions.Default with { MaxGroups = 2 },
        };
        foreach (var options in variants)
        {
            var compiled = CompiledDetection.Compile(search, new CompileOptions { Evaluation = options });
            var expected = DetectionEvaluator.Evaluate(compiled.Detection, events, options);
            AssertSame(compiled.Run(events), expected, search + " / Run / " + options);
            AssertSame(await compiled.RunAsync(CompiledDetection.AsAsync(events)), expected, search + " / RunAsync / " + options);
            var bytes = Encoding.UTF8.GetBytes(string.Join("\n", Synthetic) + "\n");
            var reference = EventReaders.ReadJsonLines(new StringReader(Encoding.UTF8.GetString(bytes)), "s.jsonl");
            var fromLines = DetectionEvaluator.Evaluate(compiled.Detection, reference.Events, options);
            AssertSame(compiled.RunJsonLines(new MemoryStream(bytes), "s.jsonl"), fromLines, search + " / RunJsonLines / " + options, ignoreSkips: true);
            AssertSame(await compiled.RunJsonLinesAsync(new MemoryStream(bytes), "s.jsonl"), fromLines, search + " / RunJsonLinesAsync / " + options, ignoreSkips: true);
        }
    }

    [Test]
    public void ThePlanStreamsOrderFreeAggregationsAndFallsBackOtherwise()
    {
        string Plan(string s) => CompiledDetection.Compile(s).Plan;
        Assert.Multiple(() =>
        {
            Assert.That(Plan("cmd=*-enc* | stats count by host"), Does.Contain("aggregate: stats streamed"));
            Assert.That(Plan("| eval q=len(cmd) | stats avg(q) stdev(q) count by host"), Does.Contain("aggregate: stats streamed"));
            Assert.That(Plan("| stats first(id) by host"), Does.Contain("aggregate: stats streamed"));
            Assert.That(Plan("| stats list(id) by host"), Does.Contain("collect").And.Contain("list() needs every value or their order"));
            Assert.That(Plan("| stats median(x) by host"), Does.Contain("collect"));
            Assert.That(Plan("| eval _time=0 | stats earliest(id) by host"), Does.Contain("earliest() after a stage that writes _time"));
            Assert.That(Plan("| eventstats count by host"), Does.Contain("collect"));
            Assert.That(Plan("| tstats count from datamodel=Endpoint.Processes by Processes.dest"), Does.StartWith("materialise"));
            Assert.That(Plan("cmd=*-enc* | stats count by host"), Does.Contain("fields: @timestamp, _time, cmd, host, time, timestamp"));
            Assert.That(Plan("| rename * as x_* | stats count"), Does.Contain("fields: all"));
            Assert.That(Plan("| replace a with b in host | addtotals fieldname=t bytes | stats count by host, t"), Does.Contain("stream: 2 row-wise stage(s)").And.Contain("fields: @timestamp, _time, bytes, host, t, time, timestamp"));
            Assert.That(Plan("| spath | stats count by user"), Does.Contain("stream: 1 row-wise stage(s)").And.Contain("fields: all"));
        });
    }

    [Test]
    public void CorpusDetectionsGiveTheSameRowsOverTheAttackDataLogs()
    {
        var manifest = TestData.Shared("corpus", "attack_data", "MANIFEST.json");
        var root = Path.GetDirectoryName(manifest)!;
        var events = new List<Event>();
        using (var doc = JsonDocument.Parse(File.ReadAllText(manifest)))
            foreach (var entry in doc.RootElement.EnumerateArray())
                events.AddRange(EventReaders.ReadFile(Path.Combine(root, entry.GetProperty("path").GetString()!)).Events);
        foreach (var file in Directory.GetFiles(TestData.Repo("fixtures", "events"), "*.log").Order(StringComparer.Ordinal))
            events.AddRange(EventReaders.ReadFile(file).Events);
        Assert.That(events, Has.Count.GreaterThan(900));

        var options = new CompileOptions { Macros = TestData.SplunkMacros };
        var searches = TestData.ReadJsonLines(TestData.Shared("corpus", "splunk", "detections.public.jsonl")).Concat(TestData.SeedSearches()).ToList();
        var streamed = 0;
        var rows = 0;
        var failures = new List<string>();
        foreach (var c in searches)
        {
            var compiled = CompiledDetection.Compile(c.Search, options);
            if (compiled.Streams) streamed++;
            var expected = DetectionEvaluator.Evaluate(compiled.Detection, events);
            var actual = compiled.Run(events);
            rows += expected.Rows.Length;
            if (Difference(actual, expected) is { } d) failures.Add(c.Id + ": " + d);
        }
        Assert.That(failures, Is.Empty);
        // The comparison means something only if many searches stream and some return rows.
        Assert.That(streamed, Is.GreaterThan(100), "searches that stream");
        Assert.That(rows, Is.GreaterThan(0), "rows returned over the corpus");
    }

    [Test]
    public void JsonLinesOfRealEventsGiveTheSameRows()
    {
        // The fixture Sysmon and Security events, written as JSON Lines (with escapes: Windows paths), read back by
        // the reference reader and by the streaming reader.
        var events = Directory.GetFiles(TestData.Repo("fixtures", "events"), "*.log").Order(StringComparer.Ordinal)
            .SelectMany(f => EventReaders.ReadFile(f).Events).ToList();
        var text = string.Join("\n", events.Select(ToJson));
        var bytes = Encoding.UTF8.GetBytes(text);
        var reference = EventReaders.ReadJsonLines(new StringReader(text), "fx.jsonl");
        Assert.That(reference.Malformed, Is.Empty);
        string[] searches =
        [
            "Image=*nslookup*",
            "CommandLine=\"*-q*\" OR Image=*cmd.exe",
            "EventCode=1 | stats count by Computer, User",
            "EventCode=1 | eval n=len(CommandLine) | stats avg(n) max(n) count by Computer",
            "| stats dc(Image) values(EventCode) by Computer",
            "Image=*nslookup* | head 5 | table _time Image CommandLine",
            "nslookup | stats count",
            "\"C:\\\\Windows\\\\System32\" | stats count",
        ];
        foreach (var s in searches)
        {
            var compiled = CompiledDetection.Compile(s);
            var expected = DetectionEvaluator.Evaluate(compiled.Detection, reference.Events);
            AssertSame(compiled.RunJsonLines(new MemoryStream(bytes), "fx.jsonl"), expected, s, ignoreSkips: true);
            AssertSame(compiled.Run(reference.Events), expected, s);
        }
    }

    [Test]
    public void MalformedLinesAreReportedWithTheirLineNumbers()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"a\":1}\r\n\r\n{\"a\":\n[1,2]\n{\"a\":2} x\n\"str\"\n{\"a\":3}");
        var compiled = CompiledDetection.Compile("| stats count by a", CompileOptions.Default with { Prefilter = false });
        var text = Encoding.UTF8.GetString(bytes);
        var reference = EventReaders.ReadJsonLines(new StringReader(text), "m.jsonl");
        var expected = DetectionEvaluator.Evaluate(compiled.Detection, reference.Events);
        var actual = compiled.RunJsonLines(new MemoryStream(bytes), "m.jsonl");
        AssertSame(actual, expected with { Diagnostics = [.. reference.Diagnostics, .. expected.Diagnostics] }, "malformed");
        Assert.That(actual.Diagnostics.Where(d => d.Code == "EVL0007").Select(d => d.Message[..(d.Message.IndexOf(':', 9) is var i and > 0 ? i : d.Message.Length)]),
            Is.EqualTo(new[] { "m.jsonl:3", "m.jsonl:4", "m.jsonl:5", "m.jsonl:6" }));
    }

    [Test]
    public void ByteOrderMarksAreReadAsTheReferenceReaderReadsThem()
    {
        var text = "{\"a\":\"é\"}\n{\"a\":\"b\"}\n";
        var compiled = CompiledDetection.Compile("| stats count by a");
        var expected = DetectionEvaluator.Evaluate(compiled.Detection, EventReaders.ReadJsonLines(new StringReader(text), "b").Events);
        foreach (var encoding in new Encoding[] { new UTF8Encoding(true), new UnicodeEncoding(false, true), new UnicodeEncoding(true, true) })
        {
            var bytes = encoding.GetPreamble().Concat(encoding.GetBytes(text)).ToArray();
            AssertSame(compiled.RunJsonLines(new MemoryStream(bytes), "b"), expected, encoding.WebName);
        }
    }

    [Test]
    public void AStreamLongerThanTheRowLimitIsReadWholeAndSaysSo()
    {
        var events = SyntheticEvents();
        var options = EvaluationOptions.Default with { MaxRows = 4 };
        var compiled = CompiledDetection.Compile("| stats count", new CompileOptions { Evaluation = options });
        var result = compiled.Run(events);
        Assert.That(result.Rows.Single()["count"].AsString(), Is.EqualTo("10"));
        Assert.That(result.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "EVL0040" }));
        // Evaluate keeps the newest 4 (EVL0003); with the limit raised both agree.
        Assert.That(DetectionEvaluator.Evaluate(compiled.Detection, events, options).Rows.Single()["count"].AsString(), Is.EqualTo("4"));
    }

    [Test]
    public void HostileSearchesCompileAndRunWithoutThrowing()
    {
        var events = SyntheticEvents();
        string[] searches =
        [
            string.Join(" OR ", Enumerable.Range(0, 5000).Select(i => "cmd=*term" + i + "*")),
            new string('(', 150) + "cmd=*enc*" + new string(')', 150) + " | stats count by host",
            string.Concat(Enumerable.Repeat("| eval x=x+1 ", 2000)) + "| stats sum(x)",
            "| stats",
            "cmd=\"",
            "",
        ];
        foreach (var search in searches)
        {
            var compiled = CompiledDetection.Compile(search);
            var expected = DetectionEvaluator.Evaluate(compiled.Detection, events);
            AssertSame(compiled.Run(events), expected, search.Length > 60 ? search[..60] : search);
        }
    }

    private static string ToJson(Event e)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            foreach (var (name, value) in e)
            {
                if (name is "_raw" or "source" or "sourcetype") continue;
                if (name == "_time") { w.WriteNumber("_time", value.AsNumber()!.Value); continue; }
                if (value.Kind == FieldValueKind.Multi)
                {
                    foreach (var v in value.Values) w.WriteString(name, v);
                    continue;
                }
                w.WriteString(name, value.AsString());
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    internal static void AssertSame(EvaluationResult actual, EvaluationResult expected, string what, bool ignoreSkips = false)
    {
        if (ignoreSkips) actual = actual with { Diagnostics = [.. actual.Diagnostics.Where(d => d.Code != "EVL0041")] };
        Assert.That(Difference(actual, expected), Is.Null, what);
    }

    /// <summary>Null when the rows are equal (same order, same fields in the same order, same values) and the
    /// diagnostics are the same set; otherwise what differs.</summary>
    internal static string? Difference(EvaluationResult actual, EvaluationResult expected)
    {
        if (actual.Rows.Length != expected.Rows.Length) return $"{actual.Rows.Length} rows, expected {expected.Rows.Length}";
        for (var i = 0; i < actual.Rows.Length; i++)
        {
            var a = Show(actual.Rows[i]);
            var e = Show(expected.Rows[i]);
            if (a != e) return $"row {i}: {a}\n expected {e}";
        }
        static string Diags(EvaluationResult r) => string.Join("\n", r.Diagnostics.Select(d => d.ToString()).Order(StringComparer.Ordinal));
        var da = Diags(actual);
        var de = Diags(expected);
        return da == de ? null : $"diagnostics:\n{da}\n expected:\n{de}";
    }

    private static string Show(Event row) =>
        string.Join(" ", row.Select(kv => kv.Key + "=" + kv.Value.Kind + ":" + string.Join("|", kv.Value.Values)));
}
