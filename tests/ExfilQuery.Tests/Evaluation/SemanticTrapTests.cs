using ExfilQuery.Evaluation;
using NUnit.Framework;
using static ExfilQuery.Tests.Evaluation.EvalTestSupport;

namespace ExfilQuery.Tests.Evaluation;

/// <summary>The SPL traps, each as a search over a few events with the ids that must match. Every case cites the
/// Splunk documentation it was checked against.</summary>
public class SemanticTrapTests
{
    private const string BooleanOrder = "https://help.splunk.com/en/splunk-enterprise/search/search-manual/9.3/expressions-and-predicates (search evaluates OR before AND; eval and where AND before OR)";
    private const string NotVersusNotEqual = "https://help.splunk.com/splunk-enterprise/search/spl2-search-reference/search-command/search-command-examples (example 5: NOT is not the same as !=)";
    private const string CaseDirective = "https://help.splunk.com/splunk-enterprise/search/search-manual/9.0/search-primer/use-case-and-term-to-match-phrases (searches are case-insensitive by default)";
    private const string WhereCaseSensitive = "https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/where (the eval-expression is case-sensitive)";
    private const string Wildcards = "https://help.splunk.com/en/splunk-enterprise/search/spl2-search-manual/wildcards-quotes-and-escape-characters (* in search, % and _ in like)";
    private const string InOperator = "https://splunk.com/en_us/blog/tips-and-tricks/smooth-operator-searching-for-multiple-field-values.html (IN operator of search takes wildcards; eval/where use the in function)";
    private const string Multivalue = "https://help.splunk.com/splunk-enterprise/search/search-manual/9.1/evaluate-and-manipulate-fields/evaluate-and-manipulate-fields-with-multiple-values";
    private const string Lexicographic = "https://help.splunk.com/en/splunk-enterprise/search/spl2-search-manual/sort-and-order (lexicographical order: 10 < 9, uppercase before lowercase)";
    private const string Stats = "https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/stats (one row per distinct value of the BY fields)";
    private const string SearchCidr = "https://help.splunk.com/splunk-enterprise/spl-search-reference/9.1/search-commands/search (search supports IPv4 subnets in CIDR notation)";

    private static readonly string[] Events =
    [
        """{"id":"1","a":"1","c":"3","user":"admin","p":"abc","n":"10","name":"zeta","tags":["x","y"],"ip":"10.1.2.3","_raw_hint":"nslookup"}""",
        """{"id":"2","b":"2","user":"Admin","p":"cab","n":"9","name":"alpha","tags":["x"],"ip":"192.168.1.1"}""",
        """{"id":"3","a":"1","b":"2","user":"ADMIN","p":"axb","n":"100","name":"Mike","ip":"10.255.0.1"}""",
        """{"id":"4","c":"3","p":"ab*","n":"2"}""",
        """{"id":"5","a":"2","p":"axbx","user":"root"}""",
    ];

