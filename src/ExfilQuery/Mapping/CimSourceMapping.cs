using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ExfilQuery.Mapping;

/// <summary>A condition on an event's fields: the field has one of <see cref="Values"/> (case-insensitive, as a
/// search compares values) or, when <see cref="Pattern"/> is set, a value in which the regular expression is found.</summary>
/// <param name="Field">The field name.</param>
/// <param name="Values">The accepted values (empty when <see cref="Pattern"/> is used).</param>
/// <param name="Pattern">A .NET regular expression, or null.</param>
public sealed record CimCondition(string Field, ImmutableArray<string> Values, string? Pattern)
{
    /// <summary>True when the field of the event (read through <paramref name="values"/>) meets the condition.</summary>
    public bool Holds(Func<string, IReadOnlyList<string>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var actual = values(Field);
        if (Pattern is null) return actual.Any(v => Values.Contains(v, StringComparer.OrdinalIgnoreCase));
        return actual.Any(v => CimSourceMapping.IsMatch(Pattern, v));
    }
}

/// <summary>How one CIM field is obtained from a raw event: a raw field through an optional transform of the closed
/// set (<see cref="MappingTransforms"/>), or a constant; neither when the field is not derived (see the note).</summary>
/// <param name="Field">The CIM field name, without the dataset prefix.</param>
/// <param name="From">The raw field read, or null.</param>
/// <param name="Constant">A constant value, or null.</param>
/// <param name="Transform">The transform applied to <see cref="From"/>, or null.</param>
/// <param name="Arguments">The transform's "args".</param>
/// <param name="ValueMap">The "values" table of value_map.</param>
/// <param name="Default">value_map's "default", or null.</param>
/// <param name="Note">Why, or what was assumed.</param>
public sealed record CimFieldRule(string Field, string? From, string? Constant, string? Transform, ImmutableArray<string> Arguments, ImmutableSortedDictionary<string, string> ValueMap, string? Default, string? Note)
{
    /// <summary>True when the rule yields a value (a raw field or a constant).</summary>
    public bool IsDerived => From is not null || Constant is not null;

    /// <summary>The field's values for an event (empty when the raw field is missing or the transform gives nothing).</summary>
    public IReadOnlyList<string> Apply(Func<string, IReadOnlyList<string>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (Constant is not null) return [Constant];
        if (From is null) return [];
        var result = new List<string>();
        foreach (var v in values(From))
            if (CimSourceMapping.ApplyTransform(this, v, values) is { } mapped) result.Add(mapped);
        return result;
    }
}

/// <summary>A raw source that feeds a CIM dataset: the events it takes (all <see cref="Match"/> conditions hold)
/// and how each CIM field is obtained from them.</summary>
public sealed record CimSourceRule(string Name, ImmutableArray<CimCondition> Match, ImmutableSortedDictionary<string, CimFieldRule> Fields)
{
    /// <summary>True when the event belongs to this source.</summary>
    public bool Matches(Func<string, IReadOnlyList<string>> values) => Match.All(c => c.Holds(values));
}

/// <summary>A child dataset of a data model (<c>Authentication.Failed_Authentication</c>) that tstats selects with
/// <c>nodename=</c>: the rows of <see cref="Dataset"/> whose CIM fields meet <see cref="Constraint"/>.</summary>
/// <param name="Path">The node path as tstats writes it, from the root dataset (<c>Authentication.Failed_Authentication</c>).</param>
/// <param name="Dataset">The dataset it refines, "Model.Dataset".</param>
/// <param name="Constraint">Conditions on the dataset's CIM fields (without the prefix); all must hold.</param>
public sealed record CimNode(string Path, string Dataset, ImmutableArray<CimCondition> Constraint);

/// <summary>The mapping data that turns raw events into CIM data model rows (Mapping/Data/cim_sources.json): per
/// dataset, the raw sources that feed it and how each CIM field is computed, as Splunk's add-ons do at search time.
/// The evaluator uses it to run <c>tstats ... from datamodel=</c> over raw fixture logs; a backend can compose it
/// with a profile's raw-source columns (docs/MAPPING.md, "CIM from raw sources").</summary>
public sealed class CimSourceMapping
{
    private static readonly Lazy<CimSourceMapping> DefaultMapping = new(() => Parse(EmbeddedData.Read("cim_sources.json")));
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Regex> Regexes = new(StringComparer.Ordinal);

    private CimSourceMapping(ImmutableSortedDictionary<string, ImmutableArray<CimSourceRule>> datasets, ImmutableSortedDictionary<string, CimNode> nodes, string? source)
    {
        Datasets = datasets;
        Nodes = nodes;
        Source = source;
    }

    /// <summary>The mapping embedded in the library.</summary>
    public static CimSourceMapping Default => DefaultMapping.Value;

    /// <summary>"Model.Dataset" → its raw sources, in the order they are tried.</summary>
    public IReadOnlyDictionary<string, ImmutableArray<CimSourceRule>> Datasets { get; }

    /// <summary>Node path → child node, ordered by path.</summary>
    public IReadOnlyDictionary<string, CimNode> Nodes { get; }

    /// <summary>Where the facts come from.</summary>
    public string? Source { get; }

    /// <summary>The raw sources of a dataset ("Model.Dataset", canonical as <see cref="CimCatalog.Canonicalize"/> gives it).</summary>
    public bool TryGetSources(string dataset, out ImmutableArray<CimSourceRule> sources) => Datasets.TryGetValue(dataset, out sources);

