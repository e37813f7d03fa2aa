using ExfilQuery.Syntax;
using NUnit.Framework;

namespace ExfilQuery.Tests.Parsing;

/// <summary>Values, quoting, wildcards, comments and the special search terms.</summary>
public class LexicalTests
{
    private static SearchExpression Clause(string spl)
    {
        var result = Spl.Parse(spl);
        Assert.That(result.Diagnostics.Where(d => d.IsError), Is.Empty, spl);
        return ((SearchCommand)result.Pipeline.Commands[0]).Expression!;
    }

    // Quoted values keep what was written (Raw) and decode \" and \\ (Value); other backslashes stay.
    [TestCase("f=\"a\\\"b\"", "a\\\"b", "a\"b")]
    [TestCase("f=\"C:\\\\Users\\\\*\"", "C:\\\\Users\\\\*", "C:\\Users\\*")]
    [TestCase("f=\"\\d+\"", "\\d+", "\\d+")]
    [TestCase("f=\"\"", "", "")]
    [TestCase("f=\"ünïcødé ☃\"", "ünïcødé ☃", "ünïcødé ☃")]
    public void QuotedValuesDecodeEscapes(string spl, string raw, string value)
    {
        var comparison = (SearchComparison)Clause(spl);
        Assert.That(comparison.Value.Quoted, Is.True);
        Assert.That(comparison.Value.Raw, Is.EqualTo(raw));
        Assert.That(comparison.Value.Value, Is.EqualTo(value));
    }

    // Bare words hold wildcards, paths, relative times, CIDRs and escaped quotes.
    [TestCase("process=*copy*", "*copy*")]
    [TestCase("path=C:\\Windows\\System32\\*", "C:\\Windows\\System32\\*")]
    [TestCase("dest=10.0.0.0/8", "10.0.0.0/8")]
    [TestCase("a=web-browsing", "web-browsing")]
    [TestCase("x=*\\\"privileged\\\":true*", "*\\\"privileged\\\":true*")]
    [TestCase("OperationType=%%14674", "%%14674")]
    public void BareWordsKeepTheirCharacters(string spl, string value) =>
        Assert.That(((SearchComparison)Clause(spl)).Value.Raw, Is.EqualTo(value));

    [TestCase("a=1", ComparisonOperator.Equal)]
    [TestCase("a!=1", ComparisonOperator.NotEqual)]
    [TestCase("a<1", ComparisonOperator.Less)]
    [TestCase("a<=1", ComparisonOperator.LessOrEqual)]
    [TestCase("a>1", ComparisonOperator.Greater)]
    [TestCase("a >= 1", ComparisonOperator.GreaterOrEqual)]
    [TestCase("a==1", ComparisonOperator.EqualEqual)]
    public void ComparisonOperators(string spl, ComparisonOperator op) =>
        Assert.That(((SearchComparison)Clause(spl)).Operator, Is.EqualTo(op));

    [Test]
    public void NotEqualsAndNotAreDifferentNodes()
    {
        // `NOT f=v` also matches events without f; `f!=v` needs f present. The tree keeps them apart.
        Assert.That(Sexpr.Of(Clause("NOT f=v")), Is.EqualTo("(not f=v)"));
        Assert.That(Sexpr.Of(Clause("f!=v")), Is.EqualTo("f!=v"));
    }

    [TestCase("earliest=-24h@h latest=now x", "(and (time earliest=-24h@h) (time latest=now) x)")]
    [TestCase("TERM(10.0.0.1) CASE(Error)", "(and (TERM 10.0.0.1) (CASE Error))")]
    [TestCase("f IN (\"a\", b, *c*)", "(in f \"a\" b *c*)")]
    [TestCase("f IN (,\"a\",\"b\",)", "(in f \"a\" \"b\")")]
    [TestCase("\"quoted phrase\" bare", "(and \"quoted phrase\" bare)")]
    [TestCase("a ```a comment with | pipes and `backticks` ``` b", "(and a b)")]
    [TestCase("a [search b | fields c] d", "(and a (subsearch) d)")]
    public void SearchTerms(string spl, string expected) => Assert.That(Sexpr.Of(Clause(spl)), Is.EqualTo(expected));

    [Test]
    public void CommentsMaySpanLinesAndSitBetweenCommands()
    {
        var result = Spl.Parse("a\n``` first\nsecond ```\n| stats count ``` trailing ```");
        Assert.That(result.Ok, Is.True);
        Assert.That(SyntaxPrinter.Print(result.Pipeline), Is.EqualTo("a | stats count"));
    }
}
