using ExfilQuery.Elastic;
using ExfilQuery.Evaluation;
using ExfilQuery.Ir;
using ExfilQuery.Kql;
using ExfilQuery.Tests.Kql;
using NUnit.Framework;
using static ExfilQuery.Tests.Evaluation.EvalTestSupport;

namespace ExfilQuery.Tests.Evaluation;

/// <summary>chart and timechart: lowering to <see cref="ChartStage"/>, the evaluator's rows, and the backends.
///
/// Splunk Search Reference (help.splunk.com/splunk-enterprise/spl-search-reference/10.0/search-commands/timechart and
/// .../chart):
/// timechart: "_time" is the x-axis; "cont: If set to true, the Search application fills in the time gaps. Default:
/// true"; "fixedrange: Specifies whether or not to enforce the earliest and latest times of the search. Default: true";
/// "limit=(top | bottom)&lt;int&gt; ... Setting limit=N or limit=topN keeps the N highest scoring distinct values of the
/// split-by field. Setting limit=bottomN keeps the lowest scoring ... All other values are grouped into 'OTHER', as long
/// as useother is not set to false ... If a single aggregation is specified, the score is based on the sum of the values
/// in the aggregation for that split-by value ... If multiple aggregations are specified, the score is based on the
/// frequency of each value ... Ties in scoring are broken lexicographically ... Default: top10"; "usenull: Controls
/// whether or not a series is created for events that do not contain the split-by field ... nullstr Default: NULL";
/// "otherstr Default: OTHER"; "sep: This is equivalent to setting format to $AGG$&lt;sep&gt;$VAL$"; "format ... ($AGG$)
/// and the value of the split-by-field ($VAL$)"; "dedup_splitvals: Specifies whether to remove duplicate values in
/// multivalued &lt;split-by-clause&gt; fields. Default: false"; "partial: Controls if partial time bins should be
/// retained or not. Only the first and last bin can be partial"; Usage, "bins and span arguments": without either
/// bins=100 is used, and "Default time spans" depend on the search's time range; Usage, "Prepending VALUE to the names
/// of some fields that begin with underscore"; where clause: "the default is the same as specifying where sum in
/// top10". Its example 3 (timechart count BY mag) shows 0 in the cells of a series without events in a bucket.
/// chart: "[ BY &lt;row-split&gt; &lt;column-split&gt; ] | [ OVER &lt;row-split&gt; ] [BY &lt;column-split&gt;]"; the
/// row-split "becomes the first column in the results table"; "cont: ... If cont=true, bins that have no values will
/// display with a count of 0 or null values"; limit "based on the sum of each series"; its extended examples 5 and 6
/// show 0 for dc and count in empty cells and rows sorted by the row field (3.5, 3.6, ..., 4, 4.1, ..., 5).</summary>
public class ChartTests
{
    // _time 0..260 s: buckets of 1m at 0 (two events), 60, 180, 240 (two); 120 has no event.
    private static readonly string[] Events =
    [
        """{"_time":0,"host":"a","user":"u1","bytes":"10","idx":"_audit","tags":["x","x","y"]}""",
        """{"_time":30,"host":"a","user":"u2","bytes":"20"}""",
        """{"_time":70,"host":"b","user":"u1","bytes":"5","idx":"_internal","tags":["y"]}""",
        """{"_time":200,"host":"b","bytes":"1"}""",
        """{"_time":250,"host":"c","user":"u3","bytes":"7"}""",
        """{"_time":260,"user":"u1","bytes":"3"}""",
    ];

    private static EvaluationResult Eval(string search) => Run(search, Json(Events));

    private static List<string> Rows(string search) => Eval(search).Rows.Select(r => r.ToString()).ToList();

    // ------------------------------------------------------------------ lowering

    [TestCase("| timechart span=1h count by host where max in top5", "  Where: ChartFilter Function=\"max\" Comparison=\"in\" Bottom=false Value=5")]
    [TestCase("| chart count over a by b WHERE count>100", "  Where: ChartFilter Function=\"count\" Comparison=\">\" Bottom=false Value=100")]
    [TestCase("| timechart span=1h count by host usenull=f where min notin bottom3 useother=f", "  Where: ChartFilter Function=\"min\" Comparison=\"notin\" Bottom=true Value=3")]
    public void LowersTheWhereClause(string search, string line)
    {
        var lowered = Lowering.Lower(Spl.Parse(search));
        Assert.That(lowered.Ok, Is.True, string.Join("; ", lowered.Diagnostics));
        Assert.That(IrPrinter.Print(lowered.Detection.Stages[^1]).Split('\n'), Does.Contain(line));
    }

