using ExfilQuery.Kql;
using NUnit.Framework;

namespace ExfilQuery.Tests.Kql;

/// <summary>The SPL traps, each with the exact KQL it must become (profile none, table Events).
/// Splunk references: search command ("field=value" is case-insensitive, "*" wildcards; "NOT field=value" also
/// returns events without the field, "field!=value" does not):
/// https://help.splunk.com/en/splunk-enterprise/search/search-manual/9.3/expressions-and-predicates ;
/// where/eval compare case-sensitively, IN has no wildcards, like() uses % and _.</summary>
public class KqlSemanticsTests
{
    private static KqlTranslation Translate(string spl) => KqlBackend.Translate(spl);

    private static string Where(string spl)
    {
        var t = Translate(spl);
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Full), string.Join("\n", t.Diagnostics));
        var lines = t.Query!.Split('\n');
        Assert.That(lines[0], Is.EqualTo("Events"));
        return string.Join("\n", lines.Skip(1));
    }

    // search clause: precedence, case-insensitivity and wildcard shapes
    [TestCase("a=1 b=2 OR c=3", "| where a =~ \"1\" and (b =~ \"2\" or c =~ \"3\")", Description = "OR before AND")]
    [TestCase("a=1 OR b=2 c=3", "| where (a =~ \"1\" or b =~ \"2\") and c =~ \"3\"")]
    [TestCase("NOT a=x", "| where not(a =~ \"x\")", Description = "true when a is missing")]
    [TestCase("a!=x", "| where (isnotempty(a) and not(a =~ \"x\"))", Description = "false when a is missing")]
    [TestCase("p=Rclone.EXE", "| where p =~ \"Rclone.EXE\"", Description = "case-insensitive equality")]
    [TestCase("p=rcl*", "| where p startswith \"rcl\"")]
    [TestCase("p=*.exe", "| where p endswith \".exe\"")]
    [TestCase("p=*copy*", "| where p contains \"copy\"")]
    [TestCase("p=a*b", "| where p matches regex \"(?is)^a.*b$\"")]
    [TestCase("p=*a*b*", "| where p matches regex \"(?is)^.*a.*b.*$\"")]
    [TestCase("p=*", "| where isnotempty(p)", Description = "field exists")]
    [TestCase("p=what?", "| where p =~ \"what?\"", Description = "? is not a wildcard in SPL")]
    [TestCase("p=\"a.b(c)\"", "| where p =~ \"a.b(c)\"")]
    [TestCase("p=a.b*c", "| where p matches regex \"(?is)^a\\\\.b.*c$\"", Description = "regex metacharacters escaped")]
    [TestCase("p=\"say \\\"hi\\\"\"", "| where p =~ \"say \\\"hi\\\"\"", Description = "quotes in values")]
    [TestCase("p=\"C:\\\\Windows\\\\*\"", "| where p startswith \"C:\\\\Windows\\\\\"", Description = "backslashes in values")]
    [TestCase("p=\\*literal", "| where p =~ \"*literal\"", Description = "escaped star is literal")]
    [TestCase("src=10.0.0.0/8", "| where ipv4_is_in_range(src, \"10.0.0.0/8\")", Description = "CIDR values match ranges")]
    [TestCase("bytes_out>5000000", "| where (isnotempty(bytes_out) and iff(isnull(todouble(bytes_out)), strcmp(bytes_out, \"5000000\") > 0, todouble(bytes_out) > 5000000))",
        Description = "numeric comparison when the value is a number, lexicographic otherwise (as the IR and the evaluator define it)")]
    [TestCase("name>m", "| where strcmp(name, \"m\") > 0", Description = "lexicographic comparison")]
    [TestCase("p IN (a, \"b*\")", "| where p =~ \"a\" or p startswith \"b\"", Description = "search IN has wildcards")]
    [TestCase("earliest=-24h@h", "| where _time >= bin(ago(24h), 1h)")]
    public void SearchClause(string spl, string expected) => Assert.That(Where(spl), Is.EqualTo(expected));

    // where / eval: case-sensitive, no wildcards, like with %
    [TestCase("| where p=\"Abc\"", "| where p == \"Abc\"", Description = "case-sensitive")]
    [TestCase("| where a=1 OR b=2 AND c=3", "| where (todouble(a) == 1) or ((todouble(b) == 2) and (todouble(c) == 3))", Description = "AND before OR")]
    [TestCase("| where p LIKE \"%.ps1\"", "| where p matches regex \"(?s)^.*\\\\.ps1$\"")]
    [TestCase("| where like(p, \"a_c%\")", "| where p matches regex \"(?s)^a.c.*$\"")]
    [TestCase("| where count > 20", "| where (isnotempty(['count']) and iff(isnull(todouble(['count'])), strcmp(['count'], tostring(20)) > 0, todouble(['count']) > 20))",
        Description = "a string field against a number: numeric when it holds a number, lexicographic otherwise (as the evaluator compares)")]
    [TestCase("| where NOT a=1", "| where not((isempty(a) or iff(isnull(todouble(a)), strcmp(a, tostring(1)) == 0, todouble(a) == 1)))",
        Description = "under NOT a non-number gives false (so NOT is true), a missing field null")]
    [TestCase("| where a!=1", "| where (isnotempty(a) and iff(isnull(todouble(a)), strcmp(a, tostring(1)) != 0, todouble(a) != 1))",
        Description = "a non-number is != every number")]
    [TestCase("| stats count by h | where count > 20", "| where isnotempty(h)\n| summarize ['count'] = count() by h\n| where ['count'] > 20",
        Description = "a count is a number: no string form")]
    [TestCase("| where isnull(x)", "| where isempty(x)")]
    [TestCase("| where cidrmatch(\"10.0.0.0/8\", ip)", "| where ipv4_is_in_range(ip, \"10.0.0.0/8\")")]
    [TestCase("| eval n=len(x) | where n > 3", "| extend n = strlen(x)\n| where n > 3")]
    // Concatenation with a null (missing) operand is null in SPL, as in the evaluator (ExpressionEvaluator) and
    // ES|QL's CONCAT; KQL's strcat joins the others, so a missing operand (an empty string in KQL) gives "".
    [TestCase("| eval s=a . \"-\" . b", "| extend s = iff(isempty(a) or isempty(b), \"\", strcat(a, \"-\", b))", Description = "null when an operand is missing")]
    [TestCase("| eval s=\"x\" . 1", "| extend s = strcat(\"x\", tostring(1))", Description = "literals are never null")]
    [TestCase("| eval s=\"p\" + a", "| extend s = iff(isempty(a), \"\", strcat(\"p\", a))", Description = "+ with a string literal concatenates")]
    [TestCase("| eval r=if(x=\"y\", 1, 0)", "| extend r = iff(x == \"y\", 1, 0)")]
    public void WhereAndEval(string spl, string expected) => Assert.That(Where(spl), Is.EqualTo(expected));

    [Test]
    public void WhereInWithStarIsLiteralAndLinted()
    {
        // MITRE's analytics write `where f IN ("*.ps1")`: in SPL's where, * is a literal character.
        var t = Translate("| where script_path IN (\"*.ps1\", \"*.sh\")");
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Full));
        Assert.That(t.Query, Is.EqualTo("Events\n| where script_path in (\"*.ps1\", \"*.sh\")"));
        Assert.That(t.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "KQL0004", "KQL0004" }));
    }

    [Test]
    public void StatsDropsRowsMissingAGroupField()
    {
        var t = Translate("| stats count dc(user) as users by host");
        Assert.That(t.Query, Is.EqualTo("Events\n| where isnotempty(host)\n| summarize ['count'] = count(), users = count_distinctif(user, isnotempty(user)) by host"));
    }

    // head keeps the first rows of the current order: newest first by default, the sorted order after a sort.
    [TestCase("x=1 | head 5", "Events\n| where x =~ \"1\"\n| top 5 by _time desc", TranslationStatus.Full)]
    [TestCase("| stats count by h | sort - count | head 3", "Events\n| where isnotempty(h)\n| summarize ['count'] = count() by h\n| top 10000 by ['count'] desc\n| take 3", TranslationStatus.Full)]
    [TestCase("| stats count by h | head 3", "Events\n| where isnotempty(h)\n| summarize ['count'] = count() by h\n| take 3", TranslationStatus.Partial)]
    public void HeadKeepsTheCurrentOrder(string spl, string query, TranslationStatus status)
    {
        var t = Translate(spl);
        Assert.That((t.Status, t.Query), Is.EqualTo((status, query)), string.Join("\n", t.Diagnostics));
    }

    // latest(x) is x at the newest event that has x (Splunk stats functions reference).
    [Test]
    public void LatestAndEarliestTakeTheValueAtTheNewestAndOldestEventWithTheField()
    {
        var t = Translate("| stats latest(user) as lu earliest(src) as es by host");
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Full), string.Join("\n", t.Diagnostics));
        Assert.That(t.Query, Is.EqualTo("Events\n| where isnotempty(host)\n| summarize (_at_lu, lu) = arg_max(iff(isnotempty(user), _time, datetime(null)), user), (_at_es, es) = arg_min(iff(isnotempty(src), _time, datetime(null)), src) by host\n| project-away _at_lu, _at_es"));
        var first = Translate("| sort x | stats first(user) as fu by host");
        Assert.That(first.Status, Is.EqualTo(TranslationStatus.Partial), "first() after a sort depends on the sorted order");
    }

    // SPL time values are epoch seconds; KQL's are datetimes. Arithmetic uses epoch seconds, as SPL does.
    [TestCase("| eval age=now()-_time", "| extend age = ((datetime_diff(\"millisecond\", now(), datetime(1970-01-01)) / 1000.0) - (datetime_diff(\"millisecond\", _time, datetime(1970-01-01)) / 1000.0))")]
    [TestCase("| where _time > relative_time(now(), \"-7d\")", "| where _time > (now() - 7d)")]
    [TestCase("| eval day=strftime(_time, \"%Y-%m-%d\")", "| extend day = format_datetime(_time, \"yyyy-MM-dd\")")]
    public void TimeFunctions(string spl, string expected) => Assert.That(Where(spl), Is.EqualTo(expected));

    /// <summary>strftime specifiers format_datetime has no pattern for (KQL reference: format_datetime lists d, dd,
    /// MM, yy, yyyy, HH, hh, mm, ss, tt and fractions; dayofweek() is the timespan since Sunday, dayofmonth(),
    /// dayofyear(), getmonth() numbers) are built from those functions, written as the evaluator writes them (UTC;
    /// Splunk Search Reference "Common time format variables": %w weekday 0-6 from Sunday, %u 1-7 from Monday, %e day
    /// of month with a leading space, %j day of year 001-366, %a %A %b %B names, %T = %H:%M:%S, %F = %Y-%m-%d). The
    /// corpus's weekend checks use %w. Each query passes Microsoft's Kusto parser and binder.</summary>
    [TestCase("%w", "tostring(toint(dayofweek(_time) / 1d))")]
    [TestCase("%u", "tostring(iff(toint(dayofweek(_time) / 1d) == 0, 7, toint(dayofweek(_time) / 1d)))")]
    [TestCase("%F %T", "format_datetime(_time, \"yyyy-MM-dd HH:mm:ss\")")]
    [TestCase("%e/%m", "strcat(strcat(iff(dayofmonth(_time) < 10, \" \", \"\"), tostring(dayofmonth(_time))), \"/\", format_datetime(_time, \"MM\"))")]
    [TestCase("%j", "strcat(substring(\"00\", 0, 3 - strlen(tostring(dayofyear(_time)))), tostring(dayofyear(_time)))")]
    [TestCase("%a %d %b", "strcat(tostring(dynamic([\"Sun\", \"Mon\", \"Tue\", \"Wed\", \"Thu\", \"Fri\", \"Sat\"])[toint(dayofweek(_time) / 1d)]), \" \", format_datetime(_time, \"dd\"), \" \", tostring(dynamic([\"Jan\", \"Feb\", \"Mar\", \"Apr\", \"May\", \"Jun\", \"Jul\", \"Aug\", \"Sep\", \"Oct\", \"Nov\", \"Dec\"])[getmonth(_time) - 1]))")]
    [TestCase("%H:%M %Z", "strcat(format_datetime(_time, \"HH:mm\"), \" \", \"UTC\")")]
    public void StrftimeSpecifiersWithoutAFormatDatetimePattern(string format, string expected)
    {
        var spl = $"| eval d=strftime(_time, \"{format}\")";
        KqlCombiningTests.AssertTranslation(spl, TranslationStatus.Full, null);
        Assert.That(Where(spl), Is.EqualTo($"| extend d = {expected}"));
    }

    [Test]
    public void SpathReadsAJsonMemberPathAndRefusesNestedArrays()
    {
        var t = Translate("| spath input=data output=arn path=userIdentity.arn");
        Assert.That((t.Status, t.Query), Is.EqualTo((TranslationStatus.Partial, "Events\n| extend arn = tostring(parse_json(data)[\"userIdentity\"][\"arn\"])")));
        Assert.That(Translate("| spath output=r path=bindingDeltas{}.members{}").Status, Is.EqualTo(TranslationStatus.Failed));
    }

    /// <summary>Outputs of one stats need distinct names in KQL and ES|QL; a field named twice in <c>by</c> is one group
    /// key (found by the pipeline robustness test: both backends threw on <c>by a a</c>).</summary>
    [TestCase("| stats count by a a", TranslationStatus.Full)]
    [TestCase("| stats min(_time) as t max(_time) as t by a", TranslationStatus.Failed)]
    [TestCase("| stats values(x) as a by a", TranslationStatus.Failed)]
    [TestCase("| tstats count from datamodel=Endpoint.Processes by Processes.dest Processes.dest", TranslationStatus.Full)]
    public void StatsOutputsNeedDistinctNames(string spl, TranslationStatus status)
    {
        Assert.That(Translate(spl).Status, Is.EqualTo(status), string.Join("\n", Translate(spl).Diagnostics));
        Assert.That(ExfilQuery.Elastic.EsqlBackend.Translate(spl).Query is not null, Is.EqualTo(status == TranslationStatus.Full));
    }

    [TestCase("| eval m=max(1, 2.5)", "| extend m = max_of(todouble(1), real(2.5))")]
    [TestCase("| eval m=min(len(a), 3)", "| extend m = min_of(todouble(strlen(a)), todouble(3))")]
    public void MinAndMaxOfNumbers(string spl, string expected) => Assert.That(Where(spl), Is.EqualTo(expected));

    /// <summary>iplocation (Splunk Search Reference, "iplocation": City, Country, Region, lat, lon, with prefix=) is
    /// geo_info_from_ip_address() (KQL reference: country, state, city, latitude, longitude from MaxMind GeoLite2-City):
    /// partial, since the two products read their own copies of the database; allfields=true needs fields KQL lacks.
    /// The query is checked by Microsoft's Kusto parser and binder.</summary>
    [Test]
    public void IplocationIsGeoInfoFromIpAddressAndPartial()
    {
        var t = Translate("| iplocation prefix=auth_ src | where isnotnull(auth_Region)");
        const string geo = "geo_info_from_ip_address(src)";
        Assert.That((t.Status, t.Query), Is.EqualTo((TranslationStatus.Partial,
            "Events\n| extend " +
            $"auth_City = tostring({geo}.city), auth_Country = tostring({geo}.country), auth_Region = tostring({geo}.state), " +
            $"auth_lat = todouble({geo}.latitude), auth_lon = todouble({geo}.longitude)\n| where isnotempty(auth_Region)")));
        Assert.That(t.Diagnostics.Single().Code, Is.EqualTo("KQL0002"));
        var events = new Dictionary<string, IReadOnlyDictionary<string, string>> { ["Events"] = new Dictionary<string, string> { ["src"] = "string" } };
        Assert.That(ExfilQuery.Tests.Kusto.KustoChecker.Sentinel.Check(t.Query!, events), Is.Empty);
        Assert.That(Translate("| iplocation allfields=true src").Status, Is.EqualTo(TranslationStatus.Failed));
    }

    [Test]
    public void TstatsPrestatsIsRefusedRatherThanTranslatedAsStats()
    {
        var t = Translate("| tstats prestats=true count from datamodel=Endpoint.Processes by Processes.dest | stats count by Processes.dest");
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Failed));
        Assert.That(t.Diagnostics.Any(d => d.Code == "KQL0001" && d.Message.Contains("prestats", StringComparison.Ordinal)), Is.True);
    }

    [Test]
    public void StringLiteralsRoundTripAnyValue()
    {
        Assert.That(KqlSyntax.Quote("a\"b\\c\nd\te\r\u0001ü☃"), Is.EqualTo("\"a\\\"b\\\\c\\nd\\te\\r\\u0001ü☃\""));
    }

    [Test]
    public void UnsupportedCommandFailsWithTheSplSpan()
    {
        var spl = "index=x | transaction host maxspan=1m";
        var t = Translate(spl);
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Failed));
        Assert.That(t.Query, Is.Null);
        var error = t.Diagnostics.Single(d => d.IsError);
        Assert.That((error.Code, spl.Substring(error.Span.Start, error.Span.Length)), Is.EqualTo(("KQL0001", "transaction host maxspan=1m")));
    }

    [Test]
    public void RawTermSearchIsPartialWithADiagnostic()
    {
        var t = Translate("error sourcetype=x");
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Partial));
        Assert.That(t.Query, Is.EqualTo("Events\n| where _raw contains \"error\" and sourcetype =~ \"x\""));
        Assert.That(t.Diagnostics.Single().Code, Is.EqualTo("KQL0002"));
    }

    // fillnull without a field list fills every field that has a value in some result (SPL Search Reference,
    // "fillnull": value= defaults to 0; "Fields in the event set should have at least one non-null value";
    // help.splunk.com/splunk-cloud-platform/spl-search-reference/10.0.2503/search-commands/fillnull). Before stats,
    // table or fields only the fields that stage reads matter: each is counted over all rows (countif, "counts the
    // rows in which predicate evaluates to true", learn.microsoft.com/kusto/query/countif-aggregation-function) in a
    // one-row summarize joined to every row (join-operator, kind=leftouter; the eventstats pattern), and filled
    // with iff() only where the count is above zero (iff-function; isempty-function: an empty string is KQL's
    // missing string; coalesce-function: the first non-null argument, for numbers).
    [TestCase("x=1 | fillnull | stats count by a, b", TranslationStatus.Full, """
        let _rows1 = Events
        | where x =~ "1";
        _rows1
        | extend _k = 1
        | join kind=leftouter (_rows1 | summarize _fillnull_0 = countif(isnotempty(a)), _fillnull_1 = countif(isnotempty(b)) | extend _k = 1) on _k
        | project-away _k, _k1
        | extend a = iff(isempty(a) and _fillnull_0 > 0, "0", a), b = iff(isempty(b) and _fillnull_1 > 0, "0", b)
        | project-away _fillnull_0, _fillnull_1
        | where isnotempty(a) and isnotempty(b)
        | summarize ['count'] = count() by a, b
        """, Description = "a row missing a group field is kept under \"0\" when another row has that field")]
    [TestCase("x=1 | fillnull value=\"n/a\" | table a _time b", TranslationStatus.Full, """
        let _rows1 = Events
        | where x =~ "1";
        _rows1
        | extend _k = 1
        | join kind=leftouter (_rows1 | summarize _fillnull_0 = countif(isnotempty(a)), _fillnull_1 = countif(isnotempty(b)) | extend _k = 1) on _k
        | project-away _k, _k1
        | extend a = iff(isempty(a) and _fillnull_0 > 0, "n/a", a), b = iff(isempty(b) and _fillnull_1 > 0, "n/a", b)
        | project-away _fillnull_0, _fillnull_1
        | project a, _time, b
        """, Description = "table reads a, _time and b; _time always has a value")]
    [TestCase("x=1 | eval n=len(p) | fillnull | stats sum(n) as s by h", TranslationStatus.Full, """
        let _rows1 = Events
        | where x =~ "1"
        | extend n = strlen(p);
        _rows1
        | extend _k = 1
        | join kind=leftouter (_rows1 | summarize _fillnull_0 = countif(isnotempty(h)), _fillnull_1 = countif(isnotnull(n)) | extend _k = 1) on _k
        | project-away _k, _k1
        | extend h = iff(isempty(h) and _fillnull_0 > 0, "0", h), n = iff(_fillnull_1 > 0, coalesce(n, 0), n)
        | project-away _fillnull_0, _fillnull_1
        | where isnotempty(h)
        | summarize s = sum(n) by h
        """, Description = "a number column is filled with the number")]
    [TestCase("x=1 | fillnull | stats count", TranslationStatus.Full, "Events\n| where x =~ \"1\"\n| summarize ['count'] = count()",
        Description = "count reads no field: the fill changes nothing")]
    [TestCase("x=1 | fillnull | where a=1", TranslationStatus.Failed, null, Description = "the fields a later stage may read are not known")]
    [TestCase("x=1 | fillnull | table a*", TranslationStatus.Failed, null, Description = "a wildcard names fields KQL cannot enumerate")]
    public void FillnullWithoutFieldsFillsTheFieldsTheNextStageReadsWhereSomeRowHasThem(string spl, TranslationStatus status, string? query)
    {
        KqlCombiningTests.AssertTranslation(spl, status, query);
        var t = Translate(spl);
        if (status == TranslationStatus.Failed) Assert.That(t.Diagnostics.Single(d => d.IsError).Code, Is.EqualTo("KQL0001"));
    }

    // Multivalue eval functions (SPL Search Reference, "Multivalue eval functions",
    // help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/multivalue-eval-functions):
    // mvcount() counts the values (null for a missing field); mvindex(mv, i) is the value at i from 0, negative i
    // from the end, null out of range; mvfind(mv, regex) is the index of the first value the regex matches, null when
    // none does. A field not known to hold several values is a one-value list. KQL: array_length(), iff(), tolong()
    // (learn.microsoft.com/kusto/query/array-length-function, iff-function, tolong-function); the index range is
    // tested explicitly so KQL's handling of negative indexes does not matter.
    [TestCase("| eval n=mvcount(a)", "| extend n = iff(isempty(a), long(null), 1)", Description = "a single value counts 1, a missing field null")]
    [TestCase("| eval n=mvcount(split(a, \",\"))", "| extend n = array_length(split(a, \",\"))")]
    [TestCase("| eval v=mvindex(a, k-1)", "| extend v = iff(tolong((todouble(k) - 1)) == 0 or tolong((todouble(k) - 1)) == -1, a, \"\")",
        Description = "a single value is at index 0 and -1 only")]
    [TestCase("| eval v=mvindex(split(a, \",\"), k)",
        "| extend v = iff(tolong(todouble(k)) >= -array_length(split(a, \",\")) and tolong(todouble(k)) < array_length(split(a, \",\")), tostring(split(a, \",\")[iff(tolong(todouble(k)) < 0, array_length(split(a, \",\")) + tolong(todouble(k)), tolong(todouble(k)))]), \"\")",
        Description = "negative indexes count from the end; out of range is null")]
    [TestCase("| eval i=mvfind(a, \"^x\\.y\")", "| extend i = iff(isnotempty(a) and a matches regex \"^x\\\\.y\", 0, long(null))",
        Description = "a single value is index 0 when the regex finds it; missing or no match: null")]
    public void MultivalueFunctions(string spl, string expected)
    {
        KqlCombiningTests.AssertTranslation(spl, TranslationStatus.Full, null);
        Assert.That(Where(spl), Is.EqualTo(expected));
    }

    [Test]
    public void MvfindOfSeveralValuesIsRefused()
    {
        var t = Translate("| eval i=mvfind(split(a, \",\"), \"x\")");
        Assert.That((t.Status, t.Diagnostics.Single(d => d.IsError).Code), Is.EqualTo((TranslationStatus.Failed, "KQL0001")));
    }
}
