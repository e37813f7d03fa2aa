using ExfilQuery.Elastic;
using ExfilQuery.Kql;
using NUnit.Framework;

namespace ExfilQuery.Tests.Elastic;

/// <summary>When SPL's <c>transaction</c> is an EQL <c>sequence</c>, and when not. A detection's purpose is whether a
/// match exists for a group and a time span, so a translation is <c>full</c> when the sequence finds a start/end pair
/// exactly for the groups and spans the transaction finds a complete transaction for; every other difference is a
/// warning (EQL0004, <c>partial</c>) or, when the transaction is not an ordered start/end correlation at all, an error
/// (EQL0003, <c>failed</c>). Every translated sequence carries the EQL0005 note that it returns the two matched events,
/// not the merged transaction event.
///
/// <para>Splunk, Search Reference "transaction" (https://docs.splunk.com/Documentation/Splunk/9.4.0/SearchReference/Transaction):
/// events are grouped "based on the unique values in the fields" of the field list; <c>startswith</c> is the filter
/// that marks the beginning of a new transaction and <c>endswith</c> its end; a transaction that misses its start or
/// end is evicted and only returned with <c>keepevicted=true</c> (<c>closed_txn=0</c>); <c>maxevents</c> (default 1000)
/// caps the events of a transaction; <c>maxpause</c> caps the pause between consecutive events; <c>connected</c>
/// (default true) and <c>unifyends</c> (default false: "Whether to force events that match startswith/endswith
/// constraint(s) to also match at least one of the fields used to unify events into a transaction") say how events
/// missing some fields join; the result is one event per transaction with <c>duration</c> (first to last event) and
/// <c>eventcount</c>, and the union of the member events' fields. transactiontypes.conf.spec (Admin Manual 9.4.1):
/// "The events in the transaction must span less than the integer specified for 'maxspan'".</para>
///
/// <para>Elastic, EQL syntax reference (https://www.elastic.co/guide/en/elasticsearch/reference/current/eql-syntax.html,
/// sections Sequences, <c>with maxspan</c>, <c>by</c> keyword, Optional <c>by</c> fields, <c>until</c>, <c>with runs</c>,
/// Missing events, "How sequence queries handle matches"): a sequence matches events in ascending time order; "All
/// events in a matching sequence must occur within this duration, starting at the first event's timestamp"; "By
/// default, a join key must be a non-null field value"; pending matches form one state machine per join key in which
/// "the most recent sequence overwrites the older one", so of several starts before an end the latest is paired,
/// as in a transaction where a new start closes the open one. Elasticsearch's SequenceMatcher rejects a match only when
/// <c>to.delta(from) &gt; maxSpanInNanos</c> (x-pack/plugin/eql/.../execution/sequence/SequenceMatcher.java), so EQL's
/// maxspan includes its bound, and LogicalPlanBuilder.visitSequenceParams takes a positive integer in ms, s, m, h or d.
/// ECS types <c>@timestamp</c> as <c>date</c> (../shared/schemas/ecs_fields.json), which Elasticsearch stores with
/// millisecond resolution, so Splunk's "span less than 30s" is EQL's <c>maxspan=29999ms</c>.</para>
///
/// <para>The reasoning, case by case:
/// <list type="bullet">
/// <item>Without startswith and endswith a transaction groups events by key and time proximity into one merged event
/// (an event count, a duration); EQL has no grouping, so EQL0003. With only one of them it groups around each start
/// (end) event; a sequence needs both conditions: EQL0003.</item>
/// <item>keepevicted=true returns incomplete transactions too; a sequence returns complete matches only: EQL0003.
/// (<c>![...]</c> missing-event clauses need maxspan and say "not followed by", which is not "evicted".)</item>
/// <item>Join keys: EQL needs every <c>by</c> field present and equal in both events. The transaction agrees when the
/// start and end events have all the fields (the search or the condition requires them: <c>f=*</c>, <c>f=v</c>,
/// <c>f!=v</c>, a range, a CIDR) or, for one field, with unifyends=true. Otherwise an event lacking a field can join
/// (through the other fields with several, or by unifyends=false) and Splunk finds pairs EQL does not: EQL0004.</item>
/// <item>A key computed by <c>eval X=coalesce(a, b) | transaction X</c>: EQL's <c>by</c> matches "events that share
/// the same values, even if those values are in different fields", so each stage joins on the first coalesce field its
/// events must have (the search restricted to the stage's branch requires it); exact when the earlier fields are
/// excluded there (<c>NOT a=*</c>), else EQL0004; EQL0003 when the stage requires none of them. A filter that reads X
/// before the transaction keeps the eval an EQL0001.</item>
/// <item>Events between the start and the end: they are in the transaction, not in the sequence. They matter only
/// through maxevents (a group with that many events from a start to its end has no complete transaction) and maxpause
/// (a pause between two of them ends the transaction). When every event the search keeps meets startswith or endswith
/// (each alternative of one of its conditions contains one of them), a transaction holds only its start and its end:
/// maxevents &gt;= 2 changes nothing and maxpause limits the span between them, so it joins maxspan. Otherwise both are
/// EQL0004. maxevents 0 or 1 leaves no complete transaction of two events: EQL0003.</item>
/// <item>An event that meets both startswith and endswith is a whole transaction in Splunk but cannot fill two stages
/// of a sequence: EQL0004 unless the conditions exclude each other (different exact values of one field, or a
/// condition and its negation). A multivalue field could hold both values; EQL does not support array values (EQL
/// syntax reference, Limitations), which every EQL translation assumes.</item>
/// <item><c>duration &lt; N</c> / <c>&lt;= N</c> after the transaction (also through <c>eval x=case(duration&lt;N, "V") |
/// search x=V</c>, the corpus' shape) is a limit on the span from start to end: it becomes maxspan (the smaller of the
/// limits). A lower limit (<c>duration &gt; N</c>), a condition on <c>eventcount</c> or on the merged fields, an
/// aggregation or head/tail after the transaction has no EQL form: EQL0003.</item>
/// <item>Events with the same timestamp: Splunk's order among them is not defined and EQL orders by timestamp and
/// tiebreaker; a start and an end at the same instant may pair in one and not the other (not diagnosed).</item>
/// </list></para></summary>
public class EqlSequenceTests
{
    private const string Returns = "EQL0005";