    // The where clause is printed after the options, where it reads back the same; options written before the by
    // fields stay before them (after timechart's split-by field span= bins that field). SyntaxPrinter round trips, and
    // the canonical text lowers to the same IR.
    [TestCase("x | timechart span=1h count by host where max in top5 useother=f", "x | timechart span=1h count BY host useother=f WHERE max in top5")]
    [TestCase("x | chart count over a by b WHERE count>100", "x | chart count OVER a BY b WHERE count > 100")]
    [TestCase("x | timechart count span=1h by host limit=3", "x | timechart count span=1h BY host limit=3")]
    [TestCase("x | timechart count by host span=1h", "x | timechart count BY host span=1h")]
    [TestCase("x | chart count limit=3 over a by b", "x | chart count limit=3 OVER a BY b")]
    public void PrintsInPlace(string search, string canonical)
    {
        var printed = Syntax.SyntaxPrinter.Print(Spl.Parse(search).Pipeline);
        Assert.That(printed, Is.EqualTo(canonical));
        Assert.That(Syntax.SyntaxPrinter.Print(Spl.Parse(printed).Pipeline), Is.EqualTo(canonical));
        Assert.That(IrPrinter.Print(Lowering.Lower(Spl.Parse(printed)).Detection), Is.EqualTo(IrPrinter.Print(Lowering.Lower(Spl.Parse(search)).Detection)));
    }

    [TestCase("| timechart span=5m count", "ChartStage Command=\"timechart\" RowField=\"_time\" BinSpan=\"5m\" Limit=10 Bottom=false UseOther=true OtherString=\"OTHER\" UseNull=true NullString=\"NULL\" DedupSplitValues=false Continuous=true FixedRange=true")]
    [TestCase("| timechart limit=0 span=5m count", "ChartStage Command=\"timechart\" RowField=\"_time\" BinSpan=\"5m\" Limit=0 Bottom=false UseOther=true OtherString=\"OTHER\" UseNull=true NullString=\"NULL\" DedupSplitValues=false Continuous=true FixedRange=true")]
    [TestCase("| timechart span=1h cont=f count by host limit=bottom3 useother=f usenull=false otherstr=O nullstr=N dedup_splitvals=t fixedrange=f", "ChartStage Command=\"timechart\" RowField=\"_time\" BinSpan=\"1h\" SplitField=\"host\" Limit=3 Bottom=true UseOther=false OtherString=\"O\" UseNull=false NullString=\"N\" DedupSplitValues=true Continuous=false FixedRange=false")]
    [TestCase("| timechart span=1h sep=\"-\" count max(x) by host limit=top2", "ChartStage Command=\"timechart\" RowField=\"_time\" BinSpan=\"1h\" SplitField=\"host\" Limit=2 Bottom=false UseOther=true OtherString=\"OTHER\" UseNull=true NullString=\"NULL\" Format=\"$AGG$-$VAL$\" DedupSplitValues=false Continuous=true FixedRange=true")]
    [TestCase("| timechart span=1h sep=\"-\" format=\"$VAL$=$AGG$\" count max(x) by host", "ChartStage Command=\"timechart\" RowField=\"_time\" BinSpan=\"1h\" SplitField=\"host\" Limit=10 Bottom=false UseOther=true OtherString=\"OTHER\" UseNull=true NullString=\"NULL\" Format=\"$VAL$=$AGG$\" DedupSplitValues=false Continuous=true FixedRange=true")]
    [TestCase("| chart count over a by b", "ChartStage Command=\"chart\" RowField=\"a\" SplitField=\"b\" Limit=10 Bottom=false UseOther=true OtherString=\"OTHER\" UseNull=true NullString=\"NULL\" DedupSplitValues=false Continuous=true FixedRange=true")]
    [TestCase("| chart count by a b", "ChartStage Command=\"chart\" RowField=\"a\" SplitField=\"b\" Limit=10 Bottom=false UseOther=true OtherString=\"OTHER\" UseNull=true NullString=\"NULL\" DedupSplitValues=false Continuous=true FixedRange=true")]
    [TestCase("| chart avg(x) AS m by a", "ChartStage Command=\"chart\" RowField=\"a\" Limit=10 Bottom=false UseOther=true OtherString=\"OTHER\" UseNull=true NullString=\"NULL\" DedupSplitValues=false Continuous=true FixedRange=true")]
    [TestCase("| chart count", "ChartStage Command=\"chart\" Limit=10 Bottom=false UseOther=true OtherString=\"OTHER\" UseNull=true NullString=\"NULL\" DedupSplitValues=false Continuous=true FixedRange=true")]
    public void LowersWithSplunksDefaults(string search, string header)
    {
        var lowered = Lowering.Lower(Spl.Parse(search));
        Assert.That(lowered.Ok, Is.True, string.Join("; ", lowered.Diagnostics));
        var ir = IrPrinter.Print(lowered.Detection.Stages[^1]);
        Assert.That(ir.Split('\n')[0], Is.EqualTo(header));
        Assert.That(ir, Does.Contain("Aggregations:\n    Aggregation Function="), "the aggregations are printed as children");
    }

