using ExfilQuery.Elastic;
using ExfilQuery.Ir;
using ExfilQuery.Kql;
using NUnit.Framework;

namespace ExfilQuery.Tests.Evaluation;

/// <summary>The IR stages added for the evaluator (map, top/rare, transaction, iplocation, xmlkv) and tstats
/// fillnull_value: what lowering makes of them, with Splunk's defaults (Search Reference pages of each command), and
/// that every backend still reports them as not translated instead of failing.</summary>
public class LoweringMoreCommandsTests
{
    private static Stage LastStage(string search)
    {
        var lowered = Lowering.Lower(Spl.Parse(search));
        Assert.That(lowered.Ok, Is.True, string.Join("; ", lowered.Diagnostics));
        return lowered.Detection.Stages[^1];
    }

    [TestCase("| map search=\"search a=$b$\"", "MapStage Search=\"search a=$b$\" MaxSearches=10\n")]
    [TestCase("| map maxsearches=70 search=\"| tstats count\"", "MapStage Search=\"| tstats count\" MaxSearches=70\n")]
    [TestCase("| top user", "TopStage Rare=false Fields=[\"user\"] Limit=10 CountField=\"count\" PercentField=\"percent\" ShowCount=true ShowPercent=true UseOther=false OtherValue=\"OTHER\"\n")]
    [TestCase("| rare limit=3 a b by c showcount=f otherstr=X", "TopStage Rare=true Fields=[\"a\", \"b\"] By=[\"c\"] Limit=3 CountField=\"count\" PercentField=\"percent\" ShowCount=false ShowPercent=true UseOther=false OtherValue=\"X\"\n")]
    [TestCase("| iplocation prefix=auth_ dest", "IpLocationStage Field=\"dest\" Prefix=\"auth_\" AllFields=false\n")]
    [TestCase("| xmlkv", "XmlKvStage Field=\"_raw\" MaxInputs=50000\n")]
    [TestCase("| transaction host maxspan=30s", "TransactionStage Fields=[\"host\"] MaxSpan=\"30s\" MaxEvents=1000 KeepEvicted=false Connected=true UnifyEnds=false\n")]
    [TestCase("| transaction host user connected=f unifyends=t", "TransactionStage Fields=[\"host\", \"user\"] MaxEvents=1000 KeepEvicted=false Connected=false UnifyEnds=true\n")]
    [TestCase("| makemv delim=\",\" allowempty=t v", "MakeMultivalueStage Field=\"v\" Delimiter=\",\" AllowEmpty=true\n")]
    [TestCase("| makemv tokenizer=\"([^,]+)\" v", "MakeMultivalueStage Field=\"v\" Tokenizer=\"([^,]+)\" AllowEmpty=false\n")]
    [TestCase("| makemv setsv=t v", "UnsupportedStage Command=\"makemv\" Reason=\"the option 'setsv' is not modelled.\"\n")]
    [TestCase("| makemv delim=\",\" tokenizer=\"(\\w)\" v", "UnsupportedStage Command=\"makemv\" Reason=\"delim and tokenizer are alternatives; give one.\"\n")]
    [TestCase("| transaction host mvlist=t", "UnsupportedStage Command=\"transaction\" Reason=\"the option 'mvlist' is not modelled.\"\n")]
    [TestCase("| stats partitions=4 allnum=f count by a dedup_splitvals=t", "AggregateStage Mode=Group GroupBy=[\"a\"] Command=\"stats\"\n  Aggregations:\n    Aggregation Function=\"count\" OutputName=\"count\"\n")]
    [TestCase("| stats count by _time span=1h", "AggregateStage Mode=Group GroupBy=[\"_time\"] TimeSpan=\"1h\" Command=\"stats\"\n  Aggregations:\n    Aggregation Function=\"count\" OutputName=\"count\"\n")]
    [TestCase("| stats count by host span=1h", "UnsupportedStage Command=\"stats\" Reason=\"the option span=1h is not modelled (the evaluator computes allnum=false, delim=\\\" \\\" and groups by each distinct value of a multivalue by field).\"\n")]
    [TestCase("| eventstats count by _time span=1h", "UnsupportedStage Command=\"eventstats\" Reason=\"the option span=1h is not modelled (the evaluator computes allnum=false, delim=\\\" \\\" and groups by each distinct value of a multivalue by field).\"\n")]
    [TestCase("| stats allnum=t count by a", "UnsupportedStage Command=\"stats\" Reason=\"the option allnum=t is not modelled (the evaluator computes allnum=false, delim=\\\" \\\" and groups by each distinct value of a multivalue by field).\"\n")]
    [TestCase("| eventstats delim=\",\" values(x) as v by a", "UnsupportedStage Command=\"eventstats\" Reason=\"the option delim=, is not modelled (the evaluator computes allnum=false, delim=\\\" \\\" and groups by each distinct value of a multivalue by field).\"\n")]
    [TestCase("| stats count by a dedup_splitvals=f", "UnsupportedStage Command=\"stats\" Reason=\"the option dedup_splitvals=f is not modelled (the evaluator computes allnum=false, delim=\\\" \\\" and groups by each distinct value of a multivalue by field).\"\n")]
    [TestCase("| table a b a", "ProjectStage Fields=[\"a\", \"b\"] Mode=Table\n")]
    [TestCase("| fields - a a", "ProjectStage Fields=[\"a\"] Mode=Remove\n")]
    public void LowersWithSplunksDefaults(string search, string ir) =>
        Assert.That(IrPrinter.Print(LastStage(search)), Is.EqualTo(ir));

