using ExfilQuery.Syntax;
using NUnit.Framework;

namespace ExfilQuery.Tests.Parsing;

/// <summary>The real detections: the seeds, MITRE's analytics and Splunk's public corpus.</summary>
public class CorpusParseTests
{
    private static IEnumerable<TestData.SearchCase> Seeds() => TestData.SeedSearches();

    private static IEnumerable<TestData.SearchCase> NonClassicSeeds() =>
        TestData.ReadJsonLines(TestData.Repo("fixtures", "non_classic", "splunk_seed_ssa_variants.jsonl"));

    [TestCaseSource(nameof(Seeds))]
    public void SeedParsesWithoutErrors(TestData.SearchCase seed)
    {
        var result = Spl.Parse(seed.Search, TestData.WithSplunkMacros);
        Assert.That(result.Diagnostics.Where(d => d.IsError), Is.Empty);
        Assert.That(result.Pipeline.Commands, Is.Not.Empty);
    }

    [Test]
    public void SeedsIncludeTwelveSplunkDetectionsAndFourMitreAnalytics()
    {
        var ids = Seeds().Select(s => s.Id).ToList();
        Assert.That(ids.Count(i => i.StartsWith("mitre_t1020_", StringComparison.Ordinal)), Is.EqualTo(4));
        Assert.That(ids, Has.Count.EqualTo(16));
    }

    [TestCaseSource(nameof(NonClassicSeeds))]
    public void NonClassicSeedGetsOneClearDiagnostic(TestData.SearchCase seed)
    {
        var result = Spl.Parse(seed.Search, TestData.WithSplunkMacros);
        var expected = seed.Id.EndsWith(".sigma", StringComparison.Ordinal) ? "SPL0011" : "SPL0010";
        Assert.That(result.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { expected }), "only the 'not classic SPL' diagnostic, no syntax noise");
        Assert.That(result.Diagnostics[0].Message, Does.Contain("not classic SPL").Or.Contain("not an SPL search"));
    }

    /// <summary>Golden syntax trees of the seeds, reviewed in the diff: fixtures/golden/parse/ID.tree.txt.
    /// Set EXFILQ_UPDATE_GOLDEN=1 to rewrite them.</summary>
    [TestCaseSource(nameof(Seeds))]
    public void SeedTreeMatchesGolden(TestData.SearchCase seed)
    {
        var result = Spl.Parse(seed.Search, TestData.WithSplunkMacros);
        var actual = "# " + seed.Id + "\n# canonical SPL:\n# " + SyntaxPrinter.Print(result.Pipeline) + "\n" + SyntaxDumper.Dump(result.Pipeline);
        Golden.AssertMatches(TestData.Repo("fixtures", "golden", "parse", seed.Id + ".tree.txt"), actual);
    }

    [Test]
    public void PublicCorpusParsesExceptListedFailures()
    {
        var corpus = TestData.ReadJsonLines(TestData.Shared("corpus", "splunk", "detections.public.jsonl")).ToList();
        Assert.That(corpus, Has.Count.EqualTo(793), "the shared corpus changed size");
        var failures = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var detection in corpus)
        {
            var result = Spl.Parse(detection.Search, TestData.WithSplunkMacros);
            var error = result.Diagnostics.FirstOrDefault(d => d.IsError);
            if (error is not null) failures[detection.Id] = $"{error.Code} {error.Message}";
        }
        var expected = File.ReadAllLines(TestData.Repo("tests", "ExfilQuery.Tests", "Parsing", "expected_parse_failures.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', 2)[0])
            .ToList();
        TestContext.Out.WriteLine($"{corpus.Count - failures.Count}/{corpus.Count} detections parse without errors");
        Assert.Multiple(() =>
        {
            Assert.That(failures.Keys.Except(expected), Is.Empty, "new failures: " + string.Join("\n", failures.Where(f => !expected.Contains(f.Key)).Select(f => f.Key + " " + f.Value)));
            Assert.That(expected.Except(failures.Keys), Is.Empty, "listed failures that now parse: remove them from expected_parse_failures.txt");
            Assert.That(failures.Count, Is.LessThanOrEqualTo(corpus.Count / 100), "at least 99% must parse");
        });
    }

    [Test]
    public void PrintingAndReparsingGivesTheSameTreeForEveryCorpusQuery()
    {
        var corpus = TestData.ReadJsonLines(TestData.Shared("corpus", "splunk", "detections.public.jsonl"))
            .Concat(Seeds())
            .ToList();
        var mismatches = new List<string>();
        var checkedCount = 0;
        foreach (var detection in corpus)
        {
            var first = Spl.Parse(detection.Search, TestData.WithSplunkMacros);
            if (!first.Ok) continue;
            checkedCount++;
            var printed = SyntaxPrinter.Print(first.Pipeline);
            // The printed text is already expanded: parse it without macros so nothing is expanded twice.
            var second = Spl.Parse(printed);
            if (!second.Ok || SyntaxDumper.Dump(second.Pipeline) != SyntaxDumper.Dump(first.Pipeline))
                mismatches.Add(detection.Id + ": " + printed);
        }
        Assert.That(checkedCount, Is.GreaterThan(790));
        Assert.That(mismatches, Is.Empty);
    }
}
