using ExfilQuery.Elastic;
using ExfilQuery.Kql;
using NUnit.Framework;

namespace ExfilQuery.Tests.Elastic;

/// <summary>Semantic cases for ES|QL and EQL, each with the exact expected text, written from Elastic's published
/// references (no Elastic parser can be installed here):
/// <list type="bullet">
/// <item>ES|QL syntax reference and "ES|QL functions and operators"
/// (https://www.elastic.co/guide/en/elasticsearch/reference/current/esql-functions-operators.html): <c>==</c> and
/// <c>LIKE</c> are case-sensitive; <c>LIKE</c>'s wildcards are <c>*</c> (any run) and <c>?</c> (one character),
/// escaped with <c>\</c> (written <c>\\</c> inside a <c>"..."</c> string); a comparison with null is null and
/// <c>WHERE</c> keeps only true rows; <c>STATS ... BY</c> puts rows whose key is null in a null group (the
/// COUNT example there shows a <c>null</c> languages row); <c>COUNT_DISTINCT</c> "returns the approximate number of
/// distinct values" (https://elastic.co/docs/reference/query-languages/esql/functions-operators/aggregation-functions/count_distinct),
/// precision threshold at most 40000; <c>VALUES</c> gives no order (hence <c>MV_SORT</c>); identifiers that are not
/// plain are quoted with backticks.</item>
/// <item>EQL syntax reference (https://www.elastic.co/guide/en/elasticsearch/reference/current/eql-syntax.html):
/// <c>category where condition</c>, <c>any</c> for every category; keywords lower-case; <c>:</c> compares strings
/// case-insensitively and takes <c>*</c>/<c>?</c> wildcards and a list <c>: ("a", "b*")</c>; <c>==</c>, <c>like</c>,
/// <c>regex</c> are case-sensitive and <c>like~</c>, <c>regex~</c>, <c>in~</c> their case-insensitive forms;
/// <c>cidrMatch</c>; <c>== null</c>/<c>!= null</c>; field names with a hyphen, a space or a leading digit in
/// backticks; strings in double quotes with <c>\"</c> and <c>\\</c> escapes; only the <c>head</c> and <c>tail</c>
/// pipes (<c>head</c> keeps the earliest matches, <c>tail</c> the most recent). EQL's wildcards cannot be escaped
/// (elastic/elasticsearch#62651), so a literal <c>*</c> or <c>?</c> is matched with <c>regex~</c>.</item>
/// </list></summary>
public class ElasticSemanticsTests
{
    private static string Esql(string spl)
    {
        var t = EsqlBackend.Translate(spl);
        Assert.That(t.Query, Is.Not.Null, string.Join("\n", t.Diagnostics));
        return t.Query!;
    }

    private static string Eql(string spl)
    {
        var t = EqlBackend.Translate(spl);
        Assert.That(t.Query, Is.Not.Null, string.Join("\n", t.Diagnostics));
        return t.Query!;
    }

    // ------------------------------------------------------------------ ES|QL search-clause semantics

