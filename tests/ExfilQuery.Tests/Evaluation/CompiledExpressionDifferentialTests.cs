using System.Text.Json;
using ExfilQuery.Evaluation;
using ExfilQuery.Ir;
using NUnit.Framework;

namespace ExfilQuery.Tests.Evaluation;

/// <summary>The compiled expressions of streamed runs (<see cref="CompiledExpressions"/>) against the interpreter
/// (<see cref="ExpressionEvaluator"/> and the evaluator's predicate test), node by node: every eval/where expression,
/// search predicate and aggregation argument of the public corpus, the seeds and the fixtures, and a table of
/// tricky expressions, over the synthetic events, hand-made number edge cases, the fixture logs and the attack_data
/// logs. Both must give the same value (kind and text), the same exception type, the same diagnostics.
/// The rules the table exercises are those of Splunk's eval and where: comparisons are case-sensitive, numeric when
/// both sides are numbers, null in and null out, <c>like</c> with <c>%</c> and <c>_</c>
/// (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/eval,
/// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/evaluation-functions/comparison-and-conditional-functions).</summary>
public class CompiledExpressionDifferentialTests
{
    /// <summary>Expressions whose compiled form has a fast path, a short-circuit or an edge of its own.</summary>
    internal static readonly string[] Tricky =
    [
        "s == \"Hello World\"", "s == \"hello world\"", "s != \"Hello World\"", "s < \"I\"", "s >= \"Hello\"",
        "n > 5", "n > 10", "n == 7.5", "n == \"7.50\"", "n < \"10\"", "5 < n", "port == 1", "port == \"1\"", "port > 0",
        "bytes > 9", "bytes >= 20.5", "bytes == \"x\"", "bytes > \"a\"", "missing > 1", "missing == missing", "n == missing",
        "'m{}' == \"a\"", "'m{}' != \"a\"", "'m{}' > \"a\"", "'m{}' < 5", "'nums{}' > 5", "'nums{}' == 10", "'tags{}' == \"x\"",
        "num > 1", "num == \"NaN\"", "num < 0", "num == 0", "nan > 1", "nan == \"NaN\"", "inf > 1", "inf == \"Infinity\"", "negzero == 0",
        "negzero < 0", "big > 1e299", "big == \"1E+300\"",
        "missing > 1 OR true()", "missing > 1 AND false()", "missing > 1 AND true()", "NOT (missing > 1)", "NOT n > 5",
        "missing > 1 XOR true()", "n > 5 XOR true()", "true() OR match(s, \"(\")", "false() AND match(s, \"(\")",
        "host IN (\"a\", \"b\")", "host NOT IN (\"a\", \"b\")", "port IN (1, \"2\")", "missing IN (1)", "'m{}' IN (\"c\")",
        "s LIKE \"Hello%\"", "s LIKE \"hello%\"", "s LIKE \"H_llo W%\"", "s LIKE \"%.%\"", "missing LIKE \"%\"", "'m{}' LIKE \"a\"",
        "like(s, \"%World\")", "match(s, \"W.rld$\")", "match(s, \"(\")", "match('m{}', \"^c$\")", "match(missing, \"x\")",
        "case(n < 5, \"low\", n < 10, \"mid\", true(), \"high\")", "case(missing > 1, \"a\")", "case(true())", "case(false(), 1, true())",
        "case(bytes > 20, \"high\", bytes > 5, \"medium\", true(), \"low\")", "case()",
        "if(n > 5, \"big\", \"small\")", "if(missing > 5, \"big\", \"small\")", "if(1, 2)", "if(true(), 1, match(s, \"(\"))",
        "true(1)", "false(match(s, \"(\"))", "null()", "foo(s)", "searchmatch(\"x\")",
        "-n", "-missing", "-s", "n - -1", "\"a\" + 1", "\"1\" + 1", "true() + 1", "n + missing", "n . \"\"", "s . missing",
        "missing . missing", "1 / 0", "n % 2", "n * big", "big * big", "len('m{}')", "len(n)", "len(missing)", "len()",
        "lower('m{}')", "upper(s)", "tonumber(\" 5\")", "tonumber(\"0x1F\", 16)", "tonumber(n)", "tostring(true())",
        "tostring(num)", "tostring(nan)", "tostring('m{}')", "mvcount('m{}')", "mvcount(missing)", "mvindex('m{}', -1)",
        "mvappend(s, 'm{}', missing)", "mvjoin('m{}', \",\")", "coalesce(null(), missing, \"x\")", "coalesce(missing)",
        "substr(s, -5, 2)", "substr(missing, 1)", "round(2.5)", "round(n, 20)", "floor(-n)", "ceil(n)", "abs(negzero)",
        "isnull(missing + 1)", "isnotnull(n)", "isnum(n)", "isnum(\"1e3\")", "isstr(true())", "isint(num)",
        "cidrmatch(\"10.0.0.0/8\", ip)", "urldecode(url)", "trim(cmd)", "replace(s, \"o\", \"0\")", "replace(s, \"(\", \"x\")",
        "split(s, \" \")", "min(n, 3, \"x\")", "max('nums{}')", "if(like(cmd, \"%-enc%\"), 1, 0)",
        "(n > 5) == \"true\"", "(n > 5) . \"\"", "s == s", "n == n + 0",
    ];

