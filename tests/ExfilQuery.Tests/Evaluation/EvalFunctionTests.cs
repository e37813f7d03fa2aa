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
    // Search Reference, "Date and Time functions" (in UTC, the evaluator's time zone): relative_time(X, Y) applies the
    // relative time specifier Y to the UNIX time X; strftime(X, Y) formats X with Y; strptime(X, Y) reads X with Y.
    [TestCase("relative_time(1700000000, \"-1d@d\")", "1699833600")]
    [TestCase("relative_time(1700000000, \"@h\")", "1699999200")]
    [TestCase("relative_time(1700000000, \"+30m\")", "1700001800")]
    [TestCase("strftime(1700000000, \"%Y-%m-%dT%H:%M:%S\")", "2023-11-14T22:13:20")]
    [TestCase("strftime(missing, \"%Y\")", "(null)")]
    [TestCase("strftime(1700000000, \"%w %u %e %T %F\")", "2 2 14 22:13:20 2023-11-14", Description = "%w: weekday, Sunday 0 (the corpus counts weekends with it)")]
    [TestCase("strftime(1699747200, \"%w %u\")", "0 7", Description = "a Sunday")]
    [TestCase("strptime(\"2023-11-14 22:13:20\", \"%Y-%m-%d %H:%M:%S\")", "1700000000")]
    [TestCase("strptime(\"14/Nov/2023:22:13:20 +0100\", \"%d/%b/%Y:%H:%M:%S %z\")", "1699996400")]
    [TestCase("strptime(\"11/14/2023 10:13:20 PM\", \"%m/%d/%Y %I:%M:%S %p\")", "1700000000")]
    [TestCase("strptime(\"2023-11-14T22:13:20.250Z\", \"%Y-%m-%dT%H:%M:%S.%3N%z\")", "1700000000.25")]
    [TestCase("strptime(\"not a date\", \"%Y-%m-%d\")", "(null)")]
    [TestCase("strptime(\"2023-02-30\", \"%Y-%m-%d\")", "(null)")]
    // Multivalue eval functions: mvfind(MVFIELD, "REGEX") is the index of the first value matching, null if none.
    [TestCase("mvfind('m{}', \"^[ac]$\")", "1")]
    [TestCase("mvfind('m{}', \"z\")", "(null)")]
    [TestCase("mvfind(s, \"World\")", "0")]
    // Mathematical functions: sqrt, pow, exp, ln, log(X[, base 10]), pi.
    [TestCase("sqrt(16)", "4")]
    [TestCase("sqrt(neg)", "(null)")]
    [TestCase("pow(2, 10)", "1024")]
    [TestCase("ln(1)", "0")]
    [TestCase("log(1000)", "3")]
    [TestCase("log(8, 2)", "3")]
    [TestCase("round(pi(), 4)", "3.1416")]
    [TestCase("exp(0)", "1")]
    public void Function(string expression, string expected)
    {
        var result = Run("| eval out=" + expression, Json(Event));
        Assert.That(result.Diagnostics.Where(d => d.IsError), Is.Empty, string.Join("; ", result.Diagnostics));
        var value = result.Rows.Single()["out"];
        Assert.That(value.IsNull ? "(null)" : string.Join("|", value.Values), Is.EqualTo(expected), expression);
    }

    /// <summary>A format variable the evaluator does not write is never copied into the result as text.</summary>
    [Test]
    public void StrftimeWithAnUnknownFormatVariableIsADiagnosticAndNull()
    {
        var result = Run("| eval out=strftime(1700000000, \"%Y %Q\")", Json(Event));
        Assert.That(result.Rows.Single().Has("out"), Is.False);
        Assert.That(result.Diagnostics.Select(d => d.Code), Does.Contain("EVL0006"));
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
