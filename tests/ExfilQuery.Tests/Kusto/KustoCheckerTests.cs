using System.Diagnostics;
using System.Text.Json;
using NUnit.Framework;

namespace ExfilQuery.Tests.Kusto;

/// <summary>The KQL checker against Microsoft's real Kusto parser and binder (tools/kusto/kqlcheck.js), with the
/// Sentinel / Defender / ASIM schema in fixtures/kusto.</summary>
[TestFixture]
public class KustoCheckerTests
{
    private static KustoChecker Checker => KustoChecker.Sentinel;

    private static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> EventsTable =
        new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["Events"] = new Dictionary<string, string> { ["process_name"] = "string", ["count"] = "long" },
        };

    // ---- queries Kusto.Language must accept -------------------------------------------------------------------

    private static TestCaseData Valid(string name, string query) => new TestCaseData(query).SetName("Kusto valid: " + name);

    private static readonly TestCaseData[] s_valid =
    [
        Valid("DeviceProcessEvents", "DeviceProcessEvents | where Timestamp > ago(1d) and FileName =~ \"powershell.exe\" | project Timestamp, DeviceName, AccountName, ProcessCommandLine"),
        Valid("SecurityEvent", "SecurityEvent | where EventID == 4688 and NewProcessName endswith @\"\\cmd.exe\" | project TimeGenerated, Computer, Account, CommandLine"),
        Valid("ASIM _Im_ProcessCreate", "_Im_ProcessCreate(starttime=ago(1d)) | where TargetProcessName has \"whoami\" | project TimeGenerated, DvcHostname, ActorUsername, TargetProcessCommandLine"),
        Valid("ASIM parameters", "_Im_ProcessCreate(starttime=ago(1d), endtime=now(), commandline_has_any=dynamic([\"whoami\"]), targetusername=\"admin\") | take 10"),
        Valid("ASIM imDns", "imDns(domain_has_any=dynamic([\"evil.example\"])) | project TimeGenerated, SrcIpAddr, DnsQuery"),
        Valid("datatable", "datatable(name:string, n:long)[\"a\", 1, \"b\", 2] | where n > 1"),
        Valid("let", "let procs = dynamic([\"cmd.exe\", \"powershell.exe\"]);\nlet window = 1h;\nDeviceProcessEvents\n| where Timestamp > ago(window) and FileName in~ (procs)"),
        Valid("ipv4_is_in_range", "DeviceNetworkEvents | where ipv4_is_in_range(RemoteIP, \"10.0.0.0/8\") or ipv4_is_private(LocalIP)"),
        Valid("matches regex", "DeviceProcessEvents | where ProcessCommandLine matches regex @\"(?i)-enc(odedcommand)?\\s+[A-Za-z0-9+/=]{20,}\""),
        Valid("has_any", "DeviceProcessEvents | where ProcessCommandLine has_any (\"mimikatz\", \"sekurlsa\", \"lsadump\")"),
        Valid("=~", "SecurityEvent | where Account =~ @\"CONTOSO\\administrator\""),
        Valid("in~", "DeviceProcessEvents | where FileName in~ (\"CMD.EXE\", \"pwsh.exe\")"),
        Valid("make_set", "DeviceProcessEvents | summarize Files = make_set(FileName, 100) by DeviceName"),
        Valid("dcount", "DeviceProcessEvents | summarize Hosts = dcount(DeviceName) by AccountName | where Hosts > 10"),
        Valid("count_distinct", "DeviceProcessEvents | summarize Hosts = count_distinct(DeviceName) by AccountName"),
        Valid("bin", "DeviceProcessEvents | summarize count() by bin(Timestamp, 1h), DeviceName | where count_ > 5"),
        Valid("extract", "DeviceProcessEvents | extend Exe = extract(@\"([^\\\\]+)$\", 1, FolderPath) | where isnotempty(Exe)"),
        Valid("parse", "Syslog | parse SyslogMessage with * \"user=\" User \" \" * | where isnotempty(User)"),
        Valid("mv-expand", "DeviceProcessEvents | extend Parts = split(ProcessCommandLine, \" \") | mv-expand Part = Parts to typeof(string) | where Part startswith \"-\""),
        Valid("parse_json", "DeviceEvents | extend Fields = parse_json(AdditionalFields) | extend Command = tostring(Fields.Command) | where Command has \"Invoke\""),
    ];

    [TestCaseSource(nameof(s_valid))]
    public void Valid_query_has_no_diagnostics(string query)
    {
        var diagnostics = Checker.Check(query);
        Assert.That(diagnostics, Is.Empty, KustoChecker.Describe(query, diagnostics));
    }

    // ---- queries it must reject, with the exact code, category and span -------------------------------------------

    /// <summary>An expected error whose span starts at <paramref name="at"/> (a substring of the query) or, when
    /// <paramref name="at"/> is null, at the end of the query.</summary>
    private static TestCaseData Invalid(string name, string query, string code, string category, string? at, int length)
    {
        var start = at is null ? query.Length : query.IndexOf(at, StringComparison.Ordinal);
        if (start < 0) throw new ArgumentException($"'{at}' is not in the query", nameof(at));
        return new TestCaseData(query, new[] { (code, category, start, length) }).SetName("Kusto invalid: " + name);
    }

    private static readonly TestCaseData[] s_invalid =
    [
        Invalid("missing predicate", "DeviceProcessEvents | where", "KS006", "syntax", null, 0),
        Invalid("unclosed parenthesis", "DeviceProcessEvents | where (FileName == \"a\"", "KS005", "syntax", null, 0),
        Invalid("unterminated string", "DeviceProcessEvents | where FileName == \"unterminated", "KS001", "syntax", null, 0),
        Invalid("empty pipe stage", "DeviceProcessEvents | | take 1", "KS176", "syntax", " | take", 0),
        Invalid("unknown column", "DeviceProcessEvents | where NoSuchColumn == 1", "KS142", "semantic", "NoSuchColumn", 12),
        Invalid("string > long", "DeviceProcessEvents | where FileName > 5", "KS106", "semantic", ">", 1),
        Invalid("datetime > string", "DeviceProcessEvents | where Timestamp > \"yesterday\"", "KS106", "semantic", ">", 1),
        Invalid("sum of a string", "DeviceProcessEvents | summarize x = sum(FileName)", "KS138", "semantic", "FileName", 8),
        Invalid("unknown function", "DeviceProcessEvents | extend x = no_such_function(FileName)", "KS211", "semantic", "no_such_function", 16),
        Invalid("unknown table", "NoSuchTable | take 10", "KS204", "semantic", "NoSuchTable", 11),
        Invalid("unknown ASIM parameter", "_Im_ProcessCreate(no_such_param=1) | take 10", "KS196", "semantic", "no_such_param", 13),
        Invalid("unknown ASIM column", "_Im_ProcessCreate(starttime=ago(1d)) | where NoSuchField == \"x\"", "KS142", "semantic", "NoSuchField", 11),
        Invalid("offset after non-BMP text", "DeviceProcessEvents | where FileName == \"é漢😀\" and NoSuch == 1", "KS142", "semantic", "NoSuch", 6),
    ];

    [TestCaseSource(nameof(s_invalid))]
    public void Invalid_query_has_exactly_the_expected_errors(string query, (string Code, string Category, int Start, int Length)[] expected)
    {
        var diagnostics = Checker.Check(query);
        Assert.That(diagnostics.Select(d => (d.Code, d.Category, d.Start, d.Length)), Is.EqualTo(expected), KustoChecker.Describe(query, diagnostics));
        Assert.That(diagnostics.Select(d => d.Severity), Is.All.EqualTo("Error"));
    }

    [Test]
    public void Errors_come_in_order_of_position_with_messages()
    {
        const string query = "DeviceProcessEvents | where Nope1 == 1 | where Nope2 == 2";
        var diagnostics = Checker.Check(query);
        Assert.That(diagnostics.Select(d => (d.Code, d.Start)), Is.EqualTo(new[] { ("KS142", 28), ("KS142", 47) }));
        Assert.That(diagnostics[0].Message, Does.Contain("'Nope1'"));
        Assert.That(diagnostics[1].Message, Does.Contain("'Nope2'"));
    }

    [Test]
    public void Every_schema_table_and_function_binds()
    {
        var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoRoot(), "fixtures", "kusto", "sentinel_schema.json"))).RootElement;
        var tables = schema.EnumerateObject().Where(p => !p.Name.StartsWith('$')).Select(p => p.Name).ToList();
        var functions = schema.GetProperty("$functions").EnumerateObject().Select(p => p.Name).ToList();
        Assert.That(tables, Has.Count.GreaterThanOrEqualTo(18));
        Assert.That(functions, Does.Contain("_Im_ProcessCreate"));

        // Each table with each of its own columns (a typo in a type would make the column `unknown` and fail here).
        var queries = new List<string>();
        foreach (var table in tables)
        {
            var columns = schema.GetProperty(table).EnumerateObject().Select(c => "['" + c.Name + "']");
            queries.Add($"{table} | project {string.Join(", ", columns)} | take 1");
        }
        queries.AddRange(functions.Select(f => $"{f}() | take 1"));
        var results = Checker.CheckMany(queries);
        for (var i = 0; i < queries.Count; i++)
            Assert.That(results[i], Is.Empty, KustoChecker.Describe(queries[i], results[i]));
    }

    // ---- per-query tables -----------------------------------------------------------------------------------------

    [Test]
    public void Extra_table_is_declared_for_that_query_only()
    {
        const string query = "Events | where process_name =~ \"cmd.exe\" | summarize total = sum(count) by process_name";
        Assert.That(Checker.Check(query, EventsTable), Is.Empty);
        Assert.That(Checker.Check(query).Select(d => (d.Code, d.Category, d.Start)), Is.EqualTo(new[] { ("KS204", "semantic", 0) }),
            "the per-query table must not leak into later queries");
        Assert.That(Checker.Check("Events | where nope == 1", EventsTable).Select(d => d.Code), Is.EqualTo(new[] { "KS142" }));
        Assert.That(Checker.Check("Events | summarize sum(process_name)", EventsTable).Select(d => d.Code), Is.EqualTo(new[] { "KS138" }));
    }

    [Test]
    public void Extra_table_replaces_a_schema_table_of_the_same_name()
    {
        var tables = new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["DeviceProcessEvents"] = new Dictionary<string, string> { ["Only"] = "string" },
        };
        Assert.That(Checker.Check("DeviceProcessEvents | where Only == \"x\"", tables), Is.Empty);
        Assert.That(Checker.Check("DeviceProcessEvents | where FileName == \"x\"", tables).Select(d => d.Code), Is.EqualTo(new[] { "KS142" }));
    }

    // "Identifier names that are language keywords must be enclosed with [' and ']" (Kusto "Entity names",
    // learn.microsoft.com/kusto/query/schema-entities/entity-names): kind is a column name only when quoted, and the
    // checker must declare such columns too, or the whole table is lost.
    [Test]
    public void Extra_table_column_named_like_a_keyword_is_declared()
    {
        var tables = new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["Events"] = new Dictionary<string, string> { ["kind"] = "string", ["verb"] = "string" },
        };
        Assert.That(Checker.Check("Events | where ['kind'] == \"x\" and verb == \"y\"", tables), Is.Empty);
        Assert.That(Checker.Check("Events | where nope == 1", tables).Select(d => d.Code), Is.EqualTo(new[] { "KS142" }));
    }

    [Test]
    public void Bad_extra_table_type_is_rejected_and_the_checker_goes_on()
    {
        var tables = new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["T"] = new Dictionary<string, string> { ["a"] = "strng" },
        };
        var e = Assert.Throws<ArgumentException>(() => Checker.CheckMany(["T", "T | take 1"], tables));
        Assert.That(e!.Message, Does.Contain("unknown Kusto type \"strng\""));
        Assert.That(Checker.Check("DeviceProcessEvents | take 1"), Is.Empty);
    }

    // ---- batching, threads, process life ----------------------------------------------------------------------

    [Test]
    public void CheckMany_matches_single_checks_and_is_fast()
    {
        var samples = s_valid.Select(c => (string)c.Arguments[0]!).Concat(s_invalid.Select(c => (string)c.Arguments[0]!)).ToList();
        var expected = samples.Select(q => Checker.Check(q)).ToList();
        var queries = Enumerable.Range(0, 300).Select(i => samples[i % samples.Count]).ToList();

        var watch = Stopwatch.StartNew();
        var results = Checker.CheckMany(queries);
        watch.Stop();

        Assert.That(results, Has.Count.EqualTo(queries.Count));
        for (var i = 0; i < queries.Count; i++)
            Assert.That(results[i], Is.EqualTo(expected[i % samples.Count]), queries[i]);
        var rate = queries.Count / watch.Elapsed.TotalSeconds;
        TestContext.Out.WriteLine($"kqlcheck: {queries.Count} queries in {watch.ElapsedMilliseconds} ms = {rate:0} queries/s");
        // A loose floor (about 130/s here): it catches a per-query rebuild of the global state, not a slow machine.
        Assert.That(rate, Is.GreaterThan(15), "the checker became pathologically slow");
    }

    [Test]
    public void Concurrent_checks_get_their_own_answers()
    {
        var cases = s_invalid.Select(c => (Query: (string)c.Arguments[0]!, Code: (((string, string, int, int)[])c.Arguments[1]!)[0].Item1)).ToList();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 60, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var (query, code) = cases[i % cases.Count];
            var got = Checker.Check(query);
            if (got.Count != 1 || got[0].Code != code) failures.Add($"{query}: {string.Join("; ", got)}");
        });
        Assert.That(failures, Is.Empty);
    }

    [Test]
    public void A_dead_checker_process_is_restarted()
    {
        using var checker = new KustoChecker(TempSchema("""{"T": {"a": "string"}}"""));
        Assert.That(checker.Check("T | where NoSuch == 1").Select(d => d.Code), Is.EqualTo(new[] { "KS142" }));
        checker.KillForTest();
        Thread.Sleep(100);
        Assert.That(checker.Check("T | where NoSuch == 1").Select(d => d.Code), Is.EqualTo(new[] { "KS142" }));
    }

    [Test]
    public void Missing_node_fails_with_a_clear_message()
    {
        using var checker = new KustoChecker(SchemaPath(), "/nonexistent/bin/node-for-exfilquery-tests");
        var e = Assert.Throws<InvalidOperationException>(() => checker.Check("print 1"));
        Assert.That(e!.Message, Does.Contain("Node.js").And.Contain("prerequisite"));
    }

    // ---- schema files -------------------------------------------------------------------------------------------

    [Test]
    public void Schema_functions_accept_columns_and_omitted_params()
    {
        var path = TempSchema("""
            {
              "$comment": "metadata is ignored",
              "T": {"a": "string", "n": "long"},
              "$functions": {
                "F": {"columns": {"x": "long", "when": "datetime"}},
                "G": {"params": "(since:timespan=1d, names:dynamic=dynamic([]))", "returns": {"y": "string"}}
              }
            }
            """);
        using var checker = new KustoChecker(path);
        Assert.That(checker.Check("F() | where x > 1 and when > ago(1d)"), Is.Empty);
        Assert.That(checker.Check("G(since=2h) | where y has \"a\" | join kind=inner (T) on $left.y == $right.a"), Is.Empty);
        Assert.That(checker.Check("F() | where a == \"x\"").Select(d => d.Code), Is.EqualTo(new[] { "KS142" }));
        Assert.That(checker.Check("G(nope=1)").Select(d => d.Code), Is.EqualTo(new[] { "KS196" }));
    }

    [Test]
    public void Bad_schema_file_fails_with_the_checker_message()
    {
        var path = TempSchema("""{"T": {"a": "strng"}}""");
        using var checker = new KustoChecker(path);
        var e = Assert.Throws<InvalidOperationException>(() => checker.Check("T"));
        Assert.That(e!.Message, Does.Contain("T.a: unknown Kusto type \"strng\""));
    }

    private static string SchemaPath() => Path.Combine(RepoRoot(), "fixtures", "kusto", "sentinel_schema.json");

    private static string RepoRoot() => TestData.RepoRoot;

    private static string TempSchema(string json)
    {
        var dir = Path.Combine(TestContext.CurrentContext.WorkDirectory, "kusto-schemas");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, TestContext.CurrentContext.Test.Name + ".json");
        File.WriteAllText(path, json);
        return path;
    }
}
