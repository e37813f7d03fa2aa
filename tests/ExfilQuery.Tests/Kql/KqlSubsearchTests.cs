using ExfilQuery.Kql;
using ExfilQuery.Tests.Kusto;
using NUnit.Framework;

namespace ExfilQuery.Tests.Kql;

/// <summary>Subsearches used as search terms (profile none, table Events). Splunk's implicit format command turns the
/// subsearch's result rows into `(a="v1" AND b="v2") OR ...`, ignoring fields that start with `_`; no results give
/// `NOT ( )` (Search Manual, "Change the format of subsearch results"; SPL Search Reference, "format"). Subsearches
/// return at most 10,000 results by default (SPL Search Reference, "append"; limits.conf [subsearch] maxout). KQL:
/// the in~ operator with a tabular operand (learn.microsoft.com/kusto/query/in-operator), pack_array/tostring for
/// several fields. Both the query and Kusto's verdict (no errors of any kind) are checked.</summary>
public class KqlSubsearchTests
{
    /// <summary>Translates with profile none and checks the status, the query and that Kusto finds no error of any kind.</summary>
    internal static void AssertQuery(string spl, TranslationStatus status, string? expected)
    {
        var t = KqlBackend.Translate(spl);
        Assert.That(t.Status, Is.EqualTo(status), string.Join("\n", t.Diagnostics));
        Assert.That(t.Query, Is.EqualTo(expected), string.Join("\n", t.Diagnostics));
        if (t.Query is null) return;
        var kusto = KustoChecker.Sentinel.Check(t.Query, new Dictionary<string, IReadOnlyDictionary<string, string>> { ["Events"] = t.SourceColumns });
        Assert.That(kusto, Is.Empty, KustoChecker.Describe(t.Query, kusto));
    }

    [Test]
    public void OneFieldIsAMembershipTest() => AssertQuery("EventCode=1 [search EventCode=3 | stats count by host | fields host]", TranslationStatus.Partial, """
        Events
        | where EventCode =~ "1" and host in~ ((Events
        | where EventCode =~ "3"
        | where isnotempty(host)
        | summarize ['count'] = count() by host
        | project host) | project _sv = host | where isnotempty(_sv))
        """);

    [Test]
    public void SeveralFieldsMatchOneRowsValuesTogether() => AssertQuery("EventCode=1 NOT [search EventCode=3 | table host user]", TranslationStatus.Partial, """
        Events
        | where EventCode =~ "1" and not(tostring(pack_array(tolower(host), tolower(user))) in ((Events
        | where EventCode =~ "3"
        | project host, user) | where isnotempty(host) and isnotempty(user) | project _sv = tostring(pack_array(tolower(host), tolower(user)))))
        """);

    [Test]
    public void TheApproximationsAreStated()
    {
        var t = KqlBackend.Translate("x=1 [search y=2 | fields _time user | table user]");
        var warning = t.Diagnostics.Single();
        Assert.That(warning.Code, Is.EqualTo("KQL0002"));
        Assert.That(warning.Message, Does.Contain("'*' in a value is a wildcard").And.Contain("10,000"));
        Assert.That(warning.Span.Start, Is.EqualTo(4), "the span is the subsearch");
    }

    [TestCase("x=1 [search y=2]", "The subsearch returns events", Description = "the condition would use every field of the events")]
    [TestCase("x=1 [search y=2 | stats count by user | rename user as search | fields search]", "'search' is inserted", Description = "format inserts search and query as text")]
    [TestCase("x=1 [search y=2 | stats count by _time | fields _time]", "no field", Description = "fields starting with _ are ignored by format")]
    public void WhatCannotBeTranslatedFails(string spl, string reason)
    {
        var t = KqlBackend.Translate(spl);
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Failed));
        Assert.That(t.Diagnostics.Where(d => d.Code == "KQL0001").Select(d => d.Message), Has.Some.Contains(reason));
    }
}
