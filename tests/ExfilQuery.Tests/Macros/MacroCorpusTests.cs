using ExfilQuery.Diagnostics;
using ExfilQuery.Macros;
using NUnit.Framework;

namespace ExfilQuery.Tests.SplMacros;

/// <summary>Expands every real detection in ../shared/corpus/splunk/detections.public.jsonl with the
/// security_content macro library (fixtures/splunk/macros.jsonl) and the built-ins.</summary>
[TestFixture]
public sealed class MacroCorpusTests
{
    private static readonly string[] s_callErrors =
    [
        DiagnosticFacts.MacroUndefinedDescriptor.Code,
        DiagnosticFacts.MacroArgumentCountDescriptor.Code,
        DiagnosticFacts.MacroCycleDescriptor.Code,
        DiagnosticFacts.MacroExpansionLimitDescriptor.Code,
        DiagnosticFacts.MacroDefinitionUnterminatedCallDescriptor.Code,
        DiagnosticFacts.UnterminatedMacroDescriptor.Code,
        DiagnosticFacts.InternalErrorDescriptor.Code,
    ];

    private static List<TestData.SearchCase> ReadDetections() =>
        [.. TestData.ReadJsonLines(TestData.Shared("corpus", "splunk", "detections.public.jsonl"))];

    /// <summary>Expected failures: one "id  reason" line each; '#' starts a comment.</summary>
    private static Dictionary<string, string> ReadExpectedFailures()
    {
        var path = TestData.Repo("tests", "ExfilQuery.Tests", "Macros", "expected_macro_failures.txt");
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var space = line.IndexOfAny([' ', '\t']);
            expected[space < 0 ? line : line[..space]] = space < 0 ? "" : line[(space + 1)..].Trim();
        }
        return expected;
    }

    [Test]
    public void EveryDetectionExpandsWithoutMacroErrors()
    {
        var library = TestData.SplunkMacros;
        var detections = ReadDetections();
        var expectedFailures = ReadExpectedFailures();
        Assert.That(detections, Has.Count.GreaterThan(700));

        var unexpected = new List<string>();
        var failedAsExpected = new HashSet<string>(StringComparer.Ordinal);
        var leftovers = new List<string>();
        foreach (var (id, search) in detections)
        {
            var result = MacroExpander.Expand(search, library);
            var errors = result.Diagnostics.Where(d => s_callErrors.Contains(d.Code)).ToList();
            if (errors.Count > 0)
            {
                if (expectedFailures.ContainsKey(id)) failedAsExpected.Add(id);
                else unexpected.Add($"{id}: {string.Join("; ", errors)}");
                continue;
            }
            var leftover = FindMacroCall(result.Text);
            if (leftover >= 0)
                leftovers.Add($"{id}: backtick left at {leftover}: ...{result.Text.Substring(leftover, Math.Min(60, result.Text.Length - leftover))}");
        }

        Assert.That(unexpected, Is.Empty, "macro errors not listed in expected_macro_failures.txt");
        Assert.That(leftovers, Is.Empty, "a macro call is left in an expanded search");
        var stale = expectedFailures.Keys.Where(id => !failedAsExpected.Contains(id)).ToList();
        Assert.That(stale, Is.Empty, "listed in expected_macro_failures.txt but expands without errors: remove them");
    }

    [Test]
    public void EveryDetectionUsesItsFilterMacroAsABuiltin()
    {
        var library = TestData.SplunkMacros;
        var withoutFilterInfo = new List<string>();
        foreach (var (id, search) in ReadDetections())
        {
            var result = MacroExpander.Expand(search, library);
            if (!result.Diagnostics.Any(d => d.Code == "SPL0104" && d.Message.Contains("_filter'", StringComparison.Ordinal)))
                withoutFilterInfo.Add(id);
        }
        Assert.That(withoutFilterInfo, Is.Empty);
    }

    [Test]
    public void ARealDetectionExpandsExactly()
    {
        const string search = "| tstats `security_content_summariesonly` count from datamodel=Endpoint.Processes by Processes.dest "
            + "| `drop_dm_object_name(\"Processes\")` | `security_content_ctime(firstTime)` "
            + "| eval n=mvcount(split(process,\"`\")) ```three-backtick comment``` | `my_detection_filter`";
        var result = MacroExpander.Expand(search, TestData.SplunkMacros);

        Assert.That(result.Text, Is.EqualTo(
            "| tstats summariesonly=false allow_old_summaries=true fillnull_value=null count from datamodel=Endpoint.Processes by Processes.dest "
            + "| rename Processes.* AS * | convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime(firstTime) "
            + "| eval n=mvcount(split(process,\"`\")) ```three-backtick comment``` | search *"));
        Assert.That(result.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "SPL0104", "SPL0104" }),
            "built-ins: drop_dm_object_name and my_detection_filter; the rest comes from the library");
    }

    [Test]
    public void ExpandingTheCorpusIsFast()
    {
        var library = TestData.SplunkMacros;
        var searches = ReadDetections().Select(d => d.Search).ToList();
        foreach (var s in searches) MacroExpander.Expand(s, library);   // warm up

        var watch = System.Diagnostics.Stopwatch.StartNew();
        const int rounds = 5;
        for (var r = 0; r < rounds; r++)
            foreach (var s in searches) MacroExpander.Expand(s, library);
        watch.Stop();

        var perSecond = rounds * searches.Count / watch.Elapsed.TotalSeconds;
        TestContext.Out.WriteLine($"macro expansion: {perSecond:F0} searches/s");
        // Generous bound so a loaded CI machine does not fail it; the target for parse+expand is 5,000/s.
        Assert.That(perSecond, Is.GreaterThan(5_000));
    }

    /// <summary>The offset of a backtick that is not in a ``` comment or a double-quoted string and not escaped
    /// by a backslash, or -1. Written independently of the expander's scanner.</summary>
    private static int FindMacroCall(string text)
    {
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '\\')
            {
                i += 2;   // an escaped character is never a quote or a backtick that counts
            }
            else if (text[i] == '"')
            {
                i++;
                while (i < text.Length && text[i] != '"') i += text[i] == '\\' ? 2 : 1;
                i++;
            }
            else if (string.CompareOrdinal(text, i, "```", 0, 3) == 0)
            {
                var end = text.IndexOf("```", i + 3, StringComparison.Ordinal);
                i = end < 0 ? text.Length : end + 3;
            }
            else if (text[i] == '`')
            {
                return i;
            }
            else
            {
                i++;
            }
        }
        return -1;
    }
}
