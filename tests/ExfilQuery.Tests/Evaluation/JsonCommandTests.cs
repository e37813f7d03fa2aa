using ExfilQuery.Evaluation;
using ExfilQuery.Ir;
using NUnit.Framework;
using static ExfilQuery.Tests.Evaluation.EvalTestSupport;

namespace ExfilQuery.Tests.Evaluation;

/// <summary>spath, fromjson, replace and addtotals in the evaluator: tables of cases with the exact values Splunk's
/// references give, and the corpus detections that use them.</summary>
public class JsonCommandTests
{
    private static Event Doc(string field, string? value, params (string Field, string Value)[] more)
    {
        var e = new Event();
        e.Set("id", "1");
        if (value is not null) e.Set(field, value);
        foreach (var (f, v) in more) e.Set(f, v);
        return e;
    }

    /// <summary>The values of <paramref name="output"/> after the search, joined with |; null when unset.</summary>
    private static (string? Value, EvaluationResult Result) Out(string search, Event row, string output)
    {
        var result = Run(search, [row]);
        Assert.That(result.Rows, Has.Length.EqualTo(1));
        var value = result.Rows[0][output];
        return (value.IsNull ? null : string.Join("|", value.Values), result);
    }

    private static IEnumerable<string> Codes(EvaluationResult result) => result.Diagnostics.Select(d => d.Code);

    // ------------------------------------------------------------------ spath with a path

    /// <summary>spath with a path over JSON (Splunk Search Reference, "spath": "A location path is composed of one or
    /// more location steps, separated by periods ... an optional index surrounded by curly brackets";
    /// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.0/search-commands/spath; examples
    /// <c>commits{}.author.name</c> and, SPL2, <c>cooperative{1}</c> picking the second game:
    /// https://help.splunk.com/en/splunk-cloud-platform/search/spl2-search-reference/spath-command/spath-command-examples).
    /// Values as written in the input; objects and arrays reached without <c>{}</c> give their JSON text (what the
    /// corpus's aws_detect_users_creating_keys_with_encrypt_policy_without_mfa reads with both <c>Action</c> and
    /// <c>Action{}</c>); a path that finds nothing leaves the output unset.</summary>
    [TestCase("""{"a":{"b":"x"}}""", "a.b", "x")]
    [TestCase("""{"a":{"b":1.50}}""", "a.b", "1.50")]
    [TestCase("""{"a":[1,2,3]}""", "a{}", "1|2|3")]
    [TestCase("""{"a":[1, 2,3]}""", "a", "[1, 2,3]")]
    [TestCase("""{"a":[{"b":"x"},{"c":"z"},{"b":"y"}]}""", "a{}.b", "x|y")]
    [TestCase("""{"a":[{"b":"x"},{"b":"y"}]}""", "a.b", null)]
    [TestCase("""{"a":[10,20]}""", "a{1}", "20")]
    [TestCase("""{"a":[10,20]}""", "a{2}", null)]
    [TestCase("""{"a":null}""", "a", "null")]
    [TestCase("""{"a":true}""", "a", "true")]
    [TestCase("""{"A":"x"}""", "a", null)]
    [TestCase("""[{"k":"v"},{"k":"w"}]""", "{}.k", "v|w")]
    [TestCase("""{"a":{"b":{"c":"d"}}}""", "a.b", """{"c":"d"}""")]
    [TestCase("""{"a":"\u00e9\"q\""}""", "a", "é\"q\"")]
    [TestCase("""{"a":[[1,2],[3]]}""", "a{}{}", "1|2|3")]
    [TestCase("""  {"a":"x"}""", "a", "x")]
    [TestCase("""a.b=1 plain text""", "a.b", null)]
    [TestCase("", "a", null)]
    public void SpathPathOverJson(string input, string path, string? expected)
    {
        var (value, result) = Out($"| spath input=doc path={path} output=o", Doc("doc", input), "o");
        Assert.That(value, Is.EqualTo(expected));
        Assert.That(Codes(result).Where(c => c != "EVL0027"), Is.Empty);
    }

