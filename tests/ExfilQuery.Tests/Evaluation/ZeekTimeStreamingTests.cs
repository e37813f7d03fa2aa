using System.Text;
using System.Text.Json.Nodes;
using ExfilQuery.Evaluation;
using ExfilQuery.Testing;
using NUnit.Framework;

namespace ExfilQuery.Tests.Evaluation;

/// <summary>Zeek JSON events take <c>_time</c> from <c>ts</c> (<see cref="SourceTypeTimestamps"/>: Corelight Add-on for
/// Zeek, Splunkbase 5446, release notes 1.0.9, stanza <c>[(?::){0}bro:*:json]</c> <c>TIME_FORMAT = %s.%6N</c>;
/// github.com/ThreatNerdz/Splunk_TA_bro_patched local/props.conf <c>TIMESTAMP_FIELDS = ts</c>) on every entry point:
/// <see cref="CompiledDetection.RunJsonLines"/> (which reads only the fields a plan needs) must give the rows that
/// <see cref="EventReaders.ReadJsonLines"/> then <see cref="DetectionEvaluator.Evaluate"/> give, on the Zeek event
/// files of the fixtures with the sourcetype their <c>inputs</c> give written into each line.</summary>
public class ZeekTimeStreamingTests
{
    /// <summary>Streamed pipelines that read <c>_time</c> (order of collected rows, time compare, bin, min/max,
    /// earliest/latest) and none of the flattened (dotted) names, which would send lines to the reference reader.</summary>
    private static readonly string[] Searches =
    [
        "*",
        "proto=udp OR proto=tcp | table _time uid proto",
        "| stats count min(_time) max(_time) by proto",
        "| stats earliest(uid) latest(uid) earliest_time(uid) latest_time(uid) by sourcetype",
        "| where _time >= 1714557605 | stats count by proto",
        "| bin _time span=5s | stats count by _time",
        "| eval t=_time | stats values(t) by proto",
        "| stats first(uid) last(uid) by proto",
        "earliest=1714557604 | stats count",
    ];

    /// <summary>Every events file that a fixture's <c>inputs</c> give a Zeek JSON sourcetype, with those inputs.</summary>
    private static IEnumerable<TestCaseData> ZeekFiles()
    {
        foreach (var fixture in DetectionFixture.LoadAll(TestData.Repo("fixtures", "detections")))
        {
            if (fixture.Expectation is null) continue;
            foreach (var (file, fields) in fixture.Expectation.Inputs.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (!fields.Any(f => f.Key == "sourcetype" && SourceTypeTimestamps.IsZeekJson(f.Value))) continue;
                yield return new TestCaseData(Path.Combine(fixture.Folder, file), fields.ToArray()).SetName($"{fixture.Name}/{file}");
            }
        }
    }

    [Test]
    public void TheFixturesHoldZeekFiles() => Assert.That(ZeekFiles().Count(), Is.GreaterThanOrEqualTo(4));

