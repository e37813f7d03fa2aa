using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace ExfilQuery.Mapping;

/// <summary>Where a mapped search reads from: a table, or an ASIM parser function.</summary>
/// <param name="Table">The table name, or the function name for a function source (_Im_ProcessCreate).</param>
/// <param name="FunctionCall">The call to write for a function source ("_Im_ProcessCreate()"); null for a table.</param>
public sealed record KqlSource(string Table, string? FunctionCall)
{
    /// <summary>True when the source is a parser function.</summary>
    public bool IsFunction => FunctionCall is not null;

    /// <summary>A table source.</summary>
    public static KqlSource ForTable(string table) => new(table, null);

    /// <summary>A parser function called without arguments.</summary>
    public static KqlSource ForFunction(string function) => new(function, function + "()");

    /// <inheritdoc/>
    public override string ToString() => FunctionCall ?? Table;
}

/// <summary>A condition every row of a mapped dataset or source must meet, such as ActionType == "ProcessCreated"
/// or EventID == 4688. Target-free: a backend renders it.</summary>
/// <param name="Column">The column tested.</param>
/// <param name="Operator">One of <see cref="Operators"/>: "==" and "!=" take one value, "in" one or more,
/// "matches" one regular expression (the row matches when the expression matches somewhere in the value).
/// Comparisons are exact and case-sensitive.</param>
/// <param name="Values">The values as text; <see cref="ColumnType"/> says how to read them.</param>
public sealed record FixedFilter(string Column, string Operator, ImmutableArray<string> Values)
{
    /// <summary>The closed set of filter operators.</summary>
    public static ImmutableArray<string> Operators { get; } = ["!=", "==", "in", "matches"];

    /// <summary>The Kusto type of <see cref="Column"/> from the schema (null when the schema does not know it).</summary>
    public string? ColumnType { get; init; }
}

/// <summary>How one field (a CIM field of a dataset, or a raw field of a source) is obtained in the target.</summary>
/// <param name="CimField">The field name as the search writes it, without a dataset prefix.</param>
/// <param name="Column">The target column, or null when the target has no equivalent (see <see cref="Note"/>).</param>
/// <param name="ColumnType">The Kusto type of <see cref="Column"/> from the schema (null when unmapped or unknown).</param>
/// <param name="Transform">The name of a <see cref="MappingTransforms"/> transform applied to the column, or null.</param>
/// <param name="Note">Why the field is unmapped, or what a reader should know about the mapping.</param>
public sealed record FieldMapping(string CimField, string? Column, string? ColumnType, string? Transform, string? Note)
{
    /// <summary>The transform's arguments: for path_join the second column, for regex_extract the pattern and the
    /// group number, for json_path the dotted member path.</summary>
    public ImmutableArray<string> TransformArguments { get; init; } = [];

    /// <summary>For value_map: target value → field value, ordered by key.</summary>
    public ImmutableSortedDictionary<string, string> ValueMap { get; init; } = ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>For value_map: the field value for a target value not in <see cref="ValueMap"/>; null keeps the
    /// target value.</summary>
    public string? ValueMapDefault { get; init; }

    /// <summary>True when the field has a column.</summary>
    [MemberNotNullWhen(true, nameof(Column))]
    public bool IsMapped => Column is not null;

    /// <summary>The Kusto type of the field's value: the transform's output type, else the column type.</summary>
    public string? ResultType => Transform is not null && MappingTransforms.TryGet(Transform, out var t) ? t.OutputType : ColumnType;

    /// <summary>The field kept under its own name (identity profile).</summary>
    public static FieldMapping Identity(string field) => new(field, field, null, null, null);
}

/// <summary>A CIM dataset mapped to a target source.</summary>
/// <param name="Dataset">The canonical dataset name, "Model.Dataset".</param>
/// <param name="Source">The table or function to read.</param>
/// <param name="Filters">Conditions that select the dataset's rows in the source (all must hold).</param>
/// <param name="Fields">Field name (without the dataset prefix) → mapping, ordered by name. Unmapped fields are
/// listed with a null column and a note.</param>
public sealed record DatasetMapping(string Dataset, KqlSource Source, ImmutableArray<FixedFilter> Filters, ImmutableSortedDictionary<string, FieldMapping> Fields)
{
    /// <summary>What a reader should know about the dataset's mapping.</summary>
    public string? Note { get; init; }

