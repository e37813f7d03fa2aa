using ExfilQuery.Elastic;
using ExfilQuery.Kql;
using NUnit.Framework;

namespace ExfilQuery.Tests.Elastic;

/// <summary>The <c>ecs</c> profile applied by both Elastic backends, and the ES|QL aggregation cases added with it.
/// Expected texts follow Elastic's references: MV_CONTAINS "checks if all values yielded by the second multivalue
/// expression are present in the values yielded by the first" and treats null as an empty set
/// (https://elastic.co/docs/reference/query-languages/esql/functions-operators/mv-functions/mv_contains), so an ECS
/// array field such as event.category matches when any value is the category, where <c>==</c> on a multivalue field
/// is null; EQL's event category is ECS event.category (EQL syntax reference, "Basic syntax": <c>process where ...</c>;
/// https://www.elastic.co/guide/en/elasticsearch/reference/current/eql-syntax.html); INLINE STATS "is identical to
/// STATS except that it preserves all the columns from the input table" and keeps the number of rows (generally
/// available since 9.3; https://www.elastic.co/docs/reference/query-languages/esql/commands/inlinestats-by); STD_DEV is
/// the population standard deviation (ES|QL aggregation functions reference), Splunk's stdev the sample one and
/// stdevp the population one (Splunk Search Reference, "Statistical and charting functions").</summary>
public class ElasticMappingTests
{
    private static readonly ElasticOptions Ecs = ElasticOptions.Default with { Profile = "ecs" };

    private static ElasticTranslation Esql(string spl, ElasticOptions? options = null) => EsqlBackend.Translate(spl, TestData.WithSplunkMacros, options ?? Ecs);

    private static ElasticTranslation Eql(string spl, ElasticOptions? options = null) => EqlBackend.Translate(spl, TestData.WithSplunkMacros, options ?? Ecs);

    private static string Query(ElasticTranslation t)
    {
        Assert.That(t.Query, Is.Not.Null, string.Join("\n", t.Diagnostics));
        return t.Query!;
    }

    // ------------------------------------------------------------------ ES|QL, profile ecs