    /// <summary>The output defaults to the path; input to _raw; a missing path leaves an existing output field alone,
    /// as rex does; a positional path is the path (reference: "the first unlabeled argument is used as the location
    /// path").</summary>
    [Test]
    public void SpathDefaults()
    {
        Assert.That(Out("| spath eventName", Doc("_raw", """{"eventName":"CreateKey"}"""), "eventName").Value, Is.EqualTo("CreateKey"));
        Assert.That(Out("| spath output=user userIdentity.arn", Doc("_raw", """{"userIdentity":{"arn":"arn:1"}}"""), "user").Value, Is.EqualTo("arn:1"));
        Assert.That(Out("| spath output=user path=missing", Doc("_raw", """{"a":1}""", ("user", "kept")), "user").Value, Is.EqualTo("kept"));
        Assert.That(Out("| spath output=user path=a", Doc("_raw", null), "user").Value, Is.Null);
    }

    /// <summary>An index picks an element: the evaluator counts JSON from 0 and XML from 1, and says that Splunk's
    /// SPL reference does not state it (EVL0027).</summary>
    [Test]
    public void SpathIndexIsReported()
    {
        var (value, result) = Out("| spath input=doc path=a{0} output=o", Doc("doc", """{"a":["first","second"]}"""), "o");
        Assert.That(value, Is.EqualTo("first"));
        Assert.That(Codes(result), Is.EqualTo(new[] { "EVL0027" }));
    }

    /// <summary>spath over XML (same reference: "{@locale}" reads an attribute, e.g.
    /// <c>vendorProductSet.product.desc.locDesc{@locale}</c>): the path starts at the root element; repeated
    /// elements give a multivalue field, <c>{N}</c> one of them (from 1); an element with children gives its inner
    /// XML (EVL0027: the reference does not say). A DTD is refused, so that no entity is expanded (EVL0026).</summary>
    [TestCase("<r><p>1</p><p>2</p></r>", "r.p", "1|2")]
    [TestCase("<r><p>1</p><p>2</p></r>", "r.p{2}", "2")]
    [TestCase("<r k=\"v\"><p k=\"w\"/></r>", "r{@k}", "v")]
    [TestCase("<r k=\"v\"><p k=\"w\"/><p k=\"x\"/></r>", "r.p{@k}", "w|x")]
    [TestCase("<r><q><s>t</s> u</q></r>", "r.q", "<s>t</s> u")]
    [TestCase("<r><p>1</p></r>", "p", null)]
    [TestCase("<?xml version=\"1.0\"?>\n<r><p>a &amp; b</p></r>", "r.p", "a & b")]
    [TestCase("<e:r xmlns:e=\"urn:x\"><e:p>1</e:p></e:r>", "e:r.e:p", "1")]
    [TestCase("<vendorProductSet><product><desc><locDesc locale=\"en-US\">x</locDesc></desc></product></vendorProductSet>", "vendorProductSet.product.desc.locDesc{@locale}", "en-US")]
    public void SpathPathOverXml(string input, string path, string? expected)
    {
        var (value, result) = Out($"| spath input=doc path={path} output=o", Doc("doc", input), "o");
        Assert.That(value, Is.EqualTo(expected));
        // EVL0027 for a numeric index, or for a value that is inner XML.
        var unverified = path.Contains("{2}", StringComparison.Ordinal) || expected?.Contains('<', StringComparison.Ordinal) == true;
        Assert.That(Codes(result), Is.EqualTo(unverified ? new[] { "EVL0027" } : Array.Empty<string>()));
    }

    /// <summary>A path that is not a location path is EVL0001 (the stage is not run), also when no row reaches it.</summary>
    [TestCase("a..b")]
    [TestCase("a}.b")]
    [TestCase("a{x}")]
    [TestCase("a.")]
    [TestCase("a{@k}.b")]
    public void SpathInvalidPath(string path)
    {
        foreach (var rows in new[] { new[] { Doc("doc", """{"a":{"b":1}}""") }, [] })
            Assert.That(Codes(Run($"| spath input=doc path={path} output=o", rows)), Is.EqualTo(new[] { "EVL0001" }), path);
    }