    [TestCase("| timechart span=1h count by host where max(bytes) in top5", "where max(bytes): the reference does not say what an aggregation of a field scores")]
    [TestCase("| timechart span=1h count avg(x) by host where sum in top5", "where sum with several aggregations")]
    [TestCase("| timechart count", "without span= timechart takes its bucket size from the search's time range")]
    [TestCase("| timechart bins=50 span=1h count", "the option 'bins' is not modelled")]
    [TestCase("| timechart span=1h minspan=5m count", "the option 'minspan' is not modelled")]
    [TestCase("| timechart span=1h aligntime=@d count", "the option 'aligntime' is not modelled")]
    [TestCase("| timechart span=1h agg=max count by host", "the option 'agg' is not modelled")]
    [TestCase("| timechart span=1h partial=f count", "partial=false drops the first and last buckets")]
    [TestCase("| chart span=10 count over a by b", "the option 'span' is not modelled (chart's span bins the row-split field)")]
    [TestCase("| chart bins=10 count over a by b", "the option 'bins' is not modelled")]
    [TestCase("earliest=-24h | timechart span=1h count", "fixedrange=true (the default) and cont=true")]
    [TestCase("| timechart count by host span=1h", "'span' after the split-by field bins 'host', not _time")]
    public void RefusesWhatTheIrDoesNotModel(string search, string reason)
    {
        var lowered = Lowering.Lower(Spl.Parse(search));
        var stage = lowered.Detection.Stages[^1];
        Assert.That(stage, Is.TypeOf<UnsupportedStage>());
        Assert.That(((UnsupportedStage)stage).Reason, Does.Contain(reason));
        Assert.That(Run(search, Json(Events)).Diagnostics.Select(d => d.Code), Does.Contain("EVL0001"));
    }

    [Test]
    public void TimeBoundsWithoutFixedRangeOrContAreModelled()
    {
        Assert.That(Lowering.Lower(Spl.Parse("earliest=-24h | timechart span=1h fixedrange=f count")).Detection.Stages[^1], Is.TypeOf<ChartStage>());
        Assert.That(Lowering.Lower(Spl.Parse("earliest=-24h | timechart span=1h cont=f count")).Detection.Stages[^1], Is.TypeOf<ChartStage>());
    }

    [TestCase("| timechart span=1h count by a b", "timechart takes one split-by field")]
    [TestCase("| chart count by a b c", "chart takes one row-split and one column-split field")]
    [TestCase("| chart limit=ten count by a b", "limit= must be N, topN or bottomN")]
    [TestCase("| chart count by a b useother=maybe", "take true or false")]
    [TestCase("| chart count by a where max in top5", "a where clause picks series of a split-by field, and there is none.")]
    [TestCase("| chart count by a b where max in 5", "the where clause must be")]
    [TestCase("| chart count by a b where max > ten", "the where clause must be")]
    [TestCase("| stats count by a where max in top5", "a where clause after the by fields belongs to chart and timechart.")]
    public void RejectsInvalidArguments(string search, string message)
    {
        var lowered = Lowering.Lower(Spl.Parse(search));
        Assert.That(lowered.Diagnostics.Single(d => d.Code == "SPL0301").Message, Does.Contain(message));
    }

    // ------------------------------------------------------------------ evaluator: exact rows

