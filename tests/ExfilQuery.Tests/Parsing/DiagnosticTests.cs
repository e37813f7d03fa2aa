using ExfilQuery.Diagnostics;
using ExfilQuery.Syntax;
using ExfilQuery.Text;
using NUnit.Framework;

namespace ExfilQuery.Tests.Parsing;

/// <summary>Bad input gets a diagnostic with a stable code at the right place, never an exception.</summary>
public class DiagnosticTests
{
    private static Diagnostic FirstError(string spl, ParseOptions? options = null)
    {
        var result = Spl.Parse(spl, options);
        Assert.That(result.Ok, Is.False, "expected an error for: " + spl);
        return result.Diagnostics.First(d => d.IsError);
    }

    // (search, code, start offset, length)
    [TestCase("a=\"abc", "SPL0002", 2, 4)]
    [TestCase("a ```never closed", "SPL0003", 2, 3)]
    [TestCase("| eval x=1 ^ 2", "SPL0004", 11, 1)]
    [TestCase("", "SPL0006", 0, 0)]
    [TestCase("   ", "SPL0006", 0, 3)]
    [TestCase("a |", "SPL0001", 3, 0)]
    [TestCase("a | | b", "SPL0001", 4, 1)]
    [TestCase("| stats count by", "SPL0001", 16, 0)]
    [TestCase("| stats", "SPL0001", 7, 0)]
    [TestCase("a (b", "SPL0001", 4, 0)]
    [TestCase("a b)", "SPL0001", 3, 1)]
    [TestCase("| eval x=", "SPL0001", 9, 0)]
    [TestCase("| rex field=x", "SPL0020", 2, 11)]
    [TestCase("| join type=left x", "SPL0001", 18, 0)]
    [TestCase("| from read_ssa_enriched_events() | eval x=1", "SPL0010", 0, 32)]
    [TestCase("{\"selection1\": {\"a\": 1}, \"condition\": \"selection1\"}", "SPL0011", 0, 51)]
    [TestCase("`undefined_macro_x`", "SPL0100", 0, 19)]
    [TestCase("a `never_closed", "SPL0007", 2, 13)]
    public void ReportsCodeAtSpan(string spl, string code, int start, int length)
    {
        var d = FirstError(spl);
        Assert.That((d.Code, d.Span), Is.EqualTo((code, new TextSpan(start, length))), d.Message);
    }

    [Test]
    public void UnterminatedMacroIsReportedOnce()
    {
        var result = Spl.Parse("a `never_closed");
        Assert.That(result.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "SPL0007" }));
    }

    // Messages name what was found and, when the choice is small, what was expected.
    [TestCase("| stats count by", "Unexpected end of the search; expected a word or a quoted string.")]
    [TestCase("a | | b", "Unexpected '|'; expected a command.")]
    [TestCase("a |", "Unexpected end of the search; expected a command.")]
    [TestCase("a (b", "Unexpected end of the search; expected ')'.")]
    [TestCase("a b)", "Unexpected ')'.")]
    [TestCase("| eval x=1 y=2", "Unexpected 'y'.")]
    public void SyntaxErrorMessageNamesWhatWasFoundAndExpected(string spl, string message) =>
        Assert.That(FirstError(spl).Message, Is.EqualTo(message));

    [Test]
    public void NestingDeeperThanTheLimitIsADiagnostic()
    {
        var spl = new string('(', 5000) + "a" + new string(')', 5000);
        var d = FirstError(spl);
        Assert.That(d.Code, Is.EqualTo("SPL0005"));
        Assert.That(d.Span.Start, Is.EqualTo(200), "reported at the first parenthesis past the limit");
    }

    [Test]
    public void ErrorInsideAMacroPointsAtTheMacroCall()
    {
        // The macro body has an unterminated string; the user wrote `bad`, so the diagnostic points there.
        var library = Macros.MacroLibrary.FromDefinitions([new Macros.MacroDefinition("bad", [], "x=\"unclosed", "test")]);
        var result = Spl.Parse("index=main `bad` | stats count", ParseOptions.Default.WithMacros(library));
        var error = result.Diagnostics.Single(d => d.Code == "SPL0002");
        // The string starts inside the macro and runs to the end of the text: the span starts at the macro call.
        Assert.That(error.Span, Is.EqualTo(TextSpan.FromBounds(11, 30)), "from `bad` in the text the user wrote to the end");
        Assert.That(result.Source.GetLinePosition(error.Span.Start), Is.EqualTo(new LinePosition(1, 12)));
    }

    [Test]
    public void UndefinedMacroStaysInTheTreeAsAMacroNode()
    {
        var result = Spl.Parse("a `nope` | `nope2(x)` | stats count");
        Assert.That(result.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "SPL0100", "SPL0100" }));
        Assert.That(result.Pipeline.Commands[1], Is.InstanceOf<MacroCommand>());
        Assert.That(Sexpr.Of(((SearchCommand)result.Pipeline.Commands[0]).Expression!), Is.EqualTo("(and a `nope`)"));
    }

    [Test]
    public void ErrorsStillReturnATreeOfWhatCouldBeRead()
    {
        var result = Spl.Parse("index=x | stats count by | eval y=1");
        Assert.That(result.Ok, Is.False);
        Assert.That(result.Pipeline.Commands.Select(c => c.Name), Is.EqualTo(new[] { "search", "stats", "eval" }));
    }

    [Test]
    public void LineAndColumnAreComputedForDisplay()
    {
        var result = Spl.Parse("index=x\n| stats count\n| eval y=\"open");
        var d = result.Diagnostics.Single(x => x.IsError);
        Assert.That(result.Source.GetLinePosition(d.Span.Start), Is.EqualTo(new LinePosition(3, 10)));
    }
}