    /// <summary>Events for the table: the synthetic streaming events, one with every field the table reads, and
    /// numbers that do not round-trip as text (NaN, infinity, -0, 1e300) stored as numbers.</summary>
    private static List<Event> TableEvents()
    {
        var events = EvalTestSupport.Json(CompiledDetectionDifferentialTests.Synthetic);
        events.AddRange(EvalTestSupport.Json(
            """{"s":"Hello World","n":"7.5","m":["b","a","c"],"nums":["10","2","x"],"ip":"10.1.2.3","url":"a%20b%2Fc+d","cmd":"  padded -enc ","port":"01","bytes":"20.5","host":"a"}""",
            """{"s":"","n":" 7","m":["a","a"],"nums":["1e3","5"],"port":"1.0","bytes":"1e400","host":"b"}""",
            """{"s":"%_\\\\","n":"-0","num":"NaN","port":"0x1F","bytes":"-3"}"""));
        var numbers = new Event();
        numbers.Set("num", FieldValue.Number(42.25));
        numbers.Set("nan", FieldValue.Number(double.NaN));
        numbers.Set("inf", FieldValue.Number(double.PositiveInfinity));
        numbers.Set("negzero", FieldValue.Number(-0.0));
        numbers.Set("big", FieldValue.Number(1e300));
        numbers.Set("n", FieldValue.Number(7.5));
        numbers.Set("s", FieldValue.Multi(["Hello World", "x"]));
        events.Add(numbers);
        return events;
    }

    private static IEnumerable<TestCaseData> TableCases() =>
        Tricky.Select(e => new TestCaseData(e).SetName("expression: " + e));

    [TestCaseSource(nameof(TableCases))]
    public void TrickyExpressionsMeanTheSameCompiled(string expression)
    {
        var events = TableEvents();
        var eval = CompiledDetection.Compile("| eval x=" + expression);
        var where = CompiledDetection.Compile("| where " + expression);
        Assert.That(eval.Detection.Stages.Single(), Is.InstanceOf<EvalStage>(), expression);
        var checker = new Checker();
        checker.Detection(eval.Detection, events);
        checker.Detection(where.Detection, events);
        Assert.That(checker.Failures, Is.Empty);
        Assert.That(checker.Evaluations, Is.GreaterThan(0));
    }

    [Test]
    public void SearchPredicatesMeanTheSameCompiled()
    {
        // Search clause rules: case-insensitive values, * wildcards, NOT f=v versus f!=v on missing fields,
        // numeric or lexical ranges, CIDR (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/search).
        string[] searches =
        [
            "host=A", "host=a*", "cmd=*-ENC*", "NOT user=bob", "user!=bob", "tags{}!=x", "tags{}=y", "port>1", "port<=\"1.0\"",
            "bytes>5", "bytes<x", "user=*", "NOT user=*", "ip=10.0.0.0/8", "powershell", "TERM(cmd.exe)", "\"-enc\"",
            "host=a OR user=bob port=1", "CASE(user=Alice)", "earliest=-1d", "latest=now", "earliest=bogus", "host=a AND NOT (port=1 OR port=2)",
            "cmd=\"*\\\\temp\\\\*\"", "n>5", "s=\"hello world\"", "'m{}'=b",
        ];
        var events = TableEvents();
        var checker = new Checker();
        foreach (var s in searches) checker.Detection(CompiledDetection.Compile(s).Detection, events);
        Assert.That(checker.Failures, Is.Empty);
        Assert.That(checker.Trues, Is.GreaterThan(20), "predicates that hold on some event");
    }

