using System.Collections.Immutable;
using ExfilQuery.Diagnostics;
using ExfilQuery.Text;
using static ExfilQuery.Diagnostics.DiagnosticCatalog;

namespace ExfilQuery.Mapping;

/// <summary>Every diagnostic the field and table mapping reports: one descriptor and one factory per kind, codes
/// MAP0001 and up, each documented in docs/DIAGNOSTICS.md. Spans of mapping-file diagnostics point into the
/// mapping file's text; spans of translation diagnostics (MAP0020–MAP0022) point into the SPL the user wrote.</summary>
public static class MappingDiagnostics
{
    // ---- MAP00xx: loading profiles and mapping files ----
    /// <summary>MAP0001</summary>
    public static readonly DiagnosticDescriptor UnknownProfileDescriptor = new("MAP0001", DiagnosticSeverity.Error, "Unknown mapping profile");
    /// <summary>MAP0002</summary>
    public static readonly DiagnosticDescriptor InvalidJsonDescriptor = new("MAP0002", DiagnosticSeverity.Error, "Mapping file is not valid JSON");
    /// <summary>MAP0003</summary>
    public static readonly DiagnosticDescriptor InvalidEntryDescriptor = new("MAP0003", DiagnosticSeverity.Error, "Mapping file entry has the wrong shape");
    /// <summary>MAP0004</summary>
    public static readonly DiagnosticDescriptor UnknownMemberDescriptor = new("MAP0004", DiagnosticSeverity.Warning, "Unknown member in mapping file");
    /// <summary>MAP0005</summary>
    public static readonly DiagnosticDescriptor UnknownTransformDescriptor = new("MAP0005", DiagnosticSeverity.Error, "Unknown transform");
    /// <summary>MAP0006</summary>
    public static readonly DiagnosticDescriptor TransformArgumentsDescriptor = new("MAP0006", DiagnosticSeverity.Error, "Wrong transform arguments");
    /// <summary>MAP0007</summary>
    public static readonly DiagnosticDescriptor UnknownOperatorDescriptor = new("MAP0007", DiagnosticSeverity.Error, "Unknown filter operator");
    /// <summary>MAP0008</summary>
    public static readonly DiagnosticDescriptor UnknownColumnDescriptor = new("MAP0008", DiagnosticSeverity.Warning, "Column not in the schema");
    /// <summary>MAP0009</summary>
    public static readonly DiagnosticDescriptor UnknownTableDescriptor = new("MAP0009", DiagnosticSeverity.Warning, "Table or function not in the schema");
    /// <summary>MAP0010</summary>
    public static readonly DiagnosticDescriptor IncompatibleTypeDescriptor = new("MAP0010", DiagnosticSeverity.Warning, "Column type does not fit the field");
    /// <summary>MAP0011</summary>
    public static readonly DiagnosticDescriptor UnknownCimFieldDescriptor = new("MAP0011", DiagnosticSeverity.Warning, "Field not in the CIM dataset");
    /// <summary>MAP0012</summary>
    public static readonly DiagnosticDescriptor UnknownDatasetDescriptor = new("MAP0012", DiagnosticSeverity.Warning, "Dataset not in the CIM catalog");
    /// <summary>MAP0013</summary>
    public static readonly DiagnosticDescriptor MissingTargetDescriptor = new("MAP0013", DiagnosticSeverity.Error, "New dataset or source names no table or function");

    // ---- MAP002x: applying a profile to a search ----
    /// <summary>MAP0020</summary>
    public static readonly DiagnosticDescriptor UnmappedFieldDescriptor = new("MAP0020", DiagnosticSeverity.Warning, "Field has no mapping in the target");
    /// <summary>MAP0021</summary>
    public static readonly DiagnosticDescriptor UnmappedDatasetDescriptor = new("MAP0021", DiagnosticSeverity.Error, "Data model dataset has no source in the target");
    /// <summary>MAP0022</summary>
    public static readonly DiagnosticDescriptor UnmappedSourceDescriptor = new("MAP0022", DiagnosticSeverity.Error, "Raw source has no table in the target");
    /// <summary>MAP0023</summary>
    public static readonly DiagnosticDescriptor MixedSourcesDescriptor = new("MAP0023", DiagnosticSeverity.Error, "Several raw sources in one OR");

    /// <summary>All descriptors, in code order.</summary>
    public static ImmutableArray<DiagnosticDescriptor> All { get; } = DiagnosticCatalog.Descriptors(typeof(MappingDiagnostics));

    /// <summary>A profile name that is not built in.</summary>
    public static Diagnostic UnknownProfile(string name) => UnknownProfile(name, MappingProfile.BuiltInNames);

    /// <summary>A profile name that is not one of <paramref name="names"/> (the built-in profiles of a target).</summary>
    public static Diagnostic UnknownProfile(string name, IEnumerable<string> names) =>
        Make(UnknownProfileDescriptor, TextSpan.Empty, $"Unknown mapping profile '{name}'; the built-in profiles are {string.Join(", ", names)}.");

    /// <summary>The mapping file cannot be read as JSON.</summary>
    public static Diagnostic InvalidJson(TextSpan span, string detail) => Make(InvalidJsonDescriptor, span, $"The mapping file is not valid JSON: {detail}");

