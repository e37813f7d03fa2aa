using ExfilQuery.Mapping;
using NUnit.Framework;

namespace ExfilQuery.Tests.Mapping;

/// <summary>Every column a built-in profile names exists in the schema for its table or function, with a type that
/// fits the CIM field (string↔string, ip↔string, number↔int/long/real, time↔datetime, boolean↔bool), after the
/// field's transform.</summary>
public class SchemaConsistencyTests
{
    private static IEnumerable<string> AllProfiles => MappingProfile.BuiltInNames;

    [TestCaseSource(nameof(AllProfiles))]
    public void BuiltInProfileLoadsWithoutDiagnostics(string name)
    {
        var profile = MappingProfile.Load(name, out var diagnostics);
        Assert.That(diagnostics, Is.Empty);
        Assert.That(profile.Name, Is.EqualTo(name));
        Assert.That(profile.Source, Is.Not.Null.And.Not.Empty, "every data file says where its facts come from ($source)");
    }

    [TestCaseSource(typeof(MappingTestSupport), nameof(MappingTestSupport.TargetProfiles))]
    public void EveryColumnExistsWithTheSchemasType(string name)
    {
        var profile = MappingTestSupport.Load(name);
        var schema = KqlSchema.Sentinel;
        var problems = new List<string>();
        foreach (var (where, source, field, _) in MappingTestSupport.MappedFields(profile))
        {
            if (!schema.TryGetColumnType(source.Table, field.Column!, out var type)) problems.Add($"{where}: no column {source.Table}.{field.Column}");
            else if (field.ColumnType != type) problems.Add($"{where}: ColumnType {field.ColumnType} but the schema says {type}");
            if (field.Transform == MappingTransforms.PathJoin.Name && !schema.TryGetColumnType(source.Table, field.TransformArguments[0], out _))
                problems.Add($"{where}: path_join column {field.TransformArguments[0]} not in {source.Table}");
        }
        foreach (var (where, source, filter) in MappingTestSupport.Filters(profile))
        {
            if (!schema.TryGetColumnType(source.Table, filter.Column, out var type)) problems.Add($"{where}: filter column {filter.Column} not in {source.Table}");
            else if (filter.ColumnType != type) problems.Add($"{where}: filter ColumnType {filter.ColumnType} but the schema says {type}");
        }
        Assert.That(problems, Is.Empty);
    }

    [TestCaseSource(typeof(MappingTestSupport), nameof(MappingTestSupport.TargetProfiles))]
    public void EveryTransformGetsAColumnTypeItAccepts(string name)
    {
        var profile = MappingTestSupport.Load(name);
        var problems = new List<string>();
        foreach (var (where, _, field, _) in MappingTestSupport.MappedFields(profile).Where(f => f.Field.Transform is not null))
        {
            Assert.That(MappingTransforms.TryGet(field.Transform!, out var t), Is.True, where);
            if (!t!.InputTypes.Contains(field.ColumnType!)) problems.Add($"{where}: {t.Name} does not take {field.ColumnType}");
        }
        Assert.That(problems, Is.Empty);
    }

    [TestCaseSource(typeof(MappingTestSupport), nameof(MappingTestSupport.TargetProfiles))]
    public void EveryDatasetColumnFitsItsCimFieldType(string name)
    {
        var profile = MappingTestSupport.Load(name);
        var problems = new List<string>();
        foreach (var (where, _, field, cim) in MappingTestSupport.MappedFields(profile).Where(f => f.Cim is not null))
        {
            if (!cim!.TryGetField(field.CimField, out var cimField)) { problems.Add($"{where}: not a field of {cim.FullName}"); continue; }
            if (!MappingTypes.IsCompatible(cimField.Type, field.ResultType!)) problems.Add($"{where}: CIM {cimField.Type} vs {field.ResultType}");
        }
        Assert.That(problems, Is.Empty);
    }

    [TestCaseSource(typeof(MappingTestSupport), nameof(MappingTestSupport.TargetProfiles))]
    public void EveryCatalogDatasetIsMappedOrExplained(string name)
    {
        var profile = MappingTestSupport.Load(name);
        foreach (var dataset in CimCatalog.Default.Datasets)
        {
            if (profile.TryGetDataset(dataset.FullName, out var mapping))
            {
                var unlisted = dataset.Fields.Keys.Where(f => !mapping.Fields.ContainsKey(f)).ToList();
                Assert.That(unlisted, Is.Empty, $"{name} {dataset.FullName}: every CIM field is listed, mapped or null with a note");
                var silent = mapping.Fields.Values.Where(f => !f.IsMapped && string.IsNullOrWhiteSpace(f.Note)).Select(f => f.CimField).ToList();
                Assert.That(silent, Is.Empty, $"{name} {dataset.FullName}: unmapped fields say why");
            }
            else
            {
                Assert.That(profile.GetUnmappedDatasetNote(dataset.FullName), Is.Not.Null.And.Not.Empty, $"{name} {dataset.FullName}: neither mapped nor explained");
            }
        }
    }