    // Cells of a series without events are count 0 (timechart example 3, chart examples 5 and 6); other functions are
    // null ("a count of 0 or null values"), so the cell is absent from the row. Rows are _time buckets ascending,
    // empty ones between the first and the last added (cont=true).
    [TestCase("| timechart span=1m count",
        "_time=0 count=2", "_time=60 count=1", "_time=120 count=0", "_time=180 count=1", "_time=240 count=2")]
    [TestCase("| timechart span=1m cont=f count",
        "_time=0 count=2", "_time=60 count=1", "_time=180 count=1", "_time=240 count=2")]
    [TestCase("| timechart span=1m count AS n dc(user) avg(bytes)",
        "_time=0 n=2 dc(user)=2 avg(bytes)=15", "_time=60 n=1 dc(user)=1 avg(bytes)=5", "_time=120 n=0 dc(user)=0",
        "_time=180 n=1 dc(user)=0 avg(bytes)=1", "_time=240 n=2 dc(user)=2 avg(bytes)=5")]
    // One column per split value in lexicographic order, then NULL (events without host).
    [TestCase("| timechart span=1m count by host",
        "_time=0 a=2 b=0 c=0 NULL=0", "_time=60 a=0 b=1 c=0 NULL=0", "_time=120 a=0 b=0 c=0 NULL=0",
        "_time=180 a=0 b=1 c=0 NULL=0", "_time=240 a=0 b=0 c=1 NULL=1")]
    [TestCase("| timechart span=1m avg(bytes) by host",
        "_time=0 a=15", "_time=60 b=5", "_time=120", "_time=180 b=1", "_time=240 c=7 NULL=3")]
    [TestCase("| timechart span=1m count by host usenull=f",
        "_time=0 a=2 b=0 c=0", "_time=60 a=0 b=1 c=0", "_time=120 a=0 b=0 c=0", "_time=180 a=0 b=1 c=0", "_time=240 a=0 b=0 c=1")]
    // limit=1: a and b both score 2 (the sum of their counts), the tie goes to a (lexicographic); b and c merge into OTHER.
    [TestCase("| timechart span=1m count by host limit=1 usenull=f",
        "_time=0 a=2 OTHER=0", "_time=60 a=0 OTHER=1", "_time=120 a=0 OTHER=0", "_time=180 a=0 OTHER=1", "_time=240 a=0 OTHER=1")]
    [TestCase("| timechart span=1m count by host limit=1 usenull=f useother=f",
        "_time=0 a=2", "_time=60 a=0", "_time=120 a=0", "_time=180 a=0", "_time=240 a=0")]
    [TestCase("| timechart span=1m count by host limit=top1 usenull=f otherstr=rest",
        "_time=0 a=2 rest=0", "_time=60 a=0 rest=1", "_time=120 a=0 rest=0", "_time=180 a=0 rest=1", "_time=240 a=0 rest=1")]
    // bottom1: c scores 1, the lowest.
    [TestCase("| timechart span=1m count by host limit=bottom1 usenull=f",
        "_time=0 c=0 OTHER=2", "_time=60 c=0 OTHER=1", "_time=120 c=0 OTHER=0", "_time=180 c=0 OTHER=1", "_time=240 c=1 OTHER=0")]
    // sum(bytes) scores a=30, c=7, b=6: limit=2 keeps a and c; OTHER is b's sum.
    [TestCase("| timechart span=1m sum(bytes) by host limit=2 usenull=f",
        "_time=0 a=30", "_time=60 OTHER=5", "_time=120", "_time=180 OTHER=1", "_time=240 c=7")]
    [TestCase("| timechart span=1m count by host usenull=t nullstr=none",
        "_time=0 a=2 b=0 c=0 none=0", "_time=60 a=0 b=1 c=0 none=0", "_time=120 a=0 b=0 c=0 none=0",
        "_time=180 a=0 b=1 c=0 none=0", "_time=240 a=0 b=0 c=1 none=1")]
    // Several aggregations: format/sep name the columns; rows come from every aggregated event (usenull=f drops the
    // event without host from every series).
    [TestCase("| timechart span=1m sep=\"-\" count max(bytes) by host usenull=f cont=f",
        "_time=0 count-a=2 count-b=0 count-c=0 max(bytes)-a=20", "_time=60 count-a=0 count-b=1 count-c=0 max(bytes)-b=5",
        "_time=180 count-a=0 count-b=1 count-c=0 max(bytes)-b=1", "_time=240 count-a=0 count-b=0 count-c=1 max(bytes)-c=7")]
    [TestCase("| timechart span=1m format=\"$VAL$/$AGG$\" count max(bytes) AS top by host usenull=f cont=f limit=1",
        "_time=0 a/count=2 OTHER/count=0 a/top=20", "_time=60 a/count=0 OTHER/count=1 OTHER/top=5",
        "_time=180 a/count=0 OTHER/count=1 OTHER/top=1", "_time=240 a/count=0 OTHER/count=1 OTHER/top=7")]
    // where clause (limit ignored): max of the series' counts a=2, b=1, c=1; count: events a=2, b=2, c=1; sum(bytes)
    // a=30, b=6, c=7; chart: min over the cells with events a=1, b=1, c=1 (a tie, broken lexicographically).
    [TestCase("| timechart span=1m count by host where max in top1 usenull=f limit=0",
        "_time=0 a=2 OTHER=0", "_time=60 a=0 OTHER=1", "_time=120 a=0 OTHER=0", "_time=180 a=0 OTHER=1", "_time=240 a=0 OTHER=1")]
    [TestCase("| timechart span=1m count by host usenull=f where count > 1",
        "_time=0 a=2 b=0 OTHER=0", "_time=60 a=0 b=1 OTHER=0", "_time=120 a=0 b=0 OTHER=0", "_time=180 a=0 b=1 OTHER=0", "_time=240 a=0 b=0 OTHER=1")]
    [TestCase("| timechart span=1m count by host usenull=f where count < 2 useother=f",
        "_time=0 c=0", "_time=60 c=0", "_time=120 c=0", "_time=180 c=0", "_time=240 c=1")]
    [TestCase("| timechart span=1m sum(bytes) by host usenull=f where sum notin bottom1",
        "_time=0 a=30", "_time=60 OTHER=5", "_time=120", "_time=180 OTHER=1", "_time=240 c=7")]
    [TestCase("| chart count over user by host usenull=f where min in bottom1",
        "user=u1 a=1 OTHER=1", "user=u2 a=1 OTHER=0", "user=u3 a=0 OTHER=1")]
    // timechart Usage: split values starting with "_" become VALUE_... columns.
    [TestCase("| timechart span=1m count by idx usenull=f", "_time=0 VALUE_audit=1 VALUE_internal=0", "_time=60 VALUE_audit=0 VALUE_internal=1")]
    // chart: rows per row-split value sorted as stats sorts (numbers numerically), rows missing it dropped.
    [TestCase("| chart count over host by user",
        "host=a u1=1 u2=1 u3=0 NULL=0", "host=b u1=1 u2=0 u3=0 NULL=1", "host=c u1=0 u2=0 u3=1 NULL=0")]
    [TestCase("| chart count by host user",
        "host=a u1=1 u2=1 u3=0 NULL=0", "host=b u1=1 u2=0 u3=0 NULL=1", "host=c u1=0 u2=0 u3=1 NULL=0")]
    [TestCase("| chart sum(bytes) over user", "user=u1 sum(bytes)=18", "user=u2 sum(bytes)=20", "user=u3 sum(bytes)=7")]
    [TestCase("| chart max(bytes) AS m by host", "host=a m=20", "host=b m=5", "host=c m=7")]
    [TestCase("| chart count by bytes", "bytes=1 count=1", "bytes=3 count=1", "bytes=5 count=1", "bytes=7 count=1", "bytes=10 count=1", "bytes=20 count=1")]
    [TestCase("| chart count", "count=6")]
    [TestCase("host=nothing | chart count", "count=0")]
    [TestCase("host=nothing | timechart span=1m count")]
    [TestCase("host=nothing | chart count by host")]
    // A multivalue split field: each value is a series; duplicates count twice unless dedup_splitvals=true.
    [TestCase("| chart count over host by tags{} usenull=f", "host=a x=2 y=1", "host=b x=0 y=1")]
    [TestCase("| chart count over host by tags{} usenull=f dedup_splitvals=t", "host=a x=1 y=1", "host=b x=0 y=1")]
    public void EvaluatesRows(string search, params string[] rows) =>
        Assert.That(Rows(search), Is.EqualTo(rows));

