using System.Collections.Immutable;
using ExfilQuery.Text;
using static ExfilQuery.Diagnostics.DiagnosticCatalog;

namespace ExfilQuery.Diagnostics;

/// <summary>Every diagnostic ExfilQuery reports, one descriptor and one factory method per kind.
/// Codes are stable and never reused: retire a code by leaving its descriptor in place.</summary>
public static class DiagnosticFacts
{
    // ---- SPL00xx: reading the text ----
    /// <summary>SPL0001</summary>
    public static readonly DiagnosticDescriptor SyntaxErrorDescriptor = new("SPL0001", DiagnosticSeverity.Error, "Syntax error");
    /// <summary>SPL0002</summary>
    public static readonly DiagnosticDescriptor UnterminatedStringDescriptor = new("SPL0002", DiagnosticSeverity.Error, "Unterminated quoted string");
    /// <summary>SPL0003</summary>
    public static readonly DiagnosticDescriptor UnterminatedCommentDescriptor = new("SPL0003", DiagnosticSeverity.Error, "Unterminated ``` comment");
    /// <summary>SPL0004</summary>
    public static readonly DiagnosticDescriptor UnexpectedCharacterDescriptor = new("SPL0004", DiagnosticSeverity.Error, "Unexpected character");
    /// <summary>SPL0005</summary>
    public static readonly DiagnosticDescriptor NestingTooDeepDescriptor = new("SPL0005", DiagnosticSeverity.Error, "Nesting too deep");
    /// <summary>SPL0006</summary>
    public static readonly DiagnosticDescriptor EmptySearchDescriptor = new("SPL0006", DiagnosticSeverity.Error, "Empty search");
    /// <summary>SPL0007</summary>
    public static readonly DiagnosticDescriptor UnterminatedMacroDescriptor = new("SPL0007", DiagnosticSeverity.Error, "Unterminated macro call");
    /// <summary>SPL0008</summary>
    public static readonly DiagnosticDescriptor QueryTooLargeDescriptor = new("SPL0008", DiagnosticSeverity.Error, "Query too large");

    // ---- SPL001x: not classic SPL ----
    /// <summary>SPL0010</summary>
    public static readonly DiagnosticDescriptor Spl2SearchDescriptor = new("SPL0010", DiagnosticSeverity.Error, "SPL2 search, not classic SPL");
    /// <summary>SPL0011</summary>
    public static readonly DiagnosticDescriptor SigmaMappingDescriptor = new("SPL0011", DiagnosticSeverity.Error, "Sigma-style mapping, not SPL");

    // ---- SPL002x: command structure ----
    /// <summary>SPL0020</summary>
    public static readonly DiagnosticDescriptor InvalidCommandArgumentsDescriptor = new("SPL0020", DiagnosticSeverity.Error, "Invalid command arguments");
    /// <summary>SPL0021</summary>
    public static readonly DiagnosticDescriptor UnknownOptionDescriptor = new("SPL0021", DiagnosticSeverity.Warning, "Unknown command option");

    // ---- SPL01xx: macros ----
    /// <summary>SPL0100</summary>
    public static readonly DiagnosticDescriptor MacroUndefinedDescriptor = new("SPL0100", DiagnosticSeverity.Error, "Undefined macro");
    /// <summary>SPL0101</summary>
    public static readonly DiagnosticDescriptor MacroCycleDescriptor = new("SPL0101", DiagnosticSeverity.Error, "Macro expansion cycle");
    /// <summary>SPL0102</summary>
    public static readonly DiagnosticDescriptor MacroArgumentCountDescriptor = new("SPL0102", DiagnosticSeverity.Error, "Wrong number of macro arguments");
    /// <summary>SPL0103</summary>
    public static readonly DiagnosticDescriptor MacroExpansionLimitDescriptor = new("SPL0103", DiagnosticSeverity.Error, "Macro expansion too deep or too large");
    /// <summary>SPL0104</summary>
    public static readonly DiagnosticDescriptor BuiltinMacroUsedDescriptor = new("SPL0104", DiagnosticSeverity.Info, "Built-in macro meaning used");
    /// <summary>SPL0105</summary>
    public static readonly DiagnosticDescriptor MacroLibraryFormatDescriptor = new("SPL0105", DiagnosticSeverity.Error, "Macro library entry cannot be read");
    /// <summary>SPL0106</summary>
    public static readonly DiagnosticDescriptor MacroUnboundArgumentDescriptor = new("SPL0106", DiagnosticSeverity.Warning, "Macro definition names an argument it does not declare");
    /// <summary>SPL0107</summary>
    public static readonly DiagnosticDescriptor MacroDefinitionUnterminatedCallDescriptor = new("SPL0107", DiagnosticSeverity.Error, "Macro definition has an unterminated macro call");

