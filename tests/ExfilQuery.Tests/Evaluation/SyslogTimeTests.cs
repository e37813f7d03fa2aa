using ExfilQuery.Evaluation;
using NUnit.Framework;

namespace ExfilQuery.Tests.Evaluation;

/// <summary>BSD syslog timestamps at the start of text lines (RFC 3164 section 4.1.2, "TIMESTAMP": <c>Mmm dd hh:mm:ss</c>,
/// English month abbreviation, day padded with a space; no year, no zone), read in a year the caller gives, UTC.</summary>
public class SyslogTimeTests
{
    [TestCase("May 27 09:28:31 ip-172-31-24-46 sshd[5476]: Invalid user x", 2022, "2022-05-27T09:28:31Z")]
    [TestCase("Jun  1 00:00:00 h cron: x", 2022, "2022-06-01T00:00:00Z")]
    [TestCase("Jun 01 23:59:59 h x", 2022, "2022-06-01T23:59:59Z")]
    [TestCase("Feb 29 12:00:00 h x", 2024, "2024-02-29T12:00:00Z")]
    [TestCase("Dec 31 23:59:59", 1999, "1999-12-31T23:59:59Z")]
    [TestCase("Feb 29 12:00:00 h x", 2023, null)]   // no such day that year
    [TestCase("may 27 09:28:31 h x", 2022, null)]   // month names are capitalised
    [TestCase("May 27 24:00:00 h x", 2022, null)]
    [TestCase("May 32 09:28:31 h x", 2022, null)]
    [TestCase("May 27 09:28:31.5 h x", 2022, null)]
    [TestCase(" May 27 09:28:31 h x", 2022, null)]  // only at the start of the line
    [TestCase("2022-05-27T09:28:31Z h x", 2022, null)]
    public void LeadingTimestamp(string line, int year, string? expected) =>
        Assert.That(EventReaders.SyslogTime(line, year)?.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(expected));

    [Test]
    public void TextFilesGetTheTimeOnlyWithAYear()
    {
        var path = Path.Combine(Path.GetTempPath(), "exfilq-syslog-" + Guid.NewGuid().ToString("N") + ".log");
        File.WriteAllText(path, "May 27 09:28:31 h sshd[1]: a\nno time here\n");
        try
        {
            Assert.That(EventReaders.ReadFile(path).Events.Select(e => e.Time), Is.EqualTo(new double?[] { null, null }));
            Assert.That(EventReaders.ReadFile(path, 2022).Events.Select(e => e.Time), Is.EqualTo(new double?[] { 1653643711, null }));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
