using System.Text.Json;
using ExfilQuery.Evaluation;
using ExfilQuery.Ir;
using NUnit.Framework;

namespace ExfilQuery.Tests.Evaluation;

/// <summary>Every detection listed in ../shared/corpus/attack_data/MANIFEST.json, run by the evaluator over its
/// attack dataset as Splunk's own test tool runs it: the dataset replayed with the source and sourcetype its test
/// names (and the add-ons' search-time CIM fields on raw events, as the tool's Splunk has the add-ons installed), the search (security_content macros expanded) passes when it returns at least one result
/// (contentctl "True Positive Test"). A detection that cannot honestly return a result here is in
/// <see cref="Blocked"/> with the reason; the test fails when a blocked one starts passing or a passing one stops.</summary>
public class AttackDataManifestTests
{
    /// <summary>Detections that cannot fire here, and why. Nothing is faked to make them fire.</summary>
    private static readonly Dictionary<string, string> Blocked = new(StringComparer.Ordinal)
    {
        ["detect_certipy_file_modifications.yml"] =
            "The dataset's certipy file-create events (Sysmon 11 by certipy.exe: ProcessGuid {78198d03-3bcf-...}, {78198d03-3ba4-...} "
            + "and {78198d03-3b4d-...}) have no process-create event (Sysmon 1) with the same ProcessGuid: the four certipy.exe starts "
            + "are {78198d03-3bce-...}, {78198d03-3ba3-...}, {78198d03-3b4c-...} and {78198d03-37dd-...}, so 'join max=0 dest "
            + "process_guid' (an inner join) is empty; Splunk's join gives no rows on this data either "
            + "(CertipyJoinKeysAreDisjoint runs both halves).",
        ["log4shell_cve_2021_44228_exploitation.yml"] =
            "Reads the Risk data model (Risk.All_Risk, Splunk Enterprise Security's risk index); it is not in the CIM catalogue or the "
            + "CIM source mapping, and the dataset is risk-index 'stash' events (EVL0010). The model's definition in the Enterprise "
            + "Security version the search was written for (calculated_risk_score, the annotations.mitre_attack.* fields) is not in the "
            + "stored material: the only Risk.json found (github.com/apger/SA-RBA default/data/models/Risk.json) has neither field. The "
            + "search also groups by All_Risk.annotations.mitre_attack.mitre_tactic, and none of the 698 events has a tactic field (they "
            + "carry annotations.mitre_attack = T1059, T1105 or T1190 only), so any tactic would come from an ES enrichment that is not "
            + "available either.",
        ["windows_ad_replication_request_initiated_from_unsanctioned_location.yml"] =
            "Groups by Logon_ID and status. Logon_ID is the add-on's (addon_fields.json: Splunk_TA_windows 8.4.0 "
            + "REPORT-Logon_ID_from_xml = SubjectLogonId_as_Logon_ID), but status is not: for source XmlWinEventLog:Security the "
            + "add-on sets it only through lookups (LOOKUP-action_for_windows_xmlsecurity_input = xmlsecurity_eventcode_errorcode_action_lookup "
            + "EventCode, Error_Code OUTPUTNEW action, action as status; LOOKUP-action_for_windows00_security = "
            + "windows_wineventlog_change_action_lookup EventCode OUTPUTNEW action, status; windows_action_lookup Type / Type AS Keywords "
            + "OUTPUTNEW action, action AS status), and the 8.4.0 CSV files behind them (xmlsecurity_eventcode_errorcode_action.csv, "
            + "windows_wineventlog_change_action.csv, windows_actions.csv) are not in the stored material, so whether a 4662 event "
            + "(Error_Code '-', Keywords 0x8020000000000000) gets a status could not be checked; stats drops events without it. "
            + "The one windows_actions.csv found (a copy in another app, github.com/cssxn/splunk_app_sec_orchestration "
            + "lookups/windows_actions.csv) maps text Type values only (Audit Success, success, ...) to action, not a hex "
            + "Keywords value, and which version Splunk_TA_windows 8.4.0 ships is not known. "
            + "The dataset also has no 4624 event for map to find.",
        ["windows_ad_same_domain_sid_history_addition.yml"] =
            "Every SidHistory value in the dataset starts with a line break and tabs ('\\n\\t\\t%{S-1-5-21-...}'); the rex "
            + "'(^%{|^)(?P<SidHistoryMatch>.*)(\\-|\\\\)' is anchored at the start and '.' stops at the line break, so "
            + "SidHistoryMatch is never set and the where clause keeps nothing. Splunk keeps that whitespace too: Splunk_TA_windows "
            + "8.4.0 transforms.conf [eventdata_xml_data] extracts Data values with REGEX = <(?:\\w+)\\sName='([^>]*)'\\/?>([^<]*)(?:<\\/\\1>)?, "
            + "whose value group ([^<]*) skips no leading whitespace, and the add-on's [XmlWinEventLog] and "
            + "[source::XmlWinEventLog:Security] stanzas (read in full) have no other extraction of SidHistory.",
    };

