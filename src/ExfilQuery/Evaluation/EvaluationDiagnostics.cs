using System.Collections.Immutable;
using ExfilQuery.Diagnostics;
using ExfilQuery.Text;

namespace ExfilQuery.Evaluation;

/// <summary>Every diagnostic the in-process evaluator and the event readers report: codes EVL0001 and up, each
/// documented in docs/DIAGNOSTICS.md. Spans point into the SPL the user wrote (reader diagnostics have an empty
/// span; their message names the file and line).</summary>
public static class EvaluationDiagnostics
{
    /// <summary>EVL0001</summary>
    public static readonly DiagnosticDescriptor UnsupportedStageDescriptor = new("EVL0001", DiagnosticSeverity.Error, "Stage not evaluated");
    /// <summary>EVL0002</summary>
    public static readonly DiagnosticDescriptor DataModelPremappedDescriptor = new("EVL0002", DiagnosticSeverity.Info, "Data model read from events that already carry its field names");
    /// <summary>EVL0003</summary>
    public static readonly DiagnosticDescriptor RowLimitDescriptor = new("EVL0003", DiagnosticSeverity.Warning, "Row limit reached");
    /// <summary>EVL0004</summary>
    public static readonly DiagnosticDescriptor GroupLimitDescriptor = new("EVL0004", DiagnosticSeverity.Warning, "Group limit reached");
    /// <summary>EVL0005</summary>
    public static readonly DiagnosticDescriptor RegexErrorDescriptor = new("EVL0005", DiagnosticSeverity.Error, "Regular expression invalid or timed out");
    /// <summary>EVL0006</summary>
    public static readonly DiagnosticDescriptor UnknownFunctionDescriptor = new("EVL0006", DiagnosticSeverity.Error, "Function not evaluated");
    /// <summary>EVL0007</summary>
    public static readonly DiagnosticDescriptor MalformedEventDescriptor = new("EVL0007", DiagnosticSeverity.Warning, "Malformed event");
    /// <summary>EVL0008</summary>
    public static readonly DiagnosticDescriptor UnsupportedPredicateDescriptor = new("EVL0008", DiagnosticSeverity.Error, "Search condition not evaluated");
    /// <summary>EVL0009</summary>
    public static readonly DiagnosticDescriptor UnsupportedSourceDescriptor = new("EVL0009", DiagnosticSeverity.Error, "Source not evaluated");

    /// <summary>All descriptors, in code order.</summary>
    public static ImmutableArray<DiagnosticDescriptor> All { get; } = typeof(EvaluationDiagnostics)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .OrderBy(d => d.Code, StringComparer.Ordinal)
        .ToImmutableArray();

    private static Diagnostic Make(DiagnosticDescriptor d, TextSpan span, string message) => new(d.Code, d.Severity, message, span);

    /// <summary>A stage the evaluator does not run; rows pass through unchanged.</summary>
    public static Diagnostic UnsupportedStage(TextSpan span, string command, string detail) =>
        Make(UnsupportedStageDescriptor, span, $"'{command}' is not evaluated yet ({detail}); its rows pass through unchanged, so the result may differ from Splunk's.");
    /// <summary>A tstats data model source read over pre-mapped events.</summary>
    public static Diagnostic DataModelPremapped(TextSpan span, string dataModel) =>
        Make(DataModelPremappedDescriptor, span, $"'{dataModel}' is evaluated over events that already carry its field names (for example 'Processes.process_name'); raw events are not mapped to the CIM data model yet.");
    /// <summary>A row limit truncated the rows.</summary>
    public static Diagnostic RowLimit(TextSpan span, int limit) =>
        Make(RowLimitDescriptor, span, $"More than {limit} rows; the rest were left out. Raise EvaluationOptions.MaxRows to keep them.");
    /// <summary>A group limit truncated an aggregation.</summary>
    public static Diagnostic GroupLimit(TextSpan span, int limit) =>
        Make(GroupLimitDescriptor, span, $"More than {limit} groups; rows of further groups were left out. Raise EvaluationOptions.MaxGroups to keep them.");
    /// <summary>A regular expression failed to compile or timed out.</summary>
    public static Diagnostic RegexError(TextSpan span, string pattern, string detail) =>
        Make(RegexErrorDescriptor, span, $"The regular expression '{pattern}' {detail}");
    /// <summary>A function or aggregation the evaluator does not know.</summary>
    public static Diagnostic UnknownFunction(TextSpan span, string function) =>
        Make(UnknownFunctionDescriptor, span, $"The function '{function}' is not evaluated yet; it yields null.");
    /// <summary>An event that could not be read.</summary>
    public static Diagnostic MalformedEvent(string file, int line, string reason) =>
        Make(MalformedEventDescriptor, default, $"{file}:{line}: {reason}");
    /// <summary>A predicate the evaluator does not run (treated as true).</summary>
    public static Diagnostic UnsupportedPredicate(TextSpan span, string detail) =>
        Make(UnsupportedPredicateDescriptor, span, $"{detail} The condition is treated as true, so the result may hold more rows than Splunk's.");
    /// <summary>A data source the evaluator does not read.</summary>
    public static Diagnostic UnsupportedSource(TextSpan span, string detail) =>
        Make(UnsupportedSourceDescriptor, span, $"{detail} The search starts with no rows.");
}
