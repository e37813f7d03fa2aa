using System.Text;
using ExfilQuery.Elastic;
using ExfilQuery.Mapping;
using NUnit.Framework;

namespace ExfilQuery.Tests.Elastic;

/// <summary>Golden ES|QL and EQL for every seed search and profile, reviewed in the diff:
/// fixtures/golden/esql/PROFILE/ID.esql and fixtures/golden/eql/PROFILE/ID.eql hold the status, the diagnostics (as //
/// comments, with line:column in the SPL), the index (EQL), the threshold-rule metadata (EQL) and the query.
/// EXFILQ_UPDATE_GOLDEN=1 rewrites them. With profile none every seed's ES|QL is full except two approximations
/// (<see cref="EsqlSeedsAreFullWithProfileNoneExceptTheApproximatedOnes"/>).</summary>
public class ElasticGoldenTests
{
    private static IEnumerable<TestCaseData> Cases() =>
        from profile in MappingProfile.ElasticBuiltInNames
        from seed in TestData.SeedSearches()
        select new TestCaseData(seed, profile).SetName($"{profile}/{seed.Id}");

    [TestCaseSource(nameof(Cases))]
    public void EsqlSeedTranslationMatchesGolden(TestData.SearchCase seed, string profile)
    {
        var translation = EsqlBackend.Translate(seed.Search, TestData.WithSplunkMacros, ElasticOptions.Default with { Profile = profile });
        Golden.AssertMatches(TestData.Repo("fixtures", "golden", "esql", profile, seed.Id + ".esql"), Render(seed.Search, translation));
    }

    [TestCaseSource(nameof(Cases))]
    public void EqlSeedTranslationMatchesGolden(TestData.SearchCase seed, string profile)
    {
        var translation = EqlBackend.Translate(seed.Search, TestData.WithSplunkMacros, ElasticOptions.Default with { Profile = profile });
        Golden.AssertMatches(TestData.Repo("fixtures", "golden", "eql", profile, seed.Id + ".eql"), Render(seed.Search, translation));
    }

    /// <summary>With profile none every seed's ES|QL is full except two whose SPL has no exact ES|QL form: a lookup
    /// (ENRICH needs an enrich policy built from the lookup table, and Splunk's lookup options decide matching) and a
    /// percentile (ES|QL's PERCENTILE is approximate). Those are partial, with the ESQ0002 warning saying why.</summary>
    [Test]
    public void EsqlSeedsAreFullWithProfileNoneExceptTheApproximatedOnes()
    {
        var expectedPartial = new Dictionary<string, string>
        {
            ["prohibited_network_traffic_allowed"] = "is ENRICH with the enrich policy 'interesting_ports_lookup'",
            ["dns_query_length_with_high_standard_deviation"] = "is computed by ES|QL's PERCENTILE, which is approximate",
        };
        foreach (var seed in TestData.SeedSearches())
        {
            var t = EsqlBackend.Translate(seed.Search, TestData.WithSplunkMacros);
            var problems = t.Diagnostics.Where(d => d.Severity != ExfilQuery.Diagnostics.DiagnosticSeverity.Info).ToList();
            if (expectedPartial.TryGetValue(seed.Id, out var reason))
            {
                Assert.That(t.Status, Is.EqualTo(ExfilQuery.Kql.TranslationStatus.Partial), seed.Id);
                Assert.That(problems.Select(d => d.Code + " " + d.Message), Has.All.StartWith("ESQ0002").And.Some.Contains(reason), seed.Id);
            }
            else
            {
                Assert.That(t.Status, Is.EqualTo(ExfilQuery.Kql.TranslationStatus.Full), seed.Id + ": " + string.Join("; ", problems));
            }
        }
    }

    internal static string Render(string spl, ElasticTranslation translation)
    {
        var source = new Text.SourceText(spl);
        var sb = new StringBuilder();
        sb.Append("// status: ").Append(translation.StatusName).Append('\n');
        foreach (var d in translation.Diagnostics.Where(d => d.Severity != ExfilQuery.Diagnostics.DiagnosticSeverity.Info))
        {
            var at = source.GetLinePosition(d.Span.Start);
            sb.Append("// ").Append(d.SeverityName).Append(' ').Append(d.Code).Append(" at ").Append(at.Line).Append(':').Append(at.Column)
              .Append(": ").Append(d.Message.Replace("\n", " ", StringComparison.Ordinal)).Append('\n');
        }
        if (translation.Index is { } index && translation.Query is not null && !translation.Query.StartsWith("FROM ", StringComparison.Ordinal))
            sb.Append("// index: ").Append(index).Append('\n');
        if (translation.Threshold is { } t)
            sb.Append("// threshold: group_by=[").Append(string.Join(", ", t.GroupBy)).Append("] value=").Append(t.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        if (translation.Query is not null) sb.Append(translation.Query).Append('\n');
        return sb.ToString();
    }
}
