using ExfilQuery.Kql;
using ExfilQuery.Tests.Kusto;
using NUnit.Framework;

namespace ExfilQuery.Tests.Kql;

/// <summary>join, append, appendpipe, mvexpand, lookup and tail (profile none, table Events): the exact KQL, which
/// Microsoft's Kusto parser must accept (no errors at all when the status is full, no syntax errors otherwise).
///
/// Splunk references (SPL Search Reference, help.splunk.com/.../spl-search-reference/9.4/search-commands/...):
/// join: type=inner (default) | outer | left; max=1 (default) joins each main row with at most one subsearch row,
/// max=0 with all; overwrite=true (default, also in selfjoin's options) lets the subsearch row's fields overwrite the
/// main row's fields of the same name. append: the subsearch's rows after the current rows. appendpipe: "the
/// subpipeline is run when the search reaches the appendpipe command", over the current results. mvexpand: one row
/// per value, "limit: the number of values of field to use for each input event". tail: "Returns the last N number
/// of specified results. The events are returned in reverse order, starting at the end of the result set." lookup:
/// OUTPUT overwrites the output fields, OUTPUTNEW only fills fields the event lacks; transforms.conf's
/// case_sensitive_match and match_type change how a lookup matches (Knowledge Manager Manual, "Add field matching
/// rules to your lookup configuration").
///
/// KQL references (learn.microsoft.com/kusto/query/...): join-operator (kinds inner/leftouter; all columns of both
/// sides, a duplicate right column renamed name1, hence the private _rk/_r names here), union-operator (kind=outer:
/// a column with two types becomes name_long and name_real, hence the type alignment), mv-expand-operator (`limit`
/// per input row; `to typeof()` casts and nulls values of another type, hence tostring()), lookup-operator
/// (kind=leftouter, `$left.a == $right.b`, right key columns not repeated), Sentinel watchlists-queries
/// (_GetWatchlist('alias'), which the checker's schema does not know: lookups are always partial).</summary>
public class KqlCombiningTests
{
    /// <summary>Translates with profile none and checks the status, the query and Kusto's verdict.</summary>
    internal static void AssertTranslation(string spl, TranslationStatus status, string? query)
    {
        var t = KqlBackend.Translate(spl);
        var diagnostics = string.Join("\n", t.Diagnostics);
        Assert.That(t.Status, Is.EqualTo(status), diagnostics);
        if (query is not null || status == TranslationStatus.Failed) Assert.That(t.Query, Is.EqualTo(query), diagnostics);
        if (t.Query is null) return;
        var tables = t.SourceColumns.Count == 0 ? null : new Dictionary<string, IReadOnlyDictionary<string, string>> { ["Events"] = t.SourceColumns };
        var kusto = KustoChecker.Sentinel.Check(t.Query, tables);
        var bad = kusto.Where(d => d.Category == "syntax" || status == TranslationStatus.Full).ToList();
        Assert.That(bad, Is.Empty, KustoChecker.Describe(t.Query, kusto));
    }

