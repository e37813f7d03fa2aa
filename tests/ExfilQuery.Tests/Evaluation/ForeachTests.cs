using ExfilQuery.Elastic;
using ExfilQuery.Evaluation;
using ExfilQuery.Ir;
using ExfilQuery.Kql;
using ExfilQuery.Tests.Kusto;
using NUnit.Framework;
using static ExfilQuery.Tests.Evaluation.EvalTestSupport;

namespace ExfilQuery.Tests.Evaluation;

/// <summary>foreach, multifield mode. Splunk Search Reference, "foreach"
/// (https://help.splunk.com/splunk-enterprise/spl-search-reference/10.0/search-commands/foreach): the placeholders
/// &lt;&lt;FIELD&gt;&gt;, &lt;&lt;MATCHSTR&gt;&gt;, &lt;&lt;MATCHSEG1..3&gt;&gt; (renamed by fieldstr=, matchstr=,
/// matchseg1..3=) are "just a string replacement" in the subsearch; multifield mode runs any streaming command; the
/// other modes only eval. The examples of that page are the cases below marked "Example N". What the page leaves
/// open (order, internal fields, absent fields) is decided in ForeachTemplate and reported where it matters.</summary>
public class ForeachTests
{
    private static readonly string[] Www =
    [
        """{"_time":4,"categoryId":"ACCESSORIES","www1":"1000","www2":"500"}""",
        """{"_time":3,"categoryId":"SIMULATION","www1":"3000","www2":"750"}""",
        """{"_time":2,"categoryId":"ARCADE","www1":"800"}""",
        """{"_time":1,"categoryId":"STRATEGY","www1":"400","www2":"200"}""",
    ];

    private static List<string> Rows(EvaluationResult result) => result.Rows.Select(r => r.ToString()).ToList();

    // ------------------------------------------------------------------ evaluation: exact rows

    /// <summary>Each case: a search over <see cref="Www"/> and its rows (newest first). Expected rows are the reference's
    /// where it gives them.</summary>
    [TestCase("* | eval total=0 | foreach www* [eval total=total + <<FIELD>>] | table categoryId total",
        "categoryId=ACCESSORIES total=1500;categoryId=SIMULATION total=3750;categoryId=ARCADE total=800;categoryId=STRATEGY total=600",
        Description = "Example 1: ARCADE has no www2 and still gets its total: a wildcard visits the fields the row has")]
    [TestCase("* | head 1 | eval total=0, test1=1, test2=2, test3=3 | foreach test* [eval total=total + <<FIELD>>] | table test1 test2 test3 total",
        "test1=1 test2=2 test3=3 total=6", Description = "Example 2")]
    [TestCase("* | head 1 | foreach name price category [eval <<FIELD>> = \"<<FIELD>>\"] | table name price category",
        "name=name price=price category=category", Description = "Example 3: a name without * is visited even when absent")]
    [TestCase("* | head 1 | eval test1 = 5, test2 = 10 | foreach test* [eval <<FIELD>> = <<FIELD>> + <<MATCHSTR>>] | table test1 test2",
        "test1=6 test2=12", Description = "Example 5: <<MATCHSTR>> is text, here a number")]
    [TestCase("* | head 1 | eval test1ab2=5, test2ab3=10 | foreach test*ab* fieldstr=MYFIELD matchseg1=SEG1 matchseg2=SEG2 [eval MYFIELD = MYFIELD + SEG1 + SEG2] | table test1ab2 test2ab3",
        "test1ab2=8 test2ab3=15", Description = "Example 6: renamed placeholders")]
    [TestCase("* | head 1 | eval myfield_1 = 5, myfield_2 = 10 | foreach myfield_* [eval <<FIELD>> = '<<FIELD>>' + <<MATCHSTR>>] | table myfield_1 myfield_2",
        "myfield_1=6 myfield_2=12", Description = "Usage: '<<FIELD>>' in single quotes")]
    [TestCase("* | head 1 | eval \"a-b\"=1 | foreach a-* [eval x='<<FIELD>>', y=<<FIELD>>] | table x y",
        "x=1", Description = "replaced as text: bare, a-b is a minus b (both missing: null); quoted, the field")]
    [TestCase("* | head 1 | eval s=\"\", a2=1, a10=1, a1=1, argc=1 | foreach a* [eval s=s.\" <<FIELD>>\"] | table s",
        "s= a1 a10 a2 argc", Description = "ordinal order of names (EVL0051)")]
    [TestCase("* | head 1 | eval s=\"\", b1=1, a1=1 | foreach b* a* b1 [eval s=s.\" <<FIELD>>\"] | table s",
        "s= b1 a1", Description = "patterns in the order written, each field once")]
    [TestCase("* | head 1 | eval n=0 | foreach * [eval n=n+1] | table n",
        "n=6", Description = "* matches source, sourcetype, categoryId, www1, www2 and n, not _time or _raw")]
    [TestCase("* | foreach www* [where <<FIELD>> > 700] | table categoryId",
        "categoryId=SIMULATION;categoryId=ARCADE", Description = "where in the template drops the row")]
    [TestCase("* | head 1 | foreach www* [eval <<FIELD>>=null()] | foreach www* [eval seen=\"<<FIELD>>\"] | table categoryId www1 seen",
        "categoryId=ACCESSORIES", Description = "a field set to null is no longer there")]
    [TestCase("* | head 1 | eval \"k.x\"=1 | foreach k.* [eval v_<<MATCHSTR>> = '<<FIELD>>' * 2, \"<<MATCHSTR>> was <<FIELD>>\"=1] | table v_x \"x was k.x\"",
        "v_x=2 x was k.x=1", Description = "placeholders inside names and strings")]
    [TestCase("* | head 1 | foreach www* [| rex field=<<FIELD>> \"^(?<first_<<MATCHSTR>>>\\d)\"] | table first_1 first_2",
        "first_1=1 first_2=5", Description = "any streaming command: rex")]
    public void EvaluatesAsTheReferenceSays(string search, string rows)
    {
        var result = Run(search, Json(Www));
        Assert.That(string.Join(";", Rows(result)), Is.EqualTo(rows));
        Assert.That(result.Diagnostics.Where(d => d.IsError), Is.Empty);
    }

