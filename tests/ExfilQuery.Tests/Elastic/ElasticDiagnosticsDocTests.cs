using ExfilQuery.Elastic;
using NUnit.Framework;

namespace ExfilQuery.Tests.Elastic;

/// <summary>Every Elastic diagnostic code has a <c>## CODE</c> section in docs/DIAGNOSTICS.md.</summary>
public class ElasticDiagnosticsDocTests
{
    [Test]
    public void EveryCodeIsDocumented()
    {
        var lines = File.ReadAllLines(TestData.Repo("docs", "DIAGNOSTICS.md"));
        foreach (var d in ElasticDiagnostics.All)
            Assert.That(lines, Does.Contain("## " + d.Code), d.Code);
        Assert.That(ElasticDiagnostics.All.Select(d => d.Code), Is.Unique);
    }
}
