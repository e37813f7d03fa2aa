using System.Collections.Immutable;
using ExfilQuery.Diagnostics;
using ExfilQuery.Evaluation;
using ExfilQuery.Ir;
using ExfilQuery.Testing;
using ExfilQuery.Text;
using NUnit.Framework;

namespace ExfilQuery.Tests.Testing;

/// <summary><see cref="SearchEvaluation"/> is a thin wrapper over <see cref="CompiledDetection.Compile"/>: for every
/// fixture (positive and negative events) and for searches that fail at each step, it gives the same rows and the
/// same diagnostics (code, severity, span, message, in order) as the parse → lower → evaluate path it replaced, kept
/// here as <see cref="Reference"/>. The fixture goldens (fixtures/golden/eval) are checked by DetectionFixtureTests.</summary>
public class SearchEvaluationIdentityTests
{
    /// <summary>The path SearchEvaluation.Evaluate took before it wrapped CompiledDetection, verbatim.</summary>
    private static SearchEvaluationResult Reference(string search, IEnumerable<Event> events, ParseOptions? parseOptions, EvaluationOptions? options)
    {
        var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
        try
        {
            var parse = Spl.Parse(search ?? string.Empty, parseOptions);
            diagnostics.AddRange(parse.Diagnostics);
            if (!parse.Ok) return new SearchEvaluationResult([], diagnostics.ToImmutable());
            var lowered = Lowering.Lower(parse);
            diagnostics.AddRange(lowered.Diagnostics);
            if (!lowered.Ok) return new SearchEvaluationResult([], diagnostics.ToImmutable());
            var result = DetectionEvaluator.Evaluate(lowered.Detection, events, options);
            diagnostics.AddRange(result.Diagnostics);
            return new SearchEvaluationResult(result.Rows, diagnostics.ToImmutable());
        }
#pragma warning disable CA1031 // the reference reports as the old path did
        catch (Exception e) when (e is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            diagnostics.Add(DiagnosticFacts.InternalError(TextSpan.Empty, e.GetType().Name + ": " + e.Message));
            return new SearchEvaluationResult([], diagnostics.ToImmutable());
        }
    }

    private static void AssertSame(SearchEvaluationResult expected, SearchEvaluationResult actual, string label)
    {
        Assert.That(DetectionFixtureTests.Snapshot(actual.Rows), Is.EqualTo(DetectionFixtureTests.Snapshot(expected.Rows)), label + ": rows");
        Assert.That(actual.Diagnostics.Select(d => d.ToString()), Is.EqualTo(expected.Diagnostics.Select(d => d.ToString())), label + ": diagnostics");
        Assert.That(actual.Ok, Is.EqualTo(expected.Ok), label + ": ok");
    }

    /// <summary>Each fixture, as the harness runs it, through both paths.</summary>
    [TestCaseSource(typeof(DetectionFixtureTests), nameof(DetectionFixtureTests.Fixtures))]
    public void FixtureGivesTheSameRowsAndDiagnostics(string name)
    {
        var fixture = DetectionFixture.Load(TestData.Repo("fixtures", "detections", name));
        Assert.That(fixture.Search, Is.Not.Null);
        var parse = TestData.WithSplunkMacros;
        var options = FixtureRunner.OptionsFor(fixture, parse);
        var compiled = SearchEvaluation.Compile(fixture.Search!, parse, options);
        var sets = 0;
        foreach (var (label, files) in new[] { ("events", fixture.EventFiles), ("negative", fixture.NegativeFiles) })
        {
            var events = FixtureRunner.ReadEvents(label, fixture, files, null, ImmutableArray.CreateBuilder<Diagnostic>(), []);
            var expected = Reference(fixture.Search!, events, parse, options);
            AssertSame(expected, SearchEvaluation.Evaluate(fixture.Search!, events, parse, options), name + " " + label + " (Evaluate)");
            AssertSame(expected, SearchEvaluation.Run(compiled, events), name + " " + label + " (compiled once)");
            if (label == "events") Assert.That(expected.Rows, Is.Not.Empty, name + ": a fixture whose rows are all empty proves little");
            sets++;
        }
        Assert.That(sets, Is.EqualTo(2));
    }

    private static Event Make(params (string Field, string Value)[] fields)
    {
        var e = new Event();
        foreach (var (field, value) in fields) e.Set(field, value);
        return e;
    }