    [TestCase("| timechart span=1m count by host", new string[0])]
    [TestCase("| timechart span=1m count by host limit=1", new[] { "EVL0021" })]
    [TestCase("| timechart span=1m avg(bytes) by host limit=1 usenull=f", new[] { "EVL0021" })]
    [TestCase("| timechart span=1m count by host limit=1 usenull=f", new string[0])]
    [TestCase("| timechart span=1m values(user) by host limit=1 usenull=f", new[] { "EVL0021", "EVL0021" })]
    [TestCase("| timechart span=1m count max(bytes) by host", new[] { "EVL0020" })]
    [TestCase("| timechart span=1m sep=\"-\" count by host", new[] { "EVL0020" })]
    [TestCase("| chart count over host by idx usenull=f", new[] { "EVL0020" })]
    [TestCase("| timechart span=1m count by host where min in bottom1", new[] { "EVL0021", "EVL0021" })]
    [TestCase("| chart count max(bytes) over user by host usenull=f limit=1 sep=-", new[] { "EVL0021" })]
    [TestCase("| timechart span=1m count max(bytes) by host usenull=f limit=1 sep=-", new string[0])]
    [TestCase("| timechart span=1m count by host where max in bottom1 usenull=f", new string[0])]
    [TestCase("| timechart span=1m count by host where nosuch in bottom1", new[] { "EVL0006" })]
    [TestCase("| timechart span=1mon count", new[] { "EVL0001" })]
    [TestCase("| timechart span=1m per_hour(bytes)", new[] { "EVL0006" })]
    public void SaysWhereTheReferenceIsSilent(string search, string[] codes) =>
        Assert.That(Eval(search).Diagnostics.Select(d => d.Code), Is.EqualTo(codes), string.Join("\n", Eval(search).Diagnostics));

