using System.Text.RegularExpressions;
using ExfilQuery.Diagnostics;
using NUnit.Framework;

namespace ExfilQuery.Tests.Diagnostics;

/// <summary>Diagnostic codes are stable values: unique, well-formed, each with its own section in docs/DIAGNOSTICS.md.</summary>
public class DiagnosticCatalogTests
{
    [Test]
    public void CodesAreUniqueAndWellFormed()
    {
        var codes = DiagnosticFacts.All.Select(d => d.Code).ToList();
        Assert.That(codes, Is.Unique);
        Assert.That(codes, Has.All.Matches(@"^(SPL|KQL)\d{4}$"));
        Assert.That(codes, Has.Count.GreaterThanOrEqualTo(20), "the catalogue is read by reflection; an empty list would mean the reflection broke");
    }

    [Test]
    public void EveryCodeIsDocumented()
    {
        var doc = File.ReadAllText(TestData.Repo("docs", "DIAGNOSTICS.md"));
        var headings = Regex.Matches(doc, @"^## ([A-Z]{3}\d{4})\s*$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.That(headings, Is.Unique, "each code has one section");
        var undocumented = DiagnosticFacts.All.Select(d => d.Code).Where(c => !headings.Contains(c)).ToList();
        Assert.That(undocumented, Is.Empty, "codes without a '## CODE' section in docs/DIAGNOSTICS.md");
        var unknown = headings.Where(h => (h.StartsWith("SPL", StringComparison.Ordinal) || h.StartsWith("KQL", StringComparison.Ordinal)) && DiagnosticFacts.All.All(d => d.Code != h)).ToList();
        Assert.That(unknown, Is.Empty, "documented SPL/KQL codes that no descriptor defines");
    }

    [Test]
    public void FactoriesUseTheirDescriptorsSeverity()
    {
        Assert.Multiple(() =>
        {
            Assert.That(DiagnosticFacts.BuiltinMacroUsed(default, "x", "y").Severity, Is.EqualTo(DiagnosticSeverity.Info));
            Assert.That(DiagnosticFacts.UnknownOption(default, "x", "y").Severity, Is.EqualTo(DiagnosticSeverity.Warning));
            Assert.That(DiagnosticFacts.SyntaxError(default, "x").IsError, Is.True);
        });
    }
}
