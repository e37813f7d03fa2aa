using ExfilQuery.Evaluation;
using NUnit.Framework;
using static ExfilQuery.Tests.Evaluation.EvalTestSupport;

namespace ExfilQuery.Tests.Evaluation;

/// <summary>Pipeline stages: each over a few events, results compared as stable text rows.</summary>
public class StageTests
{
    // _time: 100, 200, 300, 400 (epoch seconds); input order is not time order on purpose.
    private static readonly string[] Events =
    [
        """{"_time":200,"id":"b","host":"h1","bytes":"20","user":"alice","Processes.process_name":"cmd.exe"}""",
        """{"_time":100,"id":"a","host":"h1","bytes":"10","user":"bob","Processes.process_name":"nslookup.exe"}""",
        """{"_time":400,"id":"d","host":"h2","bytes":"5"}""",
        """{"_time":300,"id":"c","host":"h2","bytes":"100","user":"alice","msg":"user=carol action=login src=10.0.0.5"}""",
    ];

    private static List<string> Rows(EvaluationResult r) => r.Rows.Select(x => x.ToString()).ToList();

    private static List<string> Table(string search, params string[] fields) =>
        Run(search + " | table " + string.Join(" ", fields), Json(Events)).Rows.Select(x => x.ToString()).ToList();

    [Test]
    public void EventsComeNewestFirst() =>
        Assert.That(Table("*", "id"), Is.EqualTo(new[] { "id=d", "id=c", "id=b", "id=a" }));

    [Test]
    public void StatsFunctions()
    {
        var rows = Table("| stats count sum(bytes) as s avg(bytes) as a min(bytes) as lo max(bytes) as hi dc(user) as u values(user) as vu list(id) as li first(id) as f last(id) as l earliest(id) as e latest(id) as la by host",
            "host", "count", "s", "a", "lo", "hi", "u", "vu", "li", "f", "l", "e", "la");
        Assert.That(rows, Is.EqualTo(new[]
        {
            "host=h1 count=2 s=30 a=15 lo=10 hi=20 u=2 vu=alice|bob li=b|a f=b l=a e=a la=b",
            "host=h2 count=2 s=105 a=52.5 lo=5 hi=100 u=1 vu=alice li=d|c f=d l=c e=c la=d",
        }));
    }

    [Test]
    public void StdevIsTheSampleStandardDeviation()
    {
        var row = Run("| stats stdev(bytes) as sd var(bytes) as v stdevp(bytes) as sp median(bytes) as med perc50(bytes) as p50", Json(Events)).Rows.Single();
        // bytes 20, 10, 5, 100: mean 33.75, sum of squared deviations 5968.75: sample variance 5968.75/3, population 5968.75/4.
        Assert.That(row["v"].AsNumber(), Is.EqualTo(5968.75 / 3).Within(1e-9));
        Assert.That(row["sd"].AsNumber(), Is.EqualTo(Math.Sqrt(5968.75 / 3)).Within(1e-9));
        Assert.That(row["sp"].AsNumber(), Is.EqualTo(Math.Sqrt(5968.75 / 4)).Within(1e-9));
        // Even counts: which of Splunk's percentile methods applies is not settled here (see the report), so the
        // median is only checked on an odd count, where every method agrees.
        var odd = Run("id!=d | stats median(bytes) as med perc50(bytes) as p50", Json(Events)).Rows.Single();
        Assert.That(odd["med"].AsNumber(), Is.EqualTo(20));
        Assert.That(odd["p50"].AsNumber(), Is.EqualTo(20));
    }

    [Test]
    public void StatsSpanBinsTime() =>
        Assert.That(Table("| bin _time span=200s | stats count by _time", "_time", "count"), Is.EqualTo(new[] { "_time=0 count=1", "_time=200 count=2", "_time=400 count=1" }));

    /// <summary>A span with a time unit bins a copy of _time as time (the corpus's `eval gtime=_time | bin span=1h
    /// gtime`), as the KQL (bin) and ES|QL (DATE_TRUNC) translations do; a plain number bins any other field into
    /// "low-high" ranges (Splunk Search Reference, "bin": span-length).</summary>
    [TestCase("| eval g=_time | bin span=200s g | stats count by g", "g", new[] { "g=0 count=1", "g=200 count=2", "g=400 count=1" })]
    [TestCase("| eval g=_time | bin span=200 g | stats count by g", "g", new[] { "g=0-200 count=1", "g=200-400 count=2", "g=400-600 count=1" })]
    public void BinWithATimeUnitBinsAnyFieldAsTime(string search, string field, string[] rows) =>
        Assert.That(Table(search, field, "count"), Is.EqualTo(rows));

    [Test]
    public void EventstatsAddsGroupValuesToEveryRow() =>
        Assert.That(Table("| eventstats sum(bytes) as total by host", "id", "total"), Is.EqualTo(new[] { "id=d total=105", "id=c total=105", "id=b total=30", "id=a total=30" }));

    [Test]
    public void StreamstatsRunsInOrder() =>
        Assert.That(Table("| streamstats count as n by host", "id", "n"), Is.EqualTo(new[] { "id=d n=1", "id=c n=2", "id=b n=1", "id=a n=2" }));