    [TestCase("a=Foo", "TO_LOWER(a) == \"foo\"", TestName = "esql: equality is case-insensitive (lower-cased column)")]
    [TestCase("a=123", "a == \"123\"", TestName = "esql: a value without letters needs no TO_LOWER")]
    [TestCase("a=foo*", "TO_LOWER(a) LIKE \"foo*\"", TestName = "esql: prefix wildcard")]
    [TestCase("a=*foo", "TO_LOWER(a) LIKE \"*foo\"", TestName = "esql: suffix wildcard")]
    [TestCase("a=*Foo*", "TO_LOWER(a) LIKE \"*foo*\"", TestName = "esql: contains wildcard")]
    [TestCase("a=f*o*o", "TO_LOWER(a) LIKE \"f*o*o\"", TestName = "esql: general wildcard")]
    [TestCase("a=*", "a IS NOT NULL", TestName = "esql: a=* means the field exists")]
    [TestCase("a=\"what?\"", "TO_LOWER(a) == \"what?\"", TestName = "esql: ? is literal in an exact comparison")]
    [TestCase("a=\"what?*\"", "TO_LOWER(a) LIKE \"what\\\\?*\"", TestName = "esql: LIKE metacharacter ? escaped")]
    [TestCase("a=\"x\\\\*y*\"", "TO_LOWER(a) LIKE \"x\\\\\\\\*y*\"", TestName = "esql: a literal backslash before a wildcard: LIKE escape, then string escape")]
    [TestCase("a=\"x\\*y*\"", "TO_LOWER(a) LIKE \"x\\\\*y*\"", TestName = "esql: an escaped (literal) star is escaped for LIKE")]
    [TestCase("a=\"say \\\"hi\\\"\"", "TO_LOWER(a) == \"say \\\"hi\\\"\"", TestName = "esql: quotes escaped in the string")]
    [TestCase("a=\"C:\\Windows\\System32*\"", "TO_LOWER(a) LIKE \"c:\\\\\\\\windows\\\\\\\\system32*\"", TestName = "esql: Windows path backslashes doubled for LIKE and for the string")]
    [TestCase("a=\"C:\\Windows\\*\"", "TO_LOWER(a) == \"c:\\\\windows*\"", TestName = "esql: SPL \\* is a literal star")]
    [TestCase("NOT a=foo", "(a IS NULL OR NOT TO_LOWER(a) == \"foo\")", TestName = "esql: NOT is true where the field is missing")]
    [TestCase("a!=foo", "(a IS NOT NULL AND NOT TO_LOWER(a) == \"foo\")", TestName = "esql: != needs the field")]
    [TestCase("NOT a!=foo", "(a IS NULL OR TO_LOWER(a) == \"foo\")", TestName = "esql: NOT != is true where the field is missing or matches")]
    [TestCase("NOT a=*", "a IS NULL", TestName = "esql: NOT a=* means the field is missing")]
    [TestCase("NOT (a=1 OR b=2)", "(a IS NULL OR NOT a == \"1\") AND (b IS NULL OR NOT b == \"2\")", TestName = "esql: De Morgan keeps missing-field meaning")]
    [TestCase("a=1 OR b=2 c=3", "(a == \"1\" OR b == \"2\") AND c == \"3\"", TestName = "esql: OR binds tighter than implicit AND in SPL search")]
    [TestCase("(a=1 b=2) OR c=3", "a == \"1\" AND b == \"2\" OR c == \"3\"", TestName = "esql: AND inside OR needs no parentheses")]
    [TestCase("src=10.0.0.0/8", "CIDR_MATCH(TO_IP(src), \"10.0.0.0/8\")", TestName = "esql: CIDR value")]
    [TestCase("NOT src=10.0.0.0/8", "NOT COALESCE(CIDR_MATCH(TO_IP(src), \"10.0.0.0/8\"), false)", TestName = "esql: negated CIDR true for missing or non-IP values")]
    // SPL compares a value that holds a number numerically and any other value lexicographically (as the evaluator
    // and the KQL translation do); TO_DOUBLE alone is null for "abc", where Splunk finds "abc" > "100".
    [TestCase("bytes>100", "CASE(TO_DOUBLE(bytes) IS NOT NULL, TO_DOUBLE(bytes) > 100, bytes > \"100\")", TestName = "esql: number comparison is numeric for numbers, lexicographic otherwise")]
    [TestCase("NOT bytes>100", "NOT COALESCE(CASE(TO_DOUBLE(bytes) IS NOT NULL, TO_DOUBLE(bytes) > 100, bytes > \"100\"), false)", TestName = "esql: NOT of a number comparison is true for a missing field")]
    [TestCase("name>abc", "name > \"abc\"", TestName = "esql: string comparison is lexicographic")]
    [TestCase("a IN (x, \"y*\")", "TO_LOWER(a) == \"x\" OR TO_LOWER(a) LIKE \"y*\"", TestName = "esql: search IN is an OR of matches")]
    [TestCase("\"my-field\"=1", "`my-field` == \"1\"", TestName = "esql: odd field names in backticks")]
    [TestCase("earliest=-24h a=1", "@timestamp >= NOW() - 24 hours AND a == \"1\"", TestName = "esql: relative earliest")]
    public void EsqlSearchClause(string search, string where) =>
        Assert.That(Esql("search " + search), Is.EqualTo("FROM logs-*\n| WHERE " + where));

    // ------------------------------------------------------------------ ES|QL where/eval semantics

    [TestCase("where a=\"Foo\"", "WHERE a == \"Foo\"", TestName = "esql: where equality is case-sensitive")]
    [TestCase("where a LIKE \"f%o_\"", "WHERE a LIKE \"f*o?\"", TestName = "esql: SPL LIKE % and _ become * and ?")]
    [TestCase("where a LIKE \"50*%\"", "WHERE a LIKE \"50\\\\**\"", TestName = "esql: literal * in SPL LIKE escaped")]
    [TestCase("where a IN (\"x\", \"y*\")", "WHERE a IN (\"x\", \"y*\")", TestName = "esql: where IN is exact")]
    [TestCase("where n > 5 AND (a=\"x\" OR b=\"y\")", "WHERE CASE(TO_DOUBLE(n) IS NOT NULL, TO_DOUBLE(n) > 5, n > \"5\") AND (a == \"x\" OR b == \"y\")", TestName = "esql: precedence kept with minimal parentheses")]
    [TestCase("where n > 5.0", "WHERE CASE(TO_DOUBLE(n) IS NOT NULL, TO_DOUBLE(n) > 5.0, n > \"5\")", TestName = "esql: a decimal literal compared as text is written as the evaluator writes the number")]
    [TestCase("where NOT n == 1", "WHERE NOT CASE(TO_DOUBLE(n) IS NOT NULL, TO_DOUBLE(n) == 1, n == \"1\")", TestName = "esql: where NOT of a number comparison: true for a non-number, null for a missing field")]
    [TestCase("where n * 2 > 5", "WHERE TO_DOUBLE(n) * 2 > 5", TestName = "esql: arithmetic is a number: no string form")]
    [TestCase("where NOT (a=\"x\" AND b=\"y\")", "WHERE NOT (a == \"x\" AND b == \"y\")", TestName = "esql: NOT of AND parenthesized")]
    [TestCase("eval x=if(a=\"1\", \"one\", \"other\")", "EVAL x = CASE(a == \"1\", \"one\", \"other\")", TestName = "esql: if is CASE")]
    [TestCase("eval x=case(a=\"1\", 1, a=\"2\", 2)", "EVAL x = CASE(a == \"1\", 1, a == \"2\", 2)", TestName = "esql: case without default is null")]
    [TestCase("eval x=lower(a), y=len(a), z=substr(a, 2, 3)", "EVAL x = TO_LOWER(a), y = LENGTH(a), z = SUBSTRING(a, 2, 3)", TestName = "esql: string functions")]
    [TestCase("eval x=coalesce(a, b, \"none\")", "EVAL x = COALESCE(a, b, \"none\")", TestName = "esql: coalesce")]
    [TestCase("eval x=(a + 1) * 2", "EVAL x = (TO_DOUBLE(a) + 1) * 2", TestName = "esql: arithmetic on a string field converts")]
    [TestCase("eval x=a.\"-\".b", "EVAL x = CONCAT(CONCAT(a, \"-\"), b)", TestName = "esql: dot concatenation")]
    [TestCase("eval x=cidrmatch(\"10.0.0.0/8\", ip)", "EVAL x = CIDR_MATCH(TO_IP(ip), \"10.0.0.0/8\")", TestName = "esql: cidrmatch")]
    public void EsqlPipeline(string command, string line) =>
        Assert.That(Esql("search * | " + command), Is.EqualTo("FROM logs-*\n| " + line));