    // ---- SPL03xx: lowering to the detection IR ----
    /// <summary>SPL0300</summary>
    public static readonly DiagnosticDescriptor CannotLowerDescriptor = new("SPL0300", DiagnosticSeverity.Error, "Search cannot be lowered");
    /// <summary>SPL0301</summary>
    public static readonly DiagnosticDescriptor InvalidArgumentValueDescriptor = new("SPL0301", DiagnosticSeverity.Error, "Invalid argument value");

    // ---- KQL0xxx: the KQL backend ----
    /// <summary>KQL0001</summary>
    public static readonly DiagnosticDescriptor KqlUnsupportedDescriptor = new("KQL0001", DiagnosticSeverity.Error, "Cannot be expressed in KQL");
    /// <summary>KQL0002</summary>
    public static readonly DiagnosticDescriptor KqlApproximationDescriptor = new("KQL0002", DiagnosticSeverity.Warning, "KQL approximates the SPL meaning");
    /// <summary>KQL0003</summary>
    public static readonly DiagnosticDescriptor KqlUnmappedFieldDescriptor = new("KQL0003", DiagnosticSeverity.Warning, "Field has no mapping in the profile");
    /// <summary>KQL0004</summary>
    public static readonly DiagnosticDescriptor KqlLintDescriptor = new("KQL0004", DiagnosticSeverity.Warning, "The SPL probably does not mean what it looks like");
    /// <summary>KQL0005</summary>
    public static readonly DiagnosticDescriptor KqlChartPivotDescriptor = new("KQL0005", DiagnosticSeverity.Error, "chart or timechart split by a field has no exact KQL form");
    /// <summary>KQL0006</summary>
    public static readonly DiagnosticDescriptor KqlChartBucketsDescriptor = new("KQL0006", DiagnosticSeverity.Warning, "timechart's empty time buckets are not produced");
    /// <summary>KQL0011</summary>
    public static readonly DiagnosticDescriptor KqlForeachNotExpandedDescriptor = new("KQL0011", DiagnosticSeverity.Error, "foreach cannot be expanded before the search runs");
    /// <summary>KQL0012</summary>
    public static readonly DiagnosticDescriptor KqlForeachChoiceDescriptor = new("KQL0012", DiagnosticSeverity.Warning, "foreach expanded with a choice the reference leaves open");

    // ---- SPL9xxx: ExfilQuery itself ----
    /// <summary>SPL9999</summary>
    public static readonly DiagnosticDescriptor InternalErrorDescriptor = new("SPL9999", DiagnosticSeverity.Error, "Internal error");

    /// <summary>All descriptors, in code order.</summary>
    public static ImmutableArray<DiagnosticDescriptor> All { get; } = DiagnosticCatalog.Descriptors(typeof(DiagnosticFacts));

