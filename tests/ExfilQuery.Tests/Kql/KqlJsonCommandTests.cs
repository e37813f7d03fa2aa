using ExfilQuery.Kql;
using NUnit.Framework;

namespace ExfilQuery.Tests.Kql;

/// <summary>spath, replace and addtotals in KQL mean what the evaluator does (JsonCommandTests). KQL references:
/// parse_json and dynamic member access (learn.microsoft.com/kusto/query/parse-json-function), replace_regex with
/// \1 rewrites and RE2 syntax (learn.microsoft.com/kusto/query/replace-regex-function), case()
/// (learn.microsoft.com/kusto/query/case-function), todouble and isfinite. Each query is also checked by Kusto's
/// own parser.</summary>
public class KqlJsonCommandTests
{
    private static void AssertQuery(string spl, TranslationStatus status, string? expected) => KqlSubsearchTests.AssertQuery(spl, status, expected);

    private const string Number = """ matches regex "^[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?$" and isfinite(todouble(""";

    /// <summary>A member path is partial (XML, number text, null); {N} is a JSON index from 0; an output that already
    /// exists is kept when the path finds nothing, as the evaluator does. One {} is an mv-apply collecting the values
    /// (a dynamic array: partial, since Splunk gives one value as a plain value); the padding keeps rows without the
    /// array, whose output is then empty.</summary>
    [TestCase("| spath input=data output=arn path=userIdentity.arn", TranslationStatus.Partial, "Events\n| extend arn = tostring(parse_json(data)[\"userIdentity\"][\"arn\"])")]
    [TestCase("| spath eventName", TranslationStatus.Partial, "Events\n| extend eventName = tostring(parse_json(_raw)[\"eventName\"])")]
    [TestCase("| eval x=\"a\" | spath output=x path=a{1}.b", TranslationStatus.Partial, "Events\n| extend x = \"a\"\n| extend x = iff(isnull(parse_json(_raw)[\"a\"][1][\"b\"]), x, tostring(parse_json(_raw)[\"a\"][1][\"b\"]))")]
    [TestCase("| spath output=r path=bindingDeltas{}.role", TranslationStatus.Partial, """
        Events
        | extend __mv1 = iff(array_length(parse_json(_raw)["bindingDeltas"]) > 0, parse_json(_raw)["bindingDeltas"], dynamic([null]))
        | mv-apply __mv1 on (summarize __spath1 = make_list_if(tostring(__mv1["role"]), isnotnull(__mv1["role"])))
        | extend r = __spath1
        | project-away __spath1
        """)]
    [TestCase("| spath input=p output=s path=Statement{} | mvexpand s", TranslationStatus.Partial, """
        Events
        | extend __mv1 = iff(array_length(parse_json(p)["Statement"]) > 0, parse_json(p)["Statement"], dynamic([null]))
        | mv-apply __mv1 on (summarize __spath1 = make_list_if(tostring(__mv1), isnotnull(__mv1)))
        | extend s = __spath1
        | project-away __spath1
        | mv-expand s
        | extend s = tostring(s)
        | where isnotempty(s)
        """)]
    [TestCase("| spath output=r path=a{}{}", TranslationStatus.Failed, null)]
    [TestCase("| eval r=1 | spath output=r path=a{}", TranslationStatus.Failed, null)]
    [TestCase("| spath output=r path=a{@k}", TranslationStatus.Failed, null)]
    [TestCase("| spath input=x", TranslationStatus.Failed, null)]
    [TestCase("| spath output=o path=a..b", TranslationStatus.Failed, null)]
    [TestCase("| spath output=o path=a}.b", TranslationStatus.Failed, null)]
    public void Spath(string spl, TranslationStatus status, string? expected) => AssertQuery(spl, status, expected);

    /// <summary>replace: literal patterns compare with == (case-sensitive), the last written first; wildcard patterns
    /// are anchored case-sensitive regexes, the fullest first; backslashes survive both the regex and the rewrite.</summary>
    [TestCase("| replace \"::ffff:*\" with * in src", TranslationStatus.Full,
        "Events\n| extend src = case(src matches regex \"(?s)^::ffff:(.*)$\", replace_regex(src, \"(?s)^::ffff:(.*)$\", \"\\\\1\"), src)")]
    [TestCase("| replace a with b, a with c, \"x*\" with y, \"xy*\" with \"z*\" in f", TranslationStatus.Full,
        "Events\n| extend f = case(f == \"a\", \"c\", f == \"a\", \"b\", f matches regex \"(?s)^xy(.*)$\", replace_regex(f, \"(?s)^xy(.*)$\", \"z\\\\1\"), f matches regex \"(?s)^x(.*)$\", replace_regex(f, \"(?s)^x(.*)$\", \"y\"), f)")]
    [TestCase("| replace \"c:\\\\*\" with \"d:\\\\*\" in p", TranslationStatus.Full,
        "Events\n| extend p = case(p matches regex \"(?s)^c:\\\\\\\\(.*)$\", replace_regex(p, \"(?s)^c:\\\\\\\\(.*)$\", \"d:\\\\\\\\\\\\1\"), p)")]
    [TestCase("| replace * with none in f", TranslationStatus.Partial,
        "Events\n| extend f = case(f matches regex \"(?s)^(.*)$\", replace_regex(f, \"(?s)^(.*)$\", \"none\"), f)")]
    [TestCase("| replace a with b", TranslationStatus.Failed, null)]
    [TestCase("| replace a with b in f*", TranslationStatus.Failed, null)]
    public void Replace(string spl, TranslationStatus status, string? expected) => AssertQuery(spl, status, expected);

    /// <summary>addtotals: numbers by the evaluator's rule (FieldValue.TryParseNumber: invariant decimal or exponent
    /// form, no spaces, no hex, finite), added in the order listed from 0.0; no numeric value leaves the total empty.</summary>
    [Test]
    public void AddTotals()
    {
        AssertQuery("| eval n=1 | addtotals fieldname=Score n, s", TranslationStatus.Full,
            "Events\n| extend n = 1\n| extend Score = iff(isnull(todouble(n)) and isnull(iff(s" + Number + "s)), todouble(s), real(null))), real(null), "
            + "0.0 + coalesce(todouble(n), 0.0) + coalesce(iff(s" + Number + "s)), todouble(s), real(null)), 0.0))");
        AssertQuery("| addtotals", TranslationStatus.Failed, null);
        AssertQuery("| addtotals c*", TranslationStatus.Failed, null);
        AssertQuery("| eval Total=1 | addtotals a", TranslationStatus.Failed, null);
        AssertQuery("| fromjson Data", TranslationStatus.Failed, null);
    }
}
