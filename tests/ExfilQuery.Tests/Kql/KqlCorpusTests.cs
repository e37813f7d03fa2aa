using ExfilQuery.Kql;
using ExfilQuery.Tests.Kusto;
using NUnit.Framework;

namespace ExfilQuery.Tests.Kql;

/// <summary>Every KQL query we emit for the seeds and the public corpus goes through Microsoft's Kusto.Language
/// (npm @kusto/language-service-next): no syntax errors in any emitted query, no semantic errors (unknown column,
/// wrong type, bad call) in any query whose status is full. Profile none: one table, Events, whose columns are
/// the fields the search reads.</summary>
public class KqlCorpusTests
{
    private static IEnumerable<TestData.SearchCase> Seeds() => TestData.SeedSearches();

    private static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? Tables(KqlTranslation t) =>
        t.SourceColumns.Count == 0 ? null : new Dictionary<string, IReadOnlyDictionary<string, string>> { ["Events"] = t.SourceColumns };

    private static KqlTranslation Translate(string spl) => KqlBackend.Translate(spl, TestData.WithSplunkMacros);

    [TestCaseSource(nameof(Seeds))]
    public void SeedTranslationIsValidKql(TestData.SearchCase seed)
    {
        var translation = Translate(seed.Search);
        TestContext.Out.WriteLine(translation.StatusName + "\n" + translation.Query + "\n" + string.Join("\n", translation.Diagnostics));
        if (translation.Query is null)
        {
            // A failed translation must say why, at a place in the SPL the user wrote.
            Assert.That(translation.Status, Is.EqualTo(TranslationStatus.Failed));
            var errors = translation.Diagnostics.Where(d => d.IsError).ToList();
            Assert.That(errors, Is.Not.Empty);
            Assert.That(errors.All(d => d.Span.End <= seed.Search.Length), Is.True, "error spans lie in the SPL as written");
            return;
        }
        var diagnostics = KustoChecker.Sentinel.Check(translation.Query, Tables(translation));
        Assert.That(diagnostics.Where(d => d.Category == "syntax"), Is.Empty, KustoChecker.Describe(translation.Query, diagnostics));
        if (translation.Status == TranslationStatus.Full)
            Assert.That(diagnostics, Is.Empty, KustoChecker.Describe(translation.Query, diagnostics));
    }

    [TestCase("none")]
    [TestCase("defender")]
    [TestCase("sentinel")]
    [TestCase("asim")]
    public void PublicCorpusTranslationsAreValidKql(string profile)
    {
        var corpus = TestData.ReadJsonLines(TestData.Shared("corpus", "splunk", "detections.public.jsonl")).ToList();
        var options = KqlOptions.Default with { Profile = profile };
        var translations = corpus.Select(c => (c.Id, T: KqlBackend.Translate(c.Search, TestData.WithSplunkMacros, options))).ToList();
        var emitted = translations.Where(x => x.T.Query is not null).ToList();
        var problems = new List<string>();
        var checker = KustoChecker.Sentinel;
        foreach (var (id, t) in emitted)
        {
            var diagnostics = checker.Check(t.Query!, Tables(t));
            var bad = diagnostics.Where(d => d.Category == "syntax" || t.Status == TranslationStatus.Full).ToList();
            if (bad.Count > 0) problems.Add(id + " (" + t.StatusName + ")\n" + KustoChecker.Describe(t.Query!, bad));
        }
        var full = translations.Count(x => x.T.Status == TranslationStatus.Full);
        TestContext.Out.WriteLine($"profile {profile}: {full} full, {translations.Count(x => x.T.Status == TranslationStatus.Partial)} partial, {translations.Count(x => x.T.Status == TranslationStatus.Failed)} failed of {translations.Count}");
        Assert.That(problems, Is.Empty, $"{problems.Count} emitted queries the Kusto parser rejects; first:\n" + string.Join("\n\n", problems.Take(5)));
    }
}
