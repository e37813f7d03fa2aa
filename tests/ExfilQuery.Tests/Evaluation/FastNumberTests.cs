using System.Text;
using ExfilQuery.Evaluation;
using NUnit.Framework;

namespace ExfilQuery.Tests.Evaluation;

/// <summary>The fast decimal reader gives bit for bit the double of FieldValue.TryParseNumber, or leaves the text to it.</summary>
public class FastNumberTests
{
    [TestCase("0")]
    [TestCase("-0")]
    [TestCase("-0.0")]
    [TestCase("7")]
    [TestCase("007")]
    [TestCase("1793491200.087")]
    [TestCase("0.1")]
    [TestCase("0.3")]
    [TestCase("123456789012345")]
    [TestCase("-99999.99999")]
    [TestCase("9007199254.74099")]
    [TestCase("0.00000000000001")]
    public void ReadsPlainDecimalsExactly(string text)
    {
        Assert.That(FieldValue.TryParseNumber(text, out var expected), Is.True);
        Assert.That(FastNumber.TryParse(text.AsSpan(), out var chars), Is.True);
        Assert.That(FastNumber.TryParse(Encoding.UTF8.GetBytes(text).AsSpan(), out var bytes), Is.True);
        Assert.That(BitConverter.DoubleToInt64Bits(chars), Is.EqualTo(BitConverter.DoubleToInt64Bits(expected)), text);
        Assert.That(BitConverter.DoubleToInt64Bits(bytes), Is.EqualTo(BitConverter.DoubleToInt64Bits(expected)), text);
    }

    [TestCase("")]
    [TestCase("-")]
    [TestCase("+1")]
    [TestCase("1.")]
    [TestCase(".5")]
    [TestCase("1e3")]
    [TestCase("1.2.3")]
    [TestCase("1234567890123456")]
    [TestCase("9007199254.740993")]
    [TestCase("0.000000000000001")]
    [TestCase(" 1")]
    [TestCase("0x10")]
    [TestCase("NaN")]
    [TestCase("12a")]
    public void LeavesEverythingElseToTheGeneralParser(string text)
    {
        Assert.That(FastNumber.TryParse(text.AsSpan(), out _), Is.False, text);
    }

    [Test]
    public void AgreesWithTheGeneralParserOnRandomDecimals()
    {
        var random = new Random(20261122);
        for (var i = 0; i < 20000; i++)
        {
            var digits = random.Next(1, 16);
            var point = random.Next(0, digits);
            var text = new StringBuilder(random.Next(2) == 0 ? "-" : "");
            for (var d = 0; d < digits; d++)
            {
                if (d == point && d > 0) text.Append('.');
                text.Append((char)('0' + random.Next(10)));
            }
            var s = text.ToString();
            Assert.That(FieldValue.TryParseNumber(s, out var expected), Is.True, s);
            if (!FastNumber.TryParse(s.AsSpan(), out var actual)) continue;
            Assert.That(BitConverter.DoubleToInt64Bits(actual), Is.EqualTo(BitConverter.DoubleToInt64Bits(expected)), s);
        }
    }
}

/// <summary>The streaming diagnostics use their own range (EVL0040-EVL0049) and each has a section in docs/DIAGNOSTICS.md.</summary>
public class StreamingDiagnosticsCatalogTests
{
    [Test]
    public void EveryStreamingCodeIsInItsRangeAndDocumented()
    {
        var codes = StreamingDiagnostics.All.Select(d => d.Code).ToList();
        Assert.That(codes, Is.Unique.And.Count.EqualTo(2));
        Assert.That(codes, Has.All.Matches(@"^EVL004\d$"));
        var doc = File.ReadAllText(TestData.Repo("docs", "DIAGNOSTICS.md"));
        foreach (var code in codes) Assert.That(doc, Does.Contain("\n## " + code + "\n"), code);
        Assert.That(StreamingDiagnostics.LinesSkipped("f", 3, "p").Severity, Is.EqualTo(ExfilQuery.Diagnostics.DiagnosticSeverity.Info));
    }
}
