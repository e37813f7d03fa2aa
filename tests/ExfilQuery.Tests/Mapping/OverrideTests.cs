using ExfilQuery.Diagnostics;
using ExfilQuery.Mapping;
using NUnit.Framework;

namespace ExfilQuery.Tests.Mapping;

/// <summary>A user mapping file overrides and extends a built-in profile; bad files give MAP diagnostics that point
/// into the file and leave the profile unchanged.</summary>
public class OverrideTests
{
    private static MappingProfile Defender => MappingTestSupport.Load("defender");

    private static MappingProfile Apply(MappingProfile profile, string json, out IReadOnlyList<Diagnostic> diagnostics)
    {
        var result = profile.WithOverrides(json, out var d);
        diagnostics = d;
        return result;
    }

    [Test]
    public void OverrideAColumn()
    {
        var p = Apply(Defender, """{"datasets": {"Endpoint.Processes": {"fields": {"user": {"column": "AccountUpn", "note": "we log UPNs"}}}}}""", out var d);
        Assert.That(d, Is.Empty);
        Assert.That(p.TryGetDataset("Endpoint.Processes", out var ds), Is.True);
        Assert.That(ds!.Fields["user"], Is.EqualTo(new FieldMapping("user", "AccountUpn", "string", null, "we log UPNs")).Using<FieldMapping>(SameMapping));
        Assert.That(ds.Fields["process_name"].Column, Is.EqualTo("FileName"), "fields the file leaves out keep their mapping");
        Assert.That(ds.Source.Table, Is.EqualTo("DeviceProcessEvents"));
        Assert.That(ds.Filters.Single().Values, Is.EqualTo(new[] { "ProcessCreated" }), "filters the file leaves out are kept");
    }

    [Test]
    public void TheOriginalProfileIsUnchanged()
    {
        _ = Apply(Defender, """{"datasets": {"Endpoint.Processes": {"fields": {"user": {"column": "AccountUpn"}}}}}""", out _);
        Assert.That(Defender.TryGetDataset("Endpoint.Processes", out var ds) && ds.Fields["user"].Column == "AccountName", Is.True);
    }

    [Test]
    public void AddAFieldWithATransform()
    {
        var p = Apply(Defender, """
            {
              // comments and trailing commas are allowed in user files
              "datasets": {"Endpoint.Processes": {"fields": {
                "process_hash": {"column": "SHA256", "note": "SHA256 only"},
                "vendor_product": {"column": "DeviceName", "transform": "value_map", "values": {"x": "y"}, "default": "Microsoft Defender for Endpoint"},
              }}}
            }
            """, out var d);
        Assert.That(d, Is.Empty);
        p.TryGetDataset("Endpoint.Processes", out var ds);
        Assert.That(ds!.Fields["process_hash"].Column, Is.EqualTo("SHA256"));
        var vp = ds.Fields["vendor_product"];
        Assert.Multiple(() =>
        {
            Assert.That(vp.Transform, Is.EqualTo("value_map"));
            Assert.That(vp.ValueMap["x"], Is.EqualTo("y"));
            Assert.That(vp.ValueMapDefault, Is.EqualTo("Microsoft Defender for Endpoint"));
            Assert.That(vp.ResultType, Is.EqualTo("string"));
        });
    }

    [Test]
    public void AddADatasetByItsModelAlias()
    {
        var p = Apply(Defender, """
            {"datasets": {"Network_Resolution": {
              "table": "DeviceEvents",
              "filters": [{"column": "ActionType", "op": "==", "values": ["DnsQueryResponse"]}],
              "fields": {"query": {"column": "AdditionalFields", "transform": "json_path", "args": ["DnsQueryString"]}, "host": {"column": "DeviceName"}}
            }}}
            """, out var d);
        Assert.That(d, Is.Empty);
        Assert.That(p.TryGetDataset("Network_Resolution", out var ds), Is.True, "the model alone means its root dataset");
        Assert.That(ds!.Dataset, Is.EqualTo("Network_Resolution.DNS"));
        Assert.That(ds.Source, Is.EqualTo(KqlSource.ForTable("DeviceEvents")));
        Assert.That(ds.Fields["query"].TransformArguments, Is.EqualTo(new[] { "DnsQueryString" }));
        Assert.That(ds.Fields["query"].ColumnType, Is.EqualTo("dynamic"));
        Assert.That(p.GetUnmappedDatasetNote("Network_Resolution.DNS"), Is.Null);
        Assert.That(Defender.GetUnmappedDatasetNote("Network_Resolution.DNS"), Is.Not.Null);
    }

