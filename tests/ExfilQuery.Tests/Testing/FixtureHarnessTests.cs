using System.Text;
using System.Xml.Linq;
using ExfilQuery.Testing;
using NUnit.Framework;

namespace ExfilQuery.Tests.Testing;

/// <summary>The fixture loader, runner and JUnit writer on small fixtures made in a temporary folder: they must fail
/// when an expectation does not hold, report a bad fixture with its EVL003x code, and ignore pending fixtures.</summary>
public class FixtureHarnessTests
{
    private string _root = "";

    [SetUp]
    public void MakeRoot()
    {
        _root = Path.Combine(Path.GetTempPath(), "exfilq-fixtures-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root);
    }

    [TearDown]
    public void DeleteRoot()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private const string Events =
        "{\"_time\":\"2024-05-01T10:00:00Z\",\"host\":\"a\",\"process_name\":\"rclone.exe\",\"user\":\"jdoe\"}\n" +
        "{\"_time\":\"2024-05-01T10:01:00Z\",\"host\":\"a\",\"process_name\":\"RCLONE.EXE\",\"user\":\"jdoe\"}\n" +
        "{\"_time\":\"2024-05-01T10:02:00Z\",\"host\":\"b\",\"process_name\":\"rclone.exe\",\"user\":\"asmith\"}\n";

    private const string Negative = "{\"_time\":\"2024-05-01T10:00:00Z\",\"host\":\"c\",\"process_name\":\"rclone-browser.exe\",\"user\":\"jdoe\"}\n";

    private const string Search = "process_name=rclone.exe | stats count by host";

    private string Fixture(string name, string? expected, string? search = Search, string searchFile = "search.spl", string events = Events, string? negative = Negative)
    {
        var dir = Path.Combine(_root, name);
        Directory.CreateDirectory(Path.Combine(dir, "events"));
        if (search is not null) File.WriteAllText(Path.Combine(dir, searchFile), search);
        if (events.Length > 0) File.WriteAllText(Path.Combine(dir, "events", "e.jsonl"), events);
        if (negative is not null)
        {
            Directory.CreateDirectory(Path.Combine(dir, "negative"));
            File.WriteAllText(Path.Combine(dir, "negative", "n.jsonl"), negative);
        }
        if (expected is not null) File.WriteAllText(Path.Combine(dir, "expected.json"), expected);
        return dir;
    }

    private static FixtureOutcome Run(string dir) => FixtureRunner.Run(DetectionFixture.Load(dir));

    [Test]
    public void ExactRowsPass()
    {
        // search compares values case-insensitively (RCLONE.EXE matches); stats sorts its groups by the by fields.
        var outcome = Run(Fixture("ok", """{"rows":[{"host":"a","count":2},{"host":"b","count":"1"}]}"""));
        Assert.That(outcome.Failures, Is.Empty, string.Join("\n", outcome.Failures));
        Assert.That(outcome.Status, Is.EqualTo(FixtureStatus.Passed));
        Assert.That(outcome.Rows, Has.Length.EqualTo(2));
        Assert.That(outcome.NegativeRows, Is.Empty);
    }

    [TestCase("""{"rows":[{"host":"a","count":"3"},{"host":"b","count":"1"}]}""", "row 1: count = [2], expected [3].")]
    [TestCase("""{"rows":[{"host":"a","count":"2"}]}""", "events: 2 row(s), expected exactly 1.")]
    [TestCase("""{"rows":[{"count":"2","host":"a"},{"host":"b","count":"1"}]}""", "row 1: fields [host, count], expected [count, host].")]
    [TestCase("""{"min_rows":3}""", "events: 2 row(s), expected at least 3.")]
    public void WrongExpectationsFail(string expected, string failure)
    {
        var outcome = Run(Fixture("wrong", expected));
        Assert.That(outcome.Status, Is.EqualTo(FixtureStatus.Failed));
        Assert.That(outcome.Failures, Does.Contain(failure));
    }

    [Test]
    public void ANegativeEventThatMatchesFails()
    {
        var outcome = Run(Fixture("leak", """{"min_rows":1}""", negative: "{\"host\":\"c\",\"process_name\":\"Rclone.exe\"}\n"));
        Assert.That(outcome.Status, Is.EqualTo(FixtureStatus.Failed));
        Assert.That(outcome.Failures.Single(), Does.StartWith("negative: 1 row(s), expected none"));
    }

    [Test]
    public void AnErrorDiagnosticFailsTheFixture()
    {
        // A function the evaluator does not know yields null with an error (EVL0006): the rows cannot be trusted.
        var outcome = Run(Fixture("unknown_function", """{"min_rows":1}""", search: Search + " | eval x=nosuchfunction(count)"));
        Assert.That(outcome.Status, Is.EqualTo(FixtureStatus.Failed));
        Assert.That(outcome.Failures, Has.Some.StartsWith("events: EVL"));
    }

    [Test]
    public void PendingIsNeverPassed()
    {
        var outcome = Run(Fixture("pending", """{"min_rows":1,"pending":"waiting for X"}"""));
        Assert.That(outcome.Status, Is.EqualTo(FixtureStatus.Pending));
        Assert.That(outcome.PendingReason, Is.EqualTo("waiting for X"));
        Assert.That(outcome.Failures, Is.Empty, "it ran, and would pass");
    }

    [Test]
    public void APendingFixtureThatCannotBeReadFails()
    {
        var outcome = Run(Fixture("pending_broken", """{"pending":"waiting for X"}""", search: null));
        Assert.That(outcome.Status, Is.EqualTo(FixtureStatus.Failed));
        Assert.That(outcome.Failures.Single(), Does.StartWith("EVL0030: "));
    }

    [Test]
    public void InputsSetSourceAndSourcetype()
    {
        var dir = Fixture("inputs", """{"rows":[{"sourcetype":"stream:http","count":"3"}],"inputs":{"events/e.jsonl":{"sourcetype":"stream:http"}}}""",
            search: "sourcetype=stream:http | stats count by sourcetype");
        var outcome = Run(dir);
        Assert.That(outcome.Failures, Is.Empty, string.Join("\n", outcome.Failures));
    }

    [TestCase("none", null, "EVL0031")]
    [TestCase("bad_json", "{", "EVL0031")]
    [TestCase("unknown_member", """{"min_row":1}""", "EVL0031")]
    [TestCase("bad_rows", """{"rows":[{"a":{"b":1}}]}""", "EVL0031")]
    [TestCase("bad_now", """{"now":"yesterday"}""", "EVL0031")]
    [TestCase("empty_pending", """{"pending":""}""", "EVL0031")]
    [TestCase("unknown_input", """{"inputs":{"events/other.jsonl":{"source":"x"}}}""", "EVL0031")]
    [TestCase("bad_input_field", """{"inputs":{"events/e.jsonl":{"index":"x"}}}""", "EVL0031")]
    public void BadExpectationsAreDiagnostics(string name, string? expected, string code)
    {
        var fixture = DetectionFixture.Load(Fixture(name, expected));
        Assert.That(fixture.Diagnostics.Select(d => d.Code), Does.Contain(code));
        Assert.That(FixtureRunner.Run(fixture).Status, Is.EqualTo(FixtureStatus.Failed));
    }

    [Test]
    public void MissingSearchEventsAndYamlSearchAreDiagnostics()
    {
        Assert.That(DetectionFixture.Load(Fixture("no_search", "{}", search: null)).Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "EVL0030" }));
        var two = Fixture("two_searches", "{}");
        File.WriteAllText(Path.Combine(two, "other.spl"), "x");
        Assert.That(DetectionFixture.Load(two).Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "EVL0030" }));
        Assert.That(DetectionFixture.Load(Fixture("no_events", "{}", events: "")).Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "EVL0032" }));
        Assert.That(DetectionFixture.Load(Fixture("yaml", "{}", search: "name: x\nhow_to_implement: y\n", searchFile: "d.yml")).Diagnostics.Select(d => d.Code),
            Is.EqualTo(new[] { "EVL0033" }));
    }

    [Test]
    public void MalformedFixtureEventsFail()
    {
        var outcome = Run(Fixture("malformed", """{"min_rows":1}""", events: Events + "{not json\n"));
        Assert.That(outcome.Status, Is.EqualTo(FixtureStatus.Failed));
        Assert.That(outcome.Failures, Has.Some.Contains("EVL0007").And.Contains("e.jsonl:4"));
    }

    [Test]
    public void SecurityContentYamlFixtureRuns()
    {
        var yaml = "name: Rclone\nid: 1\nsearch: 'process_name=rclone.exe\n  | stats count by host'\nhow_to_implement: x\n";
        var outcome = Run(Fixture("yaml_ok", """{"rows":[{"host":"a","count":"2"},{"host":"b","count":"1"}]}""", search: yaml, searchFile: "detection.yml"));
        Assert.That(outcome.Failures, Is.Empty, string.Join("\n", outcome.Failures));
        Assert.That(outcome.Fixture.Search, Is.EqualTo(Search));
    }

    [Test]
    public void LoadAllFindsNestedFixturesInOrder()
    {
        Fixture("b", "{}");
        Fixture(Path.Combine("a", "nested"), "{}");
        Directory.CreateDirectory(Path.Combine(_root, "not_a_fixture"));
        Assert.That(DetectionFixture.LoadAll(_root).Select(f => f.Name), Is.EqualTo(new[] { "nested", "b" }));
    }

    [Test]
    public void ReadmeLibraryExampleRuns()
    {
        // The README's "Running searches and detection fixtures in-process" example, with the repository's paths.
        var events = ExfilQuery.Evaluation.EventReaders.ReadFile(TestData.Repo("fixtures", "events", "sysmon_nslookup_excessive.xml.log")).Events;
        var run = SearchEvaluation.Evaluate("EventCode=1 | stats count by host", events);
        Assert.That(run.Rows.Select(r => r.ToString()), Is.EqualTo(new[]
        {
            "host=win-admin.example.local count=5", "host=win-exfil.example.local count=50", "host=win-quiet.example.local count=25",
        }));
        var outcomes = FixtureRunner.RunAll(DetectionFixture.LoadAll(TestData.Repo("fixtures", "detections")), TestData.WithSplunkMacros);
        Assert.That(outcomes.Where(o => o.Status == FixtureStatus.Failed).Select(o => o.Fixture.Name), Is.Empty);
        Assert.That(XDocument.Parse(JUnitReport.Write(outcomes, "detections")).Root!.Element("testsuite")!.Elements("testcase").Count(), Is.EqualTo(outcomes.Length));
    }

    [Test]
    public void JUnitXmlHasOneCasePerFixture()
    {
        var outcomes = new[]
        {
            Run(Fixture("pass", """{"min_rows":1}""")),
            Run(Fixture("fail", """{"min_rows":5}""")),
            Run(Fixture("pend", """{"pending":"later & <soon>"}""")),
        };
        var xml = JUnitReport.Write(outcomes, "suite", includeTimes: false);
        Assert.That(xml, Does.Not.Contain("\r"));
        var doc = XDocument.Parse(xml);
        var suite = doc.Root!.Element("testsuite")!;
        Assert.Multiple(() =>
        {
            Assert.That(doc.Root.Name.LocalName, Is.EqualTo("testsuites"));
            Assert.That((string?)suite.Attribute("tests"), Is.EqualTo("3"));
            Assert.That((string?)suite.Attribute("failures"), Is.EqualTo("1"));
            Assert.That((string?)suite.Attribute("skipped"), Is.EqualTo("1"));
            Assert.That(suite.Elements("testcase").Select(e => (string?)e.Attribute("name")), Is.EqualTo(new[] { "pass", "fail", "pend" }));
            Assert.That(suite.Elements("testcase").First().HasElements, Is.False);
            Assert.That((string?)suite.Elements("testcase").ElementAt(1).Element("failure")!.Attribute("message"), Is.EqualTo("events: 2 row(s), expected at least 5."));
            Assert.That((string?)suite.Elements("testcase").ElementAt(2).Element("skipped")!.Attribute("message"), Is.EqualTo("later & <soon>"));
        });
    }
}
