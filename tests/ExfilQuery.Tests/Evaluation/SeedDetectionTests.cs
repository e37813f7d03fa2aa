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

    /// <summary>The two search-time fields the Splunk Add-on for Sysmon gives process-creation events and this
    /// detection reads: <c>process_name</c> (file name of <c>Image</c>) and <c>dest</c> (<c>Computer</c>). A
    /// stand-in until raw events are mapped with the shared CIM mapping data (a later slice).</summary>
    private static IEnumerable<Event> WithSysmonAddOnFields(IEnumerable<Event> events)
    {
        foreach (var e in events)
        {
            var copy = new Event(e);
            if (e["Image"].AsString() is { } image) copy.Set("process_name", image[(image.LastIndexOf('\\') + 1)..]);
            if (e["Computer"].AsString() is { } computer) copy.Set("dest", computer);
            yield return copy;
        }
    }

    [Test]
    public void ExcessiveUsageOfNslookupFiresOnlyForTheBurstingHost()
    {
        var search = SeedSearch("excessive_usage_of_nslookup_app");
        var read = EventReaders.ReadFile(TestData.Repo("fixtures", "events", "sysmon_nslookup_excessive.xml.log"));
        Assert.That(read.Malformed, Is.Empty);
        Assert.That(read.Events, Has.Length.EqualTo(105));

        var result = EvalTestSupport.Run(search, WithSysmonAddOnFields(read.Events), macros: true);

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
        var result = EvalTestSupport.Run(search, WithSysmonAddOnFields(quiet), macros: true);
        Assert.That(result.Rows, Is.Empty);
        Assert.That(result.Ok, Is.True);
    }
}
