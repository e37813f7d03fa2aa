using System.Collections.Immutable;
using System.Text.Json;

namespace ExfilQuery.Mapping;

/// <summary>An ASIM parser function: its parameter list and the columns it returns.</summary>
/// <param name="Name">The function name, such as _Im_ProcessCreate.</param>
/// <param name="Parameters">The parameter list as written in the schema, with its parentheses.</param>
/// <param name="Columns">Output column → Kusto type, ordered by column name.</param>
/// <param name="Source">Where the schema took the function from.</param>
public sealed record KqlFunctionSchema(string Name, string Parameters, ImmutableSortedDictionary<string, string> Columns, string? Source);

/// <summary>Kusto table and function schemas: column names and types. <see cref="Sentinel"/> is the embedded copy
/// of shared/schemas/sentinel_schema.json (Microsoft's published Sentinel / Defender XDR table reference and the
/// ASIM parsers; its "$sources" say where each table came from).</summary>
public sealed class KqlSchema
{
    private static readonly Lazy<KqlSchema> SentinelSchema = new(() => Parse(EmbeddedData.Read("sentinel_schema.json")));

    private static readonly Lazy<KqlSchema> EcsSchema = new(() => new KqlSchema(
        ImmutableSortedDictionary<string, IReadOnlyDictionary<string, string>>.Empty,
        ImmutableSortedDictionary<string, KqlFunctionSchema>.Empty,
        ImmutableSortedDictionary<string, string>.Empty)
    {
        _anyTable = EcsFields.Types.ToImmutableSortedDictionary(kv => kv.Key, kv => EcsFields.Family(kv.Value), StringComparer.Ordinal),
    });

    /// <summary>For the ECS view: the columns every index pattern has.</summary>
    private IReadOnlyDictionary<string, string>? _anyTable;

    private KqlSchema(ImmutableSortedDictionary<string, IReadOnlyDictionary<string, string>> tables,
        ImmutableSortedDictionary<string, KqlFunctionSchema> functions, ImmutableSortedDictionary<string, string> sources)
    {
        Tables = tables;
        Functions = functions;
        Sources = sources;
    }

    /// <summary>The Sentinel / Defender XDR / ASIM schema embedded in the library.</summary>
    public static KqlSchema Sentinel => SentinelSchema.Value;

    /// <summary>The Elastic Common Schema seen as a schema of this shape: every table name (an index pattern) has
    /// every ECS field (<see cref="EcsFields"/>) as a column, typed by its <see cref="EcsFields.Family"/>. The
    /// <c>ecs</c> mapping profile is checked against it.</summary>
    public static KqlSchema Ecs => EcsSchema.Value;

    /// <summary>Table → (column → Kusto type), both ordered by name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Tables { get; }

    /// <summary>Function name → its schema, ordered by name.</summary>
    public IReadOnlyDictionary<string, KqlFunctionSchema> Functions { get; }

    /// <summary>Table → where its columns were taken from ("$sources").</summary>
    public IReadOnlyDictionary<string, string> Sources { get; }

    /// <summary>The columns of a table or of a function's output.</summary>
    public bool TryGetColumns(string tableOrFunction, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IReadOnlyDictionary<string, string>? columns)
    {
        if (Tables.TryGetValue(tableOrFunction, out columns)) return true;
        if (_anyTable is not null)
        {
            columns = _anyTable;
            return true;
        }
        if (Functions.TryGetValue(tableOrFunction, out var function))
        {
            columns = function.Columns;
            return true;
        }
        columns = null;
        return false;
    }

    /// <summary>The Kusto type of a column of a table or of a function's output (names are case-sensitive, as in KQL).</summary>
    public bool TryGetColumnType(string tableOrFunction, string column, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? type)
    {
        type = null;
        return TryGetColumns(tableOrFunction, out var columns) && columns.TryGetValue(column, out type);
    }

    /// <summary>Reads a schema in the format of sentinel_schema.json: top-level keys are tables ({column: type}),
    /// keys starting with '$' are metadata, "$functions" maps a function name to {params, returns, $source}.</summary>
    /// <exception cref="JsonException">The text is not such a schema.</exception>
    public static KqlSchema Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var tables = ImmutableSortedDictionary.CreateBuilder<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        var functions = ImmutableSortedDictionary.CreateBuilder<string, KqlFunctionSchema>(StringComparer.Ordinal);
        var sources = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var property in doc.RootElement.EnumerateObject())
        {
            if (property.Name == "$functions")
            {
                foreach (var f in property.Value.EnumerateObject())
                {
                    var parameters = f.Value.TryGetProperty("params", out var p) ? p.GetString() ?? "()" : "()";
                    var source = f.Value.TryGetProperty("$source", out var s) ? s.GetString() : null;
                    functions[f.Name] = new KqlFunctionSchema(f.Name, parameters, ReadColumns(f.Value.GetProperty("returns")), source);
                }
            }
            else if (property.Name == "$sources")
            {
                foreach (var s in property.Value.EnumerateObject()) sources[s.Name] = s.Value.GetString() ?? "";
            }
            else if (!property.Name.StartsWith('$'))
            {
                tables[property.Name] = ReadColumns(property.Value);
            }
        }
        return new KqlSchema(tables.ToImmutable(), functions.ToImmutable(), sources.ToImmutable());
    }

    private static ImmutableSortedDictionary<string, string> ReadColumns(JsonElement element)
    {
        var columns = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var c in element.EnumerateObject())
            columns[c.Name] = c.Value.GetString() ?? throw new JsonException($"column {c.Name} has no type");
        return columns.ToImmutable();
    }
}

/// <summary>Reads the JSON files embedded from Mapping/Data.</summary>
internal static class EmbeddedData
{
    private const string Prefix = ".Mapping.Data.";

    /// <summary>The text of an embedded data file, by its path under Mapping/Data with '/' or '.' between folders
    /// ("profiles/defender.json").</summary>
    public static string Read(string relativePath)
    {
        var assembly = typeof(EmbeddedData).Assembly;
        var suffix = Prefix + relativePath.Replace('/', '.');
        var name = assembly.GetManifestResourceNames().SingleOrDefault(n => n.EndsWith(suffix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"Embedded mapping data '{relativePath}' is missing from {assembly.GetName().Name}.");
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>True when an embedded data file exists.</summary>
    public static bool Exists(string relativePath)
    {
        var suffix = Prefix + relativePath.Replace('/', '.');
        return typeof(EmbeddedData).Assembly.GetManifestResourceNames().Any(n => n.EndsWith(suffix, StringComparison.Ordinal));
    }
}