    private static readonly string[] Detections =
    [
        "detect_certify_with_powershell_script_block_logging.yml",
        "detect_certipy_file_modifications.yml",
        "detect_webshell_exploit_behavior.yml",
        "disabling_windows_local_security_authority_defences_via_registry.yml",
        "log4shell_cve_2021_44228_exploitation.yml",
        "pingid_mismatch_auth_source_and_verification_response.yml",
        "pingid_multiple_failed_mfa_requests_for_user.yml",
        "potential_password_in_username.yml",
        "windows_ad_replication_request_initiated_from_unsanctioned_location.yml",
        "windows_ad_same_domain_sid_history_addition.yml",
        "windows_indirect_command_execution_via_pcalua.yml",
        "windows_steal_authentication_certificates___esc1_abuse.yml",
        "windows_steal_authentication_certificates___esc1_authentication.yml",
    ];

    private sealed record Case(string File, string Search, string DataPath, string Source, string SourceType);

    private static Case Load(string file)
    {
        foreach (var line in System.IO.File.ReadLines(TestData.Shared("corpus", "splunk", "detections.public.jsonl")))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (!root.GetProperty("file").GetString()!.EndsWith("/" + file, StringComparison.Ordinal)) continue;
            var test = root.GetProperty("tests")[0];
            var url = test.GetProperty("data").GetString()!;
            var data = url[(url.IndexOf("/master/", StringComparison.Ordinal) + "/master/".Length)..];
            return new Case(file, root.GetProperty("search").GetString()!, data, test.GetProperty("source").GetString()!, test.GetProperty("sourcetype").GetString()!);
        }
        throw new InvalidOperationException("detection not found: " + file);
    }

    /// <summary>The host a replayed event gets when its data names none. Splunk gives every event a host: the test
    /// tool replays a dataset without naming one unless its test does, and then the input's default host (the
    /// replaying Splunk server's name, which is not known here) is used. Only the linux_secure lines (plain text) have
    /// no host of their own; both of them get the same one, as they would in Splunk, and the search compares them
    /// with each other only.</summary>
    private const string ReplayHost = "replay-host";

    /// <summary>The dataset's events with the source and sourcetype the test replays them with. Text lines get the
    /// time of their leading syslog timestamp in the year the dataset was recorded (MANIFEST commit_date: the
    /// linux_secure lines are dated May 27 and were committed on 2022-05-27), as Splunk's timestamp recognition
    /// fills in the year of the time it indexes them.</summary>
    private static List<Event> Events(Case c)
    {
        var read = EventReaders.ReadFile(TestData.Shared("corpus", "attack_data", c.DataPath), RecordedYear(c.DataPath));
        Assert.That(read.Malformed, Is.Empty, "the dataset reads without malformed lines");
        return read.Events.Select(e =>
        {
            var copy = new Event(e) { Source = c.Source, SourceType = c.SourceType };
            if (copy.Host is null) copy.Host = ReplayHost;
            return copy;
        }).ToList();
    }

    private static int RecordedYear(string dataPath)
    {
        using var doc = JsonDocument.Parse(System.IO.File.ReadAllText(TestData.Shared("corpus", "attack_data", "MANIFEST.json")));
        var entry = doc.RootElement.EnumerateArray().Single(e => e.GetProperty("path").GetString() == dataPath);
        return int.Parse(entry.GetProperty("commit_date").GetString()![..4], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static EvaluationResult Run(Case c)
    {
        var events = Events(c);
        var parse = Spl.Parse(c.Search, TestData.WithSplunkMacros);
        var lowered = Lowering.Lower(parse);
        Assert.That(parse.Diagnostics.Where(d => d.IsError), Is.Empty, "the detection parses");
        var now = DateTimeOffset.UnixEpoch.AddSeconds(events.Max(e => e.Time ?? 0) + 1);
        return DetectionEvaluator.Evaluate(lowered.Detection, events, EvaluationOptions.Default with { Now = now, Macros = TestData.SplunkMacros, AddOnFields = true, IpLocations = IpLocations.Value });
    }

    /// <summary>iplocation's table: a subset of DB-IP's IP to Country Lite (CC BY 4.0) for the addresses of the PingID
    /// dataset (fixtures/geoip/README.md says what it is and how it differs from Splunk's GeoLite2).</summary>
    private static readonly Lazy<IpLocationTable> IpLocations = new(() =>
    {
        using var reader = new StreamReader(TestData.Repo("fixtures", "geoip", "dbip_country_lite_pingid.csv"));
        return IpLocationTable.ReadCsv(reader, out var error) ?? throw new InvalidOperationException(error);
    });

    [Test]
    public void TheListMatchesTheManifest()
    {
        using var doc = JsonDocument.Parse(System.IO.File.ReadAllText(TestData.Shared("corpus", "attack_data", "MANIFEST.json")));
        var listed = doc.RootElement.EnumerateArray()
            .SelectMany(e => e.GetProperty("detections").EnumerateArray().Select(d => d[0].GetString()!))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.That(listed, Is.EqualTo(Detections.Order(StringComparer.Ordinal).ToList()));
        Assert.That(Blocked.Keys, Is.SubsetOf(Detections));
    }

    [TestCaseSource(nameof(Detections))]
    public void DetectionFiresOnItsDataset(string file)
    {
        var c = Load(file);
        var result = Run(c);
        var report = $"{result.Rows.Length} rows; diagnostics: {string.Join(" | ", result.Diagnostics)}\n" + string.Join("\n", result.Rows.Take(5));
        TestContext.Out.WriteLine(report);
        if (Blocked.TryGetValue(file, out var reason))
        {
            Assert.That(result.Rows, Is.Empty, $"blocked ({reason}) but it now returns rows: move it out of the blocked list.\n{report}");
            return;
        }
        Assert.That(result.Rows, Is.Not.Empty, report);
        Assert.That(result.Diagnostics.Where(d => d.IsError), Is.Empty, report);
    }

    // ------------------------------------------------------------------ rows checked by hand against the logs

    private static List<string> Rows(EvaluationResult result, params string[] fields) =>
        result.Rows.Select(r => string.Join(" | ", fields.Select(f => string.Join(";", r[f].Values)))).Order(StringComparer.Ordinal).ToList();

    /// <summary>T1202 windows-sysmon.log: cmd.exe /c "pcalua.exe -a calc.exe &amp; pcalua.exe -a C:\Windows\System32\calc.exe"
    /// started pcalua.exe twice (ProcessId 4852 and 4888, parent 3492) and each started calc.exe (2112, 4116) on
    /// win-dc-emcginnis-47905-664.attackrange.local as ATTACKRANGE\Administrator. The search keeps events whose
    /// parent command line is "*pcalua* -a*": the two cmd.exe-launched pcalua.exe (their parent is cmd.exe, whose
    /// command line holds "pcalua.exe -a") and the two calc.exe.</summary>
    [Test]
    public void PcaluaReturnsThePcaluaLaunchesAndTheirChildren()
    {
        var result = Run(Load("windows_indirect_command_execution_via_pcalua.yml"));
        Assert.That(Rows(result, "dest", "user", "process_name", "process_id", "parent_process_id", "process"), Is.EqualTo(new[]
        {
            @"win-dc-emcginnis-47905-664.attackrange.local | ATTACKRANGE\Administrator | calc.exe | 2112 | 4852 | ""C:\Windows\System32\calc.exe"" ",
            @"win-dc-emcginnis-47905-664.attackrange.local | ATTACKRANGE\Administrator | calc.exe | 4116 | 4888 | ""C:\Windows\System32\calc.exe"" ",
            @"win-dc-emcginnis-47905-664.attackrange.local | ATTACKRANGE\Administrator | pcalua.exe | 4852 | 3492 | pcalua.exe  -a calc.exe ",
            @"win-dc-emcginnis-47905-664.attackrange.local | ATTACKRANGE\Administrator | pcalua.exe | 4888 | 3492 | pcalua.exe  -a C:\Windows\System32\calc.exe",
        }));
    }

    /// <summary>T1505.003 generic_webshell_exploit.log: three Sysmon 1 events on victim.attack.range as
    /// NT AUTHORITY\SYSTEM: tomcat6.exe → cmd.exe, tomcat9.exe → tasklist -v, w3wp.exe → net localgroup ... /add.</summary>
    [Test]
    public void WebshellReturnsTheThreeServerSpawnedShells()
    {
        var result = Run(Load("detect_webshell_exploit_behavior.yml"));
        Assert.That(Rows(result, "dest", "user", "parent_process_name", "process_name", "process", "count"), Is.EqualTo(new[]
        {
            @"victim.attack.range | NT AUTHORITY\SYSTEM | tomcat6.exe | cmd.exe | cmd.exe | 1",
            @"victim.attack.range | NT AUTHORITY\SYSTEM | tomcat9.exe | tasklist.exe | tasklist -v | 1",
            @"victim.attack.range | NT AUTHORITY\SYSTEM | w3wp.exe | net.exe | ""net"" localgroup ""ADMINISTRATORS"" ""BACKDOOR_1"" /add | 1",
        }));
    }

    /// <summary>T1556 windows-sysmon.log: one Sysmon 12 event, EventType DeleteValue on
    /// HKLM\System\CurrentControlSet\Control\Lsa\RunAsPPL by reg.exe ({58A7821C-6432-6304-C100-000000007802}) on
    /// win-host-root-17044-47.attackrange.local. The event has no User (Sysmon schema 4.x adds it), so tstats'
    /// fillnull_value=null (the security_content_summariesonly macro) gives user "null"; the outer join finds no
    /// process-create event and keeps the row.</summary>
    [Test]
    public void LsaProtectionReturnsTheDeletedRunAsPplValue()
    {
        var result = Run(Load("disabling_windows_local_security_authority_defences_via_registry.yml"));
        Assert.That(Rows(result, "action", "dest", "user", "process_guid", "registry_path", "process_name"), Is.EqualTo(new[]
        {
            @"deleted | win-host-root-17044-47.attackrange.local | null | {58A7821C-6432-6304-C100-000000007802} | HKLM\System\CurrentControlSet\Control\Lsa\RunAsPPL | ",
        }));
        Assert.That(result.Rows[0]["_time"].AsNumber(), Is.EqualTo(DateTimeOffset.Parse("2022-08-23T05:22:58.6960742Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds() / 1000.0).Within(1e-3));
    }

    /// <summary>T1621 pingid.log: victim_user has ten "FAILURE,authFail" results between 14:50 and 15:00 UTC on
    /// 2023-05-10 (6, 2, 6 and 1 in the other ten-minute buckets), all "VPN Auth. Timed Out, Unresponsive User".</summary>
    [Test]
    public void PingIdReturnsTheTenPromptBurst()
    {
        var result = Run(Load("pingid_multiple_failed_mfa_requests_for_user.yml"));
        Assert.That(Rows(result, "user", "mfa_prompts", "src", "reason"), Is.EqualTo(new[]
        {
            @"VICTIM_USER | 10 | 74.208.236.210 | VPN Auth. Timed Out, Unresponsive User ""samsung SM-S901U""",
        }));
        Assert.That(result.Rows[0]["_time"].AsNumber(), Is.EqualTo(new DateTimeOffset(2023, 5, 10, 14, 50, 0, TimeSpan.Zero).ToUnixTimeSeconds()));
    }

    /// <summary>T1552.001 linux_secure.log, two sshd lines of ip-172-31-24-46 on 2022-05-27: "Invalid user
    /// ASJda1283JSaJDgj from 84.202.159.161" at 09:28:31 (a failed authentication whose user name, 16 characters with
    /// Shannon entropy 3.4528 > 3 by ut_shannon.py, looks like a password) and "Accepted password for mikael from
    /// 84.202.159.161" at 09:28:36. map looks for successful logons from the same src to the same dest between the
    /// failure and 1000 s after it and finds mikael's; outlier has one count to judge and keeps it. dest is the
    /// replay's stand-in host (<see cref="ReplayHost"/>), the same for both lines.</summary>
    [Test]
    public void PasswordInUsernameReturnsTheNextLogonFromTheSameSource()
    {
        var result = Run(Load("potential_password_in_username.yml"));
        Assert.That(Rows(result, "user", "incorrect_cred", "ut_shannon", "src", "dest", "sourcetype", "count"), Is.EqualTo(new[]
        {
            "mikael | ASJda1283JSaJDgj | 3.452819531114783 | 84.202.159.161 | " + ReplayHost + " | linux_secure | 1",
        }));
        var accepted = new DateTimeOffset(2022, 5, 27, 9, 28, 36, TimeSpan.Zero).ToUnixTimeSeconds();
        Assert.That((result.Rows[0]["starttime"].AsNumber(), result.Rows[0]["endtime"].AsNumber()), Is.EqualTo(((double?)accepted, (double?)accepted)));
    }

    /// <summary>T1621 pingid.log: VICTIM_USER's successful authentications (result.status SUCCESS) from one address
    /// whose PingID POLICY event of the same web session names another: "SSO Swipe" from 144.172.122.200 verified from
    /// 41.76.192.9 (session webs_1r3_...), two "VPN Swipe" from 74.208.236.210 verified from 41.76.192.9 (webs_2l1...,
    /// webs_F4l...) and a "VPN Banner" from 74.208.236.210 verified from 145.36.51.11 (webs_qVZ...). Countries are DB-IP's
    /// (fixtures/geoip): US against NG and KR. The POLICY events of the failed prompts have no successful
    /// authentication in their session, so the inner join drops them.</summary>
    [Test]
    public void PingIdMismatchReturnsTheSessionsVerifiedFromAnotherCountry()
    {
        var result = Run(Load("pingid_mismatch_auth_source_and_verification_response.yml"));
        Assert.That(Rows(result, "user", "dest", "auth_Country", "src", "verify_Country", "reason", "count", "session_id"), Is.EqualTo(new[]
        {
            @"VICTIM_USER | 144.172.122.200 | US | 41.76.192.9 | NG | SSO Swipe ""iPhone 6S"" | 1 | webs_1r3_PxMLwMg2CNlAvn3AumcfKN3DvuS_zwzqzJdzrwo",
            @"VICTIM_USER | 74.208.236.210 | US | 145.36.51.11 | KR | VPN Banner ""samsung SM-S901U"" | 1 | webs_qVZ_h0R8VlAHmz4JWmF7rasRZavLBzeP-ld66SGE1ro",
            @"VICTIM_USER | 74.208.236.210 | US | 41.76.192.9 | NG | VPN Swipe ""iPhone 6S"" | 2 | webs_2l1XFX096izYIydu9-5x0BYl7gIYNF1otfnSiNwKFfk;webs_F4lSAvvEJWNjOophTGRaZqsW45QxiZWAl6aEd_YHoew",
        }));
    }

    /// <summary>Why detect_certipy_file_modifications is blocked: its two tstats halves both return rows on the dataset,
    /// but no (dest, process_guid) pair is in both, so the inner join of the search has nothing to keep.</summary>
    [Test]
    public void CertipyJoinKeysAreDisjoint()
    {
        var c = Load("detect_certipy_file_modifications.yml");
        var processes = Run(c with { Search = "| tstats `security_content_summariesonly` count FROM datamodel=Endpoint.Processes where Processes.action=\"allowed\" Processes.process_name=certipy.exe BY Processes.dest Processes.process_guid | `drop_dm_object_name(Processes)`" });
        var files = Run(c with { Search = "| tstats `security_content_summariesonly` count from datamodel=Endpoint.Filesystem where Filesystem.file_name IN (\"*_certipy.zip\", \"*_certipy.txt\", \"*_certipy.json\", \"*.ccache\") by Filesystem.file_create_time Filesystem.process_id Filesystem.process_guid Filesystem.file_name Filesystem.file_path Filesystem.dest | `drop_dm_object_name(Filesystem)`" });
        var processKeys = Rows(processes, "dest", "process_guid");
        var fileKeys = Rows(files, "dest", "process_guid").Distinct().ToList();
        Assert.That(processKeys.Select(k => k.Split(" | ")[1][..14]), Is.EquivalentTo(new[] { "{78198d03-3bce", "{78198d03-3ba3", "{78198d03-3b4c", "{78198d03-37dd" }));
        Assert.That(fileKeys.Select(k => k.Split(" | ")[1][..14]), Is.EquivalentTo(new[] { "{78198d03-3bcf", "{78198d03-3b4d" }));
        Assert.That(processKeys.Intersect(fileKeys), Is.Empty);
    }

    /// <summary>T1649 certify_esc1_abuse_winsecurity.log: attack_range\attack_user requested (4886) certificates 1, 4,
    /// 5, 6, 7 and got issued (4887) 2, 4, 5, 6, 7 with a SAN upn on cert_authority.attack_range.local; request 3 has no
    /// SAN and is left out; only request 4 also names a dns SAN (victim_machine.attack_range.local).</summary>
    [Test]
    public void Esc1AbuseReturnsTheSanRequests()
    {
        var result = Run(Load("windows_steal_authentication_certificates___esc1_abuse.yml"));
        Assert.That(Rows(result, "signature_id", "ssl_serial", "src_user", "Computer", "dest"), Is.EqualTo(new[]
        {
            "4886 | 1 | attack_user | cert_authority.attack_range.local | ",
            "4886 | 4 | attack_user | cert_authority.attack_range.local | VICTIM_MACHINE.ATTACK_RANGE.LOCAL",
            "4886 | 5 | attack_user | cert_authority.attack_range.local | ",
            "4886 | 6 | attack_user | cert_authority.attack_range.local | ",
            "4886 | 7 | attack_user | cert_authority.attack_range.local | ",
            "4887 | 2 | attack_user | cert_authority.attack_range.local | ",
            "4887 | 4 | attack_user | cert_authority.attack_range.local | VICTIM_MACHINE.ATTACK_RANGE.LOCAL",
            "4887 | 5 | attack_user | cert_authority.attack_range.local | ",
            "4887 | 6 | attack_user | cert_authority.attack_range.local | ",
            "4887 | 7 | attack_user | cert_authority.attack_range.local | ",
        }));
    }

    /// <summary>T1649 certify_esc1_abuse_powershell.log: two 4104 script blocks on attack_pc.attack_range.local,
    /// Certify "find /vulnerable" and "request /ca:...".</summary>
    [Test]
    public void CertifyScriptBlocksAreBothReturned()
    {
        var result = Run(Load("detect_certify_with_powershell_script_block_logging.yml"));
        Assert.That(result.Rows.Select(r => r["dest"].AsString()).Distinct(), Is.EqualTo(new[] { "attack_pc.attack_range.local" }));
        var commands = result.Rows.Select(r => r["command"].AsString()!).Order(StringComparer.Ordinal).ToList();
        Assert.That(commands, Has.Count.EqualTo(2));
        Assert.That(commands[0], Does.StartWith("[Certify.Program]::Main(\"find /vulnerable\".Split())"));
        Assert.That(commands[1], Does.StartWith("[Certify.Program]::Main(\"request /ca:cert_authority.attack_range.local\\Attack Range Cert Authority"));
    }
}