    [TestCase("search EventCode=1 OR EventCode=2 | transaction startswith=(EventCode=1) endswith=(EventCode=2)",
        "sequence\n  [any where EventCode : (\"1\", \"2\") and EventCode : \"1\"]\n  [any where EventCode : (\"1\", \"2\") and EventCode : \"2\"]",
        "full", Returns, TestName = "seq: no fields, only start and end events: exact")]
    [TestCase("search EventCode=1 OR EventCode=2 | transaction user startswith=(EventCode=1) endswith=(EventCode=2) unifyends=true maxspan=5m",
        "sequence by user with maxspan=299999ms\n  [any where EventCode : (\"1\", \"2\") and EventCode : \"1\"]\n  [any where EventCode : (\"1\", \"2\") and EventCode : \"2\"]",
        "full", Returns, TestName = "seq: one field with unifyends=true, maxspan exclusive in ms")]
    [TestCase("search user=* (EventCode=4624 OR EventCode=4647) | transaction user maxspan=1h startswith=(EventCode=4624) endswith=(EventCode=4647)",
        "sequence by user with maxspan=3599999ms\n  [any where user != null and EventCode : (\"4624\", \"4647\") and EventCode : \"4624\"]\n  [any where user != null and EventCode : (\"4624\", \"4647\") and EventCode : \"4647\"]",
        "full", Returns, TestName = "seq: the search requires the field: exact")]
    [TestCase("search host=* user=* (EventCode=1 OR EventCode=2) | transaction host user startswith=(EventCode=1) endswith=(EventCode=2)",
        "sequence by host, user\n  [any where host != null and user != null and EventCode : (\"1\", \"2\") and EventCode : \"1\"]\n  [any where host != null and user != null and EventCode : (\"1\", \"2\") and EventCode : \"2\"]",
        "full", Returns, TestName = "seq: two fields both required by the search: exact")]
    [TestCase("search EventCode=1 OR EventCode=2 | transaction host user startswith=(EventCode=1 host=* user=*) endswith=(EventCode=2 host=* user=*)",
        "sequence by host, user\n  [any where EventCode : (\"1\", \"2\") and EventCode : \"1\" and host != null and user != null]\n  [any where EventCode : (\"1\", \"2\") and EventCode : \"2\" and host != null and user != null]",
        "partial", "EQL0004,EQL0005", TestName = "seq: keys required by start and end, but events without them count for maxevents")]
    [TestCase("search EventCode=1 OR EventCode=2 | transaction user unifyends=t startswith=(EventCode=1) endswith=(EventCode=2) | where duration <= 60",
        "sequence by user with maxspan=1m\n  [any where EventCode : (\"1\", \"2\") and EventCode : \"1\"]\n  [any where EventCode : (\"1\", \"2\") and EventCode : \"2\"]",
        "full", Returns, TestName = "seq: duration <= 60 is maxspan=1m (both inclusive)")]
    [TestCase("search EventCode=1 OR EventCode=2 | transaction user unifyends=t maxspan=10m startswith=(EventCode=1) endswith=(EventCode=2) | search duration<120",
        "sequence by user with maxspan=119999ms\n  [any where EventCode : (\"1\", \"2\") and EventCode : \"1\"]\n  [any where EventCode : (\"1\", \"2\") and EventCode : \"2\"]",
        "full", Returns, TestName = "seq: the smaller of maxspan and the duration limit")]
    [TestCase("search EventCode=1 OR EventCode=2 | transaction user unifyends=t startswith=(EventCode=1) endswith=(EventCode=2) | eval short=case(duration<30, \"TRUE\") | search short=true",
        "sequence by user with maxspan=29999ms\n  [any where EventCode : (\"1\", \"2\") and EventCode : \"1\"]\n  [any where EventCode : (\"1\", \"2\") and EventCode : \"2\"]",
        "partial", "EQL0002,EQL0005", TestName = "seq: eval case(duration<N) then search on it (the corpus shape); the eval column is not shaped")]
    [TestCase("search EventCode=1 OR EventCode=2 | transaction user unifyends=t maxpause=30s startswith=(EventCode=1) endswith=(EventCode=2)",
        "sequence by user with maxspan=29999ms\n  [any where EventCode : (\"1\", \"2\") and EventCode : \"1\"]\n  [any where EventCode : (\"1\", \"2\") and EventCode : \"2\"]",
        "full", Returns, TestName = "seq: maxpause between the only two events is a span limit")]
    [TestCase("search EventCode=1 OR EventCode=2 | transaction user unifyends=t maxevents=2 startswith=(EventCode=1) endswith=(EventCode=2)",
        "sequence by user\n  [any where EventCode : (\"1\", \"2\") and EventCode : \"1\"]\n  [any where EventCode : (\"1\", \"2\") and EventCode : \"2\"]",
        "full", Returns, TestName = "seq: maxevents=2 holds a start and an end")]
    [TestCase("search EventCode=1 OR EventCode=2 | transaction user startswith=(EventCode=1) endswith=(EventCode=2)",
        "sequence by user\n  [any where EventCode : (\"1\", \"2\") and EventCode : \"1\"]\n  [any where EventCode : (\"1\", \"2\") and EventCode : \"2\"]",
        "partial", "EQL0004,EQL0005", TestName = "seq: unifyends=false lets a start or end without the field join")]
    [TestCase("search EventCode=1 OR EventCode=2 | transaction host user startswith=(EventCode=1) endswith=(EventCode=2)",
        "sequence by host, user\n  [any where EventCode : (\"1\", \"2\") and EventCode : \"1\"]\n  [any where EventCode : (\"1\", \"2\") and EventCode : \"2\"]",
        "partial", "EQL0004,EQL0005", TestName = "seq: two fields, an event lacking one joins through the other")]
    [TestCase("search user=* | transaction user maxpause=1m startswith=(action=login) endswith=(action=logout)",
        "sequence by user\n  [any where user != null and action : \"login\"]\n  [any where user != null and action : \"logout\"]",
        "partial", "EQL0004,EQL0005", TestName = "seq: other events between: maxevents and maxpause differ")]
    [TestCase("search action=login OR user=root | transaction host unifyends=t startswith=(action=login) endswith=(user=root)",
        "sequence by host\n  [any where (action : \"login\" or user : \"root\") and action : \"login\"]\n  [any where (action : \"login\" or user : \"root\") and user : \"root\"]",
        "partial", "EQL0004,EQL0005", TestName = "seq: one event can meet startswith and endswith")]
    [TestCase("search action=login OR action=logout | transaction host unifyends=t startswith=(action=login) endswith=(NOT action=login)",
        "sequence by host\n  [any where action : (\"login\", \"logout\") and action : \"login\"]\n  [any where action : (\"login\", \"logout\") and (action == null or not action : \"login\")]",
        "full", Returns, TestName = "seq: a condition and its negation exclude each other")]
    [TestCase("search (EventCode=1 new=*) OR (EventCode=2 old=*) | eval k=coalesce(new, old) | transaction k unifyends=t startswith=(EventCode=1) endswith=(EventCode=2)",
        "sequence\n  [any where (EventCode : \"1\" and new != null or EventCode : \"2\" and old != null) and EventCode : \"1\"] by new\n  [any where (EventCode : \"1\" and new != null or EventCode : \"2\" and old != null) and EventCode : \"2\"] by old",
        "partial", "EQL0004,EQL0005", TestName = "seq: coalesce key: per-stage keys, the end may also have the first field")]
    [TestCase("search (EventCode=1 new=*) OR (EventCode=2 old=* NOT new=*) | eval k=coalesce(new, old) | transaction k startswith=(EventCode=1) endswith=(EventCode=2)",
        "sequence\n  [any where (EventCode : \"1\" and new != null or EventCode : \"2\" and old != null and new == null) and EventCode : \"1\"] by new\n  [any where (EventCode : \"1\" and new != null or EventCode : \"2\" and old != null and new == null) and EventCode : \"2\"] by old",
        "full", Returns, TestName = "seq: coalesce key exact when the end events lack the first field")]
    [TestCase("search EventCode=1 OR EventCode=2 | eval k=coalesce(new, old) | transaction k unifyends=t startswith=(EventCode=1) endswith=(EventCode=2)", null,
        "failed", "EQL0003", TestName = "seq: coalesce key whose fields the stage does not require")]
    [TestCase("search EventCode=1 OR EventCode=2 | eval k=coalesce(new, old) | search k=x | transaction k unifyends=t startswith=(EventCode=1) endswith=(EventCode=2)", null,
        "failed", "EQL0001", TestName = "seq: a computed key read by a filter is not a join key")]
    [TestCase("search a=1 | transaction host maxspan=30s", null, "failed", "EQL0003", TestName = "seq: no startswith/endswith is grouping by time proximity")]
    [TestCase("search a=1 | transaction host startswith=(a=1)", null, "failed", "EQL0003", TestName = "seq: only startswith")]
    [TestCase("search a=1 | transaction host startswith=(a=1) endswith=(b=2) keepevicted=true", null, "failed", "EQL0003", TestName = "seq: keepevicted returns incomplete transactions")]
    [TestCase("search a=1 OR a=2 | transaction host startswith=(a=1) endswith=(a=2) maxevents=1", null, "failed", "EQL0003", TestName = "seq: maxevents=1 leaves no start-and-end transaction")]
    [TestCase("search a=1 OR a=2 | transaction host unifyends=t startswith=(a=1) endswith=(a=2) | search eventcount>2", null, "failed", "EQL0003", TestName = "seq: a condition on the merged event")]
    [TestCase("search a=1 OR a=2 | transaction host unifyends=t startswith=(a=1) endswith=(a=2) | where duration > 5", null, "failed", "EQL0003", TestName = "seq: a lower limit on duration")]
    [TestCase("search a=1 OR a=2 | transaction host unifyends=t startswith=(a=1) endswith=(a=2) | stats count by host", null, "failed", "EQL0003", TestName = "seq: an aggregation of transactions")]
    [TestCase("search a=1 OR a=2 | transaction host unifyends=t startswith=(a=1) endswith=(a=2) | where duration < 0.0005", null, "failed", "EQL0003", TestName = "seq: a limit below a millisecond")]
    [TestCase("search a=1 OR a=2 | transaction host unifyends=t startswith=(a=1) endswith=(a=2) maxspan=99999999999999999999999d",
        "sequence by host with maxspan=8999999999999999ms\n  [any where a : (\"1\", \"2\") and a : \"1\"]\n  [any where a : (\"1\", \"2\") and a : \"2\"]",
        "full", Returns, TestName = "seq: a huge maxspan stays a defined number")]
    [TestCase("search a=1 | head 10 | transaction host unifyends=t startswith=(a=1) endswith=(b=2)", null, "failed", "EQL0003", TestName = "seq: transaction after head")]
    [TestCase("search a=1 | transaction host unifyends=t startswith=\"login\" endswith=(b=2)", null, "failed", "EQL0001", TestName = "seq: a quoted startswith is a raw-text term")]
    [TestCase("search a=1 | eval k=lower(host) | transaction k unifyends=t startswith=(a=1) endswith=(b=2)", null, "failed", "EQL0001", TestName = "seq: eval before the transaction")]
    [TestCase("search a=1 | rename host as h | transaction h unifyends=t startswith=(a=1) endswith=(b=2)", null, "failed", "EQL0001", TestName = "seq: rename before the transaction")]
    public void TransactionAsSequence(string spl, string? query, string status, string codes)
    {
        var t = EqlBackend.Translate(spl);
        var diagnostics = string.Join("\n", t.Diagnostics);
        Assert.That(t.StatusName, Is.EqualTo(status), diagnostics);
        Assert.That(t.Query, Is.EqualTo(query), diagnostics);
        // A failed translation is compared by its errors (the sequence's warnings may come with them).
        var compared = t.Diagnostics.Where(d => !d.Code.StartsWith("SPL", StringComparison.Ordinal) && (t.Status != TranslationStatus.Failed || d.IsError));
        Assert.That(string.Join(",", compared.Select(d => d.Code).Distinct().Order(StringComparer.Ordinal)), Is.EqualTo(codes), diagnostics);
    }

