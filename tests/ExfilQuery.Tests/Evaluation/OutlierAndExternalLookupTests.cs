using System.Collections.Immutable;
using ExfilQuery.Evaluation;
using ExfilQuery.Ir;
using NUnit.Framework;
using static ExfilQuery.Tests.Evaluation.EvalTestSupport;

namespace ExfilQuery.Tests.Evaluation;

/// <summary>URL Toolbox's <c>ut_shannon_lookup</c> run as a built-in external lookup, and the <c>outlier</c>
/// command, as potential_password_in_username uses them.</summary>
public class OutlierAndExternalLookupTests
{
    // ------------------------------------------------------------------ ut_shannon

    /// <summary>URL Toolbox (github.com/splunk/utbox, utbox/bin/ut_shannon.py): <c>word = row['word'].strip()</c>, then
    /// <c>-sum(p * math.log(p, 2))</c> over the characters, written back by csv.DictWriter as Python's float text.
    /// "buttercup" is the example of the app's README (2.725480556997868); the others were computed with that
    /// function under CPython 3.</summary>
    [TestCase("buttercup", "2.725480556997868")]
    [TestCase("ASJda1283JSaJDgj", "3.452819531114783")]
    [TestCase("mikael", "2.584962500721156")]
    [TestCase("Passw0rd!2022", "3.0269868333592873")]
    [TestCase("aab", "0.9182958340544896")]
    [TestCase("", "0.0")]
    [TestCase("aaaa", "0.0")]
    [TestCase("ab", "1.0")]
    [TestCase("abcd", "2.0")]
    [TestCase(" ab\t", "1.0")]               // str.strip() removes the whitespace first
    [TestCase("\u001cab\u001f", "1.0")]      // Python's isspace() holds for U+001C..U+001F; .NET's IsWhiteSpace does not
    [TestCase("\U0001F600\U0001F600ab", "1.5")] // one character per code point, not per UTF-16 unit
    public void ShannonEntropyIsThatOfUtShannonPy(string word, string expected) =>
        Assert.That(ExternalLookups.PythonFloatRepr(ExternalLookups.Shannon(ExternalLookups.PythonStrip(word))), Is.EqualTo(expected));

    /// <summary>Python 3 <c>repr(float)</c> (Python Language Reference; float_repr_style 'short'): shortest round-trip
    /// digits, fixed notation with ".0" for exponents -4..15, scientific with a two-digit exponent otherwise.
    /// Expected texts are CPython 3's.</summary>
    [TestCase(0.0, "0.0")]
    [TestCase(-0.0, "-0.0")]
    [TestCase(3.0, "3.0")]
    [TestCase(123.456, "123.456")]
    [TestCase(0.0001, "0.0001")]
    [TestCase(1e-5, "1e-05")]
    [TestCase(2.5e-7, "2.5e-07")]
    [TestCase(1e15, "1000000000000000.0")]
    [TestCase(1e16, "1e+16")]
    [TestCase(1234567890123456.7, "1234567890123456.8")]
    [TestCase(0.30000000000000004, "0.30000000000000004")]
    [TestCase(1.7976931348623157e308, "1.7976931348623157e+308")]
    [TestCase(5e-324, "5e-324")]
    [TestCase(double.NaN, "nan")]
    [TestCase(double.NegativeInfinity, "-inf")]
    public void FloatTextIsPythonsRepr(double value, string expected) =>
        Assert.That(ExternalLookups.PythonFloatRepr(value), Is.EqualTo(expected));

    private static readonly string[] Users =
    [
        """{"_time":1,"id":"a","user":"buttercup"}""",
        """{"_time":2,"id":"b","user":"ab"}""",
        """{"_time":3,"id":"c"}""",
        """{"_time":4,"id":"d","user":"ab,abcd"}""",
    ];

