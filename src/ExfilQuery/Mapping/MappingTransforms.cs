using System.Collections.Immutable;

namespace ExfilQuery.Mapping;

/// <summary>One transform of the closed set a mapping may apply to a column to obtain a field's value. Each one is
/// an exact derivation: when none fits exactly, a mapping names no column and says why in its note.</summary>
/// <param name="Name">The name used in mapping files ("transform": "basename").</param>
/// <param name="InputTypes">The Kusto types of the column the transform accepts.</param>
/// <param name="OutputType">The Kusto type of the value it produces.</param>
/// <param name="ArgumentCount">How many entries "args" must hold (for a prefix mapping, json_path takes its
/// path from the rest of the field name and holds none).</param>
/// <param name="Description">What the transform computes (docs/MAPPING.md has the KQL each one stands for).</param>
public sealed record MappingTransform(string Name, ImmutableArray<string> InputTypes, string OutputType, int ArgumentCount, string Description);

/// <summary>The closed set of transforms (docs/MAPPING.md, "Transforms").</summary>
public static class MappingTransforms
{
    /// <summary>The file name after the last '\' or '/' of a path (the whole value when there is none).</summary>
    public static MappingTransform Basename { get; } = new("basename", ["string"], "string", 0, "the text after the last '\\' or '/'");
    /// <summary>The value in lower case.</summary>
    public static MappingTransform Lower { get; } = new("lower", ["string"], "string", 0, "the value in lower case");
    /// <summary>A scalar as text (decimal for numbers).</summary>
    public static MappingTransform ToText { get; } = new("tostring", ["int", "long", "real", "bool", "datetime", "string"], "string", 0, "the value as text");
    /// <summary>Decimal integer text as a long; anything else gives null.</summary>
    public static MappingTransform ToLong { get; } = new("tolong", ["string"], "long", 0, "decimal integer text as a long");
    /// <summary>Hexadecimal text with a 0x prefix (Windows Security event process IDs) as a long.</summary>
    public static MappingTransform HexToLong { get; } = new("hex_to_long", ["string"], "long", 0, "0x-prefixed hexadecimal text as a long");
    /// <summary>The column and the column named by the argument joined with '\', or the column alone when the
    /// argument column is empty (a registry key and value name give the value's path).</summary>
    public static MappingTransform PathJoin { get; } = new("path_join", ["string"], "string", 1, "the column and the argument column joined with '\\' (the column alone when the other is empty)");
    /// <summary>Translates values through "values" (exact, case-sensitive); other values give "default" when one
    /// is set and stay as they are otherwise.</summary>
    public static MappingTransform ValueMap { get; } = new("value_map", ["string"], "string", 0, "values translated through a table");
    /// <summary>Group number args[1] of the first match of the regular expression args[0]; empty when there is none.</summary>
    public static MappingTransform RegexExtract { get; } = new("regex_extract", ["string"], "string", 2, "a group of the first regular expression match");
    /// <summary>The member at the dotted path args[0] of a JSON text or dynamic column, as text.</summary>
    public static MappingTransform JsonPath { get; } = new("json_path", ["string", "dynamic"], "string", 1, "a member of a JSON value, as text");

    /// <summary>Every transform, ordered by name.</summary>
    public static ImmutableArray<MappingTransform> All { get; } =
        [.. new[] { Basename, Lower, ToText, ToLong, HexToLong, PathJoin, ValueMap, RegexExtract, JsonPath }.OrderBy(t => t.Name, StringComparer.Ordinal)];

    /// <summary>Finds a transform by its name (ordinal).</summary>
    public static bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MappingTransform? transform)
    {
        transform = All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal));
        return transform is not null;
    }
}

/// <summary>The CIM field types and which Kusto column types can hold them.</summary>
public static class MappingTypes
{
    /// <summary>The CIM field types used in cim.json.</summary>
    public static ImmutableArray<string> CimTypes { get; } = ["boolean", "ip", "number", "string", "time"];

    /// <summary>True when a value of Kusto type <paramref name="kustoType"/> can stand for a CIM field of type
    /// <paramref name="cimType"/>: string↔string, ip↔string (addresses as text), number↔int/long/real,
    /// time↔datetime, boolean↔bool.</summary>
    public static bool IsCompatible(string cimType, string kustoType) => cimType switch
    {
        "string" or "ip" => kustoType == "string",
        "number" => kustoType is "int" or "long" or "real",
        "time" => kustoType == "datetime",
        "boolean" => kustoType == "bool",
        _ => false,
    };
}