    /// <summary>The parser expected something else at this position.</summary>
    public static Diagnostic SyntaxError(TextSpan span, string message) => Make(SyntaxErrorDescriptor, span, message);
    /// <summary>A double-quoted string has no closing quote.</summary>
    public static Diagnostic UnterminatedString(TextSpan span) => Make(UnterminatedStringDescriptor, span, "This quoted string has no closing '\"'.");
    /// <summary>A ``` comment has no closing ```.</summary>
    public static Diagnostic UnterminatedComment(TextSpan span) => Make(UnterminatedCommentDescriptor, span, "This ``` comment has no closing ```.");
    /// <summary>A character that cannot start any token here.</summary>
    public static Diagnostic UnexpectedCharacter(TextSpan span, string text) => Make(UnexpectedCharacterDescriptor, span, $"Unexpected character '{text}'.");
    /// <summary>Parentheses, brackets or expressions nest deeper than the parser allows.</summary>
    public static Diagnostic NestingTooDeep(TextSpan span, int limit) => Make(NestingTooDeepDescriptor, span, $"The search nests parentheses, brackets or operators more than {limit} levels deep; ExfilQuery stops reading it here.");
    /// <summary>The search has no commands.</summary>
    public static Diagnostic EmptySearch(TextSpan span) => Make(EmptySearchDescriptor, span, "The search is empty.");
    /// <summary>A backtick macro call has no closing backtick.</summary>
    public static Diagnostic UnterminatedMacro(TextSpan span) => Make(UnterminatedMacroDescriptor, span, "This macro call has no closing '`'.");
    /// <summary>The text is longer than the parser accepts.</summary>
    public static Diagnostic QueryTooLarge(TextSpan span, int length, int limit) => Make(QueryTooLargeDescriptor, span, $"The search is {length} characters long; the limit is {limit}.");
    /// <summary>An SPL2 search (for example <c>| from read_ssa_enriched_events()</c>).</summary>
    public static Diagnostic Spl2Search(TextSpan span, string source) => Make(Spl2SearchDescriptor, span, $"This is an SPL2 search (Splunk's streaming / SSA language), not classic SPL: it reads from the function call '{source}()', which classic 'from' does not accept. ExfilQuery reads classic SPL only; use the classic version of the detection.");
    /// <summary>The search is a Sigma-style selection/condition mapping rather than SPL text.</summary>
    public static Diagnostic SigmaMapping(TextSpan span) => Make(SigmaMappingDescriptor, span, "This is a Sigma-style detection mapping (selections and a 'condition'), not an SPL search. ExfilQuery reads classic SPL only; use the SPL version of the detection.");
    /// <summary>A known command whose arguments do not fit its syntax.</summary>
    public static Diagnostic InvalidCommandArguments(TextSpan span, string command, string detail) => Make(InvalidCommandArgumentsDescriptor, span, $"'{command}': {detail}");
    /// <summary>An option name a known command does not document.</summary>
    public static Diagnostic UnknownOption(TextSpan span, string command, string option) => Make(UnknownOptionDescriptor, span, $"'{command}' has no option '{option}'; it is kept as written.");
    /// <summary>A macro call names a macro the library does not define.</summary>
    public static Diagnostic MacroUndefined(TextSpan span, string name, int arity) => Make(MacroUndefinedDescriptor, span, arity == 0 ? $"Macro '{name}' is not defined." : $"Macro '{name}({arity})' is not defined.");
    /// <summary>A macro expands (directly or through others) to a call of itself.</summary>
    public static Diagnostic MacroCycle(TextSpan span, string cycle) => Make(MacroCycleDescriptor, span, $"Macro expansion cycle: {cycle}.");
    /// <summary>A macro exists but with another number of arguments.</summary>
    public static Diagnostic MacroArgumentCount(TextSpan span, string name, int given, string defined) => Make(MacroArgumentCountDescriptor, span, $"Macro '{name}' is called with {given} argument(s) but is defined with {defined}.");
    /// <summary>Expansion exceeded the depth or size limit.</summary>
    public static Diagnostic MacroExpansionLimit(TextSpan span, string name, string limit) => Make(MacroExpansionLimitDescriptor, span, $"Expanding macro '{name}' exceeds the {limit}.");
    /// <summary>A macro missing from the library was given its documented standard meaning.</summary>
    public static Diagnostic BuiltinMacroUsed(TextSpan span, string name, string meaning) => Make(BuiltinMacroUsedDescriptor, span, $"Macro '{name}' is not in the macro library; using its standard meaning: {meaning}.");
    /// <summary>A macro library line or stanza cannot be read.</summary>
    public static Diagnostic MacroLibraryFormat(string source, int line, string detail) => Make(MacroLibraryFormatDescriptor, TextSpan.Empty, $"{source}:{line}: {detail}");
    /// <summary>A macro body uses <c>$name$</c> for a name that is not one of its arguments.</summary>
    public static Diagnostic MacroUnboundArgument(TextSpan span, string macro, string argument) => Make(MacroUnboundArgumentDescriptor, span, $"Macro '{macro}' uses '${argument}$' but declares no argument '{argument}'; it is left as written.");
    /// <summary>A macro's definition (after its arguments are filled in) has a '`' that opens a call but no closing '`'.</summary>
    public static Diagnostic MacroDefinitionUnterminatedCall(TextSpan span, string macro) => Make(MacroDefinitionUnterminatedCallDescriptor, span, $"The definition of macro '{macro}' has a '`' with no closing '`'; the rest of that definition is kept as written.");
    /// <summary>The search has a construct lowering cannot represent at all (for example an undefined macro).</summary>
    public static Diagnostic CannotLower(TextSpan span, string detail) => Make(CannotLowerDescriptor, span, detail);
    /// <summary>An option or argument value that does not fit (a count that is not a number, ...).</summary>
    public static Diagnostic InvalidArgumentValue(TextSpan span, string command, string detail) => Make(InvalidArgumentValueDescriptor, span, $"'{command}': {detail}");
    /// <summary>A construct the KQL backend cannot express; the translation fails.</summary>
    public static Diagnostic KqlUnsupported(TextSpan span, string detail) => Make(KqlUnsupportedDescriptor, span, detail);
    /// <summary>The KQL emitted differs from the SPL meaning in the way the message says; the translation is partial.</summary>
    public static Diagnostic KqlApproximation(TextSpan span, string detail) => Make(KqlApproximationDescriptor, span, detail);
    /// <summary>A field the mapping profile does not map; kept as written (an error under --strict).</summary>
    public static Diagnostic KqlUnmappedField(TextSpan span, string field, string profile, bool strict) =>
        new(KqlUnmappedFieldDescriptor.Code, strict ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, $"Field '{field}' has no mapping in profile '{profile}'; it is kept as written.", span);
    /// <summary>A construct whose SPL meaning is exact but probably not what the author intended (emitted as written).</summary>
    public static Diagnostic KqlLint(TextSpan span, string detail) => Make(KqlLintDescriptor, span, detail);
    /// <summary>chart/timechart with a split field (one column per split value); the translation fails.</summary>
    public static Diagnostic KqlChartPivot(TextSpan span, string detail) => Make(KqlChartPivotDescriptor, span, detail);
    /// <summary>timechart cont=true translated without its empty buckets; the translation is partial.</summary>
    public static Diagnostic KqlChartBuckets(TextSpan span, string detail) => Make(KqlChartBucketsDescriptor, span, detail);
    /// <summary>A foreach whose fields or template are not known before the search runs; the translation fails.</summary>
    public static Diagnostic KqlForeachNotExpanded(TextSpan span, string detail) => Make(KqlForeachNotExpandedDescriptor, span, "foreach is not translated: " + detail);
    /// <summary>A foreach expanded into the stages it runs, in an order or split the Search Reference does not fix.</summary>
    public static Diagnostic KqlForeachChoice(TextSpan span, string detail) => Make(KqlForeachChoiceDescriptor, span, "foreach was expanded into the stages it runs, but " + detail);
    /// <summary>A bug in ExfilQuery: reported instead of throwing.</summary>
    public static Diagnostic InternalError(TextSpan span, string detail) => Make(InternalErrorDescriptor, span, $"Internal error in ExfilQuery (please report it): {detail}");
}