    /// <summary>Input that starts as JSON or XML but does not parse adds nothing and says so; the evaluator never
    /// expands a DTD's entities.</summary>
    [TestCase("""{"a":"x" """)]
    [TestCase("<r><p>1</r>")]
    [TestCase("<!DOCTYPE r [<!ENTITY x \"boom\">]><r><p>&x;</p></r>")]
    public void SpathMalformedInput(string input)
    {
        var result = Run("| spath input=doc | spath input=doc path=r.p output=o", [Doc("doc", input)]);
        Assert.That(result.Rows[0].Fields, Is.EqualTo(new[] { "id", "doc" }));
        Assert.That(Codes(result).Distinct(), Is.EqualTo(new[] { "EVL0026" }));
    }

    /// <summary>Documents nested deeper than 64 levels are not read (EVL0026), in either mode, so that no input
    /// exhausts the stack or builds quadratically long names; 64 levels still are.</summary>
    [TestCase(65, true)]
    [TestCase(200_000, true)]
    [TestCase(63, false)]
    public void SpathDepthLimit(int depth, bool refused)
    {
        foreach (var (open, close, path) in new[] { ("<a>", "</a>", "a.a"), ("{\"a\":", "}", "a.a") })
        {
            var doc = string.Concat(Enumerable.Repeat(open, depth)) + (open[0] == '<' ? "t" : "1") + string.Concat(Enumerable.Repeat(close, depth));
            var result = Run($"| spath input=doc path={path} output=o | spath input=doc", [Doc("doc", doc)]);
            Assert.That(result.Rows[0].Has("o"), Is.Not.EqualTo(refused), open);
            Assert.That(Codes(result).Contains("EVL0026"), Is.EqualTo(refused), open);
        }
    }

    // ------------------------------------------------------------------ spath without a path

    /// <summary>spath without a path extracts every field under the names of the reference's auto-extract mode (SPL2
    /// reference: "the command finds and extracts all the fields in the input value"): members joined by dots,
    /// <c>{}</c> for array elements, a top-level array as <c>{}</c> (the corpus's
    /// azure_ad_fullaccessasapp_permission_assigned reads <c>{}.RequiredAppPermissions{}.EntitlementId</c>), XML
    /// elements from the root with <c>{@attr}</c> attributes (the AppLocker detections read
    /// <c>RuleAndFileData.PolicyName</c> from UserData_Xml).</summary>
    [TestCase("""{"a":{"b":1},"c":[1,2],"d":[{"e":"x"},{"e":"y"}],"n":null,"t":false}""", "a.b=1 c{}=1|2 d{}.e=x|y n=null t=false")]
    [TestCase("""[{"ResourceAppId":"r1","RequiredAppPermissions":[{"EntitlementId":"e1"},{"EntitlementId":"e2"}]}]""", "{}.ResourceAppId=r1 {}.RequiredAppPermissions{}.EntitlementId=e1|e2")]
    [TestCase("""[1,[2,3]]""", "{}=1 {}{}=2|3")]
    [TestCase("""{"a":{},"b":[]}""", "")]
    [TestCase("<RuleAndFileData xmlns=\"http://schemas.microsoft.com/schemas/event/Microsoft.Windows/1.0.0.0\"><PolicyName>EXE</PolicyName><FilePath>%SYSTEM32%\\A.EXE</FilePath></RuleAndFileData>",
        "RuleAndFileData{@xmlns}=http://schemas.microsoft.com/schemas/event/Microsoft.Windows/1.0.0.0 RuleAndFileData.PolicyName=EXE RuleAndFileData.FilePath=%SYSTEM32%\\A.EXE")]
    [TestCase("<Event><System><EventID>4688</EventID><Provider Name=\"p\"/></System><Data>1</Data><Data>2</Data></Event>",
        "Event.System.EventID=4688 Event.System.Provider{@Name}=p Event.Data=1|2")]
    [TestCase("plain text", "")]
    public void SpathExtractsEveryField(string input, string expected)
    {
        var result = Run("| spath input=doc | fields - id doc", [Doc("doc", input)]);
        Assert.That(result.Rows[0].ToString(), Is.EqualTo(expected));
        Assert.That(result.Diagnostics, Is.Empty);
    }