    [TestCaseSource(nameof(ZeekFiles))]
    public async Task BothReadersGiveTheSameRows(string path, KeyValuePair<string, string>[] inputs)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToArray();
        // The input fields written last (after ts, as the harness sets them after reading) and first (before ts).
        foreach (var first in new[] { false, true })
        {
            var text = string.Join("\n", lines.Select(l => WithFields(l, inputs, first)));
            var bytes = Encoding.UTF8.GetBytes(text);
            var reference = EventReaders.ReadJsonLines(new StringReader(text), "zeek.json");
            Assert.That(reference.Malformed, Is.Empty);
            var ts = reference.Events.Select(e => double.Parse(e["ts"].AsString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.That(reference.Events.Select(e => e.Time), Is.EqualTo(ts.Select(t => (double?)t)), "the reference reader takes ts");
            foreach (var prefilter in new[] { true, false })
            {
                foreach (var search in Searches)
                {
                    var compiled = CompiledDetection.Compile(search, CompileOptions.Default with { Prefilter = prefilter });
                    var what = $"{search} / first={first} / prefilter={prefilter}";
                    Assert.That(compiled.Plan, Does.StartWith("stream:"), what);
                    var expected = DetectionEvaluator.Evaluate(compiled.Detection, reference.Events);
                    CompiledDetectionDifferentialTests.AssertSame(compiled.RunJsonLines(new MemoryStream(bytes), "zeek.json"), expected, what, ignoreSkips: true);
                    CompiledDetectionDifferentialTests.AssertSame(await compiled.RunJsonLinesAsync(new MemoryStream(bytes), "zeek.json"), expected, what + " / async", ignoreSkips: true);
                }
            }
            // Not only equal: the streamed minimum is the earliest ts.
            var min = CompiledDetection.Compile("| stats min(_time) as t").RunJsonLines(new MemoryStream(bytes), "zeek.json");
            Assert.That(min.Rows.Single()["t"].AsNumber(), Is.EqualTo(ts.Min()));
        }
    }

    /// <summary>Lines that do not name a Zeek sourcetype, or whose ts does not read as <c>%s.%6N</c>, keep the time
    /// of the usual time fields; a repeated sourcetype counts by its first value, as <see cref="Event.SourceType"/>.</summary>
    [Test]
    public void EdgeCasesAgree()
    {
        var text = string.Join("\n",
            """{"ts":1714557600.25,"sourcetype":"bro:conn:json","_time":5,"proto":"tcp"}""",
            """{"sourcetype":"zeek:dns:json","ts":"1714557601.1234567","proto":"udp"}""",
            """{"sourcetype":"bro:conn:json","ts":"2024-05-01T10:00:00Z","_time":7,"proto":"tcp"}""",
            """{"sourcetype":"bro:conn:json","ts":1,"ts":2,"_time":8,"proto":"tcp"}""",
            """{"sourcetype":"_json","ts":1714557600,"_time":9,"proto":"tcp"}""",
            """{"sourcetype":"bro:conn","ts":1714557600,"_time":10,"proto":"tcp"}""",
            """{"sourcetype":"bro:conn:json","sourcetype":"x","ts":1714557602,"proto":"tcp"}""",
            """{"sourcetype":"x","sourcetype":"bro:conn:json","ts":1714557603,"_time":11,"proto":"tcp"}""",
            """{"sourcetype":"bro:conn:json","ts":null,"time":"2024-05-01T10:00:00Z","proto":"tcp"}""",
            """{"sourcetype":"bro:conn:json","ts":{"a":1},"_time":12,"proto":"tcp"}""",
            """{"sourcetype":"bro:x:json","ts":"1714557604","proto":"tcp"}""");
        var bytes = Encoding.UTF8.GetBytes(text);
        var reference = EventReaders.ReadJsonLines(new StringReader(text), "e.json");
        Assert.That(reference.Events.Select(e => e.Time), Is.EqualTo(new double?[]
        {
            1714557600.25, 1714557601.123456, 7, 8, 9, 10, 1714557602, 11, 1714557600, 12, 1714557604,
        }).Within(1e-6));
        foreach (var search in Searches.Append("| stats values(_time) by proto"))
        {
            var compiled = CompiledDetection.Compile(search);
            var expected = DetectionEvaluator.Evaluate(compiled.Detection, reference.Events);
            CompiledDetectionDifferentialTests.AssertSame(compiled.RunJsonLines(new MemoryStream(bytes), "e.json"), expected, search, ignoreSkips: true);
        }
    }

    private static string WithFields(string line, KeyValuePair<string, string>[] fields, bool first)
    {
        var node = JsonNode.Parse(line)!.AsObject();
        if (!first)
        {
            foreach (var (name, value) in fields) node[name] = value;
            return node.ToJsonString();
        }
        var front = new JsonObject();
        foreach (var (name, value) in fields) front[name] = value;
        foreach (var (name, value) in node.ToList())
        {
            node.Remove(name);
            if (!front.ContainsKey(name)) front[name] = value;
        }
        return front.ToJsonString();
    }
}