    /// <summary>True for the identity profile: fields not listed keep their own names.</summary>
    public bool IsIdentity { get; init; }

    /// <summary>The mapping of a field (without the dataset prefix). False when the profile does not list the field
    /// (in the identity profile every field maps to itself).</summary>
    public bool TryGetField(string field, [NotNullWhen(true)] out FieldMapping? mapping)
    {
        if (Fields.TryGetValue(field, out mapping)) return true;
        if (!IsIdentity) return false;
        mapping = FieldMapping.Identity(field);
        return true;
    }
}

/// <summary>A condition on a field of the search that selects a raw source: the search restricts
/// <see cref="Field"/> to one of <see cref="Values"/> (sourcetype=aws:cloudtrail, EventCode=1). Values compare as
/// Splunk compares field values in a search: case-insensitively.</summary>
public sealed record SourceMatch(string Field, ImmutableArray<string> Values);

/// <summary>A raw (non-data-model) source mapped to a target source, keyed by how security_content selects it.</summary>
/// <param name="Name">The source's name in the profile (sysmon_process_create).</param>
/// <param name="Match">Conditions that must all hold besides the selector, such as EventCode=1.</param>
/// <param name="Source">The table or function to read.</param>
/// <param name="Filters">Conditions that select the source's rows in the target (all must hold).</param>
/// <param name="Fields">Raw field name → mapping, ordered by name.</param>
public sealed record SourceMapping(string Name, ImmutableArray<SourceMatch> Match, KqlSource Source, ImmutableArray<FixedFilter> Filters, ImmutableSortedDictionary<string, FieldMapping> Fields)
{
    /// <summary>How the search selects the source: any one of these suffices (the sysmon macro is
    /// sourcetype=... OR source=...). Empty when <see cref="Match"/> alone selects it.</summary>
    public ImmutableArray<SourceMatch> Selectors { get; init; } = [];

    /// <summary>The security_content macro that expands to the selector, when there is one (sysmon).</summary>
    public string? Macro { get; init; }

    /// <summary>What the source is and what a reader should know about its mapping.</summary>
    public string? Note { get; init; }

    /// <summary>Field-name prefix → mapping for families of fields (requestParameters. → json_path on
    /// RequestParameters), ordered by prefix.</summary>
    public ImmutableSortedDictionary<string, FieldMapping> Prefixes { get; init; } = ImmutableSortedDictionary<string, FieldMapping>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>The mapping of a raw field: a listed field, else the longest matching prefix (whose json_path takes
    /// the rest of the name as its member path).</summary>
    public bool TryGetField(string field, [NotNullWhen(true)] out FieldMapping? mapping)
    {
        if (Fields.TryGetValue(field, out mapping)) return true;
        foreach (var (prefix, m) in Prefixes.OrderByDescending(p => p.Key.Length).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            if (field.Length <= prefix.Length || !field.StartsWith(prefix, StringComparison.Ordinal)) continue;
            mapping = m with { CimField = field, TransformArguments = [.. m.TransformArguments, field[prefix.Length..]] };
            return true;
        }
        mapping = null;
        return false;
    }
}

/// <summary>A raw source the profile knows but cannot map: the target has no table for it.</summary>
/// <param name="Name">The source's name in the profile.</param>
/// <param name="Selectors">How the search selects the source (any one suffices).</param>
/// <param name="Match">Conditions that must all hold besides the selector.</param>
/// <param name="Macro">The security_content macro that expands to the selector, when there is one.</param>
/// <param name="Note">Why there is no mapping.</param>
public sealed record UnmappedSource(string Name, ImmutableArray<SourceMatch> Selectors, ImmutableArray<SourceMatch> Match, string? Macro, string Note);
