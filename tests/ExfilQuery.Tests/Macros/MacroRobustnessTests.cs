using System.Text;
using ExfilQuery.Macros;
using ExfilQuery.Text;
using NUnit.Framework;

namespace ExfilQuery.Tests.SplMacros;

/// <summary>Random text made of the characters the expander treats specially never makes it throw, and its
/// results keep their invariants.</summary>
[TestFixture]
public sealed class MacroRobustnessTests
{
    private const string Alphabet = "`\"(),$\\=[] abxy";

    private static readonly MacroLibrary s_library = MacroTestSupport.Library(
        ("a", [], "A"),
        ("b", [], "`a` \"`b`\" ``` `b` ```"),
        ("x", ["y"], "$y$ `a` $y$ $z$"),
        ("y", ["a", "b"], "`x($a$)` `y($b$, $a$)`"),
        ("ab", [], "`ab`"),
        ("xy", [], "`x(\"`"),
        ("bx", [], "```"));

    [Test]
    public void RandomInputsNeverThrow()
    {
        var random = new Random(20241024);
        var sb = new StringBuilder();
        var failures = new List<string>();
        for (var n = 0; n < 10_000; n++)
        {
            sb.Clear();
            var length = random.Next(0, 40);
            for (var k = 0; k < length; k++) sb.Append(Alphabet[random.Next(Alphabet.Length)]);
            var input = sb.ToString();
            var options = new MacroExpansionOptions(MaxDepth: random.Next(0, 8), MaxExpandedLength: random.Next(0, 400), UseBuiltins: random.Next(2) == 0);

            MacroExpansion result;
            try
            {
                result = MacroExpander.Expand(input, s_library, options);
            }
            catch (Exception e)
            {
                failures.Add($"{Escape(input)}: threw {e.GetType().Name}: {e.Message}");
                continue;
            }
            var problem = CheckInvariants(input, result);
            if (problem is not null) failures.Add($"{Escape(input)}: {problem}");
            if (failures.Count > 20) break;
        }
        Assert.That(failures, Is.Empty);
    }

    private static string? CheckInvariants(string input, MacroExpansion result)
    {
        foreach (var d in result.Diagnostics)
        {
            if (d.Code == "SPL9999") return "internal error: " + d.Message;
            if (d.Span.Start < 0 || d.Span.End > input.Length) return $"diagnostic span {d.Span} outside the input";
        }
        if (result.Diagnostics.Length != result.Diagnostics.Distinct().Count()) return "duplicate diagnostics";

        var previous = 0;
        for (var offset = 0; offset <= result.Text.Length; offset++)
        {
            var original = result.Map.ToOriginalOffset(offset);
            if (original < previous) return $"map not monotonic at {offset}";
            if (original > input.Length) return $"map past the input at {offset}";
            previous = original;
        }
        if (result.Map.ToOriginalOffset(result.Text.Length) != input.Length) return "end does not map to end";
        var whole = result.Map.ToOriginal(new TextSpan(0, result.Text.Length));
        if (whole != new TextSpan(0, input.Length)) return $"whole text maps to {whole}";
        if (result.Diagnostics.Length == 0 && input.Contains('`') && result.Map.ToOriginal(new TextSpan(0, 0)).Start != 0)
            return "offset 0 does not map to 0";
        return null;
    }

    private static string Escape(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
