using System.Diagnostics;
using ExfilQuery.Evaluation;
using ExfilQuery.Ir;
using NUnit.Framework;

namespace ExfilQuery.Tests.Evaluation;

/// <summary>User input never throws: every public security_content detection (macros expanded) is evaluated over
/// the bundled fixture events (Sysmon, Security, PingID JSON) with a fixed "now"; whatever it cannot evaluate must
/// be a diagnostic, never an exception.</summary>
public class CorpusEvaluationTests
{
    [Test]
    public void EveryCorpusDetectionEvaluatesWithoutThrowing()
    {
        var corpus = TestData.Shared("corpus", "splunk", "detections.public.jsonl");
        var events = Directory.GetFiles(TestData.Repo("fixtures", "events"), "*.log")
            .Concat(Directory.GetFiles(TestData.Repo("fixtures", "events"), "*.jsonl"))
            .Order(StringComparer.Ordinal)
            .SelectMany(f => EventReaders.ReadFile(f).Events)
            .ToList();
        var options = EvaluationOptions.Default with
        {
            Now = new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero),
            Macros = TestData.SplunkMacros,
            Lookups = new InMemoryLookupProvider(new Dictionary<string, LookupTable>()),
        };
        var failures = new List<string>();
        var slow = new List<(long Ms, string Id)>();
        var evaluated = 0;
        var clock = Stopwatch.StartNew();
        foreach (var c in TestData.ReadJsonLines(corpus))
        {
            var parse = Spl.Parse(c.Search, TestData.WithSplunkMacros);
            if (!parse.Ok) continue;
            try
            {
                var one = Stopwatch.StartNew();
                var result = DetectionEvaluator.Evaluate(Lowering.Lower(parse).Detection, events, options);
                slow.Add((one.ElapsedMilliseconds, c.Id));
                evaluated++;
                Assert.That(result.Rows.Length, Is.LessThanOrEqualTo(options.MaxRows));
            }
            catch (Exception ex) when (ex is not AssertionException)
            {
                failures.Add($"{c.Id}: {ex.GetType().Name}: {ex.Message}");
            }
        }
        foreach (var (ms, id) in slow.OrderByDescending(x => x.Ms).Take(5)) TestContext.Out.WriteLine($"slowest: {ms} ms {id}");
        TestContext.Out.WriteLine($"{evaluated} detections evaluated over {events.Count} events in {clock.ElapsedMilliseconds} ms");
        Assert.That(failures, Is.Empty, string.Join("\n", failures.Take(10)));
        Assert.That(evaluated, Is.GreaterThan(700));
    }
}
