using System.Collections.Immutable;
using ExfilQuery.Evaluation;
using NUnit.Framework;
using static ExfilQuery.Tests.Evaluation.EvalTestSupport;

namespace ExfilQuery.Tests.Evaluation;

/// <summary>The commands the MANIFEST detections need, each with its meaning in the Splunk Search Reference
/// (https://help.splunk.com/en/splunk-enterprise/spl-search-reference/10.0/search-commands/NAME for NAME = join,
/// append, appendpipe, map, lookup, inputlookup, top, rare, transaction, xmlkv, iplocation, outputlookup).</summary>
public class CommandTests
{
    // _time 100..500; input order is not time order on purpose (the evaluator reads newest first).
    private static readonly string[] Events =
    [
        """{"_time":200,"id":"b","host":"h1","user":"alice","logon":"0x1"}""",
        """{"_time":100,"id":"a","host":"h1","user":"bob","logon":"0x2"}""",
        """{"_time":400,"id":"d","host":"h2","user":"alice","logon":"0x3"}""",
        """{"_time":300,"id":"c","host":"h2","user":"carol","kind":"login","logon":"0x1"}""",
        """{"_time":500,"id":"e","host":"h2","user":"alice","kind":"logout","logon":"0x4"}""",
    ];

    private static List<string> Rows(string search, EvaluationOptions? options = null, IEnumerable<Event>? events = null)
    {
        var result = Run(search, events ?? Json(Events), options);
        Assert.That(result.Diagnostics.Where(d => d.IsError), Is.Empty, string.Join("; ", result.Diagnostics));
        return result.Rows.Select(r => r.ToString()).ToList();
    }

    // ------------------------------------------------------------------ join

    /// <summary>join: type=inner (default) keeps main rows with a match; max=1 (default) one match each; the
    /// subsearch's fields overwrite.</summary>
    [Test]
    public void JoinInnerWithDefaults() =>
        Assert.That(Rows("kind=* | table id user | join user [search host=h1 | table user host id]"), Is.EqualTo(new[]
        {
            // alice joins the newest h1 row (b); carol has no h1 row and is dropped.
            "id=b user=alice host=h1",
        }));

    [TestCase("outer")]
    [TestCase("left")]
    public void JoinOuterAndLeftKeepUnmatchedRows(string type) =>
        Assert.That(Rows($"kind=* | table id user | join type={type} user [search host=h1 | table user host]"), Is.EqualTo(new[]
        {
            "id=e user=alice host=h1",
            "id=c user=carol",
        }));

    [Test]
    public void JoinMaxZeroTakesEveryMatchAndSeveralFieldsMustAllMatch()
    {
        Assert.That(Rows("kind=logout | table id user | join max=0 user [search NOT kind=logout | table user logon]"), Is.EqualTo(new[]
        {
            "id=e user=alice logon=0x3",
            "id=e user=alice logon=0x1",
        }));
        Assert.That(Rows("kind=* | table id user host | join user host [search NOT kind=* | table user host logon]"), Is.EqualTo(new[]
        {
            "id=e user=alice host=h2 logon=0x3",
        }));
    }

    [Test]
    public void JoinWithoutFieldsUsesTheSharedFields() =>
        Assert.That(Rows("id=a | table user host | join [search | table user host logon]"), Is.EqualTo(new[] { "user=bob host=h1 logon=0x2" }));

