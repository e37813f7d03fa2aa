using System.Text.Json;
using ExfilQuery.Evaluation;
using NUnit.Framework;

namespace ExfilQuery.Tests.Evaluation;

/// <summary>A real seed detection, with the security_content macros, over hand-made Sysmon XML events.</summary>
public class SeedDetectionTests
{
    private static string SeedSearch(string id)
    {
        foreach (var line in File.ReadLines(TestData.Repo("fixtures", "seeds", "splunk_seed_detections.jsonl")))
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.GetProperty("id").GetString() == id) return doc.RootElement.GetProperty("search").GetString()!;
        }
        throw new InvalidOperationException("seed not found: " + id);
    }

    /// <summary>The detection reads search-time fields of the Splunk Add-on for Sysmon (<c>process_name</c>, the
    /// file name of <c>Image</c>; <c>dest</c>, the <c>Computer</c>): the evaluator adds them from the CIM source
    /// mapping (<see cref="EvaluationOptions.AddOnFields"/>).</summary>
    private static readonly EvaluationOptions AddOn = EvaluationOptions.Default with { AddOnFields = true };

    [Test]
    public void ExcessiveUsageOfNslookupFiresOnlyForTheBurstingHost()
    {
        var search = SeedSearch("excessive_usage_of_nslookup_app");
        var read = EventReaders.ReadFile(TestData.Repo("fixtures", "events", "sysmon_nslookup_excessive.xml.log"));
        Assert.That(read.Malformed, Is.Empty);
        Assert.That(read.Events, Has.Length.EqualTo(105));

        var result = EvalTestSupport.Run(search, read.Events, AddOn, macros: true);

        Assert.That(result.Diagnostics, Is.Empty, string.Join("; ", result.Diagnostics));
        var row = result.Rows.Single();
        Assert.Multiple(() =>
        {
            Assert.That(row["dest"].AsString(), Is.EqualTo("win-exfil.example.local"));
            Assert.That(row["numNsLookup"].AsNumber(), Is.EqualTo(30));
            Assert.That(row["numSlots"].AsNumber(), Is.EqualTo(21));
            Assert.That(row["isOutlier"].AsString(), Is.EqualTo("1"));
            Assert.That(row["_time"].AsNumber(), Is.EqualTo(new DateTimeOffset(2024, 5, 1, 10, 5, 0, TimeSpan.Zero).ToUnixTimeSeconds()));
            Assert.That(row["avgNsLookup"].AsNumber(), Is.EqualTo(50.0 / 21).Within(1e-9));
        });
    }

    [Test]
    public void ExcessiveUsageOfNslookupIsQuietWithoutTheBurst()
    {
        var search = SeedSearch("excessive_usage_of_nslookup_app");
        var read = EventReaders.ReadFile(TestData.Repo("fixtures", "events", "sysmon_nslookup_excessive.xml.log"));
        var quiet = read.Events.Where(e => e.Host != "win-exfil.example.local");
        var result = EvalTestSupport.Run(search, quiet, AddOn, macros: true);
        Assert.That(result.Rows, Is.Empty);
        Assert.That(result.Ok, Is.True);
    }
}
