using ExfilQuery.Evaluation;
using ExfilQuery.Mapping;
using NUnit.Framework;
using static ExfilQuery.Tests.Evaluation.EvalTestSupport;

namespace ExfilQuery.Tests.Evaluation;

/// <summary>Add-on fields beyond the CIM datasets (Mapping/Data/addon_fields.json), given to raw events when
/// <see cref="EvaluationOptions.AddOnFields"/> is on. Source: the Splunk Add-on for Microsoft Windows 8.4.0
/// (Splunk_TA_windows, VERSION 8.4.0), default/props.conf stanza [source::XmlWinEventLog:Security]:
/// "REPORT-Logon_ID_from_xml = SubjectLogonId_as_Logon_ID" with default/transforms.conf
/// "[SubjectLogonId_as_Logon_ID] SOURCE_KEY = SubjectLogonId / REGEX = (.+) / FORMAT = Logon_ID::$1", and
/// "EVAL-user = case(..., EventCode IN (4703,4704,4705,4722,4723,4724,4725,4726,4738,4767), TargetUserName,
/// EventCode==4781, NewTargetUserName, 1==1, user)", "EVAL-src_user = case(EventCode IN (4703,...,4767,4781),
/// SubjectUserName, 1==1, src_user)" (ADDON-42191), as published in the add-on package (read from the public
/// copy at github.com/JohnnyMirza/confluent_splunk_demo, Splunk_TA_windows/default/).</summary>
public class AddOnFieldTests
{
    private const string Security = "XmlWinEventLog:Security";
    private static readonly EvaluationOptions AddOn = EvaluationOptions.Default with { AddOnFields = true };

    [Test]
    public void TheDataNamesTheAddOnFilesItWasReadFromAndEveryFieldIsDerived()
    {
        var mapping = AddOnFieldMapping.Default;
        Assert.That(mapping.Source, Does.Contain("Splunk_TA_windows) 8.4.0").And.Contain("SubjectLogonId_as_Logon_ID"));
        Assert.That(mapping.Sources, Is.Not.Empty);
        foreach (var source in mapping.Sources)
        {
            Assert.That(source.Match, Is.Not.Empty, $"{source.Name} selects its events");
            Assert.That(source.Fields.Values.All(f => f.IsDerived), Is.True, $"{source.Name}: every field is derived");
        }
    }

    /// <summary>REGEX = (.+) is unanchored and '.' stops at a line break: the first non-empty run of the value; an
    /// empty value gives no Logon_ID. Events of another source get none.</summary>
    [TestCase(Security, "0x6865d4", "0x6865d4")]
    [TestCase(Security, "0x3e7\n0x1", "0x3e7")]
    [TestCase(Security, "", null)]
    [TestCase("XmlWinEventLog:Microsoft-Windows-Sysmon/Operational", "0x3e7", null)]
    public void LogonIdIsSubjectLogonIdAsTheTransformExtractsIt(string source, string subjectLogonId, string? expected)
    {
        var events = new List<Event> { Raw(source, ("EventCode", "4662"), ("SubjectLogonId", subjectLogonId)) };
        var row = Run("EventCode=4662", events, AddOn).Rows.Single();
        Assert.That(row.Has("Logon_ID") ? row["Logon_ID"].AsString() : null, Is.EqualTo(expected));
        Assert.That(Run("EventCode=4662", events).Rows.Single().Has("Logon_ID"), Is.False, "off by default");
    }

    /// <summary>T1003.006 impacket windows-security-xml.log holds three 4662 events on the domain controller
    /// win-dc-root-17044-552.attackrange.local, each with its own SubjectLogonId (read from the log by hand).</summary>
    [Test]
    public void TheReplicationEventsGetTheirLogonIds()
    {
        var events = Dataset("T1003.006", "impacket");
        var result = Run("EventCode=4662 | stats count by SubjectUserName Logon_ID | sort SubjectUserName", events, AddOn);
        Assert.That(result.Rows.Select(r => r.ToString()), Is.EqualTo(new[]
        {
            "SubjectUserName=Administrator Logon_ID=0x677c2f count=1",
            "SubjectUserName=WIN-DC-ROOT-170$ Logon_ID=0x679137 count=1",
            "SubjectUserName=WIN-HOST-ROOT-1$ Logon_ID=0x6865d4 count=1",
        }));
    }

    /// <summary>T1134.005 mimikatz windows-security-xml.log: four 4738 events by ATTACKRANGE\Administrator change
    /// unpriv3 (twice), unpriv4 and unpriv5 (read from the log by hand). Only the EVAL for the event codes it lists
    /// is modelled; the 4742 events' user would come from the add-on's REPORT chain, which is not in the data.</summary>
    [Test]
    public void UserAccountChangesGetUserAndSrcUser()
    {
        var events = Dataset("T1134.005", "mimikatz");
        var result = Run("EventCode=4738 | stats count by user src_user Logon_ID | sort user", events, AddOn);
        Assert.That(result.Rows.Select(r => r.ToString()), Is.EqualTo(new[]
        {
            "user=unpriv3 src_user=Administrator Logon_ID=0x177304 count=2",
            "user=unpriv4 src_user=Administrator Logon_ID=0x177304 count=1",
            "user=unpriv5 src_user=Administrator Logon_ID=0x177304 count=1",
        }));
    }

    [Test]
    public void AnEventRenamingAnAccountNamesTheNewName()
    {
        var events = new List<Event> { Raw(Security, ("EventCode", "4781"), ("SubjectUserName", "admin"), ("OldTargetUserName", "a"), ("NewTargetUserName", "b")) };
        var row = Run("EventCode=4781", events, AddOn).Rows.Single();
        Assert.That((row["user"].AsString(), row["src_user"].AsString()), Is.EqualTo(("b", "admin")));
    }

    private static List<Event> Dataset(string technique, string tool)
    {
        var read = EventReaders.ReadFile(TestData.Shared("corpus", "attack_data", "datasets", "attack_techniques", technique, tool, "windows-security-xml.log"));
        Assert.That(read.Malformed, Is.Empty);
        return read.Events.Select(e => new Event(e) { Source = Security, SourceType = "XmlWinEventLog" }).ToList();
    }
}