    /// <summary>mode=multivalue: <<ITEM>> is each value (a number when it reads as one, otherwise a quoted string, as the
    /// reference's examples 8 and 15 need), <<ITER>> its zero-based position; a row without the field runs nothing.</summary>
    [TestCase("* | head 1 | eval teacher=\"James\", student_grades=mvappend(\"50\", \"100\", \"30\"), sum = 0, count = 0 | foreach mode=multivalue student_grades [eval sum = sum + <<ITEM>>, count = count + 1] | eval average = sum / count | table average count sum teacher",
        "average=60 count=3 sum=180 teacher=James", Description = "Example 8")]
    [TestCase("* | head 1 | eval word=split(\"ABCDE\",\"\"), nums=split(\"01234\",\"\") | foreach word mode=multivalue [eval word_and_num=mvappend(word_and_num, <<ITEM>>.mvindex(nums, <<ITER>>))] | table word_and_num",
        "word_and_num=A0|B1|C2|D3|E4", Description = "Example 15")]
    [TestCase("* | head 1 | eval mv=mvappend(\"a\\\"b\", \"c\\\\d\", \"-2.5\", \"1e3\") | foreach mode=multivalue mv [eval out=mvappend(out, <<ITEM>>)] | table out",
        "out=a\"b|c\\d|-2.5|1e3", Description = "quotes and backslashes escaped; 1e3 stays text")]
    [TestCase("* | head 1 | eval result=\"\", mv=mvappend(\"5\", \"15\") | foreach mode=multivalue itemstr=<<NUMBER>> iterstr=<<I>> mv [eval result = result . <<I>> . \":\" . <<NUMBER>> . \" \"] | table result",
        "result=0:5 1:15 ", Description = "itemstr and iterstr rename the placeholders")]
    [TestCase("* | head 1 | foreach mode=multivalue nosuch [eval seen=1] | table seen categoryId",
        "categoryId=ACCESSORIES", Description = "no values, no iteration")]
    public void MultivalueModeRunsTheEvalPerValue(string search, string rows)
    {
        var result = Run(search, Json(Www));
        Assert.That(string.Join(";", Rows(result)), Is.EqualTo(rows));
        Assert.That(result.Diagnostics, Is.Empty);
        Assert.That(KqlBackend.Translate(search).Diagnostics.Select(d => d.Code), Does.Contain("KQL0011"));
    }

