using ExfilQuery.Evaluation;
using NUnit.Framework;
using static ExfilQuery.Tests.Evaluation.EvalTestSupport;

namespace ExfilQuery.Tests.Evaluation;

/// <summary>Subsearches used as search terms, evaluated with Splunk's meaning: the subsearch runs first over the same
/// events and its rows become `(a="v1" AND b="v2") OR ...` (the implicit format command: fields starting with `_` are
/// ignored, a multivalue field's values are OR-ed, no rows give `NOT ( )`, which matches nothing; the values are
/// quoted search values, so they compare case-insensitively and `*` is a wildcard). References: Search Manual,
/// "Change the format of subsearch results"; SPL Search Reference, "format" (mvsep default OR, emptystr default
/// `NOT( )`) and "append" ("By default, subsearches return a maximum of 10,000 results").</summary>
public class SubsearchEvaluationTests
{
    private static List<Event> SysmonEvents()
    {
        var read = EventReaders.ReadFile(TestData.Repo("fixtures", "events", "sysmon_nslookup_excessive.xml.log"));
        Assert.That(read.Malformed, Is.Empty);
        return read.Events.ToList();
    }

    private static Dictionary<string, double> CountsByHost(EvaluationResult result) =>
        result.Rows.ToDictionary(r => r["host"].AsString()!, r => r["count"].AsNumber()!.Value, StringComparer.Ordinal);

    // The fixture: win-exfil has 50 process events (1), win-quiet 25 process and 25 network events (3), win-admin 5
    // process events.
    [Test]
    public void ProcessEventsOfHostsWithNetworkEvents()
    {
        var result = Run("EventCode=1 [search EventCode=3 | stats count by host | fields host] | stats count by host", SysmonEvents());
        Assert.That(result.Diagnostics, Is.Empty, string.Join("; ", result.Diagnostics));
        Assert.That(CountsByHost(result), Is.EqualTo(new Dictionary<string, double> { ["win-quiet.example.local"] = 25 }));
    }

    [Test]
    public void NotSubsearchKeepsTheOtherHosts()
    {
        var result = Run("EventCode=1 NOT [search EventCode=3 | stats count by host | fields host] | stats count by host", SysmonEvents());
        Assert.That(result.Diagnostics, Is.Empty, string.Join("; ", result.Diagnostics));
        Assert.That(CountsByHost(result), Is.EqualTo(new Dictionary<string, double> { ["win-admin.example.local"] = 5, ["win-exfil.example.local"] = 50 }));
    }

    private static readonly string[] Table =
    [
        """{"id":"1","kind":"main","user":"Alice","host":"h1"}""",
        """{"id":"2","kind":"main","user":"bob","host":"h2"}""",
        """{"id":"3","kind":"main","user":"carol","host":"h1"}""",
        """{"id":"4","kind":"main","host":"h1"}""",
        """{"id":"5","kind":"main","user":"dave","host":"h3"}""",
        """{"id":"s1","kind":"sub","user":"alice","host":"H1","tags":["x","y"],"pattern":"car*"}""",
        """{"id":"s2","kind":"sub","user":"bob","host":"h9","tags":"z"}""",
    ];

    [TestCase("kind=main [search kind=sub | table user]", new[] { "1", "2" }, Description = "one field: case-insensitive value match")]
    [TestCase("kind=main [search kind=sub | table user host]", new[] { "1" }, Description = "several fields: AND within a row, OR across rows")]
    [TestCase("kind=main NOT [search kind=sub | table user]", new[] { "3", "4", "5" }, Description = "NOT: also rows without the field")]
    [TestCase("kind=main [search kind=sub id=s1 | rename pattern as user | table user]", new[] { "3" }, Description = "a * in a returned value is a wildcard")]
    [TestCase("kind=main [search kind=sub id=s1 | table _time user]", new[] { "1" }, Description = "fields starting with _ are ignored")]
    [TestCase("kind=main [search kind=nothing | table user]", new string[0], Description = "no results: NOT ( ) matches nothing")]
    [TestCase("kind=main [search kind=sub id=s1 | eval user=tags | table user]", new string[0], Description = "a multivalue field's values are OR-ed (x, y: no main row has them)")]
    [TestCase("kind=main [search kind=sub id=s1 | eval user=mvappend(\"dave\", \"nobody\") | table user]", new[] { "5" }, Description = "any of a multivalue field's values")]
    public void FormatMeaning(string search, string[] ids)
    {
        var result = Run(search, Json(Table));
        Assert.That(result.Diagnostics, Is.Empty, string.Join("; ", result.Diagnostics));
        Assert.That(Ids(result), Is.EqualTo(ids.Order(StringComparer.Ordinal).ToList()));
    }

    [Test]
    public void SearchFieldIsReportedNotGuessed()
    {
        var result = Run("kind=main [search kind=sub | rename user as search | table search]", Json(Table));
        Assert.That(result.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "EVL0008" }));
    }

    [Test]
    public void OnlyTheFirst10000ResultsCount()
    {
        // 10,001 subsearch rows, newest first: the oldest (user u0) is the 10,001st and is left out, as Splunk does.
        var lines = Enumerable.Range(0, 10001).Select(i => $$"""{"kind":"sub","user":"u{{i}}","_time":"{{1000 + i}}"}""")
            .Append("""{"id":"old","kind":"main","user":"u0","_time":"1"}""")
            .Append("""{"id":"new","kind":"main","user":"u10000","_time":"2"}""");
        var result = Run("kind=main [search kind=sub | table user]", Json([.. lines]));
        Assert.That(Ids(result), Is.EqualTo(new[] { "new" }));
    }
}
