using System.Diagnostics;
using System.Globalization;
using ExfilQuery.Elastic;
using ExfilQuery.Evaluation;
using ExfilQuery.Ir;
using ExfilQuery.Kql;
using NUnit.Framework;

namespace ExfilQuery.Tests.Robustness;

/// <summary>Hostile input never breaks what stands on the parser either: mutants of the corpus searches (and of
/// searches built around the commands the evaluator models, such as chart, timechart, foreach, spath, makemv,
/// replace and addtotals) that parse are lowered, translated to KQL, ES|QL and EQL (profiles none and a mapped one)
/// and run by the evaluator over real fixture events, both materialised and streamed. Nothing may throw, report an
/// internal error (SPL9999) or take longer than <see cref="Budget"/>. Deterministic: fixed seed, fixed operators
/// (<see cref="ParserRobustnessTests.Mutant"/>).</summary>
[TestFixture]
[NonParallelizable] // the hang guard is a wall-clock measurement
public sealed class PipelineRobustnessTests
{
    private const int MutantCount = 3_000;
    private const int Seed = 20261123;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(5);

    /// <summary>Searches that exercise the stages the corpus uses rarely, so the mutants reach them often.</summary>
    private static readonly string[] s_extra =
    [
        "index=x | timechart span=5m count by host limit=2 useother=t",
        "index=x | chart count over host by EventCode usenull=f",
        "index=x | timechart span=1h avg(bytes) as a max(bytes) where max in top3",
        "index=x | foreach * [ eval <<FIELD>> = if(<<FIELD>>=\"null\",null(),<<FIELD>>) ]",
        "index=x | stats avg(a) as avg_a stdev(a) as stdev_a by host | foreach stdev_* [ eval z_<<MATCHSTR>> = '<<FIELD>>' * 2 ]",
        "index=x | eval m=split(Image, \"\\\\\") | foreach mode=multivalue m [ eval n = <<ITEM>> . \"-\" . <<ITER>> ]",
        "index=x | spath input=_raw path=Event.System{@Name} output=p | spath",
        "index=x | fromjson Data prefix=d_ | replace \"::ffff:*\" with * in src, dest | addtotals fieldname=Score a b c",
        "index=x | makemv tokenizer=\"([^,]+),?\" allowempty=t CommandLine | mvexpand CommandLine | table CommandLine",
        "index=x | transaction host maxspan=30s maxpause=5s startswith=\"EventCode=1\" endswith=(EventCode=5) keepevicted=t",
        "index=x | eval t=strftime(_time, \"%w %u %e %j %a %b %F %T\") | bin span=1h t | stats count by t",
    ];

    [Test]
    public void MutatedSearchesNeverBreakLoweringTranslationOrEvaluation()
    {
        var corpus = RobustnessCorpus.Searches.Concat(Enumerable.Repeat(s_extra, 40).SelectMany(x => x)).ToArray();
        var parseOptions = ParseOptions.Default.WithMacros(RobustnessCorpus.Macros);
        var events = Directory.GetFiles(TestData.Repo("fixtures", "events"), "*.log")
            .Order(StringComparer.Ordinal)
            .SelectMany(f => EventReaders.ReadFile(f).Events.Take(40))
            .ToList();
        var evaluation = EvaluationOptions.Default with { MaxRows = 5_000, MaxGroups = 1_000, MaxSubsearchRows = 1_000, RegexTimeout = TimeSpan.FromMilliseconds(200) };
        var random = new Random(Seed);
        var failures = new List<string>();
        var ran = 0;
        var slowest = (Ms: 0.0, Label: "");
        for (var n = 0; n < MutantCount; n++)
        {
            var (text, operators, index) = ParserRobustnessTests.Mutant(random, corpus);
            var label = $"mutant #{n} (search #{index}, {operators})";
            var parse = Spl.Parse(text, parseOptions);
            if (!parse.Ok) continue;
            ran++;
            var stopwatch = Stopwatch.StartNew();
            void Step(string what, Func<IEnumerable<ExfilQuery.Diagnostics.Diagnostic>> step)
            {
                var started = stopwatch.Elapsed;
                try
                {
                    foreach (var d in step().Where(d => d.Code == "SPL9999"))
                        failures.Add($"{label}: {what} reported an internal error {d}\n    input: {RobustnessCorpus.Literal(text)}");
                }
#pragma warning disable CA1031 // the point is to report whatever escapes
                catch (Exception e)
#pragma warning restore CA1031
                {
                    failures.Add($"{label}: {what} threw {e.GetType().Name}: {e.Message}\n    input: {RobustnessCorpus.Literal(text)}");
                }
                var took = (stopwatch.Elapsed - started).TotalMilliseconds;
                if (took > slowest.Ms) slowest = (took, $"{label} {what}");
                if (took > Budget.TotalMilliseconds)
                    failures.Add($"{label}: {what} took {took:F0} ms (budget {Budget.TotalMilliseconds:F0} ms)\n    input: {RobustnessCorpus.Literal(text)}");
            }
            Detection? detection = null;
            Step("lowering", () =>
            {
                var lowered = Lowering.Lower(parse);
                detection = lowered.Detection;
                return lowered.Diagnostics;
            });
            if (detection is null) continue;
            Step("KQL none", () => KqlBackend.Translate(detection).Diagnostics);
            Step("KQL asim", () => KqlBackend.Translate(detection, KqlOptions.Default with { Profile = "asim" }).Diagnostics);
            Step("ES|QL none", () => EsqlBackend.Translate(detection).Diagnostics);
            Step("ES|QL ecs", () => EsqlBackend.Translate(detection, ElasticOptions.Default with { Profile = "ecs" }).Diagnostics);
            Step("EQL none", () => EqlBackend.Translate(detection).Diagnostics);
            Step("evaluation", () => DetectionEvaluator.Evaluate(detection, events, evaluation).Diagnostics);
            Step("streamed evaluation", () =>
            {
                var compiled = CompiledDetection.Compile(text, new CompileOptions { Parsing = parseOptions, Evaluation = evaluation });
                return compiled.Diagnostics.Concat(compiled.Run(events).Diagnostics);
            });
        }
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{ran} of {MutantCount} mutants parse and went through lowering, 5 translations and 2 evaluations; slowest step {slowest.Ms:F0} ms ({slowest.Label}); {failures.Count} failures"));
        Assert.That(ran, Is.GreaterThan(MutantCount / 4), "too few mutants parse to exercise the pipeline");
        Assert.That(failures, Is.Empty, $"{failures.Count} failures; the first ones:\n" + string.Join("\n", failures.Take(8)));
    }
}
