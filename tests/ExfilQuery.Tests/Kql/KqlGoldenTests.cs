using System.Text;
using ExfilQuery.Kql;
using NUnit.Framework;

namespace ExfilQuery.Tests.Kql;

/// <summary>Golden KQL for every seed search, reviewed in the diff: fixtures/golden/kql/PROFILE/ID.kql holds the status,
/// the diagnostics (as // comments, with line:column in the SPL) and the query. EXFILQ_UPDATE_GOLDEN=1 rewrites them.</summary>
public class KqlGoldenTests
{
    private static IEnumerable<TestCaseData> Cases() =>
        from profile in new[] { "none", "defender", "sentinel", "asim" }
        from seed in TestData.SeedSearches()
        select new TestCaseData(profile, seed).SetName($"{profile}/{seed.Id}");

    [TestCaseSource(nameof(Cases))]
    public void SeedTranslationMatchesGolden(string profile, TestData.SearchCase seed)
    {
        var translation = KqlBackend.Translate(seed.Search, TestData.WithSplunkMacros, KqlOptions.Default with { Profile = profile });
        Golden.AssertMatches(TestData.Repo("fixtures", "golden", "kql", profile, seed.Id + ".kql"), Render(seed.Search, translation));
    }

    internal static string Render(string spl, KqlTranslation translation)
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
        if (translation.Query is not null) sb.Append(translation.Query).Append('\n');
        return sb.ToString();
    }
}
