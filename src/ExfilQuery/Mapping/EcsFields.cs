using System.Collections.Immutable;
using System.Text.Json;

namespace ExfilQuery.Mapping;

/// <summary>The Elastic Common Schema fields and their types: the embedded copy (Mapping/Data/ecs_fields.json, unchanged)
/// of shared/schemas/ecs_fields.json, generated from npm @elastic/ecs 9.4.0 (generated/ecs_flat). The <c>ecs</c>
/// mapping profile's columns are checked against it.</summary>
public static class EcsFields
{
    private static readonly Lazy<ImmutableSortedDictionary<string, string>> Data = new(Load);

    /// <summary>ECS field name → ECS type (keyword, wildcard, long, ip, date, boolean, ...), ordered by name.</summary>
    public static IReadOnlyDictionary<string, string> Types => Data.Value;

    /// <summary>The Kusto-style type family the mapping checks use for an ECS type: string for the keyword family
    /// and ip (addresses as text, as the CIM has them), long for integers, real for floating point, datetime for date,
    /// bool for boolean, dynamic for objects and geo types.</summary>
    public static string Family(string ecsType) => ecsType switch
    {
        "keyword" or "wildcard" or "constant_keyword" or "match_only_text" or "text" or "ip" => "string",
        "long" or "integer" or "short" or "byte" or "unsigned_long" => "long",
        "float" or "double" or "scaled_float" or "half_float" => "real",
        "date" => "datetime",
        "boolean" => "bool",
        _ => "dynamic",
    };

    private static ImmutableSortedDictionary<string, string> Load()
    {
        using var doc = JsonDocument.Parse(EmbeddedData.Read("ecs_fields.json"));
        var types = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (p.Name.StartsWith('$')) continue;
            types[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetProperty("type").GetString()!;
        }
        return types.ToImmutable();
    }
}