    [Test]
    public void AddAndReplaceSources()
    {
        var p = Apply(Defender, """
            {"sources": {
              "my_edr": {"selectors": [{"field": "sourcetype", "values": ["my:edr"]}], "match": [], "table": "DeviceProcessEvents",
                         "fields": {"exe": {"column": "FileName"}}},
              "stream_http": {"function": null, "note": "still none"}
            }}
            """, out var d);
        Assert.That(d, Is.Empty);
        Assert.That(p.TryGetSource("my_edr", out var s), Is.True);
        Assert.That(s!.Selectors.Single(), Is.EqualTo(new SourceMatch("sourcetype", ["my:edr"])).Using<SourceMatch>(SameMatch));
        Assert.That(p.UnmappedSources.Single(u => u.Name == "stream_http").Note, Is.EqualTo("still none"));
    }

    [Test]
    public void MarkADatasetUnmapped()
    {
        var p = Apply(Defender, """{"datasets": {"Endpoint.Registry": {"table": null, "note": "we do not collect registry events"}}}""", out var d);
        Assert.That(d, Is.Empty);
        Assert.That(p.TryGetDataset("Endpoint.Registry", out _), Is.False);
        Assert.That(p.GetUnmappedDatasetNote("Endpoint.Registry"), Is.EqualTo("we do not collect registry events"));
    }

    [Test]
    public void OverridesChain()
    {
        var p1 = Apply(Defender, """{"datasets": {"Endpoint.Processes": {"fields": {"user": {"column": "AccountUpn"}}}}}""", out _);
        var p2 = Apply(p1, """{"datasets": {"Endpoint.Processes": {"fields": {"os": {"column": "MachineGroup"}}}}}""", out var d);
        Assert.That(d, Is.Empty);
        p2.TryGetDataset("Endpoint.Processes", out var ds);
        Assert.That(ds!.Fields["user"].Column, Is.EqualTo("AccountUpn"));
        Assert.That(ds.Fields["os"].Column, Is.EqualTo("MachineGroup"));
    }

