using ExfilQuery.Cli;
using NUnit.Framework;

namespace ExfilQuery.Tests.Cli;

[TestFixture]
public sealed class CliDocumentationTests
{
    [Test]
    public void EveryCliCodeIsDocumented()
    {
        var text = File.ReadAllText(Path.Combine(CliTestSupport.RepositoryRoot(), "docs", "DIAGNOSTICS.md"));
        var headings = text.Split('\n').Select(l => l.TrimEnd('\r')).ToHashSet(StringComparer.Ordinal);
        foreach (var code in CliDiagnostics.All)
        {
            Assert.That(headings, Does.Contain("## " + code), $"docs/DIAGNOSTICS.md has no heading '## {code}'");
        }
    }
}