    [Test]
    public void WarningsNameEachDifference()
    {
        var t = EqlBackend.Translate("search user=* | transaction host user connected=false maxpause=1m startswith=(action=login) endswith=(action=logout)");
        var warnings = t.Diagnostics.Where(d => d.Code == "EQL0004").Select(d => d.Message).ToList();
        Assert.That(warnings, Has.Count.EqualTo(3));
        Assert.That(warnings, Has.Some.Contains("maxevents=1000"));
        Assert.That(warnings, Has.Some.Contains("maxpause=1m"));
        Assert.That(warnings, Has.Some.Contains("(host, user)").And.Contains("connected=false"));
    }

    [Test]
    public void ExclusiveLimitIsExplained()
    {
        var t = EqlBackend.Translate("search a=1 OR a=2 | transaction maxspan=30s startswith=(a=1) endswith=(a=2)");
        Assert.That(t.Query, Does.StartWith("sequence with maxspan=29999ms\n"));
        Assert.That(t.Diagnostics.Where(d => d.Code == "EQL0005").Select(d => d.Message),
            Has.Some.Contains("maxspan=30s keeps spans shorter than 30s").And.Contains("maxspan=29999ms"));
    }

    /// <summary>The sequence syntax as the EQL syntax reference writes it: lower-case <c>sequence</c>, <c>by</c> before
    /// <c>with maxspan=</c> (LogicalPlanBuilder: "Please specify sequence [by] before [with] not after"), one
    /// bracketed <c>category where condition</c> per line.</summary>
    [Test]
    public void SequenceSyntax()
    {
        var q = EqlBackend.Translate("search a=1 OR a=2 | transaction \"my-host\" unifyends=t maxspan=2h startswith=(a=1) endswith=(a=2)").Query!;
        var lines = q.Split('\n');
        Assert.That(lines[0], Is.EqualTo("sequence by `my-host` with maxspan=7199999ms"));
        Assert.That(lines.Skip(1), Has.All.Match(@"^  \[(any|process|file|registry|network|authentication) where .+\]$"));
    }

