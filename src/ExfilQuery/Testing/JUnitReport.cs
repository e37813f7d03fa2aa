using System.Globalization;
using System.Text;
using System.Xml;

namespace ExfilQuery.Testing;

/// <summary>Writes fixture outcomes as JUnit XML, the format CI servers read: one <c>&lt;testsuite&gt;</c> with one
/// <c>&lt;testcase&gt;</c> per fixture; a failed fixture has a <c>&lt;failure&gt;</c>, a pending one a
/// <c>&lt;skipped&gt;</c> with its reason.</summary>
/// <remarks>Element and attribute names follow the JUnit XML schema that Jenkins, GitLab and GitHub reporters read
/// (testsuites/testsuite/testcase with tests, failures, errors, skipped, time; failure and skipped with message).</remarks>
public static class JUnitReport
{
    /// <summary>The XML text (UTF-8 declaration, two-space indentation, <c>\n</c> line breaks). Times are in
    /// seconds; pass <paramref name="includeTimes"/> false for output that does not depend on the machine.</summary>
    public static string Write(IReadOnlyList<FixtureOutcome> outcomes, string suiteName, bool includeTimes = true)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        ArgumentNullException.ThrowIfNull(suiteName);
        var settings = new XmlWriterSettings { Indent = true, IndentChars = "  ", NewLineChars = "\n", Encoding = new UTF8Encoding(false) };
        using var stream = new MemoryStream();
        using (var xml = XmlWriter.Create(stream, settings))
        {
            var failures = outcomes.Count(o => o.Status == FixtureStatus.Failed).ToString(CultureInfo.InvariantCulture);
            var skipped = outcomes.Count(o => o.Status == FixtureStatus.Pending).ToString(CultureInfo.InvariantCulture);
            var tests = outcomes.Count.ToString(CultureInfo.InvariantCulture);
            var total = Seconds(outcomes.Aggregate(TimeSpan.Zero, (t, o) => t + o.Elapsed));
            xml.WriteStartDocument();
            xml.WriteStartElement("testsuites");
            Counts(xml, suiteName, tests, failures, skipped, includeTimes ? total : null);
            xml.WriteStartElement("testsuite");
            Counts(xml, suiteName, tests, failures, skipped, includeTimes ? total : null);
            foreach (var o in outcomes)
            {
                xml.WriteStartElement("testcase");
                xml.WriteAttributeString("name", o.Fixture.Name);
                xml.WriteAttributeString("classname", suiteName);
                if (includeTimes) xml.WriteAttributeString("time", Seconds(o.Elapsed));
                switch (o.Status)
                {
                    case FixtureStatus.Failed:
                        xml.WriteStartElement("failure");
                        xml.WriteAttributeString("message", o.Failures.FirstOrDefault() ?? "failed");
                        xml.WriteString(string.Join("\n", o.Failures));
                        xml.WriteEndElement();
                        break;
                    case FixtureStatus.Pending:
                        xml.WriteStartElement("skipped");
                        xml.WriteAttributeString("message", o.PendingReason ?? "pending");
                        xml.WriteEndElement();
                        break;
                }
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void Counts(XmlWriter xml, string name, string tests, string failures, string skipped, string? time)
    {
        xml.WriteAttributeString("name", name);
        xml.WriteAttributeString("tests", tests);
        xml.WriteAttributeString("failures", failures);
        xml.WriteAttributeString("errors", "0");
        xml.WriteAttributeString("skipped", skipped);
        if (time is not null) xml.WriteAttributeString("time", time);
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
}
