using System.Text.Json;
using ExfilQuery.Elastic;
using NUnit.Framework;

namespace ExfilQuery.Tests.Elastic;

/// <summary>The ECS mapping data names only real ECS fields, with a compatible type: checked against
/// ../shared/schemas/ecs_fields.json (generated from npm @elastic/ecs 9.4.0). Ignored with a message when
/// ../shared is absent.</summary>
public class EcsProfileTests
{
    /// <summary>Type families: a string field may be keyword, wildcard or constant_keyword in ECS.</summary>
    private static string Family(string type) => type switch
    {
        "keyword" or "wildcard" or "constant_keyword" or "match_only_text" or "text" => "string",
        "long" or "integer" or "short" or "byte" or "unsigned_long" => "integer",
        "float" or "double" or "scaled_float" or "half_float" => "real",
        _ => type,
    };

    [Test]
    public void EveryEcsFieldExistsWithACompatibleType()
    {
        var path = TestData.Shared("schemas", "ecs_fields.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var ecs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (p.Name.StartsWith('$')) continue;
            ecs[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetProperty("type").GetString()!;
        }
        Assert.That(EcsProfile.Datasets, Is.Not.Empty);
        var problems = new List<string>();
        foreach (var ds in EcsProfile.Datasets)
        {
            Assert.That(ds.Category, Is.AnyOf("process", "network", "file", "registry", "authentication", "any"), ds.Name);
            foreach (var f in ds.Fields.Where(f => f.Type is not null))
            {
                if (!ecs.TryGetValue(f.EcsName, out var type)) problems.Add($"{ds.Name}: {f.CimField} -> {f.EcsName} is not an ECS field");
                else if (Family(type) != Family(f.Type!)) problems.Add($"{ds.Name}: {f.CimField} -> {f.EcsName} is {type} in ECS, {f.Type} in the mapping");
            }
            foreach (var f in ds.Fields.Where(f => f.Type is null))
                Assert.That(f.Note, Is.Not.Null.And.Not.Empty, $"{ds.Name}: {f.CimField} maps to a non-ECS field without a note");
        }
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public void ProfileCoversTheRequiredDatasetsAndFields()
    {
        var names = EcsProfile.Datasets.Select(d => d.Name).ToList();
        Assert.That(names, Is.SupersetOf(new[] { "Endpoint.Processes", "Network_Traffic", "Network_Resolution" }));
        var ecsNames = EcsProfile.Datasets.SelectMany(d => d.Fields).Select(f => f.EcsName).ToHashSet();
        Assert.That(ecsNames, Is.SupersetOf(new[]
        {
            "process.name", "process.command_line", "process.parent.name", "process.executable", "user.name", "host.name",
            "source.ip", "destination.ip", "destination.port", "dns.question.name",
        }));
    }
}