    // join: the subsearch is unique per join field after stats, so every row joins its one match (exact). Its fields
    // overwrite the row's: a field the row may have keeps the row's value only when the subsearch row lacks it.
    [TestCase("x=1 | join user [search y=2 | stats count as n by user]", TranslationStatus.Full, """
        Events
        | where x =~ "1"
        | join kind=inner (Events
        | where y =~ "2"
        | where isnotempty(user)
        | summarize n = count() by user
        | extend _rk0 = user
        | where isnotempty(_rk0)
        | project _rk0, _r0 = n) on $left.user == $right._rk0
        | extend n = iff(isempty(tostring(_r0)), n, tostring(_r0))
        | project-away _rk0, _r0
        """, Description = "inner join on a stats subsearch; n may exist in the events, so it is overwritten only by a value")]
    [TestCase("| stats count by user | join type=outer user [search y=2 | stats count as n by user | eval z=\"r\"]", TranslationStatus.Full, """
        Events
        | where isnotempty(user)
        | summarize ['count'] = count() by user
        | join kind=leftouter (Events
        | where y =~ "2"
        | where isnotempty(user)
        | summarize n = count() by user
        | extend z = "r"
        | extend _rk0 = user
        | where isnotempty(_rk0)
        | project _rk0, _r0 = n, _r1 = z) on $left.user == $right._rk0
        | extend n = _r0, z = _r1
        | project-away _rk0, _r0, _r1
        """, Description = "type=outer keeps unmatched rows; after stats the row has no n or z, so they are the subsearch's")]
    [TestCase("x=1 | eval z=\"l\" | join user [search y=2 | fields user, z, _time]", TranslationStatus.Full, """
        Events
        | where x =~ "1"
        | extend z = "l"
        | join kind=inner (Events
        | where y =~ "2"
        | project user, z, _time
        | extend _rk0 = user
        | where isnotempty(_rk0)
        | summarize arg_max(_time, *) by _rk0
        | project _rk0, _r0 = _time, _r1 = z) on $left.user == $right._rk0
        | extend _time = iff(isnull(_r0), _time, _r0), z = iff(isempty(_r1), z, _r1)
        | project-away _rk0, _r0, _r1
        """, Description = "max=1 over events in the default order: the first match is the latest by _time")]
    [TestCase("x=1 | join user [search y=2 | table user, z]", TranslationStatus.Partial, """
        Events
        | where x =~ "1"
        | join kind=inner (Events
        | where y =~ "2"
        | project user, z
        | extend _rk0 = user
        | where isnotempty(_rk0)
        | summarize take_any(*) by _rk0
        | project _rk0, _r0 = z) on $left.user == $right._rk0
        | extend z = iff(isempty(_r0), z, _r0)
        | project-away _rk0, _r0
        """, Description = "max=1 without _time to order by: any match (KQL0002)")]
    [TestCase("x=1 | join max=0 user host [search y=2 | table user, host, z]", TranslationStatus.Full, """
        Events
        | where x =~ "1"
        | join kind=inner (Events
        | where y =~ "2"
        | project user, host, z
        | extend _rk0 = user, _rk1 = host
        | where isnotempty(_rk0) and isnotempty(_rk1)
        | project _rk0, _rk1, _r0 = z) on $left.user == $right._rk0 and $left.host == $right._rk1
        | extend z = iff(isempty(_r0), z, _r0)
        | project-away _rk0, _rk1, _r0
        """, Description = "max=0 joins every match: a plain inner join on two fields")]
    [TestCase("| stats count by h | join user [search y=2 | stats count as n by user]", TranslationStatus.Full, """
        Events
        | where isnotempty(h)
        | summarize ['count'] = count() by h
        | extend _lk0 = ""
        | join kind=inner (Events
        | where y =~ "2"
        | where isnotempty(user)
        | summarize n = count() by user
        | extend _rk0 = user
        | where isnotempty(_rk0)
        | project _rk0, _r0 = n) on $left._lk0 == $right._rk0
        | extend n = _r0
        | project-away _lk0, _rk0, _r0
        """, Description = "rows without the join field match nothing (the right side has no empty keys)")]
    [TestCase("x=1 | join user [search y=2 | stats count by P.user, P.host | rename P.* AS *]", TranslationStatus.Partial, null,
        Description = "several rows per user (by user and host): the first in the subsearch's order is not known")]
    [TestCase("x=1 | join user [search y=2 | stats count by P.user | rename P.* AS *]", TranslationStatus.Full, """
        Events
        | where x =~ "1"
        | join kind=inner (Events
        | where y =~ "2"
        | where isnotempty(['P.user'])
        | summarize ['count'] = count() by ['P.user']
        | extend user = ['P.user']
        | project-away ['P.user']
        | extend _rk0 = user
        | where isnotempty(_rk0)
        | project _rk0, _r0 = ['count']) on $left.user == $right._rk0
        | extend ['count'] = iff(isempty(tostring(_r0)), ['count'], tostring(_r0))
        | project-away _rk0, _r0
        """, Description = "drop_dm_object_name's wildcard rename keeps the subsearch unique per user")]
    [TestCase("x=1 | join max=3 user [search y=2]", TranslationStatus.Failed, null)]
    [TestCase("x=1 | join [search y=2 | stats count by user]", TranslationStatus.Failed, null, Description = "no join fields: every common field")]
    [TestCase("x=1 | join type=full user [search y=2 | stats count by user]", TranslationStatus.Failed, null)]
    [TestCase("x=1 | join user [search y=2 | transaction user]", TranslationStatus.Failed, null, Description = "the subsearch's failure fails the join")]
    public void Join(string spl, TranslationStatus status, string? query) => AssertTranslation(spl, status, query);

