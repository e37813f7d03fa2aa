using System.Collections.Immutable;
using System.Text.Json;

namespace ExfilQuery.Elastic;

/// <summary>One CIM field's ECS mapping: the ECS field and its ECS type (null when the target field is not ECS).</summary>
public sealed record EcsField(string CimField, string EcsName, string? Type, string? Note);

/// <summary>A CIM dataset's ECS mapping: the EQL event category, the index pattern and the fields.</summary>
public sealed record EcsDataset(string Name, string Category, string Index, ImmutableArray<EcsField> Fields);

/// <summary>The ECS mapping data embedded as <c>ExfilQuery.Elastic.Data.ecs_profile.json</c>. Not yet applied by the
/// backends (they implement profile <c>none</c>); it is the data the <c>ecs</c> profile will use.</summary>
public static class EcsProfile
{
    private static readonly Lazy<ImmutableArray<EcsDataset>> Data = new(Load);

    /// <summary>The datasets, in file order.</summary>
    public static ImmutableArray<EcsDataset> Datasets => Data.Value;

    private static ImmutableArray<EcsDataset> Load()
    {
        using var stream = typeof(EcsProfile).Assembly.GetManifestResourceStream("ExfilQuery.Elastic.Data.ecs_profile.json")
            ?? throw new InvalidOperationException("The embedded resource ExfilQuery.Elastic.Data.ecs_profile.json is missing.");
        using var doc = JsonDocument.Parse(stream);
        var result = ImmutableArray.CreateBuilder<EcsDataset>();
        foreach (var ds in doc.RootElement.GetProperty("datasets").EnumerateObject())
        {
            var fields = ds.Value.GetProperty("fields").EnumerateObject().Select(f => new EcsField(
                f.Name,
                f.Value.GetProperty("ecs").GetString()!,
                f.Value.GetProperty("type").ValueKind == JsonValueKind.Null ? null : f.Value.GetProperty("type").GetString(),
                f.Value.TryGetProperty("note", out var n) ? n.GetString() : null)).ToImmutableArray();
            result.Add(new EcsDataset(ds.Name, ds.Value.GetProperty("category").GetString()!, ds.Value.GetProperty("index").GetString()!, fields));
        }
        return result.ToImmutable();
    }
}
