using System.Text;
using ExfilQuery.Elastic;
using ExfilQuery.Mapping;
using NUnit.Framework;

namespace ExfilQuery.Tests.Elastic;

/// <summary>Golden ES|QL and EQL for every seed search and profile, reviewed in the diff:
/// fixtures/golden/esql/PROFILE/ID.esql and fixtures/golden/eql/PROFILE/ID.eql hold the status, the diagnostics (as //
/// comments, with line:column in the SPL), the index (EQL), the threshold-rule metadata (EQL) and the query.
/// EXFILQ_UPDATE_GOLDEN=1 rewrites them. With profile none every seed's ES|QL is full
/// (<see cref="EveryEsqlSeedIsFullWithProfileNone"/>).</summary>
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

    [Test]
    public void EveryEsqlSeedIsFullWithProfileNone()
    {
        var notFull = TestData.SeedSearches()
            .Select(s => (s.Id, T: EsqlBackend.Translate(s.Search, TestData.WithSplunkMacros)))
            .Where(x => x.T.Status != ExfilQuery.Kql.TranslationStatus.Full)
            .Select(x => x.Id + ": " + string.Join("; ", x.T.Diagnostics.Where(d => d.Severity != ExfilQuery.Diagnostics.DiagnosticSeverity.Info).Select(d => d.Code + " " + d.Message)))
            .ToList();
        Assert.That(notFull, Is.Empty);
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