    /// <summary>lookup over an external lookup (Splunk Knowledge Manager Manual, "Configure external lookups"): the
    /// input values go to the script and its rows are matched as a CSV lookup's. A row without the input field gets
    /// no output; each value of a multivalue field is looked up (with EVL0018).</summary>
    [Test]
    public void UtShannonLookupAddsTheEntropy()
    {
        var result = Run("| makemv delim=\",\" user | lookup ut_shannon_lookup word AS user | table id ut_shannon", Json(Users));
        Assert.That(result.Rows.Select(r => r.ToString()).Order(StringComparer.Ordinal), Is.EqualTo(new[]
        {
            "id=a ut_shannon=2.725480556997868",
            "id=b ut_shannon=1.0",
            "id=c",
            "id=d ut_shannon=1.0|2.0",
        }));
        Assert.That(result.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "EVL0018" }));
    }

    /// <summary>The script's text compares as a number in where; "ab,abcd" is one word here (CPython: 2.2359263506290326).</summary>
    [Test]
    public void UtShannonComparesAsANumber()
    {
        var result = Run("| lookup ut_shannon_lookup word AS user OUTPUT ut_shannon AS h | where h > 1 | table id h", Json(Users));
        Assert.That(result.Rows.Select(r => r.ToString()), Is.EqualTo(new[] { "id=d h=2.2359263506290326", "id=a h=2.725480556997868" }));
    }

    /// <summary>The script reads only 'word'; another input field is reported (EVL0012) and adds nothing.</summary>
    [Test]
    public void UtShannonNeedsTheWordField()
    {
        var result = Run("| lookup ut_shannon_lookup text AS user | table id ut_shannon", Json(Users));
        Assert.That(result.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "EVL0012" }));
        Assert.That(result.Rows.All(r => !r.Has("ut_shannon")), Is.True);
    }

    /// <summary>A table of the same name from the caller's lookups wins over the built-in script.</summary>
    [Test]
    public void ACallersTableTakesPrecedence()
    {
        var table = new LookupTable("ut_shannon_lookup", ["word", "ut_shannon"], [["ab", "9"]], true, []);
        var options = EvaluationOptions.Default with { Lookups = new InMemoryLookupProvider(new Dictionary<string, LookupTable> { ["ut_shannon_lookup"] = table }) };
        var result = Run("id=b | lookup ut_shannon_lookup word AS user | table id ut_shannon", Json(Users), options);
        Assert.That(result.Rows.Select(r => r.ToString()), Is.EqualTo(new[] { "id=b ut_shannon=9" }));
    }

    // ------------------------------------------------------------------ outlier

    /// <summary>outlier's options (Splunk Search Reference, "outlier",
    /// https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.4/search-commands/outlier): action=remove|rm|
    /// transform|tf (default transform), mark (false), param (2.5), uselower (false), then fields; the older type=iqr
    /// (Search Reference 4.x) is accepted.</summary>
    [TestCase("outlier", false, 2.5, false, false, "")]
    [TestCase("outlier action=RM count", true, 2.5, false, false, "count")]
    [TestCase("outlier action=remove param=3 uselower=t a, b", true, 3.0, true, false, "a|b")]
    [TestCase("outlier action=tf mark=true type=iqr bytes", false, 2.5, false, true, "bytes")]
    [TestCase("outlier param=0.5 uselower=false mark=0 \"x y\"", false, 0.5, false, false, "x y")]
    public void OutlierOptions(string command, bool remove, double param, bool useLower, bool mark, string fields)
    {
        var stage = Lower("| " + command).Stages.OfType<OutlierStage>().Single();
        Assert.That((stage.Remove, stage.Param, stage.UseLower, stage.Mark, string.Join("|", stage.Fields)), Is.EqualTo((remove, param, useLower, mark, fields)));
    }

    [TestCase("outlier action=drop count")]
    [TestCase("outlier param=x count")]
    [TestCase("outlier param=-1 count")]
    [TestCase("outlier uselower=maybe count")]
    [TestCase("outlier type=mad count")]
    [TestCase("outlier threshold=2 count")]
    public void BadOutlierOptionsAreReported(string command)
    {
        var lowered = Lowering.Lower(Spl.Parse("| " + command));
        Assert.That(lowered.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "SPL0301" }));
        Assert.That(lowered.Detection.Stages.OfType<UnsupportedStage>().Single().Command, Is.EqualTo("outlier"));
    }

    /// <summary>Rows with v = 1..9 and one more value; Q1 and Q3 interpolate between the closest ranks.</summary>
    private static List<Event> Values(string last, string? extra = null) =>
        Json([.. Enumerable.Range(1, 9).Select(i => $$"""{"id":"r{{i}}","v":"{{i}}"}"""), $$"""{"id":"r10","v":"{{last}}"}""", .. extra is null ? Array.Empty<string>() : [extra]]);

    /// <summary>outlier, Usage: "If a field value in an event is less than (25th percentile) - param*IQR or greater
    /// than (75th percentile) + param*IQR, that field is transformed or that event is removed". For v = 1..9, 100:
    /// Q1 = 3.25, Q3 = 7.75, IQR = 4.5, so with param=2.5 the bounds are -8 and 19.</summary>
    [TestCase("outlier action=rm v", "100", "r1..r9")]
    [TestCase("outlier v", "100", "r1..r9 r10=19")]
    [TestCase("outlier action=transform mark=t v", "100", "r1..r9 r10=00019")]
    [TestCase("outlier action=rm v", "19", "r1..r10")]                // on the bound: not an outlier
    [TestCase("outlier action=rm v", "-50", "r1..r10")]               // below, but uselower=false
    [TestCase("outlier action=rm uselower=true v", "-50", "r1..r9")]
    [TestCase("outlier uselower=true v", "-50", "r1..r9 r10=-9")]   // -50, 1..9: Q1 = 2.25, Q3 = 6.75, lower bound -9
    [TestCase("outlier action=rm param=10 v", "100", "r1..r9")]       // 7.75 + 45 = 52.75
    [TestCase("outlier action=rm param=25 v", "100", "r1..r10")]      // 7.75 + 112.5 = 120.25
    [TestCase("outlier action=rm w", "100", "r1..r10")]               // no such field: nothing changes
    [TestCase("outlier action=rm", "100", "r1..r9")]                  // no field list: every field
    public void OutlierRemovesOrTransforms(string command, string last, string expected)
    {
        var result = Run("| " + command, Values(last));
        Assert.That(result.Diagnostics, Is.Empty);
        Assert.That(Describe(result, last), Is.EqualTo(expected));
    }

    /// <summary>A non-numeric or multivalue value is not a number to outlier: it takes no part in the quartiles and
    /// stays as it is.</summary>
    [Test]
    public void NonNumericValuesAreLeftAlone()
    {
        var result = Run("| outlier action=rm v", Values("100", """{"id":"r11","v":"n/a"}""").Append(Json("""{"id":"r12","v":["500","600"]}""")[0]));
        Assert.That(result.Rows.Select(r => r["id"].AsString()), Is.EqualTo(new[] { "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r11", "r12" }));
    }

    /// <summary>The reference does not say how outlier computes the percentiles. For v = 1..9, 20 the nearest rank
    /// gives Q1 = 3, Q3 = 8 and an upper bound of 20.5 (20 stays); interpolation gives 19 (20 goes): EVL0019 says
    /// so, and the evaluator interpolates.</summary>
    [Test]
    public void QuartileMethodDisagreementIsReported()
    {
        var result = Run("| outlier action=rm v", Values("20"));
        Assert.That(Describe(result, "20"), Is.EqualTo("r1..r9"));
        Assert.That(result.Diagnostics.Select(d => d.Code + " " + d.Severity), Is.EqualTo(new[] { "EVL0019 Warning" }));
        Assert.That(result.Diagnostics[0].Message, Does.Contain("'v'").And.Contain("1 value(s)"));
    }

    /// <summary>"r1..r9" when rows r1 to r9 are there unchanged, then r10 as it is ("r1..r10") or with its new value.</summary>
    private static string Describe(EvaluationResult result, string last)
    {
        var rows = result.Rows.ToDictionary(r => r["id"].AsString()!, r => r["v"].AsString());
        Assert.That(Enumerable.Range(1, 9).All(i => rows.GetValueOrDefault("r" + i) == i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Is.True, string.Join(" ", result.Rows));
        return !rows.TryGetValue("r10", out var v) ? "r1..r9" : v == last ? "r1..r10" : "r1..r9 r10=" + v;
    }
}