    private static readonly Event[] SmallEvents =
    [
        Make(("_time", "1714557600"), ("host", "a"), ("process_name", "rclone.exe"), ("bytes", "10")),
        Make(("_time", "1714557660"), ("host", "b"), ("process_name", "cmd.exe"), ("bytes", "x")),
    ];

    /// <summary>Searches that stop at each step: parse errors (unbalanced quote and parenthesis, an unknown macro, a
    /// search longer than <see cref="ParseOptions.MaxLength"/>, nesting deeper than the limit), lowering errors
    /// (SPL0301: tstats without a data model, map without a search, outlier with bad options), refused commands with side effects, evaluation diagnostics, an empty and a null search.</summary>
    private static readonly string?[] EdgeSearches =
    [
        "process_name=rclone.exe | stats count by host",
        "process_name=\"rclone.exe",
        "(host=a OR host=b",
        "`no_such_macro_anywhere` | stats count",
        "host=a | outputlookup x.csv",
        "host=a | sendemail to=x@example.com",
        "| eval n=tonumber(bytes) | where n > 5",
        "| rex field=process_name \"(?<stem>[a-z]+)\\.exe\" | table host stem",
        "| nosuchcommand foo",
        "| tstats count from datamodel=\"\"",
        "| tstats count from foo",
        "host=a | map foo",
        "host=a | outlier action=nonsense 5",
        string.Concat(Enumerable.Repeat("(", 300)) + "host=a" + string.Concat(Enumerable.Repeat(")", 300)),
        "host=a " + new string('x', 500),
        "",
        "   ",
        null,
    ];

    [Test]
    public void EdgeSearchesGiveTheSameRowsAndDiagnostics()
    {
        var small = ParseOptions.Default with { MaxLength = 200 };
        var failed = 0;
        foreach (var search in EdgeSearches)
        {
            foreach (var parse in new ParseOptions?[] { null, small, TestData.WithSplunkMacros })
            {
                var expected = Reference(search!, SmallEvents, parse, null);
                if (!expected.Ok) failed++;
                AssertSame(expected, SearchEvaluation.Evaluate(search!, SmallEvents, parse), (search ?? "(null)") + " / " + (parse?.MaxLength.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"));
            }
        }
        // The table reaches both early returns (a parse error, a lowering error), not only the happy path.
        Assert.That(failed, Is.GreaterThanOrEqualTo(12));
        Assert.That(EdgeSearches.Count(s => Reference(s!, SmallEvents, null, null).Diagnostics.Any(d => d.Code.StartsWith("SPL03", StringComparison.Ordinal))),
            Is.GreaterThanOrEqualTo(2), "lowering errors in the table");
    }

    [Test]
    public void CompileTakesTheFullParseOptions()
    {
        // CompileOptions.Parsing carries limits that Macros alone cannot: SPL0008 past ParseOptions.MaxLength.
        var search = "host=a " + new string('x', 500);
        Assert.That(CompiledDetection.Compile(search).Ok, Is.True);
        var limited = CompiledDetection.Compile(search, new CompileOptions { Parsing = ParseOptions.Default with { MaxLength = 100 } });
        Assert.That(limited.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "SPL0008" }));
        Assert.That(limited.Run(SmallEvents).Rows, Is.Empty, "a search that does not parse runs no events");
        // Parsing set: Macros is not read; the macros come from Parsing.
        var withMacros = CompiledDetection.Compile("`no_such_macro_anywhere`", new CompileOptions { Parsing = ParseOptions.Default, Macros = TestData.SplunkMacros });
        Assert.That(withMacros.Ok, Is.False);
    }

    [Test]
    public void ADetectionThatDoesNotParseIsNotLoweredAndRunsNothing()
    {
        // Before, Compile lowered the broken tree and Run ran what was left: rows for a search that means nothing.
        var compiled = CompiledDetection.Compile("host=a | stats count by");
        Assert.That(compiled.Ok, Is.False);
        Assert.That(compiled.Diagnostics.Select(d => d.Code), Is.EqualTo(Spl.Parse("host=a | stats count by").Diagnostics.Select(d => d.Code)));
        Assert.That(compiled.Detection.Source, Is.TypeOf<EmptySource>());
        Assert.That(compiled.Run(SmallEvents).Rows, Is.Empty);
        Assert.That(compiled.Detection.Stages, Is.Empty);
    }
}
