using ExfilQuery.Macros;
using ExfilQuery.Text;
using NUnit.Framework;

namespace ExfilQuery.Tests.SplMacros;

/// <summary>Mapping spans in expanded text back to the text the user wrote.</summary>
[TestFixture]
public sealed class SourceMapTests
{
    private static readonly MacroLibrary s_library = MacroTestSupport.Library(
        ("long", [], "0123456789"),
        ("outer", [], "<`long`>"),
        ("empty", [], ""),
        ("one", ["x"], "($x$)"));

    // "ab `long` cd": the call is [3..9), its expansion [3..13) in "ab 0123456789 cd".
    [TestCase(0, 0, TestName = "SourceMap: offset before the call")]
    [TestCase(2, 2, TestName = "SourceMap: offset just before the call")]
    [TestCase(3, 3, TestName = "SourceMap: first expanded character maps to the call start")]
    [TestCase(8, 3, TestName = "SourceMap: inside the expansion maps to the call start")]
    [TestCase(12, 3, TestName = "SourceMap: last expanded character maps to the call start")]
    [TestCase(13, 9, TestName = "SourceMap: just after the expansion maps just after the call")]
    [TestCase(15, 11, TestName = "SourceMap: offset after the call is shifted")]
    [TestCase(16, 12, TestName = "SourceMap: end of text maps to end of text")]
    [TestCase(99, 12, TestName = "SourceMap: offsets past the end are clamped")]
    [TestCase(-5, 0, TestName = "SourceMap: negative offsets are clamped")]
    public void MapsOffsets(int expanded, int original)
    {
        var result = MacroExpander.Expand("ab `long` cd", s_library);
        Assert.That(result.Text, Is.EqualTo("ab 0123456789 cd"));
        Assert.That(result.Map.ToOriginalOffset(expanded), Is.EqualTo(original));
    }

    private static readonly object[] s_spans =
    [
        new object[] { 0, 2, 0, 2 },     // "ab" untouched
        new object[] { 14, 2, 10, 2 },   // "cd" shifted by -4
        new object[] { 5, 3, 3, 6 },     // inside the expansion -> the whole call
        new object[] { 3, 10, 3, 6 },    // exactly the expansion -> the whole call
        new object[] { 0, 5, 0, 9 },     // from untouched text into the expansion -> widened to the call end
        new object[] { 8, 8, 3, 9 },     // from inside the expansion to the end -> from the call start
        new object[] { 7, 0, 3, 6 },     // empty span inside the expansion -> the call
        new object[] { 14, 0, 10, 0 },   // empty span in untouched text
    ];

    [TestCaseSource(nameof(s_spans))]
    public void MapsSpans(int start, int length, int originalStart, int originalLength)
    {
        var result = MacroExpander.Expand("ab `long` cd", s_library);
        Assert.That(result.Map.ToOriginal(new TextSpan(start, length)), Is.EqualTo(new TextSpan(originalStart, originalLength)));
    }

    [Test]
    public void NestedMacrosMapToTheOutermostCall()
    {
        var result = MacroExpander.Expand("x `outer` y `one(z)`", s_library);

        Assert.That(result.Text, Is.EqualTo("x <0123456789> y (z)"));
        // "0123456789" came from `long`, called inside `outer`: it maps to `outer` as the user wrote it.
        Assert.That(result.Map.ToOriginal(new TextSpan(4, 3)), Is.EqualTo(new TextSpan(2, 7)));
        Assert.That(result.Map.ToOriginalOffset(13), Is.EqualTo(2));
        // " y " is untouched; "(z)" is the expansion of `one(z)` at [12..20).
        Assert.That(result.Map.ToOriginal(new TextSpan(14, 3)), Is.EqualTo(new TextSpan(9, 3)));
        Assert.That(result.Map.ToOriginal(new TextSpan(18, 1)), Is.EqualTo(new TextSpan(12, 8)));
    }

    [Test]
    public void EmptyExpansionsShiftTheTextAfterThem()
    {
        var result = MacroExpander.Expand("a`empty``long`b`empty`", s_library);

        Assert.That(result.Text, Is.EqualTo("a0123456789b"));
        Assert.That(result.Map.ToOriginalOffset(0), Is.EqualTo(0));
        Assert.That(result.Map.ToOriginalOffset(1), Is.EqualTo(8), "the first character of `long`'s expansion");
        Assert.That(result.Map.ToOriginal(new TextSpan(1, 1)), Is.EqualTo(TextSpan.FromBounds(8, 14)));
        Assert.That(result.Map.ToOriginalOffset(11), Is.EqualTo(14), "'b' after both calls");
        Assert.That(result.Map.ToOriginalOffset(12), Is.EqualTo(22), "the end, after the last empty expansion");
        Assert.That(result.Map.ToOriginal(new TextSpan(0, 1)), Is.EqualTo(new TextSpan(0, 1)));
    }

    [Test]
    public void CallsKeptAsWrittenMapExactly()
    {
        var result = MacroExpander.Expand("`long` `nope` `long`", s_library);

        Assert.That(result.Text, Is.EqualTo("0123456789 `nope` 0123456789"));
        Assert.That(result.Map.ToOriginal(new TextSpan(11, 6)), Is.EqualTo(new TextSpan(7, 6)));
        Assert.That(result.Map.ToOriginal(new TextSpan(18, 10)), Is.EqualTo(new TextSpan(14, 6)));
    }

    [Test]
    public void IdentityMapsEveryOffsetToItself()
    {
        var map = SourceMap.Identity(10);
        Assert.That(map.ToOriginalOffset(7), Is.EqualTo(7));
        Assert.That(map.ToOriginal(new TextSpan(2, 5)), Is.EqualTo(new TextSpan(2, 5)));
        Assert.That(map.ToOriginalOffset(11), Is.EqualTo(10));
    }
}
