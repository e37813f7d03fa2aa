using ExfilQuery.Kql;
using NUnit.Framework;

namespace ExfilQuery.Tests.Kql;

/// <summary>streamstats (profile none, table Events). SPL Search Reference, "streamstats": each event gets the
/// statistic over the events before it and itself (current=true), in the order the events arrive (newest first for
/// raw events); without window or time_window the window is max_stream_window = 10,000 events (limits.conf). KQL:
/// row_cumsum over serialized rows (learn.microsoft.com/kusto/query/row-cumsum-function; sort and serialize make the
/// rows serialized). Options and by clauses are refused with a diagnostic, never dropped.</summary>
public class KqlStreamstatsTests
{
    [TestCase("x=1 | streamstats count as n | where n <= 3", """
        Events
        | where x =~ "1"
        | sort by _time desc
        | extend n = min_of(row_cumsum(1), 10000)
        | where n <= 3
        """, Description = "raw events: newest first, as Splunk streams them")]
    [TestCase("x=1 | sort 0 user | streamstats count", """
        Events
        | where x =~ "1"
        | sort by user asc
        | serialize
        | extend ['count'] = min_of(row_cumsum(1), 10000)
        """, Description = "after a sort: in the sorted order")]
    public void RunningCount(string spl, string expected) => KqlCombiningTests.AssertTranslation(spl, TranslationStatus.Full, expected);

    [TestCase("x=1 | streamstats window=5 count", "streamstats option 'window'", Description = "options are refused in lowering")]
    [TestCase("x=1 | streamstats current=f count", "streamstats option 'current'")]
    [TestCase("x=1 | streamstats count by user", "by clause")]
    [TestCase("x=1 | streamstats sum(bytes) as total", "sum(…)")]
    [TestCase("x=1 | stats count by user | streamstats count as n", "current row order")]
    public void OtherFormsFail(string spl, string reason)
    {
        var t = KqlBackend.Translate(spl);
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Failed));
        Assert.That(t.Diagnostics.Where(d => d.Code == "KQL0001").Select(d => d.Message), Has.Some.Contains(reason));
    }
}