    [Test]
    public void EcsProfileMapsKeysAndConditions()
    {
        var t = EqlBackend.Translate(
            "`sysmon` EventCode=1 (process_name=cmd.exe OR process_name=whoami.exe) | transaction dest unifyends=t maxspan=1m startswith=(process_name=cmd.exe) endswith=(process_name=whoami.exe)",
            TestData.WithSplunkMacros, ElasticOptions.Default with { Profile = "ecs" });
        Assert.That(t.Query, Does.StartWith("sequence by host.name with maxspan=59999ms\n  [process where "), string.Join("\n", t.Diagnostics));
        Assert.That(t.Query, Does.Contain("process.name : \"cmd.exe\"]").And.Contain("process.name : \"whoami.exe\"]"));
    }

    /// <summary>With profile ecs a join key that is not an ECS field is optional (<c>?key</c>: EQL syntax reference,
    /// "Optional by fields") when both stages require it, so an index without that field matches nothing instead of
    /// failing the query; where a stage may lack it, <c>?</c> would join missing keys as equal nulls, so it stays plain.</summary>
    [TestCase("foo=* ", "sequence by ?foo with maxspan=59999ms\n")]
    [TestCase("", "sequence by foo with maxspan=59999ms\n")]
    public void EcsUnmappedJoinKeyIsOptionalOnlyWhenRequired(string required, string header)
    {
        var t = EqlBackend.Translate(
            $"`sysmon` EventCode=1 {required}(process_name=cmd.exe OR process_name=whoami.exe) | transaction foo unifyends=t maxspan=1m startswith=(process_name=cmd.exe) endswith=(process_name=whoami.exe)",
            TestData.WithSplunkMacros, ElasticOptions.Default with { Profile = "ecs" });
        Assert.That(t.Query, Does.StartWith(header), string.Join("\n", t.Diagnostics));
    }