    [TestCaseSource(typeof(MappingTestSupport), nameof(MappingTestSupport.TargetProfiles))]
    public void UnmappedSourcesAndSourceFieldsSayWhy(string name)
    {
        var profile = MappingTestSupport.Load(name);
        Assert.That(profile.UnmappedSources.Where(s => string.IsNullOrWhiteSpace(s.Note)).Select(s => s.Name), Is.Empty);
        var silent = profile.Sources.SelectMany(s => s.Fields.Values.Where(f => !f.IsMapped && string.IsNullOrWhiteSpace(f.Note)).Select(f => s.Name + " " + f.CimField));
        Assert.That(silent, Is.Empty);
    }

    [Test]
    public void ProfilesKnowTheSameSourcesWithTheSameSelection()
    {
        string Describe(string name)
        {
            var p = MappingTestSupport.Load(name);
            static string M(IEnumerable<SourceMatch> ms) => string.Join(" & ", ms.Select(m => m.Field + "∈{" + string.Join(",", m.Values) + "}"));
            return string.Join("\n", p.Sources.Select(s => (s.Name, s.Macro, S: s.Selectors, s.Match))
                .Concat(p.UnmappedSources.Select(s => (s.Name, s.Macro, S: s.Selectors, s.Match)))
                .OrderBy(s => s.Name, StringComparer.Ordinal)
                .Select(s => $"{s.Name} macro={s.Macro} selectors=[{string.Join(" | ", s.S.Select(x => M([x])))}] match=[{M(s.Match)}]"));
        }
        var defender = Describe("defender");
        Assert.Multiple(() =>
        {
            Assert.That(Describe("sentinel"), Is.EqualTo(defender));
            Assert.That(Describe("asim"), Is.EqualTo(defender));
        });
    }

    [Test]
    public void SeedSourcesArePresent()
    {
        // The raw sources the seed detections and MITRE analytics use: mapped where a target table exists,
        // otherwise listed as unmapped with the reason.
        string[] seedSources = ["sysmon_process_create", "stream_http", "gsuite_gmail", "gsuite_drive", "cisco_networks",
            "bare_eventcode_1", "bare_eventcode_3", "bare_eventcode_11", "bare_eventcode_4663", "linux_audit_log", "zeek_conn_log", "firewall_logs"];
        foreach (var name in MappingTestSupport.TargetProfiles)
        {
            var p = MappingTestSupport.Load(name);
            var known = p.Sources.Select(s => s.Name).Concat(p.UnmappedSources.Select(s => s.Name)).ToHashSet();
            Assert.That(seedSources.Where(s => !known.Contains(s)), Is.Empty, name);
        }
        var sentinel = MappingTestSupport.Load("sentinel");
        Assert.That(sentinel.UnmappedSources.Single(s => s.Name == "gsuite_gmail").Note, Does.Contain("No Microsoft Sentinel"));
        Assert.That(sentinel.TryGetSource("cisco_networks", out var cisco), Is.True);
        Assert.That(cisco!.Source.Table, Is.EqualTo("Syslog"));
        Assert.That(cisco.TryGetField("mnemonic", out var mnemonic) && mnemonic.Transform == "regex_extract", Is.True);
    }

    [Test]
    public void EmbeddedSchemaIsTheSharedSchemaUnchanged()
    {
        var shared = TestData.Shared("schemas", "sentinel_schema.json");
        var embedded = TestData.Repo("src", "ExfilQuery", "Mapping", "Data", "sentinel_schema.json");
        Assert.That(File.ReadAllBytes(embedded), Is.EqualTo(File.ReadAllBytes(shared)));
        Assert.That(KqlSchema.Sentinel.Tables.Keys, Does.Contain("DeviceProcessEvents"));
        Assert.That(KqlSchema.Sentinel.Functions.Keys, Does.Contain("_Im_ProcessCreate"));
        Assert.That(KqlSchema.Sentinel.TryGetColumnType("DeviceProcessEvents", "ProcessId", out var t) ? t : null, Is.EqualTo("long"));
        Assert.That(KqlSchema.Sentinel.TryGetColumnType("_Im_Dns", "DnsQuery", out var q) ? q : null, Is.EqualTo("string"));
    }

    [Test]
    public void EveryDataFileNamesItsSource()
    {
        var dir = TestData.Repo("src", "ExfilQuery", "Mapping", "Data");
        foreach (var file in Directory.GetFiles(dir, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
            var hasSource = doc.RootElement.TryGetProperty("$source", out _) || doc.RootElement.TryGetProperty("$sources", out _);
            Assert.That(hasSource, Is.True, $"{Path.GetFileName(file)} has no $source note");
        }
    }
}
