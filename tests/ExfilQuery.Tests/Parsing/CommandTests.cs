using ExfilQuery.Syntax;
using NUnit.Framework;

namespace ExfilQuery.Tests.Parsing;

/// <summary>Each command family: what the tree holds, and the canonical SPL it prints back to.</summary>
public class CommandTests
{
    private static Pipeline ParseOk(string spl)
    {
        var result = Spl.Parse(spl);
        Assert.That(result.Diagnostics.Where(d => d.IsError), Is.Empty, spl);
        return result.Pipeline;
    }

    private static T Single<T>(string spl) where T : Command
    {
        var pipeline = ParseOk(spl);
        Assert.That(pipeline.Commands, Has.Length.EqualTo(1));
        return (T)pipeline.Commands[0];
    }

    // Canonical printing of each command shape (input → printed). Printing and re-parsing gives the same tree
    // (checked for the whole corpus in CorpusParseTests).
    [TestCase("index=main sourcetype=x", "index=main sourcetype=x")]
    [TestCase("search  a   b", "search a b")]
    [TestCase("| search isOutlier=1", "search isOutlier=1", Description = "a leading search command needs no pipe")]
    [TestCase("| where count >20", "| where count > 20")]
    [TestCase("| eval a=1,b=\"x\" . c", "| eval a=1, b=\"x\" . c")]
    [TestCase("| stats count min(_time) as firstTime values(x) AS v by host, dest", "| stats count min(_time) AS firstTime values(x) AS v BY host dest")]
    [TestCase("| stats count(eval(x>1)) as big by h", "| stats count(eval(x > 1)) AS big BY h")]
    [TestCase("| eventstats avg(n) as a, stdev(n) as s by dest", "| eventstats avg(n) AS a stdev(n) AS s BY dest")]
    [TestCase("| streamstats window=5 current=f count by host", "| streamstats window=5 current=f count BY host")]
    [TestCase("| timechart span=1h count by host limit=0", "| timechart span=1h count BY host limit=0")]
    [TestCase("| chart count over a by b", "| chart count OVER a BY b")]
    [TestCase("| tstats summariesonly=false count from datamodel=Endpoint.Processes where Processes.process_name=x by Processes.dest _time span=1h",
        "| tstats summariesonly=false count from datamodel=Endpoint.Processes where Processes.process_name=x BY Processes.dest _time span=1h")]
    [TestCase("| tstats prestats=true count where index=* by host", "| tstats prestats=true count where index=* BY host")]
    [TestCase("| rex field=email \"[^@]+@(?<dest_domain>[^@]+)\"", "| rex field=email \"[^@]+@(?<dest_domain>[^@]+)\"")]
    [TestCase("| rex mode=sed field=x \"s/a/b/g\"", "| rex mode=sed field=x \"s/a/b/g\"")]
    [TestCase("| regex process!=\"^a\\\\d\"", "| regex process!=\"^a\\\\d\"")]
    [TestCase("| rename Processes.* as *, a as \"b c\"", "| rename Processes.* AS *, a AS \"b c\"")]
    [TestCase("| table _time host \"Last Update\"", "| table _time host \"Last Update\"")]
    [TestCase("| fields - _raw, x", "| fields - _raw x")]
    [TestCase("| fields + a", "| fields + a")]
    [TestCase("| dedup 3 host keepempty=true sortby -_time", "| dedup 3 host keepempty=true sortby -_time")]
    [TestCase("| sort - total_failures", "| sort -total_failures")]
    [TestCase("| sort 0 -num(count), +str(name)", "| sort 0 -num(count) +str(name)")]
    [TestCase("| head 10", "| head 10")]
    [TestCase("| tail 5", "| tail 5")]
    [TestCase("| bucket _time span=1m", "| bucket span=1m _time")]
    [TestCase("| bin span=1h _time as t", "| bin span=1h _time AS t")]
    [TestCase("| fillnull value=0 unique_accounts, unique_src", "| fillnull value=0 unique_accounts unique_src")]
    [TestCase("| lookup update=true interesting_ports_lookup dest_port as All_Traffic.dest_port OUTPUT app is_prohibited",
        "| lookup update=true interesting_ports_lookup dest_port AS All_Traffic.dest_port OUTPUT app is_prohibited")]
    [TestCase("| lookup t a OUTPUTNEW b as c", "| lookup t a OUTPUTNEW b AS c")]
    [TestCase("| inputlookup append=t users.csv where user=admin*", "| inputlookup append=t users.csv where user=admin*")]
    [TestCase("| join type=left user [search index=x | fields user]", "| join type=left user [search index=x | fields user]")]
    [TestCase("| join user type=outer [| inputlookup x]", "| join type=outer user [| inputlookup x]")]
    [TestCase("| append [| inputlookup x]", "| append [| inputlookup x]")]
    [TestCase("| appendpipe [| timechart span=5m count | table _time]", "| appendpipe [| timechart span=5m count | table _time]")]
    [TestCase("| map search=\"search host=$host$\" maxsearches=10", "| map search=\"search host=$host$\" maxsearches=10")]
    [TestCase("| mvexpand x limit=5", "| mvexpand x limit=5")]
    [TestCase("| makemv delim=\",\" x", "| makemv delim=\",\" x")]
    [TestCase("| spath input=data output=y path=a.b{}", "| spath input=data output=y path=a.b{}")]
    [TestCase("| spath a.b", "| spath a.b")]
    [TestCase("| xmlkv", "| xmlkv")]
    [TestCase("| iplocation src_ip", "| iplocation src_ip")]
    [TestCase("| transaction host maxspan=1m startswith=eval(x=1) endswith=\"done\"", "| transaction host maxspan=1m startswith=eval(x = 1) endswith=\"done\"")]
    [TestCase("| transaction user startswith=(EventCode=4624)", "| transaction user startswith=(EventCode=4624)")]
    [TestCase("| convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime(firstTime)", "| convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime(firstTime)")]
    [TestCase("| convert ctime(a) as b, dur2sec(c)", "| convert ctime(a) AS b dur2sec(c)")]
    [TestCase("| top limit=10 a by b", "| top limit=10 a BY b")]
    [TestCase("| rare user", "| rare user")]
    [TestCase("| return 10 $src_ip", "| return 10 $src_ip")]
    [TestCase("| return user ip=src", "| return user ip=src")]
    [TestCase("| format \"(\" \"(\" \"OR\" \")\" \"OR\" \")\"", "| format \"(\" \"(\" \"OR\" \")\" \"OR\" \")\"")]
    [TestCase("| addinfo", "| addinfo")]
    [TestCase("| from datamodel:\"Endpoint.Processes\"", "| from datamodel: \"Endpoint.Processes\"")]
    [TestCase("| foreach * [eval <<FIELD>>=if(<<FIELD>>=\"null\", null(), <<FIELD>>)]", "| foreach * [eval <<FIELD>>=if(<<FIELD>> = \"null\", null(), <<FIELD>>)]")]
    [TestCase("| collect index=summary", "| collect index = summary")]
    public void PrintsCanonicalSpl(string spl, string printed) =>
        Assert.That(SyntaxPrinter.Print(ParseOk(spl)), Is.EqualTo(printed));