    [TestCase("| tstats count from datamodel=Endpoint.Processes where Processes.process_name=cmd.exe by Processes.dest",
        "FROM logs-endpoint.events.process-*\n| WHERE MV_CONTAINS(event.category, \"process\") AND MV_CONTAINS(event.type, \"start\")\n"
        + "| WHERE TO_LOWER(process.name) == \"cmd.exe\"\n| WHERE host.name IS NOT NULL\n| STATS count = COUNT(*) BY host.name",
        TestName = "esql ecs: a data model reads its index with the category filters; CIM fields become ECS fields")]
    [TestCase("| tstats count from datamodel=Network_Traffic where All_Traffic.dest_port=443 All_Traffic.src_ip=10.1.2.3 by All_Traffic.dest_ip",
        "FROM logs-*\n| WHERE MV_CONTAINS(event.category, \"network\")\n| WHERE destination.port == 443 AND TO_STRING(source.ip) == \"10.1.2.3\"\n"
        + "| WHERE destination.ip IS NOT NULL\n| STATS count = COUNT(*) BY destination.ip",
        TestName = "esql ecs: a long field compares as a number, an ip field as its text")]
    [TestCase("| tstats count from datamodel=Network_Traffic where All_Traffic.dest_port=4* by All_Traffic.dest_ip",
        "FROM logs-*\n| WHERE MV_CONTAINS(event.category, \"network\")\n| WHERE TO_STRING(destination.port) LIKE \"4*\"\n"
        + "| WHERE destination.ip IS NOT NULL\n| STATS count = COUNT(*) BY destination.ip",
        TestName = "esql ecs: a wildcard on a long field matches its text")]
    [TestCase("`sysmon` EventCode=1 Image=\"*\\\\rclone.exe\" NOT ParentImage=*explorer.exe",
        "FROM logs-windows.sysmon_operational-*\n| WHERE MV_CONTAINS(event.category, \"process\") AND MV_CONTAINS(event.code, \"1\")\n"
        + "| WHERE TO_LOWER(process.executable) LIKE \"*\\\\\\\\rclone.exe\" AND (process.parent.executable IS NULL OR NOT TO_LOWER(process.parent.executable) LIKE \"*explorer.exe\")",
        TestName = "esql ecs: a raw source selected by the sysmon macro and EventCode; its conditions leave the filter")]
    [TestCase("| tstats count min(_time) as firstTime from datamodel=Endpoint.Processes by Processes.dest Processes.user | `drop_dm_object_name(Processes)` | where dest=\"x\" | rename user as account | table dest account count",
        "FROM logs-endpoint.events.process-*\n| WHERE MV_CONTAINS(event.category, \"process\") AND MV_CONTAINS(event.type, \"start\")\n"
        + "| WHERE host.name IS NOT NULL AND user.name IS NOT NULL\n| STATS count = COUNT(*), firstTime = MIN(@timestamp) BY host.name, user.name\n"
        + "| WHERE host.name == \"x\"\n| KEEP host.name, user.name, count",
        TestName = "esql ecs: drop_dm_object_name and rename follow the mapped columns")]
    [TestCase("| tstats count from datamodel=Endpoint.Processes by Processes.dest Processes.process_name | `drop_dm_object_name(Processes)` | eval process_name=lower(process_name)",
        "FROM logs-endpoint.events.process-*\n| WHERE MV_CONTAINS(event.category, \"process\") AND MV_CONTAINS(event.type, \"start\")\n"
        + "| WHERE host.name IS NOT NULL AND process.name IS NOT NULL\n| STATS count = COUNT(*) BY host.name, process.name\n| EVAL process.name = TO_LOWER(process.name)",
        TestName = "esql ecs: eval of a mapped field overwrites its column")]
    public void EsqlEcs(string spl, string expected)
    {
        var t = Esql(spl);
        Assert.That(Query(t), Is.EqualTo(expected));
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Full), string.Join("\n", t.Diagnostics));
    }

    [Test]
    public void UnmappedFieldIsKeptWithAWarningAndFailsWhenStrict()
    {
        const string spl = "`sysmon` EventCode=1 Hashes=\"*abc*\"";
        var t = Esql(spl);
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Partial));
        Assert.That(t.Query, Does.EndWith("| WHERE TO_LOWER(Hashes) LIKE \"*abc*\""));
        var d = t.Diagnostics.Single(x => x.Code == "MAP0020");
        Assert.That(d.Message, Does.Contain("'Hashes'").And.Contain("process.hash.sha256"));
        var strict = Esql(spl, Ecs with { Strict = true });
        Assert.That(strict.Status, Is.EqualTo(TranslationStatus.Failed));
        Assert.That(strict.Diagnostics.Single(x => x.Code == "MAP0020").IsError);
        Assert.That(Eql(spl).Diagnostics.Select(x => x.Code), Does.Contain("MAP0020"));
    }

    [Test]
    public void UnmappedOrUnselectedSourcesFail()
    {
        var gmail = Esql("`gsuite_gmail` a=1");
        Assert.That(gmail.Status, Is.EqualTo(TranslationStatus.Failed));
        Assert.That(gmail.Diagnostics.Select(d => d.Code), Does.Contain("MAP0022"));
        var none = Eql("search a=1");
        Assert.That(none.Status, Is.EqualTo(TranslationStatus.Failed));
        Assert.That(none.Diagnostics.Single(d => d.Code == "EQL0001").Message, Does.Contain("do not select exactly one source"));
    }

    [Test]
    public void UserMappingAndIndexOverrideTheProfile()
    {
        const string mapping = """{"datasets": {"Endpoint.Processes": {"table": "my-proc-*", "fields": {"process_name": {"column": "process.title"}}}}}""";
        const string spl = "| tstats count from datamodel=Endpoint.Processes where Processes.process_name=cmd.exe Processes.user=bob by Processes.dest";
        var t = Esql(spl, Ecs with { MappingOverridesJson = mapping });
        Assert.That(Query(t), Does.StartWith("FROM my-proc-*\n").And.Contain("TO_LOWER(process.title) == \"cmd.exe\" AND TO_LOWER(user.name) == \"bob\""));
        Assert.That(t.Index, Is.EqualTo("my-proc-*"));
        var indexed = Eql(spl, Ecs with { Index = "logs-endpoint-*" });
        Assert.That(indexed.Index, Is.EqualTo("logs-endpoint-*"));
        var bad = Esql(spl, Ecs with { MappingOverridesJson = """{"datasets": {"Endpoint.Processes": {"fields": {"process_name": {"column": "process.nme"}}}}}""" });
        Assert.That(bad.Diagnostics.Select(d => d.Code), Does.Contain("MAP0008"), "an unknown ECS field in the user file is reported");
        var wrongProfile = Esql(spl, ElasticOptions.Default with { Profile = "defender" });
        Assert.That(wrongProfile.Diagnostics.Single(d => d.Code == "MAP0001").Message, Does.Contain("ecs, none"));
    }

    // ------------------------------------------------------------------ EQL, profile ecs

    [TestCase("| tstats count from datamodel=Endpoint.Processes where Processes.process_name=cmd.exe by Processes.dest",
        "process where event.type == \"start\" and process.name : \"cmd.exe\"", TestName = "eql ecs: the category filter is the event category")]
    [TestCase("| tstats count from datamodel=Network_Traffic where All_Traffic.dest_port=443 OR All_Traffic.dest_port=8443 by All_Traffic.dest_ip",
        "network where destination.port == 443 or destination.port == 8443", TestName = "eql ecs: numbers as numbers on a long field")]
    [TestCase("| tstats count from datamodel=Change where All_Changes.user=bob by All_Changes.user",
        "any where event.category in (\"configuration\", \"iam\") and user.name : \"bob\"", TestName = "eql ecs: two categories are an in filter on any")]
    [TestCase("`sysmon` EventCode=1 Image=\"*\\\\rclone.exe\"",
        "process where event.code == \"1\" and process.executable : \"*\\\\rclone.exe\"", TestName = "eql ecs: a raw source's fixed filters are case-sensitive ==")]
    public void EqlEcs(string spl, string expected) => Assert.That(Query(Eql(spl)), Is.EqualTo(expected));

    [Test]
    public void EqlThresholdNamesEcsFields()
    {
        var t = Eql("| tstats count from datamodel=Endpoint.Processes where Processes.process_name=cmd.exe by Processes.dest Processes.user | where count > 5");
        Assert.That(t.Threshold!.GroupBy, Is.EqualTo(new[] { "host.name", "user.name" }));
        Assert.That(t.Threshold.Value, Is.EqualTo(6));
        Assert.That(t.Index, Is.EqualTo("logs-endpoint.events.process-*"));
    }

    [Test]
    public void EqlWildcardOnANumberFieldFails()
    {
        var t = Eql("| tstats count from datamodel=Network_Traffic where All_Traffic.dest_port=4* by All_Traffic.dest_ip");
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Failed));
        Assert.That(t.Diagnostics.Single(d => d.Code == "EQL0001").Message, Does.Contain("ECS long field"));
    }

    // ------------------------------------------------------------------ ES|QL aggregations (profile none)

    [TestCase("eventstats count by host", "INLINE STATS count = COUNT(*) BY host\n| EVAL count = CASE(host IS NULL, null, count)",
        TestName = "esql: eventstats is INLINE STATS; rows missing the key get no aggregate")]
    [TestCase("eventstats avg(n) as m", "INLINE STATS m = AVG(TO_DOUBLE(n))", TestName = "esql: eventstats without by")]
    [TestCase("bin _time span=1h | eventstats count by _time", "EVAL @timestamp = DATE_TRUNC(1 hour, @timestamp)\n| INLINE STATS count = COUNT(*) BY @timestamp\n| EVAL count = CASE(@timestamp IS NULL, null, count)",
        TestName = "esql: eventstats by a binned _time groups by the bucket without changing it")]
    [TestCase("stats stdevp(n) as s", "STATS s = STD_DEV(TO_DOUBLE(n))", TestName = "esql: stdevp is STD_DEV")]
    [TestCase("stats stdev(n) as s",
        "STATS s = CASE(COUNT(TO_DOUBLE(n)) > 1, SQRT(POW(STD_DEV(TO_DOUBLE(n)), 2) * COUNT(TO_DOUBLE(n)) / (COUNT(TO_DOUBLE(n)) - 1)), COUNT(TO_DOUBLE(n)) == 1, 0.0, null)",
        TestName = "esql: stdev is the sample standard deviation")]
    [TestCase("stats count sum(n) as total values(u) as us min(_time) as firstTime by host | fillnull value=0",
        "WHERE host IS NOT NULL\n| STATS count = COUNT(*), total = SUM(TO_DOUBLE(n)), us = MV_SORT(VALUES(u)), firstTime = MIN(@timestamp) BY host\n"
        + "| EVAL total = COALESCE(total, 0), us = COALESCE(us, \"0\")",
        TestName = "esql: fillnull without fields fills the known columns, numbers as numbers; counts, group keys and group times always have a value")]
    // Splunk's fillnull without a field list fills the fields that have a value in at least one result ("Fields in
    // the event set should have at least one non-null value", https://help.splunk.com/splunk-cloud-platform/spl-search-reference/10.0.2503/search-commands/fillnull);
    // the next stage reads only the fields it names. INLINE STATS without BY counts over all rows and COUNT skips nulls
    // (https://elastic.co/docs/reference/query-languages/esql/commands/inlinestats-by).
    [TestCase("fillnull value=0 | stats count dc(u) as users by host",
        "INLINE STATS _fillnull_0 = COUNT(host), _fillnull_1 = COUNT(u)\n"
        + "| EVAL host = CASE(_fillnull_0 > 0, COALESCE(host, \"0\"), host), u = CASE(_fillnull_1 > 0, COALESCE(u, \"0\"), u)\n"
        + "| DROP _fillnull_0, _fillnull_1\n| WHERE host IS NOT NULL\n| STATS count = COUNT(*), users = COALESCE(MV_COUNT(VALUES(u)), 0) BY host",
        TestName = "esql: fillnull before stats fills the fields stats reads, where some row has a value")]
    [TestCase("fillnull value=NULL | table _time host",
        "INLINE STATS _fillnull_0 = COUNT(host)\n| EVAL host = CASE(_fillnull_0 > 0, COALESCE(host, \"NULL\"), host)\n| DROP _fillnull_0\n| KEEP @timestamp, host",
        TestName = "esql: fillnull before table fills the table's fields (_time always has a value)")]
    // bin with a time span on a copy of _time (https://elastic.co/docs/reference/query-languages/esql/functions-operators/date-time-functions/date_trunc).
    [TestCase("eval t=_time | bin span=1h t | stats count by t", "EVAL t = @timestamp\n| EVAL t = DATE_TRUNC(1 hour, t)\n| WHERE t IS NOT NULL\n| STATS count = COUNT(*) BY t",
        TestName = "esql: bin of a time value other than _time")]
    [TestCase("stats min(_time) as _time by host", "WHERE host IS NOT NULL\n| STATS @timestamp = MIN(@timestamp) BY host",
        TestName = "esql: an aggregation named _time is @timestamp")]
    public void EsqlAggregation(string command, string lines)
    {
        var t = EsqlBackend.Translate("search a=1 | " + command);
        Assert.That(Query(t), Is.EqualTo("FROM logs-*\n| WHERE a == \"1\"\n| " + lines));
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Full));
    }

    [TestCase("fillnull value=0 | eval x=1 | stats count by host", "fillnull without a field list", TestName = "esql: fillnull of every field before a stage that reads fields it does not name")]
    [TestCase("fillnull value=0 | table host*", "fillnull without a field list", TestName = "esql: fillnull of every field before a table with wildcards")]
    [TestCase("bin span=1h host", "of a time value", TestName = "esql: bin with a time span of a value that is not a time")]
    [TestCase("streamstats count by host", "running aggregates", TestName = "esql: streamstats")]
    [TestCase("stats list(u) as us min(_time) as t by h | convert ctime(t)", "The aggregation 'list'", TestName = "esql: an untranslated aggregation is the only error (the ctime of min(_time) after it is not)")]
    public void EsqlAggregationFails(string command, string message)
    {
        var t = EsqlBackend.Translate("search a=1 | " + command);
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Failed));
        Assert.That(t.Diagnostics.Single(d => d.Code == "ESQ0001").Message, Does.Contain(message));
    }
}
