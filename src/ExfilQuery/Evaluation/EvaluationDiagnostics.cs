using System.Collections.Immutable;
using ExfilQuery.Diagnostics;
using ExfilQuery.Text;
using static ExfilQuery.Diagnostics.DiagnosticCatalog;

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

    /// <summary>EVL0010</summary>
    public static readonly DiagnosticDescriptor DataModelUnmappedDescriptor = new("EVL0010", DiagnosticSeverity.Warning, "No raw source feeds the data model dataset");
    /// <summary>EVL0011</summary>
    public static readonly DiagnosticDescriptor UnknownNodeDescriptor = new("EVL0011", DiagnosticSeverity.Error, "Data model node not known");
    /// <summary>EVL0012</summary>
    public static readonly DiagnosticDescriptor LookupMissingDescriptor = new("EVL0012", DiagnosticSeverity.Error, "Lookup table not available");
    /// <summary>EVL0013</summary>
    public static readonly DiagnosticDescriptor SideEffectRefusedDescriptor = new("EVL0013", DiagnosticSeverity.Warning, "Command with side effects refused");
    /// <summary>EVL0014</summary>
    public static readonly DiagnosticDescriptor IpLocationMissingDescriptor = new("EVL0014", DiagnosticSeverity.Error, "No IP location table");
    /// <summary>EVL0015</summary>
    public static readonly DiagnosticDescriptor MapLimitDescriptor = new("EVL0015", DiagnosticSeverity.Warning, "map ran fewer searches than it had rows");
    /// <summary>EVL0016</summary>
    public static readonly DiagnosticDescriptor InnerSearchDescriptor = new("EVL0016", DiagnosticSeverity.Error, "Search run by map does not parse or lower");
    /// <summary>EVL0017</summary>
    public static readonly DiagnosticDescriptor SubsearchLimitDescriptor = new("EVL0017", DiagnosticSeverity.Warning, "Subsearch result truncated");
    /// <summary>EVL0018</summary>
    public static readonly DiagnosticDescriptor ExternalLookupMultivalueDescriptor = new("EVL0018", DiagnosticSeverity.Warning, "Multivalue input to an external lookup");
    /// <summary>EVL0019</summary>
    public static readonly DiagnosticDescriptor OutlierQuartilesDescriptor = new("EVL0019", DiagnosticSeverity.Warning, "outlier result depends on the quartile method");
    /// <summary>EVL0020</summary>
    public static readonly DiagnosticDescriptor ChartNamesDescriptor = new("EVL0020", DiagnosticSeverity.Warning, "chart column names the Search Reference does not state");
    /// <summary>EVL0021</summary>
    public static readonly DiagnosticDescriptor ChartSeriesDescriptor = new("EVL0021", DiagnosticSeverity.Warning, "chart series values the Search Reference does not state");
    /// <summary>EVL0025</summary>
    public static readonly DiagnosticDescriptor SpathCutoffDescriptor = new("EVL0025", DiagnosticSeverity.Warning, "spath read only the first 5000 bytes");
    /// <summary>EVL0026</summary>
    public static readonly DiagnosticDescriptor StructuredInputDescriptor = new("EVL0026", DiagnosticSeverity.Warning, "JSON or XML input read where Splunk's reading is not known");
    /// <summary>EVL0027</summary>
    public static readonly DiagnosticDescriptor SpathIndexDescriptor = new("EVL0027", DiagnosticSeverity.Warning, "spath path read by an unverified rule");
    /// <summary>EVL0028</summary>
    public static readonly DiagnosticDescriptor ReplaceUnverifiedDescriptor = new("EVL0028", DiagnosticSeverity.Warning, "replace result depends on a rule Splunk's reference leaves open");
    /// <summary>EVL0029</summary>
    public static readonly DiagnosticDescriptor AddTotalsNoNumberDescriptor = new("EVL0029", DiagnosticSeverity.Warning, "addtotals row without a numeric value");
    /// <summary>EVL0050</summary>
    public static readonly DiagnosticDescriptor ForeachTemplateDescriptor = new("EVL0050", DiagnosticSeverity.Error, "foreach template does not read for a field");
    /// <summary>EVL0051</summary>
    public static readonly DiagnosticDescriptor ForeachOrderDescriptor = new("EVL0051", DiagnosticSeverity.Warning, "foreach result depends on the order it visits fields");
    /// <summary>EVL0052</summary>
    public static readonly DiagnosticDescriptor ForeachAmbiguousSplitDescriptor = new("EVL0052", DiagnosticSeverity.Warning, "foreach wildcards split a field name in more than one way");

    /// <summary>All descriptors, in code order.</summary>
    public static ImmutableArray<DiagnosticDescriptor> All { get; } = DiagnosticCatalog.Descriptors(typeof(EvaluationDiagnostics));

    /// <summary>A stage the evaluator does not run; rows pass through unchanged.</summary>
    public static Diagnostic UnsupportedStage(TextSpan span, string command, string detail) =>
        Make(UnsupportedStageDescriptor, span, $"'{command}' is not evaluated yet ({detail}); its rows pass through unchanged, so the result may differ from Splunk's.");
    /// <summary>A tstats data model source read over pre-mapped events.</summary>
    public static Diagnostic DataModelPremapped(TextSpan span, string dataModel) =>
        Make(DataModelPremappedDescriptor, span, $"'{dataModel}' is evaluated over events that already carry its field names (for example 'Processes.process_name'); raw events are not mapped to the CIM data model yet.");
    /// <summary>A row limit truncated the rows.</summary>
    public static Diagnostic RowLimit(TextSpan span, int limit) =>
        Make(RowLimitDescriptor, span, $"More than {limit} rows; the rest were left out. Raise EvaluationOptions.MaxRows to keep them.");
    /// <summary>The cell limit of chart/timechart truncated its rows.</summary>
    public static Diagnostic ChartCellLimit(TextSpan span, int limit, int rows) =>
        Make(RowLimitDescriptor, span, $"More than {limit} cells; only the first {rows} rows were written. Raise EvaluationOptions.MaxChartCells to keep the rest.");
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

    /// <summary>A data model dataset that no raw source of the CIM source mapping feeds, read over events that do not carry its fields.</summary>
    public static Diagnostic DataModelUnmapped(TextSpan span, string dataset) =>
        Make(DataModelUnmappedDescriptor, span, $"No raw source in the CIM source mapping (Mapping/Data/cim_sources.json) feeds '{dataset}', and no event carries its field names; the search starts with no rows.");
    /// <summary>A <c>nodename=</c> the mapping does not know.</summary>
    public static Diagnostic UnknownNode(TextSpan span, string node, string dataset) =>
        Make(UnknownNodeDescriptor, span, $"The data model node '{node}' of '{dataset}' is not in the CIM source mapping; its constraint is unknown, so no row matches it.");
    /// <summary>A lookup table that could not be read.</summary>
    public static Diagnostic LookupMissing(TextSpan span, string table, string detail) =>
        Make(LookupMissingDescriptor, span, $"The lookup '{table}' is not available: {detail}");
    /// <summary>A command with side effects that the evaluator refuses to run.</summary>
    public static Diagnostic SideEffectRefused(TextSpan span, string command, string detail) =>
        Make(SideEffectRefusedDescriptor, span, $"'{command}' has side effects and is never executed by the evaluator; {detail}");
    /// <summary>iplocation without a location table.</summary>
    public static Diagnostic IpLocationMissing(TextSpan span) =>
        Make(IpLocationMissingDescriptor, span, "iplocation needs a GeoIP database, and none is available: set EvaluationOptions.IpLocations to a table of address ranges; without one no location fields are added.");
    /// <summary>map stopped at maxsearches.</summary>
    public static Diagnostic MapLimit(TextSpan span, int max, int rows) =>
        Make(MapLimitDescriptor, span, $"map ran its search for the first {max} of {rows} rows (maxsearches={max}), as Splunk does; raise maxsearches to run it for all.");
    /// <summary>A search run by map (after substitution) that does not parse or lower.</summary>
    public static Diagnostic InnerSearch(TextSpan span, string search, string detail) =>
        Make(InnerSearchDescriptor, span, $"The search map runs, '{search}', {detail}; that run gives no rows.");
    /// <summary>A subsearch result cut at a limit.</summary>
    public static Diagnostic SubsearchLimit(TextSpan span, string command, int limit) =>
        Make(SubsearchLimitDescriptor, span, $"The subsearch of '{command}' returned more than {limit} rows; only the first {limit} were used, as Splunk's subsearch limit does.");
    /// <summary>An external lookup given a field with several values.</summary>
    public static Diagnostic ExternalLookupMultivalue(TextSpan span, string table, string field) =>
        Make(ExternalLookupMultivalueDescriptor, span, $"'{field}' has several values in some rows; each value is sent to the script of '{table}' as its own row and the outputs of all of them are combined, as a CSV lookup matches each value. How Splunk passes a multivalue field to an external lookup was not verified.");
    /// <summary>outlier values that the two common quartile methods judge differently.</summary>
    public static Diagnostic OutlierQuartiles(TextSpan span, string field, int values) =>
        Make(OutlierQuartilesDescriptor, span, string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Splunk's reference does not say how outlier computes the 25th and 75th percentiles of '{field}'; interpolating between the closest ranks (as exactperc, what the evaluator does) and taking the nearest rank disagree on {values} value(s) here, so the result may differ from Splunk's."));
    /// <summary>chart/timechart column names chosen where the Search Reference is silent.</summary>
    public static Diagnostic ChartNames(TextSpan span, string command, string detail) =>
        Make(ChartNamesDescriptor, span, $"{detail}; the Search Reference for '{command}' does not state how Splunk names these columns, so they may differ.");
    /// <summary>chart/timechart series values or selection chosen where the Search Reference is silent.</summary>
    public static Diagnostic ChartSeries(TextSpan span, string command, string detail) =>
        Make(ChartSeriesDescriptor, span, $"{detail}; the Search Reference for '{command}' does not state this, so Splunk's series may differ.");
    /// <summary>spath without a path over an input longer than limits.conf's extraction_cutoff.</summary>
    public static Diagnostic SpathCutoff(TextSpan span, string field) =>
        Make(SpathCutoffDescriptor, span, $"'{field}' is longer than 5000 bytes in some rows: spath without a path extracts only the fields in its first 5000 bytes (limits.conf [spath] extraction_cutoff, default 5000), and so does the evaluator; a value cut at the limit is left out, which Splunk may keep in part.");
    /// <summary>spath or fromjson input that is malformed, or has several values.</summary>
    public static Diagnostic StructuredInput(TextSpan span, string command, string field, string detail) =>
        Make(StructuredInputDescriptor, span, $"'{command}': '{field}' {detail}");
    /// <summary>An spath path with a numeric index.</summary>
    public static Diagnostic SpathIndex(TextSpan span, string path) =>
        Make(SpathIndexDescriptor, span, $"The path '{path}' picks an element by number: the evaluator counts JSON array elements from 0 (as the SPL2 reference's spath example cooperative{{1}} picks the second) and repeated XML elements from 1 (XPath's rule); Splunk's SPL reference says only that the count differs between JSON and XML.");
    /// <summary>An spath path that ends at XML elements with child elements.</summary>
    public static Diagnostic SpathInnerXml(TextSpan span, string path) =>
        Make(SpathIndexDescriptor, span, $"The path '{path}' ends at XML elements that have child elements in some rows: the evaluator gives their inner XML as written, which Splunk's reference does not describe.");
    /// <summary>A replace whose result rests on a rule Splunk's reference does not state.</summary>
    public static Diagnostic ReplaceUnverified(TextSpan span, string detail) =>
        Make(ReplaceUnverifiedDescriptor, span, detail);
    /// <summary>An addtotals row in which no listed field is numeric.</summary>
    public static Diagnostic AddTotalsNoNumber(TextSpan span, string field) =>
        Make(AddTotalsNoNumberDescriptor, span, $"Some rows have no numeric value in the fields addtotals sums; the evaluator writes no '{field}' there. Splunk's reference does not say whether it writes 0 or nothing.");
    /// <summary>A foreach template that, with one field's (or value's) placeholders replaced, does not parse or lower.</summary>
    public static Diagnostic ForeachTemplate(TextSpan span, string what, string text, Diagnostic inner) =>
        Make(ForeachTemplateDescriptor, span, $"With {what} the foreach template reads '{text.Trim()}', which does not parse or lower ({inner.Code}: {inner.Message}); that iteration is skipped.");
    /// <summary>A foreach whose result depends on the order of its fields.</summary>
    public static Diagnostic ForeachOrder(TextSpan span, string detail) => Make(ForeachOrderDescriptor, span, "In foreach, " + detail);
    /// <summary>A foreach pattern that splits a field name in more than one way.</summary>
    public static Diagnostic ForeachAmbiguousSplit(TextSpan span, string detail) => Make(ForeachAmbiguousSplitDescriptor, span, "In foreach, " + detail);
    /// <summary>A diagnostic of a search run by map, reported with its own code and severity at the map command.</summary>
    public static Diagnostic InnerDiagnostic(TextSpan span, Diagnostic inner) => new(inner.Code, inner.Severity, "In a search run by map: " + inner.Message, span);
}
