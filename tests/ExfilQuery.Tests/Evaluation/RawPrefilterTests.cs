using System.Text;
using ExfilQuery.Evaluation;
using NUnit.Framework;

namespace ExfilQuery.Tests.Evaluation;

/// <summary>The raw-byte prefilter of <see cref="CompiledDetection.RunJsonLines"/> must never skip a line whose event
/// matches. Each case is a search and a line whose event the full path (EventReaders.ReadJsonLines then
/// DetectionEvaluator.Evaluate) matches, written to hide the literal from a naive byte search: JSON escapes
/// (RFC 8259 section 7: any character may be written \uXXXX, and \" \\ \/ are two-character escapes), case, non-ASCII
/// characters equal to ASCII letters ignoring case, wildcards, OR, multivalue, numbers and null. Search semantics:
/// values are case-insensitive with * wildcards
/// (https://help.splunk.com/splunk-enterprise/search/search-manual/9.0/search-primer/use-case-and-term-to-match-phrases).</summary>
public class RawPrefilterTests
{
    private const string Filler = """{"cmd":"notepad.exe","user":"nobody","port":80,"host":"h9"}""";

    /// <summary>Rows the full path finds for a line whose letters equal ASCII ones only under Unicode case folding
    /// (dotless i, long s, Kelvin sign): whatever this runtime's OrdinalIgnoreCase, which the evaluator uses, says.</summary>
    private static readonly int Folded = string.Equals("\u0131", "i", StringComparison.OrdinalIgnoreCase) ? 1 : 0;

    public static IEnumerable<TestCaseData> MatchingLines()
    {
        TestCaseData Case(string name, string search, string line, int rows = 1) => new TestCaseData(search, line, rows).SetName(name);
        yield return Case("plain", "cmd=*mimikatz*", """{"cmd":"run mimikatz now"}""");
        yield return Case("upper case", "cmd=*mimikatz*", """{"cmd":"RUN MIMIKATZ"}""");
        yield return Case("unicode escape of a letter", "cmd=*mimikatz*", """{"cmd":"\u006dimikatz"}""");
        yield return Case("unicode escape upper case U", "cmd=*mimikatz*", """{"cmd":"mimi\u004Batz"}""");
        yield return Case("escaped backslash then unicode escape", "cmd=*mimikatz*", """{"x":"a\\","cmd":"\u006dimikatz"}""");
        yield return Case("dotless i escaped", "cmd=*mimikatz*", """{"cmd":"m\u0131m\u0131katz"}""", Folded);
        yield return Case("dotless i as UTF-8", "cmd=*mimikatz*", "{\"cmd\":\"m\u0131m\u0131katz\"}", Folded);
        yield return Case("long s as UTF-8", "cmd=*session*", "{\"cmd\":\"\u017Fe\u017F\u017Fion\"}", Folded);
        yield return Case("kelvin sign as UTF-8", "cmd=*kit*", "{\"cmd\":\"\u212Ait\"}", Folded);
        yield return Case("backslash in the pattern", "cmd=\"*\\\\mimikatz.exe\"", """{"cmd":"C:\\tools\\mimikatz.exe"}""");
        yield return Case("quote in the pattern", "cmd=\"*say \\\"hi\\\"*\"", """{"cmd":"say \"hi\" now"}""");
        yield return Case("slash written as an escape", "url=*/admin/*", """{"url":"http:\/\/x\/admin\/index"}""");
        yield return Case("inner wildcard", "cmd=*pow*shell*", """{"cmd":"pow-x-shell"}""");
        yield return Case("OR: second branch", "cmd=*mimikatz* OR user=root", """{"cmd":"ls","user":"ROOT"}""");
        yield return Case("multivalue array", "tags{}=evil", """{"tags":["ok","EVIL"]}""");
        yield return Case("duplicate key", "cmd=*mimikatz*", """{"cmd":"ls","cmd":"mimikatz"}""");
        yield return Case("escaped field name", "cmd=*mimikatz*", """{"c\u006dd":"mimikatz"}""");
        yield return Case("number value", "port=4444", """{"port":4444}""");
        yield return Case("null value", "cmd=null", """{"cmd":null}""");
        yield return Case("boolean value", "admin=true", """{"admin":true}""");
        yield return Case("bare term in _raw", "mimikatz", """{"cmd":"MiMiKaTz"}""");
        yield return Case("bare term with a backslash in _raw", "\"tools\\\\\\\\mimi\"", """{"cmd":"C:\\tools\\mimi"}""");
        yield return Case("_raw field", "_raw=*mimikatz*", """{"cmd":"mimikatz"}""");
        yield return Case("AND: literal of either side", "user=root cmd=*mimikatz*", """{"user":"root","cmd":"\u006dimikatz"}""");
        yield return Case("CASE() still found ignoring case", "CASE(MiMi)", """{"cmd":"MiMi"}""");
        yield return Case("CRLF line", "cmd=*mimikatz*", "{\"cmd\":\"mimikatz\"}\r");
        yield return Case("time modifier and a term", "mimikatz earliest=-1d", """{"_time":1000,"cmd":"mimikatz"}""");
    }