    [Test]
    public void PrefixMappingsBuildAJsonPath()
    {
        var sentinel = MappingTestSupport.Load("sentinel");
        Assert.That(sentinel.TryGetSource("cloudtrail", out var ct), Is.True);
        Assert.That(ct!.TryGetField("requestParameters.bucketName", out var f), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(f!.CimField, Is.EqualTo("requestParameters.bucketName"));
            Assert.That(f.Column, Is.EqualTo("RequestParameters"));
            Assert.That(f.Transform, Is.EqualTo("json_path"));
            Assert.That(f.TransformArguments, Is.EqualTo(new[] { "bucketName" }));
        });
        Assert.That(ct.TryGetField("requestParameters.", out _), Is.False, "a prefix alone is not a field");
    }

    // ---- bad files ----

    [Test]
    public void MalformedJsonGivesMap0002AtTheError()
    {
        const string json = "{\n  \"datasets\": {\n    \"Endpoint.Processes\": {\"fields\": {\"user\" \"AccountUpn\"}}\n  }\n}";
        var p = Apply(Defender, json, out var d);
        Assert.That(p, Is.SameAs(Defender), "nothing of a bad file is applied");
        var diag = d.Single();
        Assert.That(diag.Code, Is.EqualTo("MAP0002"));
        Assert.That(diag.IsError, Is.True);
        Assert.That(json[diag.Span.Start..].StartsWith("\"AccountUpn\"", StringComparison.Ordinal), Is.True, $"span {diag.Span} points at the unexpected token");
    }

    [Test]
    public void UnpairedSurrogateGivesMap0002()
    {
        var json = "{\"datasets\": {\"Endpoint.Processes\": {\"note\": \"x\ud800y\"}}}";
        var p = Apply(Defender, json, out var d);
        Assert.That(p, Is.SameAs(Defender));
        Assert.That(d.Single().Code, Is.EqualTo("MAP0002"));
        Assert.That(json[d.Single().Span.Start], Is.EqualTo('\ud800'));
    }

    [Test]
    public void WrongShapeGivesMap0003AtTheEntry()
    {
        const string json = """{"datasets": {"Endpoint.Processes": {"fields": {"user": "AccountUpn"}}}}""";
        var p = Apply(Defender, json, out var d);
        Assert.That(p, Is.SameAs(Defender));
        var diag = d.Single();
        Assert.That(diag.Code, Is.EqualTo("MAP0003"));
        Assert.That(diag.Message, Does.StartWith("datasets[\"Endpoint.Processes\"].fields.user:"));
        Assert.That(json.Substring(diag.Span.Start, diag.Span.Length), Is.EqualTo("\"AccountUpn\""));
    }

    [TestCase("""{"datasets": {"Endpoint.Processes": {"fields": {"user": {"column": "AccountName", "transform": "upper"}}}}}""", "MAP0005")]
    [TestCase("""{"datasets": {"Endpoint.Processes": {"fields": {"user": {"column": "AccountName", "transform": "path_join"}}}}}""", "MAP0006")]
    [TestCase("""{"datasets": {"Endpoint.Processes": {"fields": {"user": {"column": "AccountName", "transform": "value_map"}}}}}""", "MAP0006")]
    [TestCase("""{"datasets": {"Endpoint.Processes": {"fields": {"user": {"column": "AccountName", "transform": "regex_extract", "args": ["(", "1"]}}}}}""", "MAP0006")]
    [TestCase("""{"datasets": {"Endpoint.Processes": {"filters": [{"column": "ActionType", "op": "~=", "values": ["x"]}]}}}""", "MAP0007")]
    [TestCase("""{"datasets": {"Endpoint.Processes": {"filters": [{"column": "ActionType", "op": "==", "values": ["a", "b"]}]}}}""", "MAP0003")]
    [TestCase("""{"datasets": {"Endpoint.Processes": {"table": "A", "function": "B"}}}""", "MAP0003")]
    [TestCase("""{"datasets": {"Endpoint.Services": {"fields": {"service": {"column": "x"}}}}}""", "MAP0013")]
    [TestCase("""[1, 2]""", "MAP0003")]
    public void ErrorsLeaveTheProfileUnchanged(string json, string code)
    {
        var p = Apply(Defender, json, out var d);
        Assert.That(d.Select(x => x.Code), Does.Contain(code), string.Join("\n", d));
        Assert.That(d.Where(x => x.Code == code).All(x => x.IsError), Is.True);
        Assert.That(p, Is.SameAs(Defender));
    }

    [TestCase("""{"datasets": {"Endpoint.Processes": {"fields": {"user": {"column": "NoSuchColumn"}}}}}""", "MAP0008")]
    [TestCase("""{"datasets": {"Endpoint.Processes": {"table": "MyProcessTable"}}}""", "MAP0009")]
    [TestCase("""{"datasets": {"Endpoint.Processes": {"fields": {"process_id": {"column": "FileName"}}}}}""", "MAP0010")]
    [TestCase("""{"datasets": {"Endpoint.Processes": {"fields": {"process_name": {"column": "ProcessId", "transform": "basename"}}}}}""", "MAP0010")]
    [TestCase("""{"datasets": {"Endpoint.Processes": {"fields": {"my_field": {"column": "FileName"}}}}}""", "MAP0011")]
    [TestCase("""{"datasets": {"Endpoint.Services": {"table": "DeviceEvents", "fields": {"service": {"column": "FileName"}}}}}""", "MAP0012")]
    [TestCase("""{"datasets": {"Endpoint.Processes": {"fields": {"user": {"column": "AccountName", "colum": "x"}}}}}""", "MAP0004")]
    public void WarningsStillApply(string json, string code)
    {
        var p = Apply(Defender, json, out var d);
        Assert.That(d.Select(x => x.Code), Is.EqualTo(new[] { code }), string.Join("\n", d));
        Assert.That(d.Single().Severity, Is.EqualTo(DiagnosticSeverity.Warning));
        Assert.That(p, Is.Not.SameAs(Defender));
    }

    [Test]
    public void UnknownColumnSpanPointsAtTheColumn()
    {
        const string json = """{"datasets": {"Endpoint.Processes": {"fields": {"user": {"column": "NoSuchColumn"}}}}}""";
        _ = Apply(Defender, json, out var d);
        var diag = d.Single();
        Assert.That(json.Substring(diag.Span.Start, diag.Span.Length), Is.EqualTo("\"NoSuchColumn\""));
        Assert.That(diag.Message, Does.Contain("DeviceProcessEvents"));
    }

    [Test]
    public void ChangingTheTableRechecksTheKeptFields()
    {
        var p = Apply(Defender, """{"datasets": {"Endpoint.Processes": {"table": "DeviceEvents", "filters": []}}}""", out var d);
        Assert.That(p, Is.Not.SameAs(Defender));
        Assert.That(d.Where(x => x.Code == "MAP0008").Select(x => x.Message), Has.Some.Contains("ProcessIntegrityLevel"),
            "fields the file leaves out are checked against the new table");
    }

    [Test]
    public void UnknownProfileGivesMap0001()
    {
        var p = MappingProfile.Load("splunk", out var d);
        Assert.That(d.Single().Code, Is.EqualTo("MAP0001"));
        Assert.That(d.Single().Message, Does.Contain("defender"));
        Assert.That(p.IsIdentity, Is.True, "an unknown name still gives a usable (identity) profile");
    }

    private static bool SameMapping(FieldMapping a, FieldMapping b) =>
        a.CimField == b.CimField && a.Column == b.Column && a.ColumnType == b.ColumnType && a.Transform == b.Transform && a.Note == b.Note;

    private static bool SameMatch(SourceMatch a, SourceMatch b) => a.Field == b.Field && a.Values.SequenceEqual(b.Values);
}