    /// <summary>The first source of the dataset that takes the event, or null.</summary>
    public CimSourceRule? Select(string dataset, Func<string, IReadOnlyList<string>> values) =>
        TryGetSources(dataset, out var sources) ? sources.FirstOrDefault(s => s.Matches(values)) : null;

    /// <summary>A node by path.</summary>
    public bool TryGetNode(string path, [NotNullWhen(true)] out CimNode? node) => Nodes.TryGetValue(path, out node);

    /// <summary>Reads a mapping in the format of cim_sources.json.</summary>
    /// <exception cref="JsonException">The text is not such a mapping.</exception>
    public static CimSourceMapping Parse(string json)
    {
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = doc.RootElement;
        var datasets = ImmutableSortedDictionary.CreateBuilder<string, ImmutableArray<CimSourceRule>>(StringComparer.Ordinal);
        foreach (var d in root.GetProperty("datasets").EnumerateObject())
            datasets[d.Name] = ReadSources(d.Value.GetProperty("sources"), d.Name);
        var nodes = ImmutableSortedDictionary.CreateBuilder<string, CimNode>(StringComparer.Ordinal);
        if (root.TryGetProperty("nodes", out var n))
            foreach (var node in n.EnumerateObject())
                nodes[node.Name] = new CimNode(node.Name, Text(node.Value, "dataset") ?? throw new JsonException($"node {node.Name} has no dataset"), ReadConditions(node.Value.GetProperty("constraint")));
        return new CimSourceMapping(datasets.ToImmutable(), nodes.ToImmutable(), Text(root, "$source"));
    }

    /// <summary>An array of sources in the format of cim_sources.json (name, match, fields).</summary>
    internal static ImmutableArray<CimSourceRule> ReadSources(JsonElement array, string owner)
    {
        var sources = ImmutableArray.CreateBuilder<CimSourceRule>();
        foreach (var s in array.EnumerateArray())
        {
            var fields = ImmutableSortedDictionary.CreateBuilder<string, CimFieldRule>(StringComparer.Ordinal);
            foreach (var f in s.GetProperty("fields").EnumerateObject()) fields[f.Name] = ReadField(f.Name, f.Value);
            sources.Add(new CimSourceRule(Text(s, "name") ?? throw new JsonException($"a source of {owner} has no name"), ReadConditions(s.GetProperty("match")), fields.ToImmutable()));
        }
        return sources.ToImmutable();
    }

    internal static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static ImmutableArray<CimCondition> ReadConditions(JsonElement array) =>
        array.EnumerateArray().Select(c => new CimCondition(
            Text(c, "field") ?? throw new JsonException("a condition has no field"),
            c.TryGetProperty("values", out var vs) ? vs.EnumerateArray().Select(v => v.GetString() ?? "").ToImmutableArray() : [],
            Text(c, "matches"))).ToImmutableArray();

    private static CimFieldRule ReadField(string name, JsonElement e)
    {
        var transform = Text(e, "transform");
        if (transform is not null && (!MappingTransforms.TryGet(transform, out _) || transform == MappingTransforms.JsonPath.Name))
            throw new JsonException($"field {name}: the transform '{transform}' is not applied to raw events");
        var map = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        if (e.TryGetProperty("values", out var values))
            foreach (var v in values.EnumerateObject()) map[v.Name] = v.Value.GetString() ?? "";
        var args = e.TryGetProperty("args", out var a) ? a.EnumerateArray().Select(x => x.GetString() ?? "").ToImmutableArray() : [];
        return new CimFieldRule(name, Text(e, "from"), Text(e, "value"), transform, args, map.ToImmutable(), Text(e, "default"), Text(e, "$note"));
    }

    internal static bool IsMatch(string pattern, string input)
    {
        try
        {
            return Compile(pattern).IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static Regex Compile(string pattern) =>
        Regexes.GetOrAdd(pattern, p => new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));

    /// <summary>Applies a rule's transform to one value (docs/MAPPING.md, "Transforms"); null when it yields nothing.</summary>
    internal static string? ApplyTransform(CimFieldRule rule, string value, Func<string, IReadOnlyList<string>> values)
    {
        switch (rule.Transform)
        {
            case null:
            case "tostring":
                return value;
            case "basename":
                return value[(value.LastIndexOfAny(['\\', '/']) + 1)..];
            case "lower":
                return value.ToLowerInvariant();
            case "tolong":
                return long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n.ToString(CultureInfo.InvariantCulture) : null;
            case "hex_to_long":
                return value.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                    && long.TryParse(value.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var h)
                    ? h.ToString(CultureInfo.InvariantCulture) : null;
            case "value_map":
                return rule.ValueMap.TryGetValue(value, out var mapped) ? mapped : rule.Default ?? value;
            case "path_join":
            {
                var other = rule.Arguments.Length > 0 ? values(rule.Arguments[0]).FirstOrDefault() : null;
                return string.IsNullOrEmpty(other) ? value : value + "\\" + other;
            }
            case "regex_extract":
            {
                if (rule.Arguments.Length < 2 || !int.TryParse(rule.Arguments[1], NumberStyles.None, CultureInfo.InvariantCulture, out var group)) return null;
                try
                {
                    var m = Compile(rule.Arguments[0]).Match(value);
                    return m.Success && group < m.Groups.Count && m.Groups[group].Success ? m.Groups[group].Value : null;
                }
                catch (RegexMatchTimeoutException)
                {
                    return null;
                }
            }
            default:
                return null; // json_path: refused by Parse

        }
    }
}
