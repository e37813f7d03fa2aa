using System.Text;
using ExfilQuery.Evaluation;
using NUnit.Framework;

namespace ExfilQuery.Tests.Evaluation;

/// <summary>The JSON Lines reader stores an event's <c>_time</c> only when the streamed stages may read it
/// (<see cref="StreamingPlan.ReadsTime"/>); it still orders rows and groups by it. Implicit readers of <c>_time</c>:
/// time bounds (earliest/latest in search, https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/search),
/// stats earliest()/latest() and span= (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/stats).</summary>
public class StreamingPlanTimeTests
{
    [TestCase("| stats count sum(bytes) by host", false)]
    [TestCase("| eval k=if(bytes>9, \"big\", \"small\") | where k!=\"small\" | stats count by host, k", false)]
    [TestCase("| stats first(id) last(id) by host", false)]
    [TestCase("host=a", false)]
    [TestCase("| stats min(_time) by host", true)]
    [TestCase("| stats earliest(id) by host", true)]
    [TestCase("| stats latest_time(id) by host", true)]
    [TestCase("| stats count by _time span=1h", true)]
    [TestCase("| bin _time span=1h | stats count by _time", true)]
    [TestCase("earliest=100 | stats count", true)]
    [TestCase("host=a latest=300", true)]
    [TestCase("| where _time > 100", true)]
    [TestCase("| eval t=strftime(_time, \"%Y\") | stats count by t", true)]
    [TestCase("| eval x=searchmatch(\"a\") | stats count by x", true)]
    [TestCase("| rename * as x_* | stats count by x_host", true)]
    public void ReadsTimeOnlyWhenAStageDoes(string search, bool readsTime)
    {
        var compiled = CompiledDetection.Compile(search);
        var plan = StreamingPlan.Build(compiled.Detection, EvaluationOptions.Default,
            new DetectionEvaluator.RowPipeline(new EvaluationContext(EvaluationOptions.Default)));
        Assert.That(plan.Streams, Is.True, search);
        Assert.That(plan.ReadsTime, Is.EqualTo(readsTime), search);
        // Either way the streamed rows are Evaluate's, on events with ties and gaps in _time.
        var text = string.Join("\n", CompiledDetectionDifferentialTests.Synthetic);
        var expected = DetectionEvaluator.Evaluate(compiled.Detection, EventReaders.ReadJsonLines(new StringReader(text), "t.jsonl").Events);
        CompiledDetectionDifferentialTests.AssertSame(compiled.RunJsonLines(new MemoryStream(Encoding.UTF8.GetBytes(text)), "t.jsonl"), expected, search, ignoreSkips: true);
    }
}