    /// <summary>strftime is DATE_FORMAT with a java.time pattern (java.time DateTimeFormatter: letters are pattern
    /// symbols, text goes in single quotes, <c>pp</c> pads the next field with spaces); Splunk Search Reference "Common
    /// time format variables": %e is the day with a leading space, %T = %H:%M:%S, %F = %Y-%m-%d. %w and %u have no
    /// locale-independent letter (java.time's 'e'/'c' follow the locale's first day of week), so they are refused.</summary>
    [TestCase("%Y-%m-%d %H:%M:%S", "yyyy-MM-dd HH:mm:ss")]
    [TestCase("%F %T", "yyyy-MM-dd HH:mm:ss")]
    [TestCase("%e %b %Y", "ppd MMM yyyy")]
    [TestCase("%Y-%m-%dT%H", "yyyy-MM-dd'T'HH")]
    [TestCase("100%% %j", "100% DDD")]
    [TestCase("%w", null)]
    [TestCase("%u", null)]
    public void StrftimeAsJavaTimePattern(string strftime, string? pattern) =>
        Assert.That(EsqlWriter.JavaTimeFormat(strftime), Is.EqualTo(pattern));

    // ------------------------------------------------------------------ ES|QL multivalued fields

    /// <summary>SPL's <c>f=v</c> holds when any value of a multivalued field matches; in ES|QL "Unless otherwise
    /// documented functions will return null when applied to a multivalued field"
    /// (https://www.elastic.co/docs/reference/query-languages/esql/esql-multivalued-fields), <c>==</c> and <c>LIKE</c>
    /// included. MV_CONTAINS(superset, subset) tests the values and treats null as an empty set
    /// (https://elastic.co/docs/reference/query-languages/esql/functions-operators/mv-functions/mv_contains); TO_LOWER
    /// takes a multi-valued column (https://elastic.co/docs/reference/query-languages/esql/functions-operators/string-functions/to_lower);
    /// MV_CONCAT joins the values with a delimiter. Fields named with <c>{}</c> are Splunk's JSON arrays.</summary>
    [TestCase("search tags{}=Foo", "WHERE MV_CONTAINS(TO_LOWER(`tags{}`), \"foo\")", TestName = "esql: any value of a JSON array equals (case-insensitive)")]
    [TestCase("search tags{}=123", "WHERE MV_CONTAINS(`tags{}`, \"123\")", TestName = "esql: any value equals a value without letters")]
    [TestCase("search NOT tags{}=foo", "WHERE (`tags{}` IS NULL OR NOT MV_CONTAINS(TO_LOWER(`tags{}`), \"foo\"))", TestName = "esql: NOT on a multivalued field: no value matches")]
    [TestCase("search tags{}!=foo", "WHERE (`tags{}` IS NOT NULL AND NOT MV_CONTAINS(TO_LOWER(`tags{}`), \"foo\"))", TestName = "esql: != on a multivalued field: the field exists and no value matches")]
    [TestCase("search tags{}=*Foo*", "WHERE MV_CONCAT(TO_LOWER(`tags{}`), \"\\n\") LIKE \"*foo*\"", TestName = "esql: contains on a multivalued field searches the values joined by a line feed")]
    [TestCase("search a=1 | rename tags{} AS t | search t=x", "WHERE a == \"1\"\n| RENAME `tags{}` AS t\n| WHERE MV_CONTAINS(TO_LOWER(t), \"x\")", TestName = "esql: a renamed JSON array is still multivalued")]
    [TestCase("search a=1 | stats values(p) as ps by h | search ps=x", "WHERE a == \"1\"\n| WHERE h IS NOT NULL\n| STATS ps = MV_SORT(VALUES(p)) BY h\n| WHERE MV_CONTAINS(TO_LOWER(ps), \"x\")", TestName = "esql: values() is multivalued")]
    [TestCase("search a=1 | eval tags{}=\"x\" | search tags{}=x", "WHERE a == \"1\"\n| EVAL `tags{}` = \"x\"\n| WHERE TO_LOWER(`tags{}`) == \"x\"", TestName = "esql: a field eval assigns holds one value")]
    public void EsqlMultivalued(string spl, string lines)
    {
        var t = EsqlBackend.Translate(spl);
        Assert.That(t.Query, Is.EqualTo("FROM logs-*\n| " + lines), string.Join("\n", t.Diagnostics));
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Full));
    }

    [TestCase("search tags{}=foo*", TestName = "esql: a prefix on a multivalued field")]
    [TestCase("search tags{}=*a*b*", TestName = "esql: two pieces on a multivalued field (they could come from two values)")]
    [TestCase("search tags{}>5", TestName = "esql: a range on a multivalued field")]
    [TestCase("search tags{}=10.0.0.0/8", TestName = "esql: a CIDR on a multivalued field")]
    [TestCase("search a=1 | regex tags{}=\"^x\"", TestName = "esql: the regex command on a multivalued field")]
    public void EsqlMultivaluedWithoutAnExactFormWarns(string spl)
    {
        var t = EsqlBackend.Translate(spl);
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Partial));
        Assert.That(t.Diagnostics.Single(d => d.Code == "ESQ0002").Message, Does.Contain("may hold several values"));
    }

    // ------------------------------------------------------------------ ES|QL regular expressions (RLIKE)

    /// <summary>PCRE (Splunk's match() and regex) as Lucene regular expressions for RLIKE. Elasticsearch "Regular
    /// expression syntax" (https://www.elastic.co/docs/reference/query-languages/query-dsl/regexp-syntax): patterns are
    /// anchored, <c>.</c> is any character, <c>[^...]</c> negates a class, a leading or escaped <c>-</c> in a class is
    /// literal, <c>\</c> escapes any character, <c>()</c> is the empty string, and there is no <c>(?i)</c>, <c>\d</c>,
    /// <c>\s</c>, <c>^</c> or <c>$</c>. PCRE (pcre2pattern): <c>.</c> is any character but a line feed, <c>$</c>
    /// matches at the end or before a final line feed, <c>\s</c> is space, tab, LF, VT, FF, CR, and <c>(?i)</c>
    /// matches letters in both cases. ES|QL RLIKE (https://www.elastic.co/docs/reference/query-languages/esql/functions-operators/operators#esql-rlike)
    /// takes that syntax in a string literal, where <c>\n</c> and <c>\t</c> are escapes.</summary>
    [TestCase("match(a, \"(?i)cmd\\.exe\")", "a RLIKE \".*[cC][mM][dD]\\\\.[eE][xX][eE].*\"", TestName = "esql: (?i) matches each letter in both cases")]
    [TestCase("match(a, \"^(?i)a[b-d]x\")", "a RLIKE \"[aA][b-dB-D][xX].*\"", TestName = "esql: (?i) after ^ folds letter ranges too")]
    [TestCase("match(a, \"a.b\")", "a RLIKE \".*a[^\\n]b.*\"", TestName = "esql: PCRE . is any character but a line feed")]
    [TestCase("match(a, \"^ab$\")", "a RLIKE \"ab\\n?\"", TestName = "esql: PCRE $ also matches before a final line feed")]
    [TestCase("match(a, \"(x\\.exe.{0,4}$)\")", "a RLIKE \".*(x\\\\.exe[^\\n]{0,4})\\n?\"", TestName = "esql: $ at the end of a group that ends the pattern")]
    [TestCase("match(a, \"a\\sb\\Sc\")", "a RLIKE \".*a[ \\t\\n\u000B\f\\r]b[^ \\t\\n\u000B\f\\r]c.*\"", TestName = "esql: \\s and \\S are PCRE's six space characters")]
    [TestCase("match(a, \"\\d\\D\\w\\W\")", "a RLIKE \".*[0-9][^0-9][A-Za-z0-9_][^A-Za-z0-9_].*\"", TestName = "esql: \\d \\D \\w \\W as classes")]
    [TestCase("match(a, \"x(a||b)\")", "a RLIKE \".*x(a|()|b).*\"", TestName = "esql: an empty alternative is Lucene's empty string ()")]
    [TestCase("match(a, \"a|b\")", "a RLIKE \".*(a|b).*\"", TestName = "esql: a top-level alternative is grouped inside the unanchored search")]
    [TestCase("match(a, \"[-a]x[a-]\")", "a RLIKE \".*[\\\\-a]x[a\\\\-].*\"", TestName = "esql: a first or last - in a class is escaped")]
    [TestCase("match(a, \"[^\\s,]+@\")", "a RLIKE \".*[^ \\t\\n\u000B\f\\r,]+\\\\@.*\"", TestName = "esql: \\s inside a negated class; @ is a Lucene operator, escaped")]
    public void EsqlRegex(string condition, string where) =>
        Assert.That(Esql("search * | where " + condition), Is.EqualTo("FROM logs-*\n| WHERE " + where));

    [TestCase("match(a, \"(a|b$)\")", TestName = "esql: $ that anchors one alternative only")]
    [TestCase("match(a, \"^a|b\")", TestName = "esql: ^ that anchors one alternative only")]
    [TestCase("match(a, \"(?i)[!-_]\")", TestName = "esql: (?i) with a range that holds the capitals but not the small letters")]
    [TestCase("match(a, \"(?i)é\")", TestName = "esql: (?i) with a letter outside ASCII")]
    [TestCase("match(a, \"a(?i)b\")", TestName = "esql: (?i) that is not at the start")]
    [TestCase("match(a, \"[\\d-z]\")", TestName = "esql: a class shorthand before - (PCRE reads the - literally)")]
    [TestCase("match(a, \"a*?\")", TestName = "esql: lazy quantifier")]
    [TestCase("match(a, \"\\bword\\b\")", TestName = "esql: word boundary")]
    public void EsqlRegexOutsideTheSubsetFails(string condition)
    {
        var t = EsqlBackend.Translate("search * | where " + condition);
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Failed));
        Assert.That(t.Diagnostics.Single(d => d.Code == "ESQ0001").Message, Does.Contain("no exact Lucene regular expression"));
    }

    /// <summary>The conversion keeps which strings match. .NET reads PCRE's subset used here the same way for ASCII
    /// text (. without a line feed, $ before a final line feed, \s as the six ASCII spaces, (?i) on ASCII letters), and
    /// reads the Lucene output (a subset of plain characters, classes, groups, quantifiers and escaped punctuation) the
    /// same way as Lucene once anchored with \A and \z.</summary>
    [TestCase("(?i)(regsvcs\\.exe.{0,4}$)", new[] { "C:\\x\\RegSvcs.exe", "regsvcs.exe \"", "regsvcs.exe\n", "regsvcs.exe ab\ncd", "regsvcs.exe12345", "regsvcs.ex" })]
    [TestCase("^a.c$", new[] { "abc", "a\nc", "abc\n", "abc\n\n", "xabc" })]
    [TestCase("powershell[.\\s]|pwsh[.\\s]", new[] { "powershell.exe", "pwsh -c", "pwsh\tx", "pwshx", "POWERSHELL.exe", "a\u000Bpwsh\u000B" })]
    [TestCase("(?i)[\\-|\\/][Ss]{1}", new[] { "/s", "-S", "|s", "x s", "/S", "\\s" })]
    [TestCase("(?i).*(ZIP|7Z)\\\\.+\\.(EXE||JS)\"?$", new[] { "c:\\a.zip\\b.exe", "c:\\a.7z\\b.", "c:\\a.zip\\b.js\"", "c:\\a.zip\\b.js\"\n", "c:\\a.zip\\\n.exe", "a.rar\\b.exe" })]
    [TestCase("[^a-c]x[-a]", new[] { "dx-", "axa", "\nxa", "dxb" })]
    public void EsqlRegexMatchesWhatPcreMatches(string pcre, string[] inputs)
    {
        var lucene = LuceneRegex.FromPcre(pcre);
        Assert.That(lucene, Is.Not.Null, pcre);
        var splunk = new System.Text.RegularExpressions.Regex(pcre, System.Text.RegularExpressions.RegexOptions.CultureInvariant);
        var elastic = new System.Text.RegularExpressions.Regex(@"\A(?:" + lucene + @")\z", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
        foreach (var input in inputs)
            Assert.That(elastic.IsMatch(input), Is.EqualTo(splunk.IsMatch(input)), $"{pcre} on {input.Replace("\n", "\\n", StringComparison.Ordinal)}: Lucene {lucene}");
    }

    [Test]
    public void EsqlStatsDropsRowsMissingAGroupField() =>
        Assert.That(Esql("search a=1 | stats count dc(u) as users values(p) by host user"), Is.EqualTo(
            "FROM logs-*\n| WHERE a == \"1\"\n| WHERE host IS NOT NULL AND user IS NOT NULL\n"
            + "| STATS count = COUNT(*), users = COALESCE(MV_COUNT(VALUES(u)), 0), `values(p)` = MV_SORT(VALUES(p)) BY host, user"));

    /// <summary>Splunk's dc is exact; ES|QL's COUNT_DISTINCT is approximate ("Counts are approximate", ES|QL
    /// aggregation functions reference), so dc counts the exact VALUES (https://www.elastic.co/docs/reference/query-languages/esql/functions-operators/aggregation-functions).</summary>
    [Test]
    public void EsqlCountDistinctIsExact()
    {
        var t = EsqlBackend.Translate("search a=1 | stats dc(u) by host");
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Full));
        Assert.That(t.Query, Does.Contain("`dc(u)` = COALESCE(MV_COUNT(VALUES(u)), 0)").And.Not.Contain("COUNT_DISTINCT"));
    }

    [Test]
    public void EsqlHeadKeepsTheNewestEvents() =>
        Assert.That(Esql("search a=1 | head 5"), Is.EqualTo("FROM logs-*\n| WHERE a == \"1\"\n| SORT @timestamp DESC\n| LIMIT 5"));

    [Test]
    public void EsqlSortRenameKeepDrop() =>
        Assert.That(Esql("search a=1 | stats count by host | sort - count | rename host AS h | table h count | fields - count"), Is.EqualTo(
            "FROM logs-*\n| WHERE a == \"1\"\n| WHERE host IS NOT NULL\n| STATS count = COUNT(*) BY host\n| SORT count DESC\n| RENAME host AS h\n| KEEP h, count\n| DROP count"));

    /// <summary>GROK compiles with Oniguruma's Ruby syntax (Joni), where ^ and $ are line anchors; PCRE's are the
    /// value's start, and its end or before a final line feed: Oniguruma's \A and \Z (Oniguruma RE syntax, "Anchors").</summary>
    [Test]
    public void EsqlRexIsGrok() =>
        Assert.That(Esql("search a=1 | rex field=email \"@(?<domain>[^@$^]+)$\""), Is.EqualTo(
            "FROM logs-*\n| WHERE a == \"1\"\n| GROK email \"@(?<domain>[^@$^]+)\\\\Z\""));

    [TestCase("^a", "\\Aa")]
    [TestCase("a\\$b$", "a\\$b\\Z")]
    [TestCase("[]^$]^", "[]^$]\\A")]
    [TestCase("[^]$]$", "[^]$]\\Z")]
    [TestCase("[\\]^]$", "[\\]^]\\Z")]
    public void GrokAnchorsAreTheValuesStartAndEnd(string pcre, string grok) =>
        Assert.That(EsqlWriter.GrokAnchors(pcre), Is.EqualTo(grok));

    /// <summary>PCRE's (?P&lt;name&gt;...) is the same named group as (?&lt;name&gt;...), the spelling Oniguruma (GROK)
    /// reads (ES|QL GROK reference, https://www.elastic.co/docs/reference/query-languages/esql/commands/grok).</summary>
    [Test]
    public void EsqlRexPythonStyleNamedGroupIsGrokNamedGroup()
    {
        var t = EsqlBackend.Translate("search a=1 | rex field=p \"Plans=\\[(?P<plans>[^\\]]+)\\]\"");
        Assert.That(t.Query, Is.EqualTo("FROM logs-*\n| WHERE a == \"1\"\n| GROK p \"Plans=\\\\[(?<plans>[^\\\\]]+)\\\\]\""));
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Full));
    }

    [Test]
    public void EsqlUnsupportedFails()
    {
        var t = EsqlBackend.Translate("search a=1 | transaction host");
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Failed));
        Assert.That(t.Query, Is.Null);
        Assert.That(t.Diagnostics.Select(d => d.Code), Does.Contain("ESQ0001"));
    }

    // ------------------------------------------------------------------ EQL

    [TestCase("a=Foo", "any where a : \"Foo\"", TestName = "eql: : is case-insensitive equality")]
    [TestCase("a=foo*", "any where a : \"foo*\"", TestName = "eql: prefix wildcard with :")]
    [TestCase("a=*foo*", "any where a : \"*foo*\"", TestName = "eql: contains wildcard with :")]
    [TestCase("a=f*o*o", "any where a : \"f*o*o\"", TestName = "eql: general wildcard with :")]
    [TestCase("a=*", "any where a != null", TestName = "eql: a=* means the field exists")]
    [TestCase("a=\"what?\"", "any where a regex~ \"what\\\\?\"", TestName = "eql: literal ? needs regex~ (: would read it as a wildcard)")]
    [TestCase("a=\"x\\*y\"", "any where a regex~ \"x\\\\*y\"", TestName = "eql: literal * needs regex~")]
    [TestCase("a=\"x\\\\*y\"", "any where a : \"x\\\\*y\"", TestName = "eql: a literal backslash before a wildcard (backslash is literal in : patterns, as in Elastic's prebuilt rules)")]
    [TestCase("a=\"say \\\"hi\\\"\"", "any where a : \"say \\\"hi\\\"\"", TestName = "eql: quotes escaped")]
    [TestCase("a=\"C:\\Windows\\System32*\"", "any where a : \"C:\\\\Windows\\\\System32*\"", TestName = "eql: backslashes escaped")]
    [TestCase("NOT a=foo", "any where (a == null or not a : \"foo\")", TestName = "eql: NOT is true where the field is missing")]
    [TestCase("a!=foo", "any where (a != null and not a : \"foo\")", TestName = "eql: != needs the field")]
    [TestCase("NOT (a=1 OR b=2)", "any where (a == null or not a : \"1\") and (b == null or not b : \"2\")", TestName = "eql: De Morgan")]
    [TestCase("a=1 OR b=2 c=3", "any where (a : \"1\" or b : \"2\") and c : \"3\"", TestName = "eql: precedence")]
    [TestCase("a IN (x, \"y*\") OR a=z", "any where a : (\"x\", \"y*\", \"z\")", TestName = "eql: OR of matches on one field is one : list")]
    [TestCase("src=10.0.0.0/8", "any where cidrMatch(src, \"10.0.0.0/8\")", TestName = "eql: cidrMatch")]
    [TestCase("NOT src=10.0.0.0/8", "any where (src == null or not cidrMatch(src, \"10.0.0.0/8\"))", TestName = "eql: negated cidrMatch")]
    [TestCase("bytes>100", "any where bytes > 100", TestName = "eql: numbers as numbers")]
    [TestCase("name>abc", "any where name > \"abc\"", TestName = "eql: strings as strings")]
    [TestCase("\"my-field\"=1 \"1st\"=2", "any where `my-field` : \"1\" and `1st` : \"2\"", TestName = "eql: odd field names in backticks")]
    [TestCase("NOT a=foo b=bar", "any where (a == null or not a : \"foo\") and b : \"bar\"", TestName = "eql: NOT binds tighter than the implicit AND")]
    [TestCase("a=foo OR NOT b=bar", "any where a : \"foo\" or (b == null or not b : \"bar\")", TestName = "eql: NOT inside OR keeps missing-field meaning")]
    [TestCase("NOT a!=foo", "any where (a == null or a : \"foo\")", TestName = "eql: NOT != is true where the field is missing or matches")]
    [TestCase("NOT a=*", "any where a == null", TestName = "eql: NOT a=* means the field is missing")]
    [TestCase("a!=*", "any where false", TestName = "eql: a!=* never matches (needs the field and no value)")]
    [TestCase("a=\"x?y*\"", "any where a regex~ \"x\\\\?y.*\"", TestName = "eql: literal ? with a wildcard needs regex~, * becomes .*")]
    [TestCase("a=\"x\\ny\"", "any where a : \"x\\\\ny\"", TestName = "eql: SPL \\n is a backslash and n, escaped as \\\\ in EQL")]
    [TestCase("a=\"tab\there\"", "any where a : \"tab\\there\"", TestName = "eql: a tab character in the value is written \\t")]
    [TestCase("src=10.0.0.0/8 OR src=192.168.0.0/16", "any where cidrMatch(src, \"10.0.0.0/8\") or cidrMatch(src, \"192.168.0.0/16\")", TestName = "eql: CIDRs in OR")]
    [TestCase("bytes>=1.5e3", "any where bytes >= 1500", TestName = "eql: exponent number written plainly")]
    [TestCase("bytes>-5", "any where bytes > -5", TestName = "eql: negative number")]
    [TestCase("port=443", "any where port : \"443\"", TestName = "eql: search equality on a number stays a case-insensitive string match (profile none, type unknown)")]
    [TestCase("\"user name\"=bob \"where\"=x", "any where `user name` : \"bob\" and `where` : \"x\"", TestName = "eql: names with a space or a keyword in backticks")]
    public void EqlSearchClause(string search, string query) => Assert.That(Eql("search " + search), Is.EqualTo(query));

    /// <summary>where/eval conditions are three-valued in SPL: a comparison with a missing field is null, NOT null is
    /// null, and where keeps only true rows (Splunk Search Reference, "where": "The where command ... returns only the
    /// results for which the eval expression returns TRUE"; the evaluator's tables agree). EQL runs conditions as Query
    /// DSL, where <c>!=</c> and <c>not</c> are must_not clauses that match documents without the field (Elasticsearch QL
    /// ExpressionTranslators: NotEquals is NotQuery(TermQuery); elastic/elasticsearch#114050 notes that Query DSL and
    /// KQL keep null rows for !=), so a condition that can be false on a missing field carries <c>field != null</c>.</summary>
    [TestCase("where a!=\"x\"", "a != null and a != \"x\"", TestName = "eql where: != drops events without the field")]
    [TestCase("where NOT a=\"x\"", "a != null and not a == \"x\"", TestName = "eql where: NOT = drops events without the field")]
    [TestCase("where NOT (a!=\"x\")", "a == \"x\"", TestName = "eql where: NOT != is ==")]
    [TestCase("where NOT (a=\"x\" AND n>5)", "a != null and not a == \"x\" or n != null and not n > 5", TestName = "eql where: NOT of AND is OR of falsehoods")]
    [TestCase("where NOT (a=\"x\" OR b LIKE \"y%\")", "a != null and not a == \"x\" and b != null and not b like \"y*\"", TestName = "eql where: NOT of OR is AND of falsehoods")]
    [TestCase("where a NOT IN (\"x\", \"y\")", "a != null and a not in (\"x\", \"y\")", TestName = "eql where: NOT IN needs the field")]
    [TestCase("where NOT isnull(a) AND n=1", "a != null and n == 1", TestName = "eql where: NOT isnull is != null")]
    [TestCase("where n > 5 AND (a=\"x\" OR b=\"y\")", "n > 5 and (a == \"x\" or b == \"y\")", TestName = "eql where: precedence kept with minimal parentheses")]
    [TestCase("where a=\"C:\\\\temp\"", "a == \"C:\\\\temp\"", TestName = "eql where: a backslash escaped once more for EQL")]
    [TestCase("where a=\"100\" AND n=100", "a == \"100\" and n == 100", TestName = "eql where: strings stay strings, numbers numbers")]
    public void EqlWhereIsThreeValued(string command, string condition) =>
        Assert.That(Eql("search * | " + command), Is.EqualTo("any where " + condition));

    [TestCase("search a=1 | where b=\"X\"", "any where a : \"1\" and b == \"X\"", TestName = "eql: where equality is case-sensitive ==")]
    [TestCase("search a=1 | where b IN (\"x\", \"y\")", "any where a : \"1\" and b in (\"x\", \"y\")", TestName = "eql: where IN is case-sensitive in")]
    [TestCase("search a=1 | where b LIKE \"%.ps1\"", "any where a : \"1\" and b like \"*.ps1\"", TestName = "eql: SPL LIKE as case-sensitive like")]
    [TestCase("search a=1 | where b=\"x\" OR c=\"y\"", "any where a : \"1\" and (b == \"x\" or c == \"y\")", TestName = "eql: where OR parenthesized in a conjunction")]
    [TestCase("search a=1 | head 5", "any where a : \"1\"\n| tail 5", TestName = "eql: SPL head (newest) is EQL tail (most recent)")]
    [TestCase("search a=1 | tail 5", "any where a : \"1\"\n| head 5", TestName = "eql: SPL tail (oldest) is EQL head (earliest)")]
    [TestCase("| tstats count from datamodel=Endpoint.Processes where Processes.process_name=cmd.exe by Processes.dest", "process where Processes.process_name : \"cmd.exe\"", TestName = "eql: data model picks the event category")]
    public void EqlQueries(string spl, string query) => Assert.That(Eql(spl), Is.EqualTo(query));

    [Test]
    public void EqlCountThresholdCarriesThresholdRule()
    {
        var t = EqlBackend.Translate("search a=1 | stats count by host user | where count > 20");
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Partial));
        Assert.That(t.Query, Is.EqualTo("any where a : \"1\""));
        Assert.That(t.Threshold, Is.Not.Null);
        Assert.That(t.Threshold!.GroupBy, Is.EqualTo(new[] { "host", "user" }));
        Assert.That(t.Threshold.Value, Is.EqualTo(21));
        Assert.That(t.Diagnostics.Single(d => d.Code == "EQL0002").Message, Does.Contain("threshold >= 21"));
    }

    [Test]
    public void EqlOtherAggregationConditionFails()
    {
        var t = EqlBackend.Translate("search a=1 | stats dc(u) as users by host | where users > 20");
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Failed));
        Assert.That(t.Threshold, Is.Null);
        Assert.That(t.Diagnostics.Select(d => d.Code), Does.Contain("EQL0001"));
    }

    [Test]
    public void EqlEvalUsedByAFilterFails()
    {
        var t = EqlBackend.Translate("search a=1 | eval x=len(b) | where x > 3");
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Failed));
    }

    /// <summary>EQL syntax reference, "Limitations for comparisons": "You also cannot compare a field to another field,
    /// even if the fields are changed using a function" — such a query is rejected as a whole, so the translation
    /// fails with the comparison's span; a function of one field against a literal is allowed.</summary>
    [TestCase("search a=1 | where x=y", "x=y")]
    [TestCase("search a=1 | where NOT x=y", "x=y")]
    [TestCase("search a=1 | where x > len(y)", "x > len(y)")]
    [TestCase("search a=1 | where (x + 1) = y", "(x + 1) = y")]
    public void EqlFieldToFieldComparisonFails(string spl, string comparison)
    {
        var t = EqlBackend.Translate(spl);
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Failed));
        var error = t.Diagnostics.Single(d => d.IsError);
        Assert.That((error.Code, spl.Substring(error.Span.Start, error.Span.Length)), Is.EqualTo(("EQL0001", comparison)));
    }

    [Test]
    public void EqlFunctionOfOneFieldAgainstALiteralIsAllowed() =>
        Assert.That(Eql("search a=1 | where len(x) > 3"), Is.EqualTo("any where a : \"1\" and length(x) > 3"));

    [Test]
    public void EqlPureFilterIsFull()
    {
        var t = EqlBackend.Translate("search process_name=cmd.exe NOT user=SYSTEM");
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Full));
        Assert.That(t.Query, Is.EqualTo("any where process_name : \"cmd.exe\" and (user == null or not user : \"SYSTEM\")"));
    }

    [Test]
    public void EqlKeywordsAreLowerCaseAndOnlyHeadTailPipes()
    {
        foreach (var seed in TestData.SeedSearches())
        {
            var q = EqlBackend.Translate(seed.Search, TestData.WithSplunkMacros).Query;
            if (q is null) continue;
            foreach (var line in q.Split('\n').Skip(1)) Assert.That(line, Does.Match(@"^\| (head|tail) \d+$"), seed.Id);
            Assert.That(q, Does.Not.Match(@"\b(AND|OR|NOT|WHERE|ANY)\b"), seed.Id);
        }
    }
}
