using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ExfilQuery.Testing;
using NUnit.Framework;

namespace ExfilQuery.Tests.Testing;

/// <summary>Every detection fixture under fixtures/detections is its own test case: its events must give the expected
/// rows and its near-miss events none, and the rows are snapshot-tested against fixtures/golden/eval/NAME.jsonl
/// (EXFILQ_UPDATE_GOLDEN=1 rewrites them). A fixture marked pending is Ignored with its reason, never passed.</summary>
public class DetectionFixtureTests
{
    private static readonly JsonWriterOptions RowWriter = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The fixture folder names, in ordinal order.</summary>
    public static IEnumerable<TestCaseData> Fixtures() =>
        DetectionFixture.LoadAll(TestData.Repo("fixtures", "detections"))
            .Select(f => new TestCaseData(f.Name).SetName("Fixture(" + f.Name + ")"));

    [TestCaseSource(nameof(Fixtures))]
    public void Fixture(string name)
    {
        var fixture = DetectionFixture.Load(TestData.Repo("fixtures", "detections", name));
        var outcome = FixtureRunner.Run(fixture, TestData.WithSplunkMacros);
        if (outcome.Status == FixtureStatus.Pending)
        {
            Assert.Ignore("pending: " + outcome.PendingReason
                + (outcome.Failures.IsEmpty ? " (it passes now: remove 'pending')" : " | would fail: " + string.Join("; ", outcome.Failures)));
        }
        Assert.That(outcome.Failures, Is.Empty, string.Join("\n", outcome.Failures));
        Assert.That(outcome.Status, Is.EqualTo(FixtureStatus.Passed));
        Golden.AssertMatches(TestData.Repo("fixtures", "golden", "eval", name + ".jsonl"), Snapshot(outcome.Rows));
    }

    /// <summary>Rows, one JSON object per line, as ResultRows writes them.</summary>
    internal static string Snapshot(IEnumerable<ExfilQuery.Evaluation.Event> rows)
    {
        var sb = new StringBuilder();
        foreach (var row in rows)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, RowWriter)) ResultRows.WriteJson(writer, row);
            sb.Append(Encoding.UTF8.GetString(stream.ToArray())).Append('\n');
        }
        return sb.ToString();
    }

    [Test]
    public void EverySeedHasAFixture()
    {
        var fixtures = DetectionFixture.LoadAll(TestData.Repo("fixtures", "detections")).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var seeds = TestData.SeedSearches().Select(s => s.Id).ToList();
        Assert.That(seeds, Has.Count.EqualTo(16));
        Assert.That(seeds.Where(s => !fixtures.Contains(s)), Is.Empty, "seed detections without a fixture in fixtures/detections");
    }

    [Test]
    public void EveryFixtureHasNearMissEventsAndUsesTheSeedSearch()
    {
        var seeds = TestData.SeedSearches().ToDictionary(s => s.Id, s => s.Search, StringComparer.Ordinal);
        foreach (var fixture in DetectionFixture.LoadAll(TestData.Repo("fixtures", "detections")))
        {
            Assert.That(fixture.Diagnostics, Is.Empty, fixture.Name);
            Assert.That(fixture.NegativeFiles, Is.Not.Empty, fixture.Name + " has no negative/ events");
            if (seeds.TryGetValue(fixture.Name, out var seed))
                Assert.That(fixture.Search, Is.EqualTo(seed.Trim()), fixture.Name + ": the fixture's search is the seed's, unchanged");
        }
    }
}
