using ExfilQuery.Evaluation;
using NUnit.Framework;

namespace ExfilQuery.Tests.Evaluation;

/// <summary>Zeek JSON sourcetypes take <c>_time</c> from <c>ts</c> at index time: Corelight Add-on for Zeek (formerly
/// the Splunk Add-on for Zeek aka Bro, Splunkbase 5446) release notes 1.0.9, stanza <c>[(?::){0}bro:*:json]</c>
/// <c>TIME_FORMAT = %s.%6N</c>; github.com/ThreatNerdz/Splunk_TA_bro_patched local/props.conf <c>[zeek:json]</c>
/// <c>TIMESTAMP_FIELDS = ts</c>, <c>TIME_FORMAT = %s.%6N</c>.</summary>
public class SourceTypeTimestampTests
{
    [TestCase("bro:conn:json", "1714557600.0", 1714557600.0)]
    [TestCase("bro:dns:json", "1714557600.25", 1714557600.25)]
    [TestCase("zeek:conn:json", "1714557600", 1714557600.0)]
    [TestCase("bro:json", "1714557600.5", 1714557600.5)]
    [TestCase("bro:conn:json", "1714557600.1234567", 1714557600.123456)] // %6N reads six decimals
    [TestCase("bro:conn:json", "2024-05-01T10:00:00Z", 1.0)]            // not %s.%6N: _time stays
    [TestCase("bro:conn:json", "-5", 1.0)]
    [TestCase("_json", "1714557600.0", 1.0)]                             // not a Zeek sourcetype
    [TestCase("bro:conn", "1714557600.0", 1.0)]                          // Zeek TSV is not this stanza
    [TestCase("xbro:conn:json", "1714557600.0", 1.0)]
    public void ZeekTsIsTheTime(string sourceType, string ts, double expected)
    {
        var e = new Event { SourceType = sourceType };
        e.Time = 1;
        e.Set("ts", ts);
        SourceTypeTimestamps.Apply(e);
        Assert.That(e.Time, Is.EqualTo(expected).Within(1e-6));
    }

    /// <summary>The JSON reader applies it when the event names its sourcetype; otherwise the caller does once it
    /// assigns one (the fixture harness after its inputs).</summary>
    [Test]
    public void TheJsonReaderAppliesItWhenTheEventNamesItsSourcetype()
    {
        var read = EventReaders.ReadJsonLines(new StringReader(
            """
            {"sourcetype":"bro:conn:json","_time":"2020-01-01T00:00:00Z","ts":1714557600.0}
            {"_time":"2020-01-01T00:00:00Z","ts":1714557600.0}
            """), "t.json");
        Assert.That(read.Events.Select(e => e.Time), Is.EqualTo(new double?[] { 1714557600.0, 1577836800.0 }));
    }
}
