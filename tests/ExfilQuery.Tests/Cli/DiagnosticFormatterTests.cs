using ExfilQuery.Cli;
using ExfilQuery.Diagnostics;
using ExfilQuery.Text;
using NUnit.Framework;

namespace ExfilQuery.Tests.Cli;

[TestFixture]
public sealed class DiagnosticFormatterTests
{
    private static string Format(string text, int start, int length, string message = "message", string code = "SPL0001",
        DiagnosticSeverity severity = DiagnosticSeverity.Error) =>
        DiagnosticFormatter.Format(new Diagnostic(code, severity, message, new TextSpan(start, length)), new SourceText(text));

    [Test]
    public void SpanOnOneLine()
    {
        Assert.That(Format("index=x | stats count by", 16, 5, "Bad 'count'."), Is.EqualTo(
            "error SPL0001 at 1:17: Bad 'count'.\n" +
            "index=x | stats count by\n" +
            "                ^~~~~\n"));
    }

    [Test]
    public void OneCharacterSpanHasNoTilde()
    {
        Assert.That(Format("a | b", 2, 1), Is.EqualTo(
            "error SPL0001 at 1:3: message\n" +
            "a | b\n" +
            "  ^\n"));
    }

    [Test]
    public void ZeroLengthSpanAtEndOfText()
    {
        Assert.That(Format("index=x | stats count by", 24, 0, "Unexpected end."), Is.EqualTo(
            "error SPL0001 at 1:25: Unexpected end.\n" +
            "index=x | stats count by\n" +
            "                        ^\n"));
    }

    [Test]
    public void SpanOnSecondLineOfMultiLineSearch()
    {
        const string text = "index=main\n| eval x=\"abc\n| stats count";
        Assert.That(Format(text, 20, 4, "No closing quote.", "SPL0002"), Is.EqualTo(
            "error SPL0002 at 2:10: No closing quote.\n" +
            "| eval x=\"abc\n" +
            "         ^~~~\n"));
    }

    [Test]
    public void CrLfLineBreaksAreNotPrinted()
    {
        const string text = "index=main\r\n| stats count by\r\n| head 5";
        Assert.That(Format(text, 12, 5, "Here."), Is.EqualTo(
            "error SPL0001 at 2:1: Here.\n" +
            "| stats count by\n" +
            "^~~~~\n"));
    }

    [Test]
    public void SpanRunningOntoTheNextLineIsUnderlinedToTheEndOfItsFirstLine()
    {
        const string text = "index=x \"abc\ndef\"";
        Assert.That(Format(text, 8, 9), Is.EqualTo(
            "error SPL0001 at 1:9: message\n" +
            "index=x \"abc\n" +
            "        ^~~~\n"));
    }

    [Test]
    public void TabsAreCopiedIntoTheCaretLine()
    {
        const string text = "index=x\n\t| eval\ty=\"abc";
        Assert.That(Format(text, 18, 4, "No closing quote.", "SPL0002"), Is.EqualTo(
            "error SPL0002 at 2:11: No closing quote.\n" +
            "\t| eval\ty=\"abc\n" +
            "\t      \t  ^~~~\n"));
    }

    [Test]
    public void ZeroLengthSpanAtEndOfMultiLineText()
    {
        const string text = "index=x\n| stats count by\n";
        Assert.That(Format(text, text.Length, 0, "Unexpected end."), Is.EqualTo(
            "error SPL0001 at 3:1: Unexpected end.\n" +
            "\n" +
            "^\n"));
    }

    [Test]
    public void EmptyText()
    {
        Assert.That(Format(string.Empty, 0, 0, "The search is empty.", "SPL0006"), Is.EqualTo(
            "error SPL0006 at 1:1: The search is empty.\n" +
            "\n" +
            "^\n"));
    }

    [Test]
    public void InfoAndWarningPrefixes()
    {
        Assert.That(Format("`x`", 0, 3, "Built-in.", "SPL0104", DiagnosticSeverity.Info), Is.EqualTo(
            "info SPL0104 at 1:1: Built-in.\n" +
            "`x`\n" +
            "^~~\n"));
        Assert.That(Format("a b", 2, 1, "Careful.", "SPL0021", DiagnosticSeverity.Warning), Does.StartWith("warning SPL0021 at 1:3: Careful.\n"));
    }

    [Test]
    public void LineBreaksInMessagesAreEscaped()
    {
        Assert.That(Format("a", 0, 1, "mismatched input '\n' expecting\r\nX"), Does.StartWith(
            "error SPL0001 at 1:1: mismatched input '\\n' expecting\\r\\nX\n"));
    }

    [Test]
    public void SpanPastTheEndIsClamped()
    {
        Assert.That(Format("abc", 2, 10), Is.EqualTo(
            "error SPL0001 at 1:3: message\n" +
            "abc\n" +
            "  ^\n"));
    }

    [Test]
    public void FormatsParseResultDiagnosticsInOrder()
    {
        var result = Spl.Parse("index=main\n| eval x=\"abc");
        var text = DiagnosticFormatter.Format(result);
        Assert.That(result.Ok, Is.False);
        var expected = string.Concat(result.Diagnostics.Select(d => DiagnosticFormatter.Format(d, result.Source)));
        Assert.That(text, Is.EqualTo(expected));
        Assert.That(text, Does.Contain("error SPL0002 at 2:10: "));
        Assert.That(text, Does.Contain("\n| eval x=\"abc\n         ^~~~\n"));
    }

    [Test]
    public void LongLinesAreCutToAWindowAroundTheCaret()
    {
        var line = new string('a', 200) + "BAD" + new string('b', 200);
        var (text, column) = DiagnosticFormatter.Window(line, 201);
        Assert.That(text, Is.EqualTo("..." + new string('a', 40) + "BAD" + new string('b', 77) + "..."));
        Assert.That(text[column - 1], Is.EqualTo('B'));
        Assert.That(DiagnosticFormatter.Window("short", 3), Is.EqualTo(("short", 3)));
        var (start, startColumn) = DiagnosticFormatter.Window(line, 1);
        Assert.That((start.Length, startColumn, start.EndsWith("...", StringComparison.Ordinal)), Is.EqualTo((123, 1, true)));
    }
}
