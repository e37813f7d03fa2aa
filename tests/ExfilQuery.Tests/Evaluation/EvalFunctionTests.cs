using ExfilQuery.Evaluation;
using NUnit.Framework;
using static ExfilQuery.Tests.Evaluation.EvalTestSupport;

namespace ExfilQuery.Tests.Evaluation;

/// <summary>The eval function table: each case evaluates one expression over one event and checks the text of
/// the result ('|' joins multivalues; "(null)" when the field is not set).</summary>
public class EvalFunctionTests
{
    private const string Event = """{"s":"Hello World","n":"7.5","m":["b","a","c"],"ip":"10.1.2.3","url":"a%20b%2Fc+d","cmd":"  padded  ","neg":"-3.5"}""";

    [TestCase("if(n > 5, \"big\", \"small\")", "big")]
    [TestCase("if(missing > 5, \"big\", \"small\")", "small")]
    [TestCase("case(n < 5, \"low\", n < 10, \"mid\", true(), \"high\")", "mid")]
    [TestCase("case(n > 100, \"x\")", "(null)")]
    [TestCase("if(like(s, \"Hello%\"), 1, 0)", "1")]
    [TestCase("if(like(s, \"hello%\"), 1, 0)", "0")]
    [TestCase("if(match(s, \"W.rld$\"), 1, 0)", "1")]
    [TestCase("if(match(s, \"^World\"), 1, 0)", "0")]
    [TestCase("len(s)", "11")]
    [TestCase("lower(s)", "hello world")]
    [TestCase("upper(s)", "HELLO WORLD")]
    [TestCase("substr(s, 1, 5)", "Hello")]
    [TestCase("substr(s, 7)", "World")]
    [TestCase("substr(s, -5)", "World")]
    [TestCase("substr(s, -5, 2)", "Wo")]
    [TestCase("replace(s, \"(\\w+) (\\w+)\", \"\\2 \\1\")", "World Hello")]
    [TestCase("split(s, \" \")", "Hello|World")]
    [TestCase("mvcount('m{}')", "3")]
    [TestCase("mvcount(missing)", "(null)")]
    [TestCase("mvindex('m{}', 0)", "b")]
    [TestCase("mvindex('m{}', -1)", "c")]
    [TestCase("mvindex('m{}', 1, 2)", "a|c")]
    [TestCase("mvjoin('m{}', \",\")", "b,a,c")]
    [TestCase("coalesce(missing, s)", "Hello World")]
    [TestCase("if(isnull(missing), 1, 0)", "1")]
    [TestCase("if(isnotnull(s), 1, 0)", "1")]
    [TestCase("tonumber(\"0x1F\", 16)", "31")]
    [TestCase("tonumber(\"12abc\")", "(null)")]
    [TestCase("tostring(n + 1)", "8.5")]
    [TestCase("tostring(1234567, \"commas\")", "1,234,567")]
    [TestCase("round(n)", "8")]
    [TestCase("round(3.14159, 2)", "3.14")]
    [TestCase("floor(n)", "7")]
    [TestCase("ceil(n)", "8")]
    [TestCase("abs(neg)", "3.5")]
    [TestCase("if(cidrmatch(\"10.0.0.0/8\", ip), 1, 0)", "1")]
    [TestCase("if(cidrmatch(\"192.168.0.0/16\", ip), 1, 0)", "0")]
    [TestCase("urldecode(url)", "a b/c d")]
    [TestCase("trim(cmd)", "padded")]
    [TestCase("n * 2", "15")]
    [TestCase("n + missing", "(null)")]
    [TestCase("s . \"!\"", "Hello World!")]
    [TestCase("\"a\" + \"b\"", "ab")]
    [TestCase("10 / 4", "2.5")]
    [TestCase("10 % 4", "2")]
    [TestCase("1 / 0", "(null)")]
    public void Function(string expression, string expected)
    {
        var result = Run("| eval out=" + expression, Json(Event));
        Assert.That(result.Diagnostics.Where(d => d.IsError), Is.Empty, string.Join("; ", result.Diagnostics));
        var value = result.Rows.Single()["out"];
        Assert.That(value.IsNull ? "(null)" : string.Join("|", value.Values), Is.EqualTo(expected), expression);
    }

    [Test]
    public void UnknownFunctionIsADiagnosticAndNull()
    {
        var result = Run("| eval out=nosuchfunction(1)", Json(Event));
        Assert.That(result.Rows.Single().Has("out"), Is.False);
        Assert.That(result.Diagnostics.Select(d => d.Code), Does.Contain("EVL0006"));
    }

    [Test]
    public void CatastrophicPatternRunsInLinearTime()
    {
        // (a+)+$ on "aaa...!" takes exponential time in a backtracking engine; the non-backtracking engine is linear.
        var events = Json("{\"s\":\"" + new string('a', 5000) + "!\"}");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = Run("| eval out=if(match(s, \"(a+)+$\"), 1, 0)", events);
        Assert.That(result.Rows.Single()["out"].AsString(), Is.EqualTo("0"));
        Assert.That(result.Diagnostics, Is.Empty);
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public void InvalidRegexIsADiagnostic()
    {
        var result = Run("| eval out=if(match(s, \"(unclosed\"), 1, 0)", Json(Event));
        Assert.That(result.Diagnostics.Select(d => d.Code), Does.Contain("EVL0005"));
        Assert.That(result.Rows.Single()["out"].AsString(), Is.EqualTo("0"));
    }
}