    [TestCaseSource(nameof(MatchingLines))]
    public void AMatchingLineIsNeverSkipped(string search, string line, int rows)
    {
        var text = string.Join("\n", Filler, line, Filler) + "\n";
        var compiled = CompiledDetection.Compile(search, new CompileOptions { Evaluation = EvaluationOptions.Default with { Now = DateTimeOffset.UnixEpoch.AddSeconds(2000) } });
        var reference = EventReaders.ReadJsonLines(new StringReader(text), "p.jsonl");
        Assert.That(reference.Malformed, Is.Empty, "the case line is valid JSON");
        var expected = DetectionEvaluator.Evaluate(compiled.Detection, reference.Events, compiled.Options.Evaluation);
        Assert.That(expected.Rows, Has.Length.EqualTo(rows), "the full path matches the case line (and not the fillers): " + compiled.Plan);

        var actual = compiled.RunJsonLines(new MemoryStream(Encoding.UTF8.GetBytes(text)), "p.jsonl");
        CompiledDetectionDifferentialTests.AssertSame(actual, expected, compiled.Plan, ignoreSkips: true);
    }

    [Test]
    public void TheFillersAreSkippedSoThePrefilterIsOn()
    {
        var text = string.Join("\n", Filler, """{"cmd":"mimikatz"}""", Filler);
        var result = CompiledDetection.Compile("cmd=*mimikatz*").RunJsonLines(new MemoryStream(Encoding.UTF8.GetBytes(text)), "p.jsonl");
        Assert.That(result.Rows, Has.Length.EqualTo(1));
        Assert.That(result.Diagnostics.Single().Code, Is.EqualTo("EVL0041"));
        Assert.That(result.Diagnostics.Single().Message, Does.StartWith("p.jsonl: 2 lines were not parsed"));
    }

    /// <summary>Which searches give which literals: none where a literal is not required or the filter could report
    /// a diagnostic on a skipped event.</summary>
    [TestCase("cmd=*-enc*", "a line must hold one of \"-enc\"")]
    [TestCase("cmd=*pow*shell*", "a line must hold one of \"shell\"")]
    [TestCase("cmd=\"*\\\\mimikatz.exe\"", "a line must hold one of \"mimikatz.exe\"")]
    [TestCase("url=*/admin/*", "a line must hold one of \"admin\"")]
    [TestCase("cmd=*mimikatz* OR user=root", "a line must hold one of \"mimikatz\" | \"root\"")]
    [TestCase("EventCode=1 Image=*certutil*", "a line must hold one of \"certutil\"")]
    [TestCase("mimikatz", "a line must hold one of \"mimikatz\" (in _raw)")]
    [TestCase("NOT cmd=*mimikatz*", "none")]
    [TestCase("cmd!=mimikatz", "none")]
    [TestCase("cmd=*mimikatz* OR NOT user=root", "none")]
    [TestCase("cmd=*", "none")]
    [TestCase("cmd=a*b", "none")]
    [TestCase("port>4000", "none")]
    [TestCase("ip=10.0.0.0/8", "none")]
    [TestCase("sourcetype=json_events", "none")]
    [TestCase("source=*mimikatz*", "none")]
    [TestCase("_time=12345", "none")]
    [TestCase("mimikatz earliest=garbage", "none")]
    [TestCase("| where like(cmd, \"%mimikatz%\")", "none")]
    [TestCase("| eval cmd=\"mimikatz\" | search cmd=mimikatz", "none")]
    [TestCase("cmd=*mimikatz* | where user=\"root\"", "a line must hold one of \"mimikatz\"")]
    public void LiteralsComeOnlyFromFiltersThatRequireThem(string search, string expected)
    {
        var plan = CompiledDetection.Compile(search).Plan;
        Assert.That(plan.Split('\n').Single(l => l.StartsWith("prefilter: ", StringComparison.Ordinal))["prefilter: ".Length..], Is.EqualTo(expected));
    }

    [Test]
    public void UnicodeEscapesAreFoundAndEscapedBackslashesAreNot()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RawPrefilter.HasUnicodeEscape("""{"a":"\u0041"}"""u8), Is.True);
            Assert.That(RawPrefilter.HasUnicodeEscape("""{"a":"C:\\users"}"""u8), Is.False);
            Assert.That(RawPrefilter.HasUnicodeEscape("""{"a":"C:\\\u0041"}"""u8), Is.True);
            Assert.That(RawPrefilter.HasUnicodeEscape("""{"a":"\\\\u"}"""u8), Is.False);
            Assert.That(RawPrefilter.HasUnicodeEscape("""\"""u8), Is.False);
        });
    }

    [Test]
    public void TheCaseFoldingTableFollowsTheComparisonTheEvaluatorUses()
    {
        // Computed by asking StringComparison.OrdinalIgnoreCase about every UTF-16 code unit, not hard-coded: with
        // invariant globalization .NET compares non-ASCII letters by simple case mapping, where U+0131 (dotless i)
        // and U+017F (long s) map to I and S only under full Unicode folding.
        Assert.Multiple(() =>
        {
            Assert.That(RawPrefilter.FoldsToAscii('i'), Is.EqualTo(string.Equals("\u0131", "i", StringComparison.OrdinalIgnoreCase)));
            Assert.That(RawPrefilter.FoldsToAscii('s'), Is.EqualTo(string.Equals("\u017F", "s", StringComparison.OrdinalIgnoreCase)));
            Assert.That(RawPrefilter.FoldsToAscii('k'), Is.EqualTo(string.Equals("\u212A", "k", StringComparison.OrdinalIgnoreCase)));
            Assert.That(RawPrefilter.FoldsToAscii('b'), Is.False);
        });
    }
}
