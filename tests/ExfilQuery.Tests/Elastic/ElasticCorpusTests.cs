using System.Globalization;
using System.Text;
using ExfilQuery.Elastic;
using ExfilQuery.Kql;
using NUnit.Framework;

namespace ExfilQuery.Tests.Elastic;

/// <summary>Both Elastic backends over the public corpus (profile none): every search translates without an exception,
/// a query exists exactly when the status is not failed, and the counts and top reasons are written to the test
/// output (run with <c>--logger "console;verbosity=detailed"</c> to see them).</summary>
public class ElasticCorpusTests
{
    [Test]
    public void PublicCorpusTranslates()
    {
        var corpus = TestData.ReadJsonLines(TestData.Shared("corpus", "splunk", "detections.public.jsonl")).ToList();
        var sb = new StringBuilder();
        foreach (var (language, translate) in new (string, Func<string, ElasticTranslation>)[]
        {
            ("esql", s => EsqlBackend.Translate(s, TestData.WithSplunkMacros)),
            ("eql", s => EqlBackend.Translate(s, TestData.WithSplunkMacros)),
        })
        {
            var results = corpus.Select(c => (c.Id, T: translate(c.Search))).ToList();
            foreach (var (id, t) in results)
                Assert.That(t.Query is null, Is.EqualTo(t.Status == TranslationStatus.Failed), $"{language} {id}");
            int Count(TranslationStatus s) => results.Count(r => r.T.Status == s);
            sb.Append(CultureInfo.InvariantCulture, $"{language}: {corpus.Count} detections, full {Count(TranslationStatus.Full)}, partial {Count(TranslationStatus.Partial)}, failed {Count(TranslationStatus.Failed)}\n");
            var reasons = results
                .SelectMany(r => r.T.Diagnostics.Where(d => d.Severity != ExfilQuery.Diagnostics.DiagnosticSeverity.Info)
                    .Select(d => d.Code + " " + Reason(d.Message)).Distinct())
                .GroupBy(r => r)
                .Select(g => (g.Key, Count: g.Count()))
                .OrderByDescending(x => x.Count).ThenBy(x => x.Key, StringComparer.Ordinal)
                .Take(15);
            foreach (var (reason, count) in reasons) sb.Append(CultureInfo.InvariantCulture, $"  {count,5}  {reason}\n");
            if (language == "eql") sb.Append(CultureInfo.InvariantCulture, $"  threshold metadata on {results.Count(r => r.T.Threshold is not null)} detections\n");
        }
        TestContext.Out.WriteLine(sb.ToString());
    }

    private static string Reason(string message)
    {
        var text = System.Text.RegularExpressions.Regex.Replace(message, @"'[^']*'", "'…'");
        return text.Length > 110 ? text[..110] + "…" : text;
    }
}