    [Test]
    public void DefaultNamesWithSeveralAggregationsAreAggregationColonValue()
    {
        var row = Eval("| timechart span=1m cont=f count max(bytes) by host usenull=f").Rows[0];
        Assert.That(row.Fields, Is.EqualTo(new[] { "_time", "count: a", "count: b", "count: c", "max(bytes): a" }));
    }

    [Test]
    public void LimitsAreDiagnosticsNotCrashes()
    {
        var groups = Run("| chart count over bytes by user", Json(Events), EvaluationOptions.Default with { MaxGroups = 3 });
        Assert.That(groups.Diagnostics.Select(d => d.Code), Does.Contain("EVL0004"));
        Assert.That(groups.Rows.Length, Is.EqualTo(3));
        // One event a year after the others: cont=true would fill 525,600 one-minute buckets.
        var far = Json([.. Events, """{"_time":31536000,"host":"a"}"""]);
        var rows = Run("| timechart span=1m count", far, EvaluationOptions.Default with { MaxRows = 1000 });
        Assert.That(rows.Diagnostics.Select(d => d.Code), Does.Contain("EVL0003"));
        Assert.That(rows.Rows.Length, Is.EqualTo(1000));
        // Rows × columns: with the split by host every filled bucket writes _time and one cell per series, so the
        // cell cap (not the row cap) ends the pivot, and says so.
        var cells = Run("| timechart span=1m count by host", far, EvaluationOptions.Default with { MaxChartCells = 1000 });
        var columns = cells.Rows[0].Fields.Count();
        Assert.That(cells.Diagnostics.Select(d => d.Message), Has.Some.Contains("MaxChartCells"));
        Assert.That(cells.Rows.Length, Is.EqualTo(1000 / columns));
    }

    /// <summary>20,000 split values (scored once each, not once per cell): all tie at count 1, so the lexicographically
    /// first five are kept and the rest merge into OTHER.</summary>
    [Test]
    public void ManySeries()
    {
        var events = Enumerable.Range(0, 20000).Select(i => new Event { Host = "h" + (i % 2), ["user"] = FieldValue.String("u" + i.ToString("00000", System.Globalization.CultureInfo.InvariantCulture)) }).ToList();
        var rows = Run("| chart count over host by user limit=5", events).Rows.Select(r => r.ToString()).ToList();
        Assert.That(rows, Is.EqualTo(new[]
        {
            "host=h0 u00000=1 u00001=0 u00002=1 u00003=0 u00004=1 OTHER=9997",
            "host=h1 u00000=0 u00001=1 u00002=0 u00003=1 u00004=0 OTHER=9998",
        }));
    }

    // ------------------------------------------------------------------ evaluator: real event logs