    /// <summary>An entry of the mapping file is not what the format expects at <paramref name="path"/>.</summary>
    public static Diagnostic InvalidEntry(TextSpan span, string path, string detail) => Make(InvalidEntryDescriptor, span, $"{path}: {detail}");

    /// <summary>A member the format does not define (often a misspelling); it is ignored.</summary>
    public static Diagnostic UnknownMember(TextSpan span, string path, string member, string expected) =>
        Make(UnknownMemberDescriptor, span, $"{path}: unknown member '{member}' is ignored; expected {expected}.");

    /// <summary>A transform outside the closed set.</summary>
    public static Diagnostic UnknownTransform(TextSpan span, string path, string transform) =>
        Make(UnknownTransformDescriptor, span, $"{path}: unknown transform '{transform}'; the transforms are {string.Join(", ", MappingTransforms.All.Select(t => t.Name))}.");

    /// <summary>A transform with the wrong arguments.</summary>
    public static Diagnostic TransformArguments(TextSpan span, string path, string transform, string detail) =>
        Make(TransformArgumentsDescriptor, span, $"{path}: transform '{transform}' {detail}");

    /// <summary>A fixed filter with an operator outside the closed set.</summary>
    public static Diagnostic UnknownOperator(TextSpan span, string path, string op) =>
        Make(UnknownOperatorDescriptor, span, $"{path}: unknown operator '{op}'; the operators are {string.Join(", ", FixedFilter.Operators)}.");

    /// <summary>A column the schema does not list for the table or function.</summary>
    public static Diagnostic UnknownColumn(TextSpan span, string path, string column, string table) =>
        Make(UnknownColumnDescriptor, span, $"{path}: column '{column}' is not in the schema of '{table}'.");

    /// <summary>A table or function the schema does not describe; its columns are not checked.</summary>
    public static Diagnostic UnknownTable(TextSpan span, string path, string table) =>
        Make(UnknownTableDescriptor, span, $"{path}: '{table}' is not in the schema; its columns are not checked.");

    /// <summary>A column (after its transform) whose type does not fit the field or the transform.</summary>
    public static Diagnostic IncompatibleType(TextSpan span, string path, string detail) => Make(IncompatibleTypeDescriptor, span, $"{path}: {detail}");

    /// <summary>A field that the CIM dataset does not define; it is mapped as written.</summary>
    public static Diagnostic UnknownCimField(TextSpan span, string path, string field, string dataset) =>
        Make(UnknownCimFieldDescriptor, span, $"{path}: '{field}' is not a field of the CIM dataset {dataset}; it is mapped as written, without a type check.");

    /// <summary>A dataset that the CIM catalog does not define; it is mapped as written.</summary>
    public static Diagnostic UnknownDataset(TextSpan span, string path, string dataset) =>
        Make(UnknownDatasetDescriptor, span, $"{path}: '{dataset}' is not a dataset of the CIM catalog; it is mapped as written, without type checks.");

    /// <summary>A dataset or source added by a mapping file without a "table" or "function".</summary>
    public static Diagnostic MissingTarget(TextSpan span, string path) =>
        Make(MissingTargetDescriptor, span, $"{path}: a new entry needs \"table\" or \"function\" (null marks it unmapped, with a \"note\").");

    /// <summary>A field the profile does not map (unmapped-field policy, docs/MAPPING.md): the field is kept as
    /// written; a warning by default, an error when <paramref name="strict"/> (the CLI's --strict).</summary>
    public static Diagnostic UnmappedField(TextSpan span, string field, string profile, string? note, bool strict = false)
    {
        var message = $"'{field}' has no mapping in the {profile} profile; it is kept as written."
            + (note is null ? "" : " " + note);
        return new Diagnostic(UnmappedFieldDescriptor.Code, strict ? DiagnosticSeverity.Error : UnmappedFieldDescriptor.Severity, message, span);
    }

    /// <summary>A data model dataset that the profile maps to no table or function.</summary>
    public static Diagnostic UnmappedDataset(TextSpan span, string dataset, string profile, string? note) =>
        Make(UnmappedDatasetDescriptor, span, $"The {profile} profile has no source for the data model dataset {dataset}." + (note is null ? "" : " " + note));

    /// <summary>A raw source (selected by sourcetype, source, eventtype ...) that the profile maps to no table.</summary>
    public static Diagnostic UnmappedSource(TextSpan span, string source, string profile, string? note) =>
        Make(UnmappedSourceDescriptor, span, $"The {profile} profile has no table for the source '{source}'." + (note is null ? "" : " " + note));

    /// <summary>An OR whose branches select different raw sources; <paramref name="branches"/> says what each reads.</summary>
    public static Diagnostic MixedSources(TextSpan span, string profile, IEnumerable<string> branches) =>
        Make(MixedSourcesDescriptor, span, $"This OR reads several sources, which the {profile} profile would have to read as a union of tables; that is not translated, so the search fails: "
            + string.Join("; ", branches.Select(b => b.TrimEnd('.'))) + ".");
}