    [Test]
    public void StatsSeparatesAggregationsGroupKeysAndOptions()
    {
        var stats = Single<StatsCommand>("| timechart span=1h count values(user) as users by host limit=0");
        Assert.Multiple(() =>
        {
            Assert.That(stats.Kind, Is.EqualTo(StatsKind.Timechart));
            Assert.That(stats.Options.Select(o => o.Name), Is.EqualTo(new[] { "span" }));
            Assert.That(stats.Aggregations.Select(a => (a.Function, a.Field?.Name, a.Alias?.Name)),
                Is.EqualTo(new (string, string?, string?)[] { ("count", null, null), ("values", "user", "users") }));
            Assert.That(stats.By.Select(b => b.Name), Is.EqualTo(new[] { "host" }));
            Assert.That(stats.ClauseOptions.Select(o => o.Name), Is.EqualTo(new[] { "limit" }));
        });
    }

    [Test]
    public void TstatsReadsDataModelWhereAndSpan()
    {
        var tstats = Single<TstatsCommand>("| tstats summariesonly=true allow_old_summaries=true count min(_time) as firstTime from datamodel=Endpoint.Processes where Processes.process_name=rclone.exe by Processes.dest _time span=1h");
        Assert.Multiple(() =>
        {
            Assert.That(tstats.Options.Select(o => o.Name), Is.EqualTo(new[] { "summariesonly", "allow_old_summaries" }));
            Assert.That(tstats.From!.Option!.Name, Is.EqualTo("datamodel"));
            Assert.That(((WordOptionValue)tstats.From.Option.Value).Value.Value, Is.EqualTo("Endpoint.Processes"));
            Assert.That(Sexpr.Of(tstats.Where!), Is.EqualTo("Processes.process_name=rclone.exe"));
            Assert.That(tstats.By.Select(b => b.Name), Is.EqualTo(new[] { "Processes.dest", "_time" }));
            Assert.That(tstats.ClauseOptions.Select(o => o.Name), Is.EqualTo(new[] { "span" }));
        });
    }