    [Test]
    public void JoinWithEventsSubsearchSaysWhichFieldsItBrings()
    {
        // Splunk brings every field of the matching event; KQL can only project the fields the subsearch names.
        var t = KqlBackend.Translate("x=1 | join type=left user [search y=2 | eval z=a]");
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Partial));
        Assert.That(t.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "KQL0002" }));
        Assert.That(t.Diagnostics[0].Message, Does.EndWith("the KQL query joins only the fields the subsearch names: _time, a, y, z."));
        Assert.That(t.Query, Does.Contain("| join kind=leftouter (Events\n| where y =~ \"2\"\n| extend z = a\n| extend _rk0 = user\n| where isnotempty(_rk0)\n| summarize arg_max(_time, *) by _rk0\n"));
    }

    [Test]
    public void FailedSubsearchDiagnosticPointsIntoTheSubsearch()
    {
        var spl = "x=1 | join user [search y=2 | transaction user]";
        var error = KqlBackend.Translate(spl).Diagnostics.Single(d => d.IsError);
        Assert.That(spl.Substring(error.Span.Start, error.Span.Length), Is.EqualTo("transaction user"));
    }

    // append: union; a field with two types becomes one (numbers as real). appendpipe: the rows so far are named
    // (let) and the sub-pipeline runs over them.
    [TestCase("x=1 | append [search y=2 | stats count by h]", TranslationStatus.Full, """
        Events
        | where x =~ "1"
        | union (Events
        | where y =~ "2"
        | where isnotempty(h)
        | summarize ['count'] = count() by h)
        """)]
    [TestCase("| stats count by h | append [search y=2 | stats avg(b) as count by h]", TranslationStatus.Full, """
        Events
        | where isnotempty(h)
        | summarize ['count'] = count() by h
        | extend ['count'] = toreal(['count'])
        | union (Events
        | where y =~ "2"
        | where isnotempty(h)
        | summarize ['count'] = avg(todouble(b)) by h)
        """, Description = "count is long here and real there: both real")]
    [TestCase("| stats count by h | appendpipe [| stats sum(count) as count | eval h=\"TOTAL\"]", TranslationStatus.Full, """
        let _rows1 = Events
        | where isnotempty(h)
        | summarize ['count'] = count() by h;
        _rows1
        | extend ['count'] = toreal(['count'])
        | union (_rows1
        | summarize ['count'] = sum(['count'])
        | extend h = "TOTAL")
        """, Description = "a total row over the current rows")]
    [TestCase("x=1 | append [search y=2 | transaction user]", TranslationStatus.Failed, null)]
    public void Append(string spl, TranslationStatus status, string? query) => AssertTranslation(spl, status, query);

    [Test]
    public void AppendLeavesTheDefaultOrder()
    {
        // The appended rows come after the current ones in Splunk; KQL's union has no order, so head is no longer
        // "the newest events".
        var t = KqlBackend.Translate("x=1 | append [search y=2] | head 3");
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Partial));
        Assert.That(t.Query, Does.EndWith("\n| take 3"));
    }

    // mvexpand: one row per value (as a string), limit= values per row; a single value is itself; a row without the
    // field yields no row.
    [TestCase("| stats values(a) as a by h | mvexpand a limit=2", TranslationStatus.Full, """
        Events
        | where isnotempty(h)
        | summarize a = array_sort_asc(make_set_if(a, isnotempty(a))) by h
        | mv-expand a limit 2
        | extend a = tostring(a)
        | where isnotempty(a)
        """)]
    [TestCase("x=1 | mvexpand a", TranslationStatus.Full, "Events\n| where x =~ \"1\"\n| where isnotempty(a)")]
    [TestCase("| stats count by h | mvexpand a", TranslationStatus.Full, "Events\n| where isnotempty(h)\n| summarize ['count'] = count() by h\n| where isnotempty(\"\")",
        Description = "a field the rows cannot have: no rows")]
    public void Mvexpand(string spl, TranslationStatus status, string? query) => AssertTranslation(spl, status, query);

    // lookup: a watchlist named like the lookup; OUTPUT replaces, OUTPUTNEW fills only empty fields.
    [TestCase("x=1 | lookup mylk.csv k AS user OUTPUT v AS val, w", TranslationStatus.Partial, """
        Events
        | where x =~ "1"
        | extend _lk0 = user
        | lookup kind=leftouter (_GetWatchlist("mylk")
        | project _wk0 = tostring(k), _wo0 = tostring(v), _wo1 = tostring(w)) on $left._lk0 == $right._wk0
        | extend val = _wo0, w = _wo1
        | project-away _lk0, _wo0, _wo1
        """)]
    [TestCase("| stats count by user | eval val=\"x\" | lookup mylk k AS user OUTPUTNEW v AS val", TranslationStatus.Partial, """
        Events
        | where isnotempty(user)
        | summarize ['count'] = count() by user
        | extend val = "x"
        | extend _lk0 = user
        | lookup kind=leftouter (_GetWatchlist("mylk")
        | project _wk0 = tostring(k), _wo0 = tostring(v)) on $left._lk0 == $right._wk0
        | extend val = iff(isempty(val), _wo0, val)
        | project-away _lk0, _wo0
        """)]
    [TestCase("x=1 | lookup mylk k AS user", TranslationStatus.Failed, null, Description = "no OUTPUT: the lookup's columns are unknown")]
    public void Lookup(string spl, TranslationStatus status, string? query) => AssertTranslation(spl, status, query);

    [Test]
    public void LookupSaysItIsAWatchlistAndHowMatchingDiffers()
    {
        var message = KqlBackend.Translate("x=1 | lookup mylk.csv k AS user OUTPUT v").Diagnostics.Single().Message;
        Assert.That(message, Does.Contain("watchlist 'mylk'").And.Contain("case_sensitive_match").And.Contain("WILDCARD/CIDR"));
    }

    // tail: the last rows reversed; in the default order (newest first) the oldest, oldest first.
    [TestCase("x=1 | tail 5", TranslationStatus.Full, "Events\n| where x =~ \"1\"\n| top 5 by _time asc")]
    [TestCase("| stats count by h | tail 2", TranslationStatus.Failed, null)]
    public void Tail(string spl, TranslationStatus status, string? query) => AssertTranslation(spl, status, query);
}