    /// <summary>Over the bundled Sysmon and Security logs: timechart cont=false without a split field gives the rows of
    /// the stats it equals (bin _time, then stats by _time), and cont=true adds exactly the empty buckets between.</summary>
    [TestCase("sysmon_nslookup_excessive.xml.log", "1m", "count dc(host) AS hosts max(EventCode) AS code")]
    [TestCase("attack_data_T1134.005_security_sample.xml.log", "1s", "count values(EventCode) AS codes")]
    [TestCase("attack_data_T1202_sysmon_sample.xml.log", "10s", "count dc(EventCode) AS codes")]
    public void TimechartWithoutSplitIsStatsOverRealLogs(string file, string span, string aggregations)
    {
        var events = EventReaders.ReadFile(TestData.Repo("fixtures", "events", file)).Events.ToList();
        var stats = Run($"| bin _time span={span} | stats {aggregations} by _time", events);
        var chart = Run($"| timechart span={span} cont=f {aggregations}", events);
        Assert.That(chart.Rows.Select(r => r.ToString()), Is.EqualTo(stats.Rows.Select(r => r.ToString())));
        Assert.That(chart.Rows, Is.Not.Empty);

        var filled = Run($"| timechart span={span} {aggregations}", events);
        var seconds = SpanSeconds(span);
        var times = filled.Rows.Select(r => r["_time"].AsNumber()!.Value).ToList();
        Assert.That(times, Is.EqualTo(Enumerable.Range(0, times.Count).Select(i => times[0] + i * seconds)), "every bucket from the first to the last");
        var added = filled.Rows.Where(r => stats.Rows.All(x => x["_time"].AsNumber() != r["_time"].AsNumber())).ToList();
        Assert.That(filled.Rows.Length, Is.EqualTo(stats.Rows.Length + added.Count));
        foreach (var row in added)
            Assert.That(row.Fields.Skip(1).Select(f => row[f].AsString()), Is.All.EqualTo("0"), "an added bucket holds count 0, dc 0 and no other value: " + row);
    }

    private static double SpanSeconds(string span) => span switch { "1m" => 60, "1s" => 1, _ => 10 };

    /// <summary>chart count over a by b is the pivot of stats count by a b: each cell is the stats count, 0 where stats
    /// has no row (real Sysmon log: rows per host, columns per EventCode).</summary>
    [Test]
    public void ChartIsThePivotOfStatsOverARealLog()
    {
        var events = EventReaders.ReadFile(TestData.Repo("fixtures", "events", "sysmon_nslookup_excessive.xml.log")).Events.ToList();
        var stats = Run("| stats count by host EventCode", events).Rows;
        var chart = Run("| chart count over host by EventCode limit=0", events).Rows;
        Assert.That(chart.Select(r => r["host"].AsString()), Is.EqualTo(stats.Select(r => r["host"].AsString()).Distinct()));
        var codes = stats.Select(r => r["EventCode"].AsString()!).Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (var row in chart)
        {
            Assert.That(row.Fields.Skip(1), Is.EqualTo(codes));
            foreach (var code in codes)
            {
                var expected = stats.FirstOrDefault(s => s["host"].AsString() == row["host"].AsString() && s["EventCode"].AsString() == code)?["count"].AsString() ?? "0";
                Assert.That(row[code].AsString(), Is.EqualTo(expected), $"{row["host"].AsString()} / {code}");
            }
        }
    }

    /// <summary>The corpus' two uses (appendpipe [| timechart limit=0 span=5m count | table _time]) are evaluated: the
    /// timechart stage reports nothing (EVL0001 remains only for other commands of those searches).</summary>
    [Test]
    public void CorpusTimechartsAreEvaluated()
    {
        var corpus = TestData.Shared("corpus", "splunk", "detections.public.jsonl");
        var found = 0;
        foreach (var c in TestData.ReadJsonLines(corpus).Where(c => c.Search.Contains("timechart", StringComparison.Ordinal)))
        {
            var parse = Spl.Parse(c.Search, TestData.WithSplunkMacros);
            var detection = Lowering.Lower(parse).Detection;
            var append = detection.Stages.OfType<AppendStage>().Single(a => a.Subsearch.Stages.Any(s => s is ChartStage));
            var chart = append.Subsearch.Stages.OfType<ChartStage>().Single();
            Assert.That((chart.Command, chart.BinSpan, chart.Limit, chart.Continuous), Is.EqualTo(("timechart", "5m", 0, true)));
            var result = DetectionEvaluator.Evaluate(detection, [], EvaluationOptions.Default with { Macros = TestData.SplunkMacros });
            Assert.That(result.Diagnostics.Where(d => d.Span.Start >= chart.Span.Start && d.Span.Start < chart.Span.End), Is.Empty, c.Id);
            found++;
        }
        Assert.That(found, Is.EqualTo(2));
    }