    [Test]
    public void AStarDoesNotMatchInternalFieldsButAnUnderscorePatternDoes()
    {
        // Example 4 (license usage): foreach * [eval <<FIELD>>='<<FIELD>>'/1024/1024/1024] leaves _time as it was.
        var star = Run("* | head 1 | foreach * [eval <<FIELD>>=\"x\"]", Json(Www));
        Assert.That(star.Rows[0].Time, Is.EqualTo(4));
        Assert.That(star.Rows[0]["www1"].AsString(), Is.EqualTo("x"));
        Assert.That(star.Rows[0]["_raw"].AsString(), Does.StartWith("{"));
        var underscore = Run("* | head 1 | eval _mine=1 | foreach _m* [eval <<FIELD>>=2] | table _mine", Json(Www));
        Assert.That(Rows(underscore), Is.EqualTo(new[] { "_mine=2" }));
    }

    [Test]
    public void AnAccumulatorOverWildcardFieldsWarnsThatTheOrderIsAChoice()
    {
        var result = Run("* | head 1 | eval s=\"\" | foreach www* [eval s=s . <<FIELD>>]", Json(Www));
        Assert.That(result.Rows[0]["s"].AsString(), Is.EqualTo("1000500"));
        Assert.That(result.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "EVL0051" }));
        // Each iteration writing its own field does not depend on the order; reading another's does.
        Assert.That(Run("* | foreach www* [eval <<FIELD>>=<<FIELD>>*2]", Json(Www)).Diagnostics, Is.Empty);
        Assert.That(Run("* | foreach www* [eval <<FIELD>>=www1+1]", Json(Www)).Diagnostics.Select(d => d.Message), Is.EqualTo(new[]
        {
            "In foreach, the fields a wildcard matches are visited in the ordinal order of their names (the Search Reference does not say in which order Splunk visits them), and one iteration changes 'www1', which another reads or changes, so the result may depend on that order.",
        }));
        Assert.That(Run("* | foreach www* [eval <<FIELD>>=www1+1 | fields - www1]", Json(Www)).Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "EVL0051" }));
        Assert.That(Run("* | foreach www* categoryId [eval <<FIELD>>=lower(<<FIELD>>) | where isnotnull(<<FIELD>>)]", Json(Www)).Diagnostics, Is.Empty);
    }

    [Test]
    public void AnAmbiguousSplitUsedByTheTemplateWarns()
    {
        var result = Run("* | head 1 | eval t1ab2ab3=1 | foreach t*ab* [eval s=\"<<MATCHSEG1>>/<<MATCHSEG2>>\"] | table s", Json(Www));
        Assert.That(Rows(result), Is.EqualTo(new[] { "s=1/2ab3" }));
        Assert.That(result.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "EVL0052" }));
    }

    /// <summary>A field name that breaks the template's syntax is EVL0050 (never an exception) pointing at the
    /// placeholder in the text the user wrote; the other fields' iterations run.</summary>
    [Test]
    public void ATemplateThatDoesNotReadForAFieldIsADiagnosticAtThePlaceholder()
    {
        const string search = "* | head 1 | eval \"w'x\"=1, w2=2 | foreach w* [eval y_<<MATCHSTR>>=<<FIELD>>] | table y_2";
        var result = Run(search, Json(Www));
        Assert.That(Rows(result), Is.EqualTo(new[] { "y_2=2" }));
        var errors = result.Diagnostics.Where(d => d.Code == "EVL0050").ToList();
        Assert.That(errors, Is.Not.Empty);
        Assert.That(errors[0].Message, Does.Contain("'w'x'"));
        var at = search.IndexOf("<<FIELD>>", StringComparison.Ordinal);
        Assert.That(errors.Select(e => e.Span.Start), Has.Some.EqualTo(at));
        var command = search.IndexOf("foreach", StringComparison.Ordinal);
        Assert.That(errors.Select(e => e.Span.Start), Has.All.InRange(command, search.IndexOf("] |", StringComparison.Ordinal)));
    }

    /// <summary>Field names that break the template (quotes, brackets, a backtick, a placeholder, a pipe) give
    /// EVL0050 or read as Splunk's text replacement would, never an exception; the row is kept.</summary>
    [TestCase("w]x", "EVL0050")]
    [TestCase("w'x", "EVL0050")]
    [TestCase("w\"x", "EVL0050")]
    [TestCase("w`x`", "EVL0050")]
    [TestCase("w|x", "EVL0050")]
    [TestCase("w x", "EVL0050")]
    [TestCase("w<<FIELD>>", null)]
    [TestCase("w.x", null)]
    [TestCase("w{}.x", null)]
    public void AwkwardFieldNamesNeverThrow(string name, string? code)
    {
        var e = new Event { Raw = "r" };
        e.Time = 1;
        e.Set(name, "v");
        var result = Run("* | foreach w* [eval y=<<FIELD>>, z=\"<<FIELD>>\"] | table z", [e]);
        Assert.That(result.Rows, Has.Length.EqualTo(1));
        Assert.That(result.Diagnostics.Select(d => d.Code).Distinct(), Is.EqualTo(code is null ? Array.Empty<string>() : new[] { code }));
        if (code is null) Assert.That(result.Rows[0]["z"].AsString(), Is.EqualTo(name), "a value replaced once, never re-scanned");
    }

    [Test]
    public void SpansOfASubstitutedTemplatePointIntoTheOriginalText()
    {
        const string search = "* | foreach www* [eval x=nosuchfn(<<FIELD>>)]";
        var result = Run(search, Json(Www));
        var unknown = result.Diagnostics.Single(d => d.Code == "EVL0006");
        Assert.That(search.Substring(unknown.Span.Start, unknown.Span.Length), Is.EqualTo("nosuchfn(<<FIELD>>)"));
    }

    /// <summary>Streamed runs (CompiledDetection, where foreach is a row-wise prefix stage) give Evaluate's rows.</summary>
    [TestCase("* | eval total=0 | foreach www* [eval total=total + <<FIELD>>] | table categoryId total")]
    [TestCase("* | foreach www* [where <<FIELD>> > 700] | stats count by categoryId")]
    [TestCase("* | eval mv=mvappend(www1, www2), t=0 | foreach mode=multivalue mv [eval t = t + <<ITEM>>] | stats sum(t) by categoryId")]
    public void StreamedRunsGiveTheSameRows(string search)
    {
        var events = Json(Www);
        var expected = Rows(Run(search, events));
        var compiled = CompiledDetection.Compile(search);
        Assert.That(Rows(compiled.Run(events)), Is.EqualTo(expected));
        Assert.That(compiled.Plan, Does.Contain("stream:"));
    }

    // ------------------------------------------------------------------ lowering

    private static LoweringResult Lowered(string search) => Lowering.Lower(Spl.Parse(search));

    [TestCase("| foreach * [ eval <<FIELD>> = if(<<FIELD>>=\"null\",null(),<<FIELD>>)]",
        "ForeachStage Patterns=[\"*\"] Template=\" eval <<FIELD>> = if(<<FIELD>>=\\\"null\\\",null(),<<FIELD>>)\" FieldPlaceholder=\"<<FIELD>>\" MatchPlaceholder=\"<<MATCHSTR>>\" SegmentPlaceholders=[\"<<MATCHSEG1>>\", \"<<MATCHSEG2>>\", \"<<MATCHSEG3>>\"]\n")]
    [TestCase("| foreach mode=multifield test*ab* \"x *\" fieldstr=F matchseg1=S1 [eval F=S1 | where F>0]",
        "ForeachStage Patterns=[\"test*ab*\", \"x *\"] Template=\"eval F=S1 | where F>0\" FieldPlaceholder=\"F\" MatchPlaceholder=\"<<MATCHSTR>>\" SegmentPlaceholders=[\"S1\", \"<<MATCHSEG2>>\", \"<<MATCHSEG3>>\"]\n")]
    [TestCase("| foreach mode=multivalue mv [eval t=t+<<ITEM>>]",
        "ForeachValuesStage Field=\"mv\" Template=\"eval t=t+<<ITEM>>\" ItemPlaceholder=\"<<ITEM>>\" IterPlaceholder=\"<<ITER>>\"\n")]
    [TestCase("| foreach mode=multivalue itemstr=<<NUMBER>> numbers [ eval result = result + <<NUMBER>>]",
        "ForeachValuesStage Field=\"numbers\" Template=\" eval result = result + <<NUMBER>>\" ItemPlaceholder=\"<<NUMBER>>\" IterPlaceholder=\"<<ITER>>\"\n",
        Description = "the reference's itemstr example")]
    [TestCase("| foreach mode=multivalue mv [eval t=1 | eval u=2]",
        "UnsupportedStage Command=\"foreach\" Reason=\"in multivalue mode the template must be one eval command (Search Reference, \\\"foreach\\\").\"\n")]
    [TestCase("| foreach x* [| foreach y* [eval z=1]]",
        "UnsupportedStage Command=\"foreach\" Reason=\"the template holds another foreach; nested foreach commands are not modelled.\"\n")]
    [TestCase("| foreach mode=json_array j [eval t=t+<<ITEM>>]",
        "UnsupportedStage Command=\"foreach\" Reason=\"mode=json_array iterates over the elements of a JSON array, which the IR does not model; multifield and multivalue are.\"\n")]
    [TestCase("| foreach a* [| stats count]",
        "UnsupportedStage Command=\"foreach\" Reason=\"the template holds stats, which is not a streaming command that reads one row; foreach in multifield mode runs streaming commands only (Search Reference, \\\"foreach\\\").\"\n")]
    [TestCase("| foreach a*b* [eval x=\"<<MATCHSTR>>\"]",
        "UnsupportedStage Command=\"foreach\" Reason=\"the template uses <<MATCHSTR>> with the pattern 'a*b*', which has several wildcards; the Search Reference does not say what it stands for then.\"\n")]
    [TestCase("| foreach a b* [eval x=\"<<MATCHSTR>>\"]",
        "UnsupportedStage Command=\"foreach\" Reason=\"the template uses <<MATCHSTR>> with the pattern 'a', which has no wildcard; the Search Reference does not say what it stands for then.\"\n")]
    [TestCase("| foreach a*b [eval x=\"<<MATCHSEG2>>\"]",
        "UnsupportedStage Command=\"foreach\" Reason=\"the template uses <<MATCHSEG2>> with the pattern 'a*b', which has only one wildcard; the Search Reference does not say what it stands for then.\"\n")]
    public void Lowers(string search, string ir)
    {
        var lowered = Lowered(search);
        Assert.That(lowered.Ok, Is.True, string.Join("; ", lowered.Diagnostics));
        Assert.That(IrPrinter.Print(lowered.Detection.Stages[^1]), Is.EqualTo(ir));
    }

    [TestCase("| foreach a* [eval x=1] b", "nothing after it")]
    [TestCase("| foreach a*", "expected a subsearch")]
    [TestCase("| foreach [eval x=1]", "at least one field")]
    [TestCase("| foreach bogus=1 a* [eval x=1]", "'bogus' is not an option of foreach")]
    [TestCase("| foreach mode=sideways a* [eval x=1]", "mode=sideways is not a foreach mode")]
    [TestCase("| foreach itemstr=I a* [eval x=1]", "itemstr and iterstr apply to")]
    [TestCase("| foreach mode=multivalue fieldstr=F mv [eval x=1]", "fieldstr applies to the multifield mode")]
    [TestCase("| foreach mode=multivalue a b [eval x=1]", "iterates over one field")]
    public void InvalidArgumentsAreSpl0301(string search, string message)
    {
        var lowered = Lowered(search);
        Assert.That(lowered.Diagnostics.Select(d => (d.Code, d.Message.Contains(message, StringComparison.Ordinal))), Is.EqualTo(new[] { ("SPL0301", true) }), string.Join("; ", lowered.Diagnostics));
        Assert.That(lowered.Detection.Stages[^1], Is.TypeOf<UnsupportedStage>());
    }

    [Test]
    public void TheTemplateOfAMacroKeepsTheMacroCallAsItsSpan()
    {
        const string search = "`linux_auditd_normalized_execve_process`";
        var stage = Lower(search, macros: true).Stages.OfType<ForeachStage>().Single();
        Assert.That(stage.Template, Is.EqualTo("eval relevant_fields=if(type=\"EXECVE\", mvappend(relevant_fields, '<<FIELD>>'), relevant_fields)"));
        Assert.That(stage.TemplateSpans.Distinct(), Is.EqualTo(new[] { new Text.TextSpan(0, search.Length) }));
    }

    // ------------------------------------------------------------------ static expansion (backends)

    /// <summary>When the fields are known (after stats, or a table with literal names) foreach becomes the stages it
    /// runs, in the order the evaluator visits them; a field that may be missing in some rows runs only where it has a
    /// value. Each query is checked by Microsoft's Kusto parser.</summary>
    [TestCase("index=main | stats count dc(user) as users by host | eval total=0 | foreach count users [eval total = total + <<FIELD>>]",
        "| extend total = 0\n| extend total = (total + ['count'])\n| extend total = (total + users)", "full")]
    [TestCase("index=main | stats count by host | foreach * [eval <<FIELD>> = if(<<FIELD>>=\"null\",null(),<<FIELD>>)]",
        "| extend ['count'] = iff(['count'] == todouble(\"null\"), tostring(dynamic(null)), tostring(['count']))\n| extend host = iff(host == \"null\", tostring(dynamic(null)), host)", "full")]
    [TestCase("index=main | stats sum(bytes) as b_sum max(bytes) as b_max by host | foreach b_* [eval <<FIELD>>_kb = <<FIELD>> / 1024]",
        "| extend b_max_kb = iff(isnotnull(b_max), tostring((b_max / 1024)), tostring(dynamic(null)))\n| extend b_sum_kb = iff(isnotnull(b_sum), tostring((b_sum / 1024)), tostring(dynamic(null)))", "partial",
        Description = "a new target keeps null where the field is missing: the column does not exist yet")]
    [TestCase("index=main | table host, b_1, b_2 | foreach b_* [where <<FIELD>> > 5]",
        "| where not(isnotempty(b_1)) or (isnotempty(b_1) and iff(isnull(todouble(b_1)), strcmp(b_1, tostring(5)) > 0, todouble(b_1) > 5))\n| where not(isnotempty(b_2)) or (isnotempty(b_2) and iff(isnull(todouble(b_2)), strcmp(b_2, tostring(5)) > 0, todouble(b_2) > 5))", "full")]
    [TestCase("index=main | foreach a b [eval <<FIELD>> = \"<<FIELD>>\"]",
        "| extend a = \"a\"\n| extend b = \"b\"", "full")]
    public void KnownFieldsExpandToTheStagesForeachRuns(string search, string tail, string status)
    {
        var t = KqlBackend.Translate(search);
        Assert.That(t.Status.ToString().ToLowerInvariant(), Is.EqualTo(status), string.Join("\n", t.Diagnostics));
        Assert.That(t.Query, Does.EndWith(tail));
        Assert.That(t.Diagnostics.Where(d => d.Code.StartsWith("KQL001", StringComparison.Ordinal)), Is.Empty);
        var tables = new Dictionary<string, IReadOnlyDictionary<string, string>> { ["Events"] = t.SourceColumns };
        Assert.That(KustoChecker.Sentinel.Check(t.Query!, tables), Is.Empty, t.Query);
    }

    /// <summary>A backend diagnostic on an expanded iteration points at the template in the text the user wrote.</summary>
    [Test]
    public void BackendDiagnosticsOnAnExpansionPointIntoTheTemplate()
    {
        const string search = "index=main | stats count by host | foreach * [eval <<FIELD>>_x = nosuchfn(<<FIELD>>)]";
        var t = KqlBackend.Translate(search);
        var error = t.Diagnostics.Single(d => d.Code == "KQL0001");
        Assert.That(search.Substring(error.Span.Start, error.Span.Length), Is.EqualTo("nosuchfn(<<FIELD>>)"));
    }

    [Test]
    public void AnAccumulatorExpandedStaticallyIsPartial()
    {
        var t = KqlBackend.Translate("index=main | stats max(bytes) as b_max avg(bytes) as b_avg by host | eval note=\"\" | foreach b_* [eval note = note . \"<<MATCHSTR>>=\" . <<FIELD>> . \";\"]");
        Assert.That(t.Status, Is.EqualTo(TranslationStatus.Partial));
        Assert.That(t.Diagnostics.Select(d => d.Code), Does.Contain("KQL0012"));
        Assert.That(t.Query, Does.Contain("strcat(note, \"avg=\""));
        var tables = new Dictionary<string, IReadOnlyDictionary<string, string>> { ["Events"] = t.SourceColumns };
        Assert.That(KustoChecker.Sentinel.Check(t.Query!, tables), Is.Empty, t.Query);
    }

    [TestCase("index=main | foreach * [eval <<FIELD>> = if(<<FIELD>>=\"null\",null(),<<FIELD>>)]", "only known when the search runs")]
    [TestCase("index=main | stats values(x) as xs by host | eval total=0 | foreach * [eval total = total + <<FIELD>>]", "another field foreach visits")]
    [TestCase("index=main | stats values(x) as xs by host | foreach x* [| rex field=<<FIELD>> \"(?<y>.)\"]", "only eval and where templates")]
    [TestCase("index=main | stats count by host | foreach h* [eval x=<<FIELD>>] | foreach x* [eval y=1] | lookup t a | foreach y* [eval z=1]", "only known when the search runs")]
    public void UnknownFieldsAreRefusedByEveryBackend(string search, string reason)
    {
        var kql = KqlBackend.Translate(search);
        Assert.That(kql.Status, Is.EqualTo(TranslationStatus.Failed));
        var refused = kql.Diagnostics.Where(d => d.Code == "KQL0011").ToList();
        Assert.That(refused.Select(d => d.Message), Has.Some.Contains(reason), string.Join("\n", kql.Diagnostics));
        Assert.That(EsqlBackend.Translate(search).Diagnostics.Select(d => d.Code), Does.Contain("ESQ0007"));
        Assert.That(EqlBackend.Translate(search).Diagnostics.Select(d => d.Code), Does.Contain("EQL0010"));
    }

    [Test]
    public void ElasticBackendsExpandKnownFieldsToo()
    {
        const string search = "index=main | stats count by host | foreach * [eval <<FIELD>>_seen = 1]";
        var esql = EsqlBackend.Translate(search);
        Assert.That(esql.Query, Does.Contain("count_seen = 1").And.Contain("host_seen = 1"), string.Join("\n", esql.Diagnostics));
        Assert.That(esql.Query!.IndexOf("count_seen", StringComparison.Ordinal), Is.LessThan(esql.Query.IndexOf("host_seen", StringComparison.Ordinal)));
        // A guarded assignment to a new column keeps null, never names the column before it exists.
        var guarded = EsqlBackend.Translate("index=main | stats sum(bytes) as b_sum by host | foreach b_* [eval <<FIELD>>_kb = <<FIELD>> / 1024]");
        Assert.That(guarded.Query, Does.EndWith("| EVAL b_sum_kb = CASE(b_sum IS NOT NULL, TO_DOUBLE(b_sum) / 1024, null)"), string.Join("\n", guarded.Diagnostics));
        var partial = EsqlBackend.Translate("index=main | stats max(b) as b_max min(b) as b_min by host | eval s=\"\" | foreach b_* [eval s = s . <<FIELD>>]");
        Assert.That(partial.Diagnostics.Select(d => d.Code), Does.Contain("ESQ0008"));
        Assert.That(EqlBackend.Translate("index=main | foreach a b [eval <<FIELD>> = 1] | where a=1").Diagnostics.Select(d => d.Code), Does.Not.Contain("EQL0010"));
    }

    // ------------------------------------------------------------------ corpus

    /// <summary>Every corpus detection that uses foreach (directly or through its macros) evaluates without EVL0001 or
    /// EVL0050 at its foreach.</summary>
    [Test]
    public void CorpusDetectionsWithForeachEvaluateTheirForeach()
    {
        var corpus = TestData.Shared("corpus", "splunk", "detections.public.jsonl");
        var options = EvaluationOptions.Default with { Macros = TestData.SplunkMacros, Lookups = new InMemoryLookupProvider(new Dictionary<string, LookupTable>()) };
        var events = Json(
            """{"_time":1,"type":"EXECVE","argc":"3","a0":"find","a1":"/","a2":"-name id_rsa","host":"h"}""",
            """{"_time":2,"type":"SYSCALL","arch":"c000003e","host":"h"}""");
        var seen = 0;
        foreach (var c in TestData.ReadJsonLines(corpus))
        {
            var parse = Spl.Parse(c.Search, TestData.WithSplunkMacros);
            if (!parse.ExpandedText.Contains("foreach", StringComparison.Ordinal)) continue;
            var detection = Lowering.Lower(parse).Detection;
            var foreachStages = detection.Stages.OfType<ForeachStage>().ToList();
            Assert.That(foreachStages, Has.Count.EqualTo(1), c.Id);
            seen++;
            var result = DetectionEvaluator.Evaluate(detection, events, options);
            var span = foreachStages[0].Span;
            Assert.That(result.Diagnostics.Where(d => d.Code is "EVL0001" or "EVL0050" && d.Span.Start >= span.Start && d.Span.End <= span.End), Is.Empty, c.Id);
        }
        Assert.That(seen, Is.EqualTo(17));
    }

    /// <summary>The Kubernetes anomaly template as the corpus writes it ('<<MATCHSTR>>' quoted, names with ':'), run on
    /// a row with a baseline: cpu:mem is 10 > 2 + 4 * 1, so it is reported with (10 - 2) / 1 = 8 standard deviations;
    /// mem:disk is 1, not above 1 + 4 * 0.5.</summary>
    [Test]
    public void KubernetesAnomalyTemplateReportsTheFieldAboveItsBaseline()
    {
        string? template = null;
        foreach (var c in TestData.ReadJsonLines(TestData.Shared("corpus", "splunk", "detections.public.jsonl")))
            if (c.Id.StartsWith("0d42b295", StringComparison.Ordinal))
                template = System.Text.RegularExpressions.Regex.Match(c.Search, @"\| foreach stdev_\* \[.*?\] \|").Value;
        Assert.That(template, Is.Not.Null.And.Not.Empty);
        var events = Json("""{"_time":1,"cpu:mem":"10","avg_cpu:mem":"2","stdev_cpu:mem":"1","mem:disk":"1","avg_mem:disk":"1","stdev_mem:disk":"0.5"}""");
        var result = Run("* | eval anomalies = \"\" " + template + " table anomalies", events);
        Assert.That(Rows(result), Is.EqualTo(new[] { "anomalies=cpu:mem ratio higher than average by 8 Standard Deviations. cpu:mem=10 avg_cpu:mem=2 'stdev_cpu:mem'=1, " }));
        Assert.That(result.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "EVL0051" }));
    }

    /// <summary>linux_auditd_normalized_execve_process joins the EXECVE arguments a0, a1, ... with foreach a*: argc
    /// also starts with "a" and sorts after them, so Splunk's process_exec holds it too (in the order this model picks,
    /// with EVL0051).</summary>
    [Test]
    public void AuditdExecveArgumentsAreJoined()
    {
        var events = Json(
            """{"_time":1,"type":"EXECVE","argc":"4","a0":"find","a1":"/","a2":"-name","a3":"id_rsa"}""",
            """{"_time":2,"type":"SYSCALL","arch":"c000003e","a0":"3"}""");
        var result = Run("`linux_auditd_normalized_execve_process` | table type process_exec", events, EvaluationOptions.Default with { Macros = TestData.SplunkMacros }, macros: true);
        Assert.That(Rows(result), Is.EqualTo(new[] { "type=EXECVE process_exec=find / -name id_rsa 4" }));
        Assert.That(result.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "EVL0051" }));
    }
}