    /// <summary>Auto-extraction reads the first 5000 bytes (limits.conf [spath] extraction_cutoff = 5000,
    /// https://help.splunk.com/en/data-management/splunk-enterprise-admin-manual/9.4/configuration-file-reference/9.4.0-configuration-file-reference/limits.conf;
    /// SPL2 reference: "subject to any character read limits. The default limit is 5000 characters"): a field past
    /// the limit, or cut by it, is not extracted (EVL0025). A path reads the whole input.</summary>
    [Test]
    public void SpathAutoExtractStopsAt5000Bytes()
    {
        var before = new string('x', 4900);
        var json = $$"""{"a":"first","pad":"{{before}}","z":"late","cut":"{{new string('y', 200)}}"}""";
        Assert.That(System.Text.Encoding.UTF8.GetByteCount(json[..json.IndexOf("\"z\"", StringComparison.Ordinal)]), Is.LessThan(5000));
        var result = Run("| spath input=doc | spath input=doc path=cut output=whole", [Doc("doc", json)]);
        var row = result.Rows[0];
        Assert.That(row["a"].AsString(), Is.EqualTo("first"));
        Assert.That(row["pad"].AsString(), Is.EqualTo(before));
        Assert.That(row["z"].AsString(), Is.EqualTo("late"));
        Assert.That(row.Has("cut"), Is.False, "the value that crosses byte 5000 is left out");
        Assert.That(row["whole"].AsString(), Has.Length.EqualTo(200));
        Assert.That(Codes(result), Is.EqualTo(new[] { "EVL0025" }));

        var xml = $"<r><a>1</a><pad>{before}</pad><b>2</b><c>{new string('y', 200)}</c></r>";
        var x = Run("| spath input=doc | fields - id doc", [Doc("doc", xml)]);
        Assert.That(x.Rows[0].ToString(), Is.EqualTo($"r.a=1 r.pad={before} r.b=2"));
        Assert.That(Codes(x), Is.EqualTo(new[] { "EVL0025" }));
    }

    /// <summary>A multivalue input is read value by value (EVL0026 says this was not verified).</summary>
    [Test]
    public void SpathMultivalueInput()
    {
        var row = Doc("x", null);
        row.Set("doc", FieldValue.Multi(["""{"a":"1"}""", """{"a":"2"}"""]));
        var (value, result) = Out("| spath input=doc path=a output=o", row, "o");
        Assert.That(value, Is.EqualTo("1|2"));
        Assert.That(Codes(result), Is.EqualTo(new[] { "EVL0026" }));
    }

    // ------------------------------------------------------------------ fromjson

    /// <summary>fromjson (Splunk Search Reference 9.3, "fromjson",
    /// https://help.splunk.com/splunk-cloud-platform/spl-search-reference/9.3.2408/search-commands/fromjson): "returns
    /// keys as fields and key values as field values" (example: name=Albert, age=63), prefix= prepends to the names,
    /// and it "converts JSON-formatted objects into multivalue fields": an array is a multivalue field. The evaluator
    /// keeps a nested object as its JSON text and sets nothing for null. Input that is not a JSON object adds
    /// nothing.</summary>
    [TestCase("fromjson doc", """{"name":"Albert", "age":63}""", "name=Albert age=63")]
    [TestCase("fromjson doc prefix=json_", """{"name":"Albert", "age":63}""", "json_name=Albert json_age=63")]
    [TestCase("fromjson doc", """{"arr":[1,"two",{"o":1},null],"obj":{"z": 1},"nul":null,"b":false,"e":[]}""", """arr=1|two|{"o":1} obj={"z": 1} b=false""")]
    [TestCase("fromjson doc", """[{"a":1}]""", "")]
    [TestCase("fromjson doc", "a=1", "")]
    [TestCase("fromjson missing", """{"a":1}""", "")]
    public void FromJson(string command, string input, string expected)
    {
        var result = Run($"| {command} | fields - id doc", [Doc("doc", input)]);
        Assert.That(result.Rows[0].ToString(), Is.EqualTo(expected));
        Assert.That(result.Diagnostics, Is.Empty);
    }

    [Test]
    public void FromJsonMalformed()
    {
        var result = Run("| fromjson doc | fields - id doc", [Doc("doc", """{"a":""")]);
        Assert.That(result.Rows[0].ToString(), Is.Empty);
        Assert.That(Codes(result), Is.EqualTo(new[] { "EVL0026" }));
    }