    public static IEnumerable<TestCaseData> Cases()
    {
        TestCaseData Case(string name, string search, string expected, string doc) =>
            new TestCaseData(search, expected.Length == 0 ? Array.Empty<string>() : expected.Split(',')).SetName(name).SetDescription(doc);

        // Precedence.
        yield return Case("search: OR binds tighter than AND", "a=1 b=2 OR c=3", "1,3", BooleanOrder);
        yield return Case("where: AND binds tighter than OR", "| where a=1 AND b=2 OR c=3", "1,3,4", BooleanOrder);
        // NOT versus !=.
        yield return Case("NOT a=1 keeps events without a", "NOT a=1", "2,4,5", NotVersusNotEqual);
        yield return Case("a!=1 needs a to exist", "a!=1", "5", NotVersusNotEqual);
        yield return Case("NOT user=* selects events without the field", "NOT user=*", "4", NotVersusNotEqual);
        // Case.
        yield return Case("search values are case-insensitive", "user=admin", "1,2,3", CaseDirective);
        yield return Case("CASE() makes a search term case-sensitive", "CASE(ADMIN)", "3", CaseDirective);
        yield return Case("where is case-sensitive", "| where user=\"admin\"", "1", WhereCaseSensitive);
        yield return Case("where like is case-sensitive with % and _", "| where like(user, \"A%\")", "2,3", WhereCaseSensitive);
        // Wildcards.
        yield return Case("prefix a*", "p=ab*", "1,4", Wildcards);
        yield return Case("suffix *a", "p=*ab", "2", Wildcards);
        yield return Case("contains *a*", "p=*b*", "1,2,3,4,5", Wildcards);
        yield return Case("inner a*b", "p=a*b", "3", Wildcards);
        yield return Case("wildcards are case-insensitive too", "p=A*B", "3", Wildcards);
        yield return Case("escaped star is literal", "p=\"ab\\*\"", "4", Wildcards);
        // IN.
        yield return Case("search IN takes wildcards", "p IN (ab*, cab)", "1,2,4", InOperator);
        yield return Case("where IN compares exactly: * is literal", "| where p IN (\"ab*\", \"cab\")", "2,4", InOperator);
        // Multivalue.
        yield return Case("multivalue: any value matches", "tags{}=y", "1", Multivalue);
        yield return Case("multivalue: NOT any value", "NOT tags{}=y", "2,3,4,5", Multivalue);
        yield return Case("multivalue: != means no value matches and the field exists", "tags{}!=y", "2", Multivalue);
        yield return Case("multivalue in where: any value", "| where 'tags{}'=\"y\"", "1", Multivalue);
        // Numeric versus lexical.
        yield return Case("search > is numeric when both sides are numbers", "n>9", "1,3", Lexicographic);
        yield return Case("search > is lexicographic for strings (uppercase first)", "name>b", "1", Lexicographic);
        yield return Case("where > is numeric for number-like fields", "| where n > 9", "1,3", Lexicographic);
        yield return Case("where > compares strings lexicographically", "| where name < \"b\"", "2,3", Lexicographic);
        // CIDR and raw terms.
        yield return Case("search CIDR value", "ip=10.0.0.0/8", "1,3", SearchCidr);
        yield return Case("bare term matches _raw case-insensitively", "NSLOOKUP", "1", CaseDirective);
        // Null semantics in where.
        yield return Case("where on a missing field is not true", "| where b != \"2\"", "", WhereCaseSensitive);
        yield return Case("where isnull", "| where isnull(a)", "2,4", WhereCaseSensitive);
    }

    [TestCaseSource(nameof(Cases))]
    public void SearchSelectsExactlyTheseEvents(string search, string[] expected)
    {
        var result = Run(search, Json(Events));
        Assert.That(result.Diagnostics.Where(d => d.IsError), Is.Empty);
        Assert.That(Ids(result), Is.EqualTo(expected.Order(StringComparer.Ordinal).ToList()), search);
    }

    [Test]
    public void StatsByDropsEventsMissingAGroupField()
    {
        // Stats: rows are built per distinct BY value; an event without 'user' has no value and makes no row.
        var result = Run("| stats count by user", Json(Events));
        Assert.That(result.Rows.Select(r => r.ToString()), Is.EqualTo(new[]
        {
            "user=ADMIN count=1",
            "user=Admin count=1",
            "user=admin count=1",
            "user=root count=1",
        }), Stats);
    }

    [Test]
    public void StatsWithoutByOverNothingGivesOneZeroRow()
    {
        var result = Run("nomatch=1 | stats count dc(user) as users", Json(Events));
        Assert.That(result.Rows.Select(r => r.ToString()), Is.EqualTo(new[] { "count=0 users=0" }), Stats);
    }

    [Test]
    public void StatsByMultivalueMakesOneGroupPerValue()
    {
        var result = Run("| stats count by tags{}", Json(Events));
        Assert.That(result.Rows.Select(r => r.ToString()), Is.EqualTo(new[] { "tags{}=x count=2", "tags{}=y count=1" }), Stats);
    }
}