    [Test]
    public void DeepExpressionsGoToTheInterpreterBeyondTheCompiledDepth()
    {
        var deep = "n" + string.Concat(Enumerable.Repeat(" + 1", CompiledExpressions.MaxDepth * 3));
        var nested = string.Concat(Enumerable.Repeat("if(true(), ", CompiledExpressions.MaxDepth * 2)) + "n" + new string(')', CompiledExpressions.MaxDepth * 2).Replace(")", ", 0)");
        var checker = new Checker();
        foreach (var e in new[] { deep, nested })
        {
            var compiled = CompiledDetection.Compile("| eval x=" + e + " | where x > 0 OR (" + string.Join(" OR ", Enumerable.Range(0, 200).Select(i => "x=" + i)) + ")");
            checker.Detection(compiled.Detection, TableEvents());
        }
        checker.Detection(CompiledDetection.Compile(string.Concat(Enumerable.Repeat("NOT ", CompiledExpressions.MaxDepth * 3)) + "host=a").Detection, TableEvents());
        Assert.That(checker.Failures, Is.Empty);
        Assert.That(checker.Evaluations, Is.GreaterThan(0));
        Assert.That(checker.Trues, Is.GreaterThan(0));
    }

    [Test]
    public void CorpusExpressionsMeanTheSameCompiledOverRealEvents()
    {
        var manifest = TestData.Shared("corpus", "attack_data", "MANIFEST.json");
        var root = Path.GetDirectoryName(manifest)!;
        var events = TableEvents();
        using (var doc = JsonDocument.Parse(File.ReadAllText(manifest)))
            foreach (var entry in doc.RootElement.EnumerateArray())
                events.AddRange(EventReaders.ReadFile(Path.Combine(root, entry.GetProperty("path").GetString()!)).Events.Take(40));
        foreach (var file in Directory.GetFiles(TestData.Repo("fixtures", "events"), "*.log").Order(StringComparer.Ordinal))
            events.AddRange(EventReaders.ReadFile(file).Events.Take(60));
        var fixtureSearches = new List<string>();
        foreach (var folder in Directory.GetDirectories(TestData.Repo("fixtures", "detections")).Order(StringComparer.Ordinal))
        {
            foreach (var sub in new[] { "events", "negative" })
                if (Directory.Exists(Path.Combine(folder, sub)))
                    foreach (var file in Directory.GetFiles(Path.Combine(folder, sub)).Order(StringComparer.Ordinal))
                        events.AddRange(EventReaders.ReadFile(file).Events);
            fixtureSearches.AddRange(Directory.GetFiles(folder, "*.spl").Select(File.ReadAllText));
        }
        Assert.That(events, Has.Count.GreaterThan(400));

        var options = new CompileOptions { Macros = TestData.SplunkMacros };
        var searches = TestData.ReadJsonLines(TestData.Shared("corpus", "splunk", "detections.public.jsonl")).Concat(TestData.SeedSearches())
            .Select(c => c.Search).Concat(fixtureSearches);
        var checker = new Checker();
        foreach (var search in searches) checker.Detection(CompiledDetection.Compile(search, options).Detection, events);
        Assert.That(checker.Failures, Is.Empty);
        // The comparison means something only over many expressions that give values.
        Assert.That(checker.Expressions, Is.GreaterThan(1000), "expressions and predicates compared");
        Assert.That(checker.NonNull, Is.GreaterThan(10000), "non-null values compared");
        Assert.That(checker.Trues, Is.GreaterThan(1000), "predicates that held");
    }

    /// <summary>Runs each eval assignment, filter predicate and aggregation argument of a detection (subsearches
    /// included) both ways over copies of the events, and records what differs.</summary>
    private sealed class Checker
    {
        public List<string> Failures { get; } = [];

        public int Expressions { get; private set; }

        public long Evaluations { get; private set; }

        public long NonNull { get; private set; }

        public long Trues { get; private set; }

