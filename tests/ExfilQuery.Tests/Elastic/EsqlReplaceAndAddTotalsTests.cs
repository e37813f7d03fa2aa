using ExfilQuery.Elastic;
using ExfilQuery.Kql;
using NUnit.Framework;

namespace ExfilQuery.Tests.Elastic;

/// <summary>replace and addtotals in ES|QL, with the evaluator's meaning (JsonCommandTests.Replace, .AddTotals): ES|QL's <c>==</c> and
/// <c>LIKE</c> are case-sensitive, LIKE's <c>*</c> matches any run and is escaped with <c>\</c>
/// (https://www.elastic.co/guide/en/elasticsearch/reference/current/esql-functions-operators.html); REPLACE takes a
/// Java regular expression and a Java replacement with <c>$N</c> groups and <c>\</c> escapes
/// (https://www.elastic.co/docs/reference/query-languages/esql/functions-operators/string-functions/replace;
/// java.util.regex.Pattern and Matcher.appendReplacement); CASE takes the first true condition.</summary>
public class EsqlReplaceAndAddTotalsTests
{
    [TestCase("| replace \"::ffff:*\" with * in src",
        "FROM logs-*\n| EVAL src = CASE(src LIKE \"::ffff:*\", REPLACE(src, \"(?s)^\\\\:\\\\:ffff\\\\:(.*)$\", \"$1\"), src)")]
    [TestCase("| replace a with b, a with c, \"x*\" with y, \"xy*\" with \"z*\" in f",
        "FROM logs-*\n| EVAL f = CASE(f == \"a\", \"c\", f == \"a\", \"b\", f LIKE \"xy*\", REPLACE(f, \"(?s)^xy(.*)$\", \"z$1\"), f LIKE \"x*\", REPLACE(f, \"(?s)^x(.*)$\", \"y\"), f)")]
    [TestCase("| replace \"c:\\\\*\" with \"d:\\\\*$\" in p",
        "FROM logs-*\n| EVAL p = CASE(p LIKE \"c:\\\\\\\\*\", REPLACE(p, \"(?s)^c\\\\:\\\\\\\\(.*)$\", \"d:\\\\\\\\$1\\\\$\"), p)")]
    [TestCase("| replace \"a?*\" with \"*\" in f",
        "FROM logs-*\n| EVAL f = CASE(f LIKE \"a\\\\?*\", REPLACE(f, \"(?s)^a\\\\?(.*)$\", \"$1\"), f)")]
    public void ReplaceIsCaseLikeAndReplace(string spl, string expected)
    {
        var t = EsqlBackend.Translate(spl);
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Full), string.Join("\n", t.Diagnostics));
        Assert.That(t.Query, Is.EqualTo(expected));
    }

    [TestCase("| replace a with b")]
    [TestCase("| replace a with b in f*")]
    [TestCase("| stats values(g) as f by h | replace a with b in f")]
    public void ReplaceTheBackendCannotNameIsRefused(string spl) =>
        Assert.That(EsqlBackend.Translate(spl).Status, Is.EqualTo(TranslationStatus.Failed));

    /// <summary>addtotals: a text value counts when RLIKE (Lucene regular expression, whole value) finds
    /// FieldValue.TryParseNumber's number form and TO_DOUBLE gives a finite double; summed from 0.0 in the order listed;
    /// no number leaves the total null. Refused without a field list, with wildcards, or into an existing field.</summary>
    [Test]
    public void AddTotalsSumsTheNumbersOfTheListedFields()
    {
        const string re = "\"[+\\\\-]?([0-9]+\\\\.?[0-9]*|\\\\.[0-9]+)([eE][+\\\\-]?[0-9]+)?\"";
        const string n = "CASE(ABS(TO_DOUBLE(n)) <= 1.7976931348623157E308, TO_DOUBLE(n), null)";
        const string s = "CASE(ABS(CASE(s RLIKE " + re + ", TO_DOUBLE(s), null)) <= 1.7976931348623157E308, CASE(s RLIKE " + re + ", TO_DOUBLE(s), null), null)";
        var t = EsqlBackend.Translate("| eval n=1 | addtotals fieldname=Score n, s");
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Full), string.Join("\n", t.Diagnostics));
        Assert.That(t.Query, Is.EqualTo($"FROM logs-*\n| EVAL n = 1\n| EVAL Score = CASE({n} IS NULL AND {s} IS NULL, null, 0.0 + COALESCE({n}, 0.0) + COALESCE({s}, 0.0))"));
        foreach (var refused in new[] { "| addtotals", "| addtotals c*", "| eval Total=1 | addtotals a" })
            Assert.That(EsqlBackend.Translate(refused).Status, Is.EqualTo(TranslationStatus.Failed), refused);
    }
}