    /// <summary>The three transactions of the public corpus. "Detect New Local Admin account" groups by time proximity
    /// (no startswith/endswith): EQL0003. "Short Lived Scheduled Task" is a start/end correlation whose key comes from
    /// <c>xmlkv</c>, which EQL cannot run: EQL0001. "Suspicious Ticket Granting Ticket Request" keys on
    /// <c>coalesce(NewTargetUserName, TargetUserName)</c>: the 4781 start requires NewTargetUserName, the 4768 end
    /// requires TargetUserName, so each stage has its own join key, and its <c>duration&lt;2</c> is maxspan=1999ms; partial,
    /// because the search does not exclude a 4768 event that has NewTargetUserName (coalesce would key on it).</summary>
    [TestCase("b25f6f62-0712-43c1-b203-083231ffd97d", "failed", "EQL0003", null)]
    [TestCase("6fa31414-546e-11ec-adfa-acde48001122", "failed", "EQL0001", null)]
    [TestCase("d77d349e-6269-11ec-9cfe-acde48001122", "partial", "EQL0004", "sequence with maxspan=1999ms\n  [any where ")]
    public void CorpusTransactions(string id, string status, string code, string? queryStart)
    {
        var detection = TestData.ReadJsonLines(TestData.Shared("corpus", "splunk", "detections.public.jsonl")).Single(d => d.Id == id);
        var t = EqlBackend.Translate(detection.Search, TestData.WithSplunkMacros);
        Assert.That(t.StatusName, Is.EqualTo(status), string.Join("\n", t.Diagnostics));
        Assert.That(t.Diagnostics.Where(d => d.Severity != ExfilQuery.Diagnostics.DiagnosticSeverity.Info).Select(d => d.Code), Does.Contain(code));
        if (queryStart is null) return;
        Assert.That(t.Query, Does.StartWith(queryStart));
        Assert.That(t.Query, Does.Contain("and EventCode : \"4781\"] by NewTargetUserName\n").And.EndWith("and EventCode : \"4768\"] by TargetUserName"));
    }
}