    [Test]
    public void LookupSeparatesInputsFromOutputs()
    {
        var lookup = Single<LookupCommand>("| lookup local=true t key as k, other OUTPUTNEW a as b c");
        Assert.Multiple(() =>
        {
            Assert.That(lookup.Table.Value, Is.EqualTo("t"));
            Assert.That(lookup.Inputs.Select(i => (i.Field.Name, i.Alias?.Name)), Is.EqualTo(new (string, string?)[] { ("key", "k"), ("other", null) }));
            Assert.That(lookup.OutputMode, Is.EqualTo(LookupOutputMode.OutputNew));
            Assert.That(lookup.Outputs.Select(i => (i.Field.Name, i.Alias?.Name)), Is.EqualTo(new (string, string?)[] { ("a", "b"), ("c", null) }));
        });
    }

    [Test]
    public void SortReadsSignsConversionsAndCount()
    {
        var sort = Single<SortCommand>("| sort 100 -count, +num(x), str(y) d");
        Assert.Multiple(() =>
        {
            Assert.That(sort.Count, Is.EqualTo(100));
            Assert.That(sort.Keys.Select(k => (k.Field.Name, k.Descending, k.Conversion)),
                Is.EqualTo(new (string, bool, string?)[] { ("count", true, null), ("x", false, "num"), ("y", false, "str") }));
            Assert.That(sort.Reverse, Is.True);
        });
    }

    [Test]
    public void UnknownCommandParsesWithoutDiagnostics()
    {
        var result = Spl.Parse("index=x | someaddoncommand foo=\"bar\" (a b) [search y] | stats count");
        Assert.That(result.Diagnostics, Is.Empty);
        var generic = (GenericCommand)result.Pipeline.Commands[1];
        Assert.That(generic.CommandName, Is.EqualTo("someaddoncommand"));
        Assert.That(generic.Arguments.Select(a => a.GetType().Name),
            Is.EqualTo(new[] { "TokenArgument", "TokenArgument", "TokenArgument", "GroupArgument", "SubsearchArgument" }));
    }

    [Test]
    public void CommandNamesAreCaseInsensitive()
    {
        var pipeline = ParseOk("x | STATS count BY host | Eval y=1 | WHERE y=1");
        Assert.That(pipeline.Commands.Select(c => c.GetType().Name), Is.EqualTo(new[] { "SearchCommand", "StatsCommand", "EvalCommand", "WhereCommand" }));
    }
}
