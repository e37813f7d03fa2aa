using ExfilQuery.Diagnostics;
using ExfilQuery.Text;
using static ExfilQuery.Diagnostics.DiagnosticCatalog;

namespace ExfilQuery.Elastic;

/// <summary>Diagnostics of the Elastic backends: ESQ00xx for ES|QL, EQL00xx for EQL (docs/DIAGNOSTICS.md).</summary>
public static class ElasticDiagnostics
{
    /// <summary>ESQ0001</summary>
    public static readonly DiagnosticDescriptor EsqlUnsupportedDescriptor = new("ESQ0001", DiagnosticSeverity.Error, "Cannot be expressed in ES|QL");
    /// <summary>ESQ0002</summary>
    public static readonly DiagnosticDescriptor EsqlApproximationDescriptor = new("ESQ0002", DiagnosticSeverity.Warning, "ES|QL approximates the SPL meaning");
    /// <summary>EQL0001</summary>
    public static readonly DiagnosticDescriptor EqlUnsupportedDescriptor = new("EQL0001", DiagnosticSeverity.Error, "Cannot be expressed in EQL");
    /// <summary>EQL0002</summary>
    public static readonly DiagnosticDescriptor EqlApproximationDescriptor = new("EQL0002", DiagnosticSeverity.Warning, "EQL loses or approximates part of the SPL meaning");

    /// <summary>EQL0003</summary>
    public static readonly DiagnosticDescriptor EqlNoSequenceDescriptor = new("EQL0003", DiagnosticSeverity.Error, "This transaction is not an EQL sequence");
    /// <summary>EQL0004</summary>
    public static readonly DiagnosticDescriptor EqlSequenceDiffersDescriptor = new("EQL0004", DiagnosticSeverity.Warning, "The EQL sequence differs from the transaction");
    /// <summary>EQL0005</summary>
    public static readonly DiagnosticDescriptor EqlSequenceNoteDescriptor = new("EQL0005", DiagnosticSeverity.Info, "How the EQL sequence stands for the transaction");

    /// <summary>ESQ0003</summary>
    public static readonly DiagnosticDescriptor EsqlChartPivotDescriptor = new("ESQ0003", DiagnosticSeverity.Error, "chart or timechart split by a field has no exact ES|QL form");
    /// <summary>ESQ0004</summary>
    public static readonly DiagnosticDescriptor EsqlChartBucketsDescriptor = new("ESQ0004", DiagnosticSeverity.Warning, "timechart's empty time buckets are not produced");
    /// <summary>EQL0006</summary>
    public static readonly DiagnosticDescriptor EqlChartPivotDescriptor = new("EQL0006", DiagnosticSeverity.Error, "chart or timechart split by a field has no EQL form");
    /// <summary>ESQ0007</summary>
    public static readonly DiagnosticDescriptor EsqlForeachNotExpandedDescriptor = new("ESQ0007", DiagnosticSeverity.Error, "foreach cannot be expanded before the search runs");
    /// <summary>ESQ0008</summary>
    public static readonly DiagnosticDescriptor EsqlForeachChoiceDescriptor = new("ESQ0008", DiagnosticSeverity.Warning, "foreach expanded with a choice the reference leaves open");
    /// <summary>EQL0010</summary>
    public static readonly DiagnosticDescriptor EqlForeachNotExpandedDescriptor = new("EQL0010", DiagnosticSeverity.Error, "foreach cannot be expanded before the search runs");
    /// <summary>EQL0011</summary>
    public static readonly DiagnosticDescriptor EqlForeachChoiceDescriptor = new("EQL0011", DiagnosticSeverity.Warning, "foreach expanded with a choice the reference leaves open");

    /// <summary>All descriptors, in code order.</summary>
    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = DiagnosticCatalog.Descriptors(typeof(ElasticDiagnostics));

    /// <summary>A construct the ES|QL backend cannot express; the translation fails.</summary>
    public static Diagnostic EsqlUnsupported(TextSpan span, string detail) => Make(EsqlUnsupportedDescriptor, span, detail);
    /// <summary>The ES|QL emitted differs from the SPL meaning as the message says; the translation is partial.</summary>
    public static Diagnostic EsqlApproximation(TextSpan span, string detail) => Make(EsqlApproximationDescriptor, span, detail);
    /// <summary>A construct the EQL backend cannot express; the translation fails.</summary>
    public static Diagnostic EqlUnsupported(TextSpan span, string detail) => Make(EqlUnsupportedDescriptor, span, detail);
    /// <summary>Part of the SPL meaning EQL loses (an aggregation) or approximates; the translation is partial.</summary>
    public static Diagnostic EqlApproximation(TextSpan span, string detail) => Make(EqlApproximationDescriptor, span, detail);

    /// <summary>chart/timechart with a split field; the ES|QL translation fails.</summary>
    public static Diagnostic EsqlChartPivot(TextSpan span, string detail) => Make(EsqlChartPivotDescriptor, span, detail);
    /// <summary>timechart cont=true translated without its empty buckets; the ES|QL translation is partial.</summary>
    public static Diagnostic EsqlChartBuckets(TextSpan span, string detail) => Make(EsqlChartBucketsDescriptor, span, detail);
    /// <summary>chart/timechart with a split field; the EQL translation fails.</summary>
    public static Diagnostic EqlChartPivot(TextSpan span, string detail) => Make(EqlChartPivotDescriptor, span, detail);

    /// <summary>A transaction EQL's sequence cannot stand for (no startswith/endswith, keepevicted, ...); the translation fails.</summary>
    public static Diagnostic EqlNoSequence(TextSpan span, string detail) => Make(EqlNoSequenceDescriptor, span, detail);
    /// <summary>A difference between the emitted sequence and the transaction, named in the message; the translation is partial.</summary>
    public static Diagnostic EqlSequenceDiffers(TextSpan span, string detail) => Make(EqlSequenceDiffersDescriptor, span, detail);
    /// <summary>What the sequence returns instead of the transaction's merged event, or how a time limit was rewritten.</summary>
    public static Diagnostic EqlSequenceNote(TextSpan span, string detail) => Make(EqlSequenceNoteDescriptor, span, detail);

    /// <summary>A foreach whose fields or template are not known before the search runs; the ES|QL translation fails.</summary>
    public static Diagnostic EsqlForeachNotExpanded(TextSpan span, string detail) => Make(EsqlForeachNotExpandedDescriptor, span, "foreach is not translated: " + detail);
    /// <summary>A foreach expanded in an order or split the Search Reference does not fix; the translation is partial.</summary>
    public static Diagnostic EsqlForeachChoice(TextSpan span, string detail) => Make(EsqlForeachChoiceDescriptor, span, "foreach was expanded into the stages it runs, but " + detail);
    /// <summary>A foreach whose fields or template are not known before the search runs; the EQL translation fails.</summary>
    public static Diagnostic EqlForeachNotExpanded(TextSpan span, string detail) => Make(EqlForeachNotExpandedDescriptor, span, "foreach is not translated: " + detail);
    /// <summary>A foreach expanded in an order or split the Search Reference does not fix; the translation is partial.</summary>
    public static Diagnostic EqlForeachChoice(TextSpan span, string detail) => Make(EqlForeachChoiceDescriptor, span, "foreach was expanded into the stages it runs, but " + detail);
}
