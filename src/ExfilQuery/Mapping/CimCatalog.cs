using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace ExfilQuery.Mapping;

/// <summary>A field of a CIM dataset.</summary>
/// <param name="Name">The field name without the dataset prefix (process_name, not Processes.process_name).</param>
/// <param name="Type">The CIM type: string, number, time, ip or boolean (<see cref="MappingTypes.CimTypes"/>).</param>
/// <param name="Multivalue">True when CIM declares the field multivalue.</param>
public sealed record CimField(string Name, string Type, bool Multivalue);

/// <summary>A dataset of a CIM data model, such as Endpoint.Processes. <see cref="Fields"/> includes the base
/// fields every dataset inherits (_time, host, source, sourcetype).</summary>
/// <param name="Model">The data model name (Endpoint).</param>
/// <param name="Name">The dataset name (Processes), which is also the prefix of its fields in tstats searches.</param>
/// <param name="Fields">Field name → field, ordered by name.</param>
public sealed record CimDataset(string Model, string Name, ImmutableSortedDictionary<string, CimField> Fields)
{
    /// <summary>"Model.Dataset", the key profiles use.</summary>
    public string FullName => Model + "." + Name;

    /// <summary>A field by name (without the dataset prefix).</summary>
    public bool TryGetField(string name, [NotNullWhen(true)] out CimField? field) => Fields.TryGetValue(name, out field);
}

/// <summary>A CIM data model: its datasets and, when it has one, the root dataset that "datamodel=Model" means.</summary>
/// <param name="Name">The data model name.</param>
/// <param name="RootDataset">The dataset "datamodel=Name" selects (Network_Traffic → All_Traffic); null when the
/// model has several top-level datasets (Endpoint).</param>
/// <param name="Datasets">Dataset name → dataset, ordered by name.</param>
public sealed record CimDataModel(string Name, string? RootDataset, ImmutableSortedDictionary<string, CimDataset> Datasets);

/// <summary>The CIM data models and datasets security_content searches use, with each field's type
/// (Mapping/Data/cim.json; its "$source" says where the facts come from).</summary>
public sealed class CimCatalog
{
    private static readonly Lazy<CimCatalog> DefaultCatalog = new(() => Parse(EmbeddedData.Read("cim.json")));

    private CimCatalog(ImmutableSortedDictionary<string, CimDataModel> models, ImmutableSortedDictionary<string, CimField> baseFields, string? source)
    {
        Models = models;
        BaseFields = baseFields;
        Source = source;
    }

    /// <summary>The catalog embedded in the library.</summary>
    public static CimCatalog Default => DefaultCatalog.Value;

    /// <summary>Data model name → model, ordered by name.</summary>
    public IReadOnlyDictionary<string, CimDataModel> Models { get; }

    /// <summary>The fields every dataset inherits: _time, host, source, sourcetype.</summary>
    public IReadOnlyDictionary<string, CimField> BaseFields { get; }

    /// <summary>Where the catalog's facts come from.</summary>
    public string? Source { get; }

    /// <summary>Every dataset, ordered by full name.</summary>
    public IEnumerable<CimDataset> Datasets => Models.Values.SelectMany(m => m.Datasets.Values).OrderBy(d => d.FullName, StringComparer.Ordinal);

    /// <summary>Finds a dataset as a search names it: "Endpoint.Processes", "Network_Traffic.All_Traffic", or a
    /// model alone ("Network_Traffic") meaning its root dataset. Names are case-sensitive.</summary>
    public bool TryGetDataset(string name, [NotNullWhen(true)] out CimDataset? dataset)
    {
        dataset = null;
        var dot = name.IndexOf('.');
        var modelName = dot < 0 ? name : name[..dot];
        if (!Models.TryGetValue(modelName, out var model)) return false;
        var datasetName = dot < 0 ? model.RootDataset : name[(dot + 1)..];
        return datasetName is not null && model.Datasets.TryGetValue(datasetName, out dataset);
    }

    /// <summary>The canonical "Model.Dataset" name of a dataset reference, or null when the catalog does not know it.</summary>
    public string? Canonicalize(string name) => TryGetDataset(name, out var d) ? d.FullName : null;

    /// <summary>Reads a catalog in the format of cim.json.</summary>
    /// <exception cref="JsonException">The text is not such a catalog.</exception>
    public static CimCatalog Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var baseFields = ReadFields(root.GetProperty("baseFields"));
        var models = ImmutableSortedDictionary.CreateBuilder<string, CimDataModel>(StringComparer.Ordinal);
        foreach (var m in root.GetProperty("models").EnumerateObject())
        {
            var rootDataset = m.Value.TryGetProperty("root", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            var datasets = ImmutableSortedDictionary.CreateBuilder<string, CimDataset>(StringComparer.Ordinal);
            foreach (var d in m.Value.GetProperty("datasets").EnumerateObject())
            {
                var fields = ReadFields(d.Value).ToBuilder();
                foreach (var (name, field) in baseFields) fields[name] = field;
                datasets[d.Name] = new CimDataset(m.Name, d.Name, fields.ToImmutable());
            }
            models[m.Name] = new CimDataModel(m.Name, rootDataset, datasets.ToImmutable());
        }
        var source = root.TryGetProperty("$source", out var s) ? s.GetString() : null;
        return new CimCatalog(models.ToImmutable(), baseFields, source);
    }

    private static ImmutableSortedDictionary<string, CimField> ReadFields(JsonElement element)
    {
        var fields = ImmutableSortedDictionary.CreateBuilder<string, CimField>(StringComparer.Ordinal);
        foreach (var f in element.EnumerateObject())
        {
            var type = f.Value.GetProperty("type").GetString() ?? throw new JsonException($"field {f.Name} has no type");
            if (!MappingTypes.CimTypes.Contains(type)) throw new JsonException($"field {f.Name} has unknown CIM type '{type}'");
            var multivalue = f.Value.TryGetProperty("multivalue", out var mv) && mv.GetBoolean();
            fields[f.Name] = new CimField(f.Name, type, multivalue);
        }
        return fields.ToImmutable();
    }
}