    [Test]
    public void JoinSubsearchIsCutAtItsLimit()
    {
        var result = Run("id=e | table user | join max=0 user [search | table user id]", Json(Events), EvaluationOptions.Default with { MaxSubsearchRows = 2 });
        Assert.That(result.Rows.Select(r => r.ToString()), Is.EqualTo(new[] { "user=alice id=e", "user=alice id=d" }), "only the first two subsearch rows (e, d: newest first) are joined");
        Assert.That(result.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "EVL0017" }));
    }

    // ------------------------------------------------------------------ append, appendpipe, map

    [Test]
    public void AppendAddsTheSubsearchRowsAfterTheResults() =>
        Assert.That(Rows("| stats count by host | append [search user=alice | stats count as alice]"), Is.EqualTo(new[]
        {
            "host=h1 count=2", "host=h2 count=3", "alice=3",
        }));

    [Test]
    public void AppendpipeRunsOverTheCurrentResults() =>
        Assert.That(Rows("| stats count by host | appendpipe [| stats sum(count) as count | eval host=\"total\"]"), Is.EqualTo(new[]
        {
            "host=h1 count=2", "host=h2 count=3", "count=5 host=total",
        }));

    [Test]
    public void MapRunsTheSearchOncePerRowWithFieldsSubstituted() =>
        Assert.That(Rows("kind=* | table logon | map search=\"search logon=$logon$ NOT kind=* | table id logon\""), Is.EqualTo(new[]
        {
            // e (0x4): no other event; c (0x1): b.
            "id=b logon=0x1",
        }));

    [Test]
    public void MapStopsAtMaxsearchesAndExpandsMacrosWhenItRuns()
    {
        var options = EvaluationOptions.Default with { Macros = TestData.SplunkMacros };
        var result = Run("| table user | map maxsearches=2 search=\"search user=$user$ | stats count by user | `security_content_ctime(count)`\"", Json(Events), options);
        Assert.That(result.Rows.Select(r => r.ToString()), Is.EqualTo(new[] { "user=alice count=1970-01-01T00:00:03", "user=alice count=1970-01-01T00:00:03" }), "the first two rows (e, d) are both alice");
        Assert.That(result.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "EVL0015" }));
    }

    [Test]
    public void MapSearchThatDoesNotParseIsReported()
    {
        var result = Run("id=a | map search=\"search | stats count by\"", Json(Events));
        Assert.That(result.Rows, Is.Empty);
        Assert.That(result.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "EVL0016" }));
    }

    // ------------------------------------------------------------------ lookup, inputlookup

    private static EvaluationOptions WithTable(string csv, bool caseSensitive = true, params string[] wildcards)
    {
        var table = LookupTable.ReadCsv("users", new StringReader(csv), out var error)!;
        Assert.That(error, Is.Null);
        table = table with { CaseSensitiveMatch = caseSensitive, WildcardFields = [.. wildcards] };
        return EvaluationOptions.Default with { Lookups = new InMemoryLookupProvider(new Dictionary<string, LookupTable> { ["users"] = table }) };
    }

    private const string UsersCsv = "user,dept,site\nalice,eng,paris\nbob,ops,\nAlice,sales,rome\n";

    [Test]
    public void LookupOutputOverwritesAndClearsUnmatched() =>
        Assert.That(Rows("| eval dept=\"old\" | lookup users user OUTPUT dept | table id dept", WithTable(UsersCsv)), Is.EqualTo(new[]
        {
            "id=e dept=eng", "id=d dept=eng", "id=c", "id=b dept=eng", "id=a dept=ops",
        }));

    [Test]
    public void LookupOutputNewKeepsExistingFields() =>
        Assert.That(Rows("| eval dept=if(id==\"a\", \"old\", null()) | lookup users user OUTPUTNEW dept AS dept | table id dept", WithTable(UsersCsv)), Is.EqualTo(new[]
        {
            "id=e dept=eng", "id=d dept=eng", "id=c", "id=b dept=eng", "id=a dept=old",
        }));

    [Test]
    public void LookupWithoutOutputAddsEveryOtherColumnAndMatchesAsTheDefinitionSays()
    {
        Assert.That(Rows("id=b | lookup users user | table id dept site", WithTable(UsersCsv)), Is.EqualTo(new[] { "id=b dept=eng site=paris" }));
        Assert.That(Rows("id=b | lookup users user | table id dept site", WithTable(UsersCsv, caseSensitive: false)), Is.EqualTo(new[] { "id=b dept=eng|sales site=paris|rome" }));
        Assert.That(Rows("id=c | lookup users user AS host OUTPUT dept", WithTable("user,dept\nh*,infra\n", true, "user")).Select(r => r.Contains("dept=infra", StringComparison.Ordinal)), Is.EqualTo(new[] { true }));
    }

    [Test]
    public void LookupOfAnUnknownTableIsReportedAndRowsPassThrough()
    {
        var result = Run("| lookup nosuch user OUTPUT dept", Json(Events), WithTable(UsersCsv));
        Assert.That(result.Rows, Has.Length.EqualTo(5));
        Assert.That(result.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "EVL0012" }));
        Assert.That(Run("| lookup users user", Json(Events)).Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "EVL0012" }), "no provider");
    }

    [Test]
    public void InputlookupReadsTheTableFromAFolderWithItsWhereClause()
    {
        var dir = Path.Combine(Path.GetTempPath(), "exfilq-lookups-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "users_file.csv"), UsersCsv);
            File.WriteAllText(Path.Combine(dir, "lookup_definitions.jsonl"),
                "{\"name\":\"users\",\"filename\":\"users_file.csv\",\"case_sensitive_match\":\"false\"}\n{\"name\":\"ext\",\"filename\":\"x.py\"}\n");
            var options = EvaluationOptions.Default with { Lookups = new DirectoryLookupProvider(dir) };
            Assert.That(Rows("| inputlookup users where dept=eng OR dept=ops", options), Is.EqualTo(new[] { "user=alice dept=eng site=paris", "user=bob dept=ops" }));
            Assert.That(Rows("| inputlookup users_file.csv | stats count", options), Is.EqualTo(new[] { "count=3" }));
            var ext = Run("| inputlookup ext", [], options);
            Assert.That(ext.Diagnostics.Single().Message, Does.Contain("external"));
            Assert.That(Run("| inputlookup ../etc/passwd", [], options).Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "EVL0012" }));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    // ------------------------------------------------------------------ top, rare

    [Test]
    public void TopCountsAndPercentsMostCommonFirst() =>
        Assert.That(Rows("| top user"), Is.EqualTo(new[]
        {
            "user=alice count=3 percent=60", "user=bob count=1 percent=20", "user=carol count=1 percent=20",
        }));

    [Test]
    public void TopLimitByAndOptions() =>
        Assert.That(Rows("| top limit=1 user by host showperc=f countfield=n useother=t"), Is.EqualTo(new[]
        {
            "host=h2 user=alice n=2", "host=h2 user=OTHER n=1", "host=h1 user=alice n=1", "host=h1 user=OTHER n=1",
        }));

    [Test]
    public void RareIsLeastCommonFirst() =>
        Assert.That(Rows("| rare user showperc=false"), Is.EqualTo(new[] { "user=bob count=1", "user=carol count=1", "user=alice count=3" }));

    // ------------------------------------------------------------------ makemv

    /// <summary>Splunk Search Reference, "makemv": "makemv [delim=&lt;string&gt; | tokenizer=&lt;string&gt;]
    /// [allowempty=&lt;bool&gt;] [setsv=&lt;bool&gt;] &lt;field&gt;"; delim default a single space; the tokenizer is "a
    /// regular expression with a capturing group that is repeat-matched ... the first capturing group is used as a
    /// value"; allowempty (default false): "if delim="," and field="a,,b", by default does not produce any value for
    /// the empty string", and zero-length tokenizer matches give no value.</summary>
    [TestCase("| makemv v", "a,,b,c|d")]
    [TestCase("| makemv delim=\",\" v", "a|b|c d")]
    [TestCase("| makemv delim=\",\" allowempty=t v", "a||b|c d")]
    [TestCase("| makemv delim=\", \" v", "a,,b,c d")]
    [TestCase("| makemv tokenizer=\"([^,]+),?\" v", "a|b|c d")]
    [TestCase("| makemv tokenizer=\"(\\w*)\" v", "a|b|c|d")]
    [TestCase("| makemv tokenizer=\"(\\w*)\" allowempty=true v", "a|||b||c||d|")]
    [TestCase("| makemv tokenizer=\"\\w\" v", "a|b|c|d")]
    public void MakemvSplitsOnADelimiterOrATokenizer(string makemv, string values)
    {
        var events = Json("""{"_time":1,"v":"a,,b,c d"}""");
        Assert.That(Run(makemv, events).Rows.Single()["v"].Values, Is.EqualTo(values.Split('|')));
    }

    // ------------------------------------------------------------------ transaction

    [Test]
    public void TransactionGroupsByFieldsWithinMaxspan()
    {
        var rows = Run("| transaction user maxspan=250s | table _time user id duration eventcount", Json(Events)).Rows;
        // alice: b(200) d(400) e(500): b..d within 250 s, e starts a new one (500-200 > 250).
        Assert.That(rows.Select(r => r.ToString()), Is.EqualTo(new[]
        {
            "_time=500 user=alice id=e duration=0 eventcount=1",
            "_time=300 user=carol id=c duration=0 eventcount=1",
            "_time=200 user=alice id=b|d duration=200 eventcount=2",
            "_time=100 user=bob id=a duration=0 eventcount=1",
        }));
    }

    /// <summary>transactiontypes.conf.spec (Admin Manual 9.4.1): "The events in the transaction must span less than
    /// the integer specified for 'maxspan'"; the pause "cannot be greater than" maxpause, so a pause equal to it joins.
    /// alice's events are at 200, 400 and 500.</summary>
    [TestCase("maxspan=200s", "id=d|e eventcount=2|id=b eventcount=1")]
    [TestCase("maxspan=201s", "id=e eventcount=1|id=b|d eventcount=2")]
    [TestCase("maxspan=300s", "id=e eventcount=1|id=b|d eventcount=2")]
    [TestCase("maxspan=301s", "id=b|d|e eventcount=3")]
    [TestCase("maxpause=100s", "id=d|e eventcount=2|id=b eventcount=1")]
    [TestCase("maxpause=200s", "id=b|d|e eventcount=3")]
    public void TransactionSpanIsStrictlyLessThanMaxspan(string option, string expected) =>
        Assert.That(string.Join("|", Rows($"| search user=alice | transaction user {option} | table id eventcount")), Is.EqualTo(expected));

    [Test]
    public void TransactionStartswithEndswithEvictsIncompleteOnes()
    {
        Assert.That(Rows("| transaction host startswith=\"login\" endswith=(kind=logout) | table host id"), Is.EqualTo(new[] { "host=h2 id=c|d|e" }));
        Assert.That(Rows("| transaction host startswith=\"login\" endswith=(kind=logout) keepevicted=true | table host id closed_txn"), Is.EqualTo(new[]
        {
            "host=h2 id=c|d|e closed_txn=1", "host=h1 id=a|b closed_txn=0",
        }));
    }

    // ------------------------------------------------------------------ xmlkv, iplocation, side effects

    [Test]
    public void XmlkvExtractsLeafElements()
    {
        var events = Json("""{"_time":1,"_raw":"x","data":"<r><user>ann</user><ip a=\"1\">10.0.0.1</ip><ip>10.0.0.2</ip><msg>a &amp; b</msg></r>"}""");
        Assert.That(Rows("| xmlkv data | table user ip msg", events: events), Is.EqualTo(new[] { "user=ann ip=10.0.0.1|10.0.0.2 msg=a & b" }));
    }

    [Test]
    public void IplocationNeedsACallerTable()
    {
        var events = Json("""{"_time":1,"src":"74.208.236.210"}""", """{"_time":2,"src":"10.0.0.1"}""");
        var none = Run("| iplocation src", events);
        Assert.That(none.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "EVL0014" }));
        Assert.That(none.Rows.All(r => !r.Has("Country")), Is.True);
        var table = IpLocationTable.ReadCsv(new StringReader("network,City,Country,Region,lat,lon\n74.208.0.0/16,Example City,Example Country,Example Region,1.5,2.5\n"), out var error)!;
        Assert.That(error, Is.Null);
        Assert.That(IpLocationTable.ReadCsv(new StringReader("network,City\nnot-an-ip,x\n"), out var bad), Is.Null);
        Assert.That(bad, Does.Contain("CIDR"));
        var options = EvaluationOptions.Default with { IpLocations = table };
        Assert.That(Rows("| iplocation prefix=auth_ src | table src auth_City auth_Country auth_lat", options, events), Is.EqualTo(new[]
        {
            "src=10.0.0.1", "src=74.208.236.210 auth_City=Example City auth_Country=Example Country auth_lat=1.5",
        }));
    }

    [TestCase("outputlookup users.csv", 5)]
    [TestCase("outputcsv out.csv", 5)]
    [TestCase("collect index=summary", 5)]
    [TestCase("sendemail to=a@example.com", 5)]
    [TestCase("sendalert myalert", 5)]
    [TestCase("delete", 5)]
    [TestCase("script myscript", 0)]
    [TestCase("run myscript", 0)]
    public void SideEffectCommandsAreRefused(string command, int rows)
    {
        var result = Run("* | " + command, Json(Events));
        Assert.That(result.Rows, Has.Length.EqualTo(rows));
        Assert.That(result.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "EVL0013" }));
        Assert.That(result.Diagnostics[0].Message, Does.Contain("never executed"));
    }

    [Test]
    public void RestIsRefusedAndGivesNoRows()
    {
        var result = Run("| rest /services/server/info", Json(Events));
        Assert.That(result.Rows, Is.Empty);
        Assert.That(result.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "EVL0013" }));
    }
}