    /// <summary>Only count (or c) counts rows; Splunk rejects any other stats function without a field or eval
    /// expression, and so does the lowering (SPL0301), for stats, tstats, chart and timechart alike. Found by the
    /// pipeline robustness test: the KQL backend threw on <c>stats count min</c>.</summary>
    [TestCase("| stats count min", true)]
    [TestCase("| tstats dc from datamodel=Endpoint.Processes", true)]
    [TestCase("| timechart span=1h avg", true)]
    [TestCase("| stats count c count(x) min(x) by a a", false)]
    public void AggregationsOtherThanCountNeedAField(string search, bool rejected)
    {
        var lowered = Lowering.Lower(Spl.Parse(search));
        Assert.That(lowered.Diagnostics.Any(d => d.Code == "SPL0301" && d.Message.Contains("needs a field", StringComparison.Ordinal)), Is.EqualTo(rejected), string.Join("; ", lowered.Diagnostics));
    }

    [Test]
    public void TransactionFiltersBecomePredicates()
    {
        var t = (TransactionStage)LastStage("| transaction user startswith=\"login\" endswith=(action=logout)");
        Assert.That(t.StartsWith, Is.TypeOf<RawTermPredicate>());
        Assert.That(t.EndsWith, Is.TypeOf<FieldMatchPredicate>());
    }

    [Test]
    public void TstatsFillnullValueIsKeptOnTheAggregation()
    {
        var lowered = Lowering.Lower(Spl.Parse("| tstats summariesonly=false fillnull_value=null count from datamodel=Endpoint.Processes by Processes.user"));
        Assert.That(lowered.Detection.Stages.OfType<AggregateStage>().Single().FillNullValue, Is.EqualTo("null"));
        var plain = Lowering.Lower(Spl.Parse("| stats count by user"));
        Assert.That(plain.Detection.Stages.OfType<AggregateStage>().Single().FillNullValue, Is.Null);
    }

    [TestCase("index=x | map search=\"search a=$b$\"")]
    [TestCase("index=x | top user")]
    [TestCase("index=x | transaction host")]
    [TestCase("index=x | iplocation allfields=true src", Description = "KQL translates iplocation without allfields (KqlSemanticsTests)")]
    [TestCase("index=x | xmlkv")]
    public void BackendsReportTheNewStagesAsNotTranslated(string search)
    {
        var kql = KqlBackend.Translate(search);
        Assert.That(kql.Query, Is.Null);
        Assert.That(kql.Diagnostics.Any(d => d.Code == "KQL0001"), Is.True, string.Join("; ", kql.Diagnostics));
        foreach (var elastic in new[] { EsqlBackend.Translate(search), EqlBackend.Translate(search) })
        {
            Assert.That(elastic.Query, Is.Null);
            Assert.That(elastic.Diagnostics.Any(d => d.IsError), Is.True, string.Join("; ", elastic.Diagnostics));
        }
    }
}
