using System.Text;
using ExfilQuery.Elastic;
using NUnit.Framework;

namespace ExfilQuery.Tests.Elastic;

/// <summary>Golden ES|QL and EQL for every seed search, reviewed in the diff: fixtures/golden/esql/none/ID.esql and
/// fixtures/golden/eql/none/ID.eql hold the status, the diagnostics (as // comments, with line:column in the SPL), the
/// threshold-rule metadata (EQL) and the query. EXFILQ_UPDATE_GOLDEN=1 rewrites them.</summary>
public class ElasticGoldenTests
{
    private static IEnumerable<TestCaseData> Cases() =>
        from seed in TestData.SeedSearches()
        select new TestCaseData(seed).SetName($"none/{seed.Id}");

    [TestCaseSource(nameof(Cases))]
    public void EsqlSeedTranslationMatchesGolden(TestData.SearchCase seed)
    {
        var translation = EsqlBackend.Translate(seed.Search, TestData.WithSplunkMacros);
        Golden.AssertMatches(TestData.Repo("fixtures", "golden", "esql", "none", seed.Id + ".esql"), Render(seed.Search, translation));
    }

    [TestCaseSource(nameof(Cases))]
    public void EqlSeedTranslationMatchesGolden(TestData.SearchCase seed)
    {
        var translation = EqlBackend.Translate(seed.Search, TestData.WithSplunkMacros);
        Golden.AssertMatches(TestData.Repo("fixtures", "golden", "eql", "none", seed.Id + ".eql"), Render(seed.Search, translation));
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
        if (translation.Threshold is { } t)
            sb.Append("// threshold: group_by=[").Append(string.Join(", ", t.GroupBy)).Append("] value=").Append(t.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        if (translation.Query is not null) sb.Append(translation.Query).Append('\n');
        return sb.ToString();
    }
}