/// <summary>User mapping files never make the loader throw: every cut and every one-character change of a real
/// profile gives a profile and diagnostics.</summary>
public class MappingRobustnessTests
{
    [Test]
    public void DamagedFilesNeverThrow()
    {
        var text = File.ReadAllText(TestData.Repo("src", "ExfilQuery", "Mapping", "Data", "profiles", "sentinel.json"))[..6000];
        var profile = MappingTestSupport.Load("asim");
        var random = new Random(20241024);
        var cases = Enumerable.Range(0, 150).Select(i => text[..random.Next(text.Length)])
            .Concat(Enumerable.Range(0, 150).Select(_ =>
            {
                var chars = text.ToCharArray();
                const string noise = "{}[]\":,\\ 0an\u00e9\ud800";
                chars[random.Next(chars.Length)] = noise[random.Next(noise.Length)];
                return new string(chars);
            }));
        Assert.Multiple(() =>
        {
            foreach (var json in cases)
            {
                MappingProfile? result = null;
                Assert.DoesNotThrow(() => result = profile.WithOverrides(json, out _));
                Assert.That(result, Is.Not.Null);
            }
        });
    }

    [Test]
    public void EveryTransformIsDocumented()
    {
        var doc = File.ReadAllText(TestData.Repo("docs", "MAPPING.md"));
        Assert.That(MappingTransforms.All.Where(t => !doc.Contains($"| `{t.Name}` |", StringComparison.Ordinal)).Select(t => t.Name), Is.Empty);
        Assert.That(FixedFilter.Operators.Where(o => !doc.Contains($"`{o}`", StringComparison.Ordinal)), Is.Empty);
    }
}