    /// <summary>The appendpipe of the corpus over rows: the tstats rows (2-minute buckets) get one _time row per 5-minute
    /// bucket from the first to the last appended.</summary>
    [Test]
    public void AppendpipeTimechartFillsBuckets()
    {
        var rows = Run("| appendpipe [| timechart limit=0 span=5m count | table _time] | table _time count", Json(
            """{"_time":0,"count":"3"}""", """{"_time":120,"count":"1"}""", """{"_time":960,"count":"2"}""")).Rows.Select(r => r.ToString()).ToList();
        Assert.That(rows, Is.EqualTo(new[] { "_time=960 count=2", "_time=120 count=1", "_time=0 count=3", "_time=0", "_time=300", "_time=600", "_time=900" }));
    }

    // ------------------------------------------------------------------ streaming

    [TestCase("| timechart span=1m count by host")]
    [TestCase("host=a OR host=b | eval k=user | chart count over k by host")]
    public void CompiledRunsGiveEvaluatesRows(string search)
    {
        var expected = Eval(search).Rows.Select(r => r.ToString()).ToList();
        var compiled = CompiledDetection.Compile(search);
        Assert.That(compiled.Plan, Does.Not.Contain("materialise"), "a chart after row-wise stages streams its input");
        Assert.That(compiled.Run(Json(Events)).Rows.Select(r => r.ToString()), Is.EqualTo(expected));
    }

    // ------------------------------------------------------------------ backends

    // Without a split field chart and timechart are the stats they equal; cont=true is partial (empty buckets missing).
    [TestCase("index=x | chart dc(user) by host", TranslationStatus.Full,
        "Events\n| where index =~ \"x\"\n| where isnotempty(host)\n| summarize ['dc(user)'] = count_distinctif(user, isnotempty(user)) by host")]
    [TestCase("index=x | timechart span=5m cont=f count", TranslationStatus.Full,
        "Events\n| where index =~ \"x\"\n| where isnotnull(_time)\n| summarize ['count'] = count() by _time = bin(_time, 5m)")]
    [TestCase("index=x | timechart span=5m count", TranslationStatus.Partial,
        "Events\n| where index =~ \"x\"\n| where isnotnull(_time)\n| summarize ['count'] = count() by _time = bin(_time, 5m)")]
    [TestCase("index=x | chart count over host by user", TranslationStatus.Failed, null)]
    [TestCase("index=x | timechart span=5m count by host", TranslationStatus.Failed, null)]
    public void Kql(string spl, TranslationStatus status, string? query) =>
        KqlCombiningTests.AssertTranslation(spl, status, query);

    [TestCase("index=x | timechart span=5m count", "KQL0006", "ESQ0004", "EQL0001")]
    [TestCase("index=x | timechart span=5m cont=f count", null, null, "EQL0001")]
    [TestCase("index=x | chart count over host by user", "KQL0005", "ESQ0003", "EQL0006")]
    [TestCase("index=x | chart count by host", null, null, "EQL0002")]
    [TestCase("index=x | timechart count", "KQL0001", "ESQ0001", "EQL0001")]
    public void EveryBackendSaysWhatDiffers(string spl, string? kql, string? esql, string? eql)
    {
        Assert.That(KqlBackend.Translate(spl).Diagnostics.Select(d => d.Code), Is.EqualTo(kql is null ? Array.Empty<string>() : new[] { kql }));
        Assert.That(EsqlBackend.Translate(spl).Diagnostics.Select(d => d.Code), Is.EqualTo(esql is null ? Array.Empty<string>() : new[] { esql }));
        Assert.That(EqlBackend.Translate(spl).Diagnostics.Select(d => d.Code), Is.EqualTo(eql is null ? Array.Empty<string>() : new[] { eql }));
    }

    [Test]
    public void EsqlTimechartIsStatsByDateTrunc()
    {
        var t = EsqlBackend.Translate("index=x | timechart span=5m cont=f count");
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Full));
        Assert.That(t.Query, Is.EqualTo("FROM logs-*\n| WHERE TO_LOWER(index) == \"x\"\n| WHERE @timestamp IS NOT NULL\n| STATS count = COUNT(*) BY @timestamp = DATE_TRUNC(5 minutes, @timestamp)"));
        var ecs = EsqlBackend.Translate("sourcetype=XmlWinEventLog:Microsoft-Windows-Sysmon/Operational EventCode=1 | chart count by process_name", null, ElasticOptions.Default with { Profile = "ecs" });
        Assert.That(ecs.Query, Does.EndWith("BY process.name"), string.Join("\n", ecs.Diagnostics));
    }
}