/// <summary>The claim behind a <c>full</c> sequence, checked on generated events: the in-process evaluator (the
/// project's reference for what the SPL means) finds a transaction for exactly the groups for which EQL's sequence
/// state machine (EQL syntax reference, "How sequence queries handle matches": one pending sequence per state and
/// join key, the most recent start overwriting an older one, a match rejected when the end is more than maxspan after
/// the start, SequenceMatcher.exceedsMaxSpan) finds a match. Timestamps are distinct milliseconds; the limit is
/// <c>duration &lt;= 60</c>, inclusive on both sides.</summary>
public class EqlSequenceDifferentialTests
{
    private const string Spl = "search EventCode=1 OR EventCode=2 | transaction user unifyends=t startswith=(EventCode=1) endswith=(EventCode=2) | where duration <= 60 | table user";

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    public void TransactionAndSequenceMatchTheSameGroups(int seed)
    {
        var translation = EqlBackend.Translate(Spl);
        var header = System.Text.RegularExpressions.Regex.Match(translation.Query ?? "", @"^sequence by user with maxspan=(\d+)m\n");
        Assert.That(header.Success, Is.True, translation.Query);
        var maxSpanMs = long.Parse(header.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) * 60_000;

        var random = new Random(seed);
        var events = new List<ExfilQuery.Evaluation.Event>();
        long time = 1_000_000;
        for (var i = 0; i < 300; i++)
        {
            time += random.Next(1, 30_000);
            events.Add(new ExfilQuery.Evaluation.Event
            {
                ["user"] = ExfilQuery.Evaluation.FieldValue.String("u" + random.Next(20).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ["EventCode"] = ExfilQuery.Evaluation.FieldValue.String(random.Next(3) == 0 ? "2" : random.Next(2) == 0 ? "1" : "3"),
                Time = time / 1000.0,
            });
        }

        var evaluated = ExfilQuery.Testing.SearchEvaluation.Evaluate(Spl, events);
        Assert.That(evaluated.Diagnostics.Where(d => d.IsError), Is.Empty);
        var splunkGroups = evaluated.Rows.Select(r => r["user"].AsString()).Distinct().Order(StringComparer.Ordinal).ToList();

        // EQL: per join key, the latest pending start; an end completes it when within maxspan (inclusive); either way
        // the pending start is consumed.
        var pending = new Dictionary<string, long>(StringComparer.Ordinal);
        var eqlGroups = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            var user = e["user"].AsString()!;
            var at = (long)Math.Round(e.Time!.Value * 1000);
            switch (e["EventCode"].AsString())
            {
                case "1":
                    pending[user] = at;
                    break;
                case "2" when pending.Remove(user, out var start):
                    if (at - start <= maxSpanMs) eqlGroups.Add(user);
                    break;
            }
        }
        Assert.That(eqlGroups, Is.Not.Empty.And.Count.LessThan(20), "the generated events should separate the groups");
        Assert.That(splunkGroups, Is.EqualTo(eqlGroups.ToList()));
    }
}