    // ------------------------------------------------------------------ replace

    /// <summary>replace (Splunk Search Reference 9.3, "replace",
    /// https://help.splunk.com/splunk-cloud-platform/spl-search-reference/9.3.2408/search-commands/replace): whole
    /// values, <c>*</c> wildcards rewritten in the replacement ("* localhost" WITH "localhost *"), "Non-wildcard
    /// replacement values specified later take precedence", "For a wildcard replacement, fuller matches take
    /// precedence", an empty value can be replaced (str="" example). The corpus's password spray detections strip
    /// the IPv4-mapped prefix.</summary>
    [TestCase("\"::ffff:*\" with *", "::ffff:10.0.0.1", "10.0.0.1")]
    [TestCase("\"::ffff:*\" with *", "10.0.0.2", "10.0.0.2")]
    [TestCase("\"::ffff:*\" with *", "::ffff:", "")]
    [TestCase("*localhost with localhost", "www.localhost", "localhost")]
    [TestCase("\"* localhost\" with \"localhost *\"", "host1 localhost", "localhost host1")]
    [TestCase("aug with August", "aug", "August")]
    [TestCase("aug with August", "august", "august")]
    [TestCase("a with b, a with c", "a", "c")]
    [TestCase("a* with X, ab* with Y", "abc", "Y")]
    [TestCase("ab* with Y a* with X", "abc", "Y")]
    [TestCase("a* with X, abc with Z", "abc", "Z")]
    [TestCase("\"\" with None", "", "None")]
    [TestCase("*-* with *+*", "a-b", "a+b")]
    [TestCase("x* with y*", "x\nline", "y\nline")]
    public void Replace(string pairs, string value, string expected)
    {
        var (result, run) = Out($"| replace {pairs} in v", Doc("v", value), "v");
        Assert.That(result, Is.EqualTo(expected));
        Assert.That(run.Diagnostics, Is.Empty);
    }

    /// <summary>What the reference leaves open is reported (EVL0028): case, two ways to split a value between
    /// wildcards, two equally full matches, and replace without IN (Splunk skips fields made by stats or eval).</summary>
    [TestCase("aug with August in v", "Aug", "Aug")]
    [TestCase("*-* with *+* in v", "a-b-c", "a-b+c")]
    [TestCase("a* with X, *c with Y in v", "abc", "X")]
    [TestCase("a* with X", "abc", "X")]
    public void ReplaceReportsWhatTheReferenceLeavesOpen(string arguments, string value, string expected)
    {
        var (result, run) = Out($"| replace {arguments}", Doc("v", value), "v");
        Assert.That(result, Is.EqualTo(expected));
        Assert.That(Codes(run), Is.EqualTo(new[] { "EVL0028" }));
    }

    /// <summary>Each value of a multivalue field is replaced; without IN every field not starting with _ is.</summary>
    [Test]
    public void ReplaceMultivalueAndAllFields()
    {
        var row = Doc("v", null, ("w", "::ffff:1.2.3.4"), ("_x", "::ffff:9.9.9.9"));
        row.Set("v", FieldValue.Multi(["::ffff:1.1.1.1", "2.2.2.2"]));
        var result = Run("| replace \"::ffff:*\" with *", [row]);
        Assert.That(result.Rows[0].ToString(), Is.EqualTo("id=1 w=1.2.3.4 _x=::ffff:9.9.9.9 v=1.1.1.1|2.2.2.2"));
    }

    // ------------------------------------------------------------------ addtotals

