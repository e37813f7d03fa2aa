using System.Text.Json;
using ExfilQuery.Mapping;
using NUnit.Framework;

namespace ExfilQuery.Tests.Elastic;

/// <summary>The <c>ecs</c> mapping profile (Mapping/Data/profiles/ecs.json) names only real ECS fields, with a type
/// compatible with the CIM field: checked against ../shared/schemas/ecs_fields.json itself (generated from npm
/// @elastic/ecs 9.4.0), of which the product embeds an unchanged copy. Ignored with a message when ../shared is
/// absent. ECS field reference: https://www.elastic.co/docs/reference/ecs/ecs-field-reference.</summary>
public class EcsProfileTests
{
    private static Dictionary<string, string> SharedEcs()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestData.Shared("schemas", "ecs_fields.json")));
        var ecs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (p.Name.StartsWith('$')) continue;
            ecs[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetProperty("type").GetString()!;
        }
        return ecs;
    }

    /// <summary>The ECS types a CIM type may map to: text for strings (keyword family; an address may be an ip),
    /// numbers for numbers, date for time, boolean for boolean.</summary>
    private static bool Compatible(string cimType, string ecsType) => cimType switch
    {
        "string" => ecsType is "keyword" or "wildcard" or "constant_keyword" or "match_only_text" or "text" or "ip",
        "ip" => ecsType is "ip" or "keyword",
        "number" => ecsType is "long" or "integer" or "short" or "byte" or "unsigned_long" or "float" or "double" or "scaled_float" or "half_float",
        "time" => ecsType == "date",
        "boolean" => ecsType == "boolean",
        _ => false,
    };

    private static MappingProfile Ecs()
    {
        var profile = MappingProfile.LoadElastic("ecs", out var diagnostics);
        Assert.That(diagnostics, Is.Empty);
        return profile;
    }

    [Test]
    public void EmbeddedEcsSchemaIsAnUnchangedCopy()
    {
        var shared = File.ReadAllBytes(TestData.Shared("schemas", "ecs_fields.json"));
        var embedded = File.ReadAllBytes(TestData.Repo("src", "ExfilQuery", "Mapping", "Data", "ecs_fields.json"));
        Assert.That(embedded, Is.EqualTo(shared));
        Assert.That(EcsFields.Types, Has.Count.EqualTo(SharedEcs().Count));
    }

    [Test]
    public void EveryEcsFieldExistsWithACompatibleType()
    {
        var ecs = SharedEcs();
        var profile = Ecs();
        Assert.That(profile.Schema, Is.SameAs(KqlSchema.Ecs));
        var problems = new List<string>();
        void Check(string where, string column, string? cimType)
        {
            if (!ecs.TryGetValue(column, out var type)) problems.Add($"{where}: {column} is not an ECS field");
            else if (cimType is not null && !Compatible(cimType, type)) problems.Add($"{where}: {column} is {type} in ECS, the CIM field is {cimType}");
        }
        foreach (var ds in profile.Datasets)
        {
            Assert.That(CimCatalog.Default.TryGetDataset(ds.Dataset, out var cim), ds.Dataset);
            foreach (var f in ds.Fields.Values.Where(f => f.IsMapped))
            {
                cim!.TryGetField(f.CimField, out var cimField);
                Check($"{ds.Dataset}.{f.CimField}", f.Column!, cimField?.Type);
            }
            foreach (var filter in ds.Filters) Check($"{ds.Dataset} filter", filter.Column, null);
        }
        foreach (var source in profile.Sources)
        {
            foreach (var f in source.Fields.Values.Where(f => f.IsMapped)) Check($"{source.Name}.{f.CimField}", f.Column!, null);
            foreach (var filter in source.Filters) Check($"{source.Name} filter", filter.Column, null);
        }
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public void EveryDatasetListsEveryCimFieldAndHasAnEqlCategory()
    {
        var profile = Ecs();
        Assert.That(profile.Datasets.Select(d => d.Dataset), Is.EquivalentTo(new[]
        {
            "Authentication.Authentication", "Change.All_Changes", "Endpoint.Filesystem", "Endpoint.Processes", "Endpoint.Registry",
            "Network_Resolution.DNS", "Network_Traffic.All_Traffic", "Web.Web",
        }));
        foreach (var ds in profile.Datasets)
        {
            CimCatalog.Default.TryGetDataset(ds.Dataset, out var cim);
            Assert.That(ds.Fields.Keys, Is.SupersetOf(cim!.Fields.Keys), ds.Dataset);
            foreach (var f in ds.Fields.Values.Where(f => !f.IsMapped))
                Assert.That(f.Note, Is.Not.Null.And.Not.Empty, $"{ds.Dataset}.{f.CimField} is unmapped without a note");
            Assert.That(ds.Source.Table, Does.StartWith("logs-"), ds.Dataset);
            // EQL's event categories are ECS event.category values (EQL syntax reference, "Event category").
            var category = ds.Filters.Single(f => f.Column == "event.category");
            Assert.That(category.Values, Is.SubsetOf(new[] { "process", "file", "registry", "network", "web", "authentication", "configuration", "iam" }), ds.Dataset);
        }
        var ecsNames = profile.Datasets.SelectMany(d => d.Fields.Values).Where(f => f.IsMapped).Select(f => f.Column).ToHashSet();
        Assert.That(ecsNames, Is.SupersetOf(new[]
        {
            "process.name", "process.command_line", "process.parent.name", "process.executable", "user.name", "host.name", "source.ip",
            "destination.ip", "destination.port", "dns.question.name", "url.original", "http.request.method", "file.path", "registry.path",
        }));
    }

    [Test]
    public void RawSourcesAreTheKqlProfilesSourcesWithTheSameSelectors()
    {
        var ecs = Ecs();
        var kql = MappingProfile.Load("sentinel", out _);
        static IEnumerable<string> Names(MappingProfile p) => p.Sources.Select(s => s.Name).Concat(p.UnmappedSources.Select(s => s.Name)).Order(StringComparer.Ordinal);
        Assert.That(Names(ecs), Is.EqualTo(Names(kql)));
        foreach (var s in ecs.Sources)
        {
            Assert.That(kql.TryGetSource(s.Name, out var k) ? k.Selectors.SelectMany(x => x.Values) : kql.UnmappedSources.Single(u => u.Name == s.Name).Selectors.SelectMany(x => x.Values),
                Is.EqualTo(s.Selectors.SelectMany(x => x.Values)), s.Name);
            Assert.That(s.Source.Table, Does.StartWith("logs-"), s.Name);
        }
        Assert.That(ecs.Sources.Select(s => s.Name), Is.SupersetOf(new[] { "sysmon_process_create", "wineventlog_security", "powershell", "cloudtrail" }));
    }

    [Test]
    public void ElasticProfileNamesAreSeparateFromKqlOnes()
    {
        MappingProfile.Load("ecs", out var kql);
        Assert.That(kql.Single().Code, Is.EqualTo("MAP0001"));
        MappingProfile.LoadElastic("defender", out var elastic);
        Assert.That(elastic.Single().Message, Does.Contain("ecs, none"));
    }
}