        public void Detection(Detection detection, IReadOnlyList<Event> events)
        {
            foreach (var stage in detection.Stages)
            {
                if (Failures.Count > 20) return;
                switch (stage)
                {
                    case EvalStage e:
                        foreach (var a in e.Assignments) Expression(a.Value, events);
                        Stage(e, events);
                        break;
                    case FilterStage f:
                        Predicate(f.Predicate, events);
                        break;
                    case AggregateStage a:
                        foreach (var agg in a.Aggregations)
                            if (agg.Argument is not null) Expression(agg.Argument, events);
                        break;
                    case JoinStage j:
                        Detection(j.Subsearch, events);
                        break;
                    case AppendStage a:
                        Detection(a.Subsearch, events);
                        break;
                }
            }
        }

        private static (DetectionEvaluator.RowPipeline Interpreted, DetectionEvaluator.RowPipeline Compiled) Runs()
        {
            var options = EvaluationOptions.Default with { Now = DateTimeOffset.Parse("2026-11-22T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture) };
            return (new DetectionEvaluator.RowPipeline(new EvaluationContext(options)), new DetectionEvaluator.RowPipeline(new EvaluationContext(options)));
        }

        private void Expression(Expr expression, IReadOnlyList<Event> events)
        {
            Expressions++;
            var (interpreted, compiledRun) = Runs();
            var compiled = CompiledExpressions.Compile(expression);
            foreach (var e in events)
            {
                var expected = Outcome(() => interpreted.Expressions.Evaluate(expression, new Event(e)));
                var actual = Outcome(() => compiled(new Event(e), compiledRun));
                Evaluations++;
                if (!expected.StartsWith("Null", StringComparison.Ordinal)) NonNull++;
                if (actual != expected) Failures.Add($"{expression.Span} {Describe(expression)} on {e}: compiled {actual}, interpreted {expected}");
            }
            Diagnostics(interpreted, compiledRun, expression);
        }

        private void Predicate(Predicate predicate, IReadOnlyList<Event> events)
        {
            Expressions++;
            var (interpreted, compiledRun) = Runs();
            var compiled = CompiledExpressions.Compile(predicate);
            foreach (var e in events)
            {
                var expected = Outcome(() => interpreted.Test(predicate, new Event(e)));
                var actual = Outcome(() => compiled(new Event(e), compiledRun));
                Evaluations++;
                if (expected == "True") Trues++;
                if (actual != expected) Failures.Add($"{Describe(predicate)} on {e}: compiled {actual}, interpreted {expected}");
            }
            Diagnostics(interpreted, compiledRun, predicate);
        }

        private void Stage(EvalStage stage, IReadOnlyList<Event> events)
        {
            var (interpreted, compiledRun) = Runs();
            var compiled = CompiledExpressions.Stage(stage)!;
            foreach (var e in events)
            {
                var a = new Event(e);
                var b = new Event(e);
                var expected = Outcome(() => interpreted.Keep(stage, a)) + " " + Show(a);
                var actual = Outcome(() => compiled(b, compiledRun)) + " " + Show(b);
                if (actual != expected) Failures.Add($"{Describe(stage)} on {e}: compiled {actual}, interpreted {expected}");
            }
            Diagnostics(interpreted, compiledRun, stage);
        }

        private void Diagnostics(DetectionEvaluator.RowPipeline interpreted, DetectionEvaluator.RowPipeline compiled, IrNode node)
        {
            var expected = string.Join("\n", interpreted.Context.Diagnostics);
            var actual = string.Join("\n", compiled.Context.Diagnostics);
            if (actual != expected) Failures.Add($"{Describe(node)}: diagnostics compiled [{actual}], interpreted [{expected}]");
        }

        private static string Describe(IrNode node)
        {
            var text = node.ToString();
            return text.Length > 200 ? text[..200] + "..." : text;
        }

        private static string Outcome(Func<object> run)
        {
            try
            {
                return run() switch
                {
                    FieldValue { Kind: FieldValueKind.Number } v => "Number:" + BitConverter.DoubleToInt64Bits(v.AsNumber()!.Value).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    FieldValue v => v.Kind + ":" + string.Join("\u241F", v.Values),
                    var o => o.ToString()!,
                };
            }
            catch (Exception ex)
            {
                return "threw " + ex.GetType().Name;
            }
        }

        private static string Show(Event row) => string.Join(" ", row.Select(kv => kv.Key + "=" + kv.Value.Kind + ":" + string.Join("\u241F", kv.Value.Values)));
    }
}