    [Test]
    public void RenameWithWildcards() =>
        Assert.That(Table("Processes.process_name=* | rename Processes.* as *", "id", "process_name"), Is.EqualTo(new[] { "id=b process_name=cmd.exe", "id=a process_name=nslookup.exe" }));

    [Test]
    public void FieldsKeepsInternalFieldsAndRemoveDrops()
    {
        var kept = Run("| fields id", Json(Events)).Rows[0];
        Assert.That(kept.Fields, Is.EquivalentTo(new[] { "id", "_time", "_raw" }));
        var removed = Run("| fields - _raw user host bytes source sourcetype Processes.*", Json(Events)).Rows[0];
        Assert.That(removed.Fields, Is.EqualTo(new[] { "_time", "id" }));
    }

    [Test]
    public void DedupKeepsTheFirstPerKeyAndDropsMissing() =>
        Assert.That(Table("| dedup user", "id"), Is.EqualTo(new[] { "id=c", "id=a" }));

    [Test]
    public void SortNumericDescendingAndMissingLast()
    {
        Assert.That(Table("| sort - bytes", "id"), Is.EqualTo(new[] { "id=c", "id=b", "id=a", "id=d" }));
        Assert.That(Table("| sort user", "id"), Is.EqualTo(new[] { "id=c", "id=b", "id=a", "id=d" }));
        Assert.That(Table("| sort - user", "id"), Is.EqualTo(new[] { "id=a", "id=c", "id=b", "id=d" }));
    }

    [Test]
    public void HeadAndTail()
    {
        Assert.That(Table("| head 2", "id"), Is.EqualTo(new[] { "id=d", "id=c" }));
        Assert.That(Table("| tail 2", "id"), Is.EqualTo(new[] { "id=a", "id=b" }));
    }

    [Test]
    public void FillNull() =>
        Assert.That(Table("| fillnull value=NA user", "id", "user"), Is.EqualTo(new[] { "id=d user=NA", "id=c user=alice", "id=b user=alice", "id=a user=bob" }));

    [Test]
    public void RexNamedGroupsAndMaxMatch()
    {
        Assert.That(Table("| rex field=msg \"user=(?<who>\\w+) action=(?<act>\\w+)\"", "id", "who", "act"),
            Is.EqualTo(new[] { "id=d", "id=c who=carol act=login", "id=b", "id=a" }));
        Assert.That(Table("id=c | rex field=msg max_match=0 \"(?<k>\\w+)=\"", "k"), Is.EqualTo(new[] { "k=user|action|src" }));
        Assert.That(Table("id=c | rex field=msg mode=sed \"s/\\d+/N/g\"", "msg"), Is.EqualTo(new[] { "msg=user=carol action=login src=N.N.N.N" }));
    }

    [Test]
    public void RegexCommandFilters()
    {
        Assert.That(Table("| regex user=\"^al\"", "id"), Is.EqualTo(new[] { "id=c", "id=b" }));
        Assert.That(Table("| regex user!=\"^al\"", "id"), Is.EqualTo(new[] { "id=d", "id=a" }));
    }

    [Test]
    public void WhereWithEvalChain() =>
        Assert.That(Table("| eval kb=bytes/10 | where kb >= 2 AND isnotnull(user)", "id", "kb"), Is.EqualTo(new[] { "id=c kb=10", "id=b kb=2" }));

    [Test]
    public void TstatsOverPremappedFieldsSaysSo()
    {
        var result = Run("| tstats count from datamodel=Endpoint.Processes where Processes.process_name=nslookup.exe by Processes.process_name", Json(Events));
        Assert.That(Rows(result), Is.EqualTo(new[] { "Processes.process_name=nslookup.exe count=1" }));
        Assert.That(result.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "EVL0002" }));
        Assert.That(result.Ok, Is.True);
    }

    [Test]
    public void UnsupportedStageIsReportedAndPassesRowsThrough()
    {
        var result = Run("| anomalousvalue action=filter count | table id", Json(Events));
        Assert.That(result.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "EVL0001" }));
        Assert.That(result.Rows, Has.Length.EqualTo(4));
    }

    [Test]
    public void RowAndGroupLimitsAreDiagnostics()
    {
        var rows = Run("*", Json(Events), EvaluationOptions.Default with { MaxRows = 2 });
        Assert.That(rows.Rows, Has.Length.EqualTo(2));
        Assert.That(rows.Diagnostics.Select(d => d.Code), Does.Contain("EVL0003"));
        var groups = Run("| stats count by id", Json(Events), EvaluationOptions.Default with { MaxGroups = 3 });
        Assert.That(groups.Rows, Has.Length.EqualTo(3));
        Assert.That(groups.Diagnostics.Select(d => d.Code), Does.Contain("EVL0004"));
    }

    [Test]
    public void TimeBoundsAreRelativeToTheGivenNow()
    {
        var options = EvaluationOptions.Default with { Now = DateTimeOffset.FromUnixTimeSeconds(400) };
        var result = Run("earliest=-250s latest=now", Json(Events), options);
        Assert.That(Ids(result), Is.EqualTo(new[] { "b", "c" }));
    }
}
