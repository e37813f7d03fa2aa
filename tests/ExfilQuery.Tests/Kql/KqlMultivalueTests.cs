using ExfilQuery.Kql;
using NUnit.Framework;

namespace ExfilQuery.Tests.Kql;

/// <summary>Search conditions on a field that holds several values (profile none, table Events): `f=v` holds when any
/// value matches (case-insensitive, `*` wildcards), `NOT f=v` when none does (also for rows without the field), `f!=v`
/// when the field has values and none matches. Splunk Search Manual, "Difference between NOT and !=" and "Fields with
/// multiple values"; the IR's FieldMatchPredicate / FieldNotMatchPredicate say the same. KQL references
/// (learn.microsoft.com/kusto/query/...): mv-apply-operator (a column reference named as the expanded array is replaced
/// by the subquery's columns, hence the __mv copy), mv-expand-operator (`to typeof()` nulls values of another type,
/// hence tostring()). The padding dynamic([null]) keeps rows whose field is missing or empty.</summary>
public class KqlMultivalueTests
{
    private const string Split = "| eval tags=split(t, \",\") ";
    private const string Pad = "extend __mv1 = case(array_length(tags) > 0, tags, isnull(tags) or array_length(tags) == 0, dynamic([null]), pack_array(tags))";

    [TestCase(Split + "| search tags=\"ab*\"", $$"""
        Events
        | extend tags = split(t, ",")
        | {{Pad}}
        | mv-apply __mv1 on (summarize __any1 = countif(isnotnull(__mv1) and tostring(__mv1) startswith "ab"))
        | where __any1 > 0
        | project-away __any1
        """, Description = "any value matches a prefix, case-insensitively")]
    [TestCase(Split + "| search NOT tags=Zz", $$"""
        Events
        | extend tags = split(t, ",")
        | {{Pad}}
        | mv-apply __mv1 on (summarize __any1 = countif(isnotnull(__mv1) and tostring(__mv1) =~ "Zz"))
        | where not(__any1 > 0)
        | project-away __any1
        """, Description = "NOT: no value matches, true for rows without values")]
    [TestCase(Split + "| search tags!=q", $$"""
        Events
        | extend tags = split(t, ",")
        | {{Pad}}
        | mv-apply __mv1 on (summarize __any1 = countif(isnotnull(__mv1) and tostring(__mv1) =~ "q"), __values1 = countif(isnotnull(__mv1)))
        | where (__values1 > 0 and __any1 == 0)
        | project-away __any1, __values1
        """, Description = "!=: the field has values and none matches")]
    [TestCase(Split + "| search tags IN (a, \"b*c\") x=1", $$"""
        Events
        | extend tags = split(t, ",")
        | {{Pad}}
        | mv-apply __mv1 on (summarize __any1 = countif(isnotnull(__mv1) and tostring(__mv1) =~ "a"))
        | extend __mv2 = case(array_length(tags) > 0, tags, isnull(tags) or array_length(tags) == 0, dynamic([null]), pack_array(tags))
        | mv-apply __mv2 on (summarize __any2 = countif(isnotnull(__mv2) and tostring(__mv2) matches regex "(?is)^b.*c$"))
        | where (__any1 > 0 or __any2 > 0) and x =~ "1"
        | project-away __any1, __any2
        """, Description = "each condition counts its own values; other conditions are unchanged")]
    public void SearchOnMultivalueField(string spl, string expected) => KqlCombiningTests.AssertTranslation(spl, TranslationStatus.Full, expected);
}