    /// <summary>addtotals (Splunk Search Reference 10.0, "addtotals",
    /// https://help.splunk.com/splunk-cloud-platform/spl-search-reference/10.0.2503/search-commands/addtotals): "the
    /// arithmetic sum of all numeric fields for each search result", or of the listed fields (wildcards allowed),
    /// into fieldname (default Total). Non-numeric and missing fields add nothing; internal _ fields are not summed.
    /// The corpus writes <c>addtotals fieldname=Score a, b, c</c>.</summary>
    [TestCase("addtotals a b c", "Total", "3")]
    [TestCase("addtotals fieldname=Score a, b", "Score", "3")]
    [TestCase("addtotals fieldname=Score, a, b, c", "Score", "3")]
    [TestCase("addtotals", "Total", "6.5")] // id=1 is numeric too
    [TestCase("addtotals c*", "Total", "2.5")]
    [TestCase("addtotals a zz", "Total", "1")]
    [TestCase("addtotals row=false a b", "Total", null)]
    [TestCase("addtotals row=t a b", "Total", "3")]
    public void AddTotals(string command, string field, string? expected)
    {
        var row = Doc("a", "1", ("b", "2"), ("c", "x"), ("c1", "-0.5"), ("c2", "3"), ("_time", "100"), ("m", "7"));
        row.Set("m", FieldValue.Multi(["1", "2"]));
        var (value, result) = Out($"| {command}", row, field);
        Assert.That(value, Is.EqualTo(expected));
        Assert.That(result.Diagnostics, Is.Empty);
    }

    [Test]
    public void AddTotalsWithoutANumberWritesNothing()
    {
        var (value, result) = Out("| addtotals c", Doc("c", "x"), "Total");
        Assert.That(value, Is.Null);
        Assert.That(Codes(result), Is.EqualTo(new[] { "EVL0029" }));
    }

    // ------------------------------------------------------------------ lowering

    /// <summary>Arguments the references do not allow are SPL0301 (and the stage is not run).</summary>
    [TestCase("| replace a* with *b* in x")]
    [TestCase("| replace a with")]
    [TestCase("| replace a with b in")]
    [TestCase("| replace in x")]
    [TestCase("| fromjson")]
    [TestCase("| fromjson a b")]
    [TestCase("| fromjson a other=1")]
    [TestCase("| spath output=x")]
    [TestCase("| addtotals foo=bar a")]
    [TestCase("| addtotals row=maybe a")]
    public void InvalidArgumentsAreReported(string search)
    {
        var lowered = Lowering.Lower(Spl.Parse(search));
        Assert.That(lowered.Diagnostics.Select(d => d.Code), Does.Contain("SPL0301"));
        Assert.That(lowered.Detection.Stages.Single(), Is.TypeOf<UnsupportedStage>());
    }

    /// <summary>col=true (a summary row of column totals) is not modelled: EVL0001, never a silent row total only.</summary>
    [Test]
    public void AddTotalsColIsNotEvaluated()
    {
        var result = Run("| addtotals col=true a", [Doc("a", "1")]);
        Assert.That(Codes(result), Is.EqualTo(new[] { "EVL0001" }));
    }

    /// <summary>Every corpus detection that uses spath, fromjson, replace or addtotals lowers them to stages the
    /// evaluator runs: no UnsupportedStage and no EVL0001 for them.</summary>
    [Test]
    public void CorpusUsesAreEvaluated()
    {
        var corpus = TestData.Shared("corpus", "splunk", "detections.public.jsonl");
        var commands = new[] { "spath", "fromjson", "replace", "addtotals" };
        var uses = 0;
        foreach (var c in TestData.ReadJsonLines(corpus))
        {
            if (!commands.Any(x => System.Text.RegularExpressions.Regex.IsMatch(c.Search, @"\|\s*" + x + @"\b"))) continue;
            var parse = Spl.Parse(c.Search, TestData.WithSplunkMacros);
            var lowered = Lowering.Lower(parse);
            var stages = lowered.Detection.Stages.Where(s => s is SpathStage or FromJsonStage or ReplaceStage or AddTotalsStage).ToList();
            Assert.That(stages, Is.Not.Empty, c.Id);
            Assert.That(lowered.Detection.Stages.OfType<UnsupportedStage>().Where(u => commands.Contains(u.Command)), Is.Empty, c.Id);
            var result = DetectionEvaluator.Evaluate(lowered.Detection, [], EvaluationOptions.Default with { Macros = TestData.SplunkMacros });
            Assert.That(result.Diagnostics.Where(d => d.Code == "EVL0001" && stages.Any(s => s.Span == d.Span)), Is.Empty, c.Id);
            uses++;
        }
        Assert.That(uses, Is.EqualTo(23));
    }
}
