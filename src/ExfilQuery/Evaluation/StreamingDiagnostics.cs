using System.Collections.Immutable;
using System.Globalization;
using ExfilQuery.Diagnostics;
using ExfilQuery.Text;
using static ExfilQuery.Diagnostics.DiagnosticCatalog;

namespace ExfilQuery.Evaluation;

/// <summary>Diagnostics of the streaming runs of <see cref="CompiledDetection"/>: codes EVL0040 to EVL0049, each
/// documented in docs/DIAGNOSTICS.md.</summary>
public static class StreamingDiagnostics
{
    /// <summary>EVL0040</summary>
    public static readonly DiagnosticDescriptor StreamedPastRowLimitDescriptor = new("EVL0040", DiagnosticSeverity.Info, "More events streamed than the row limit");
    /// <summary>EVL0041</summary>
    public static readonly DiagnosticDescriptor LinesSkippedDescriptor = new("EVL0041", DiagnosticSeverity.Info, "Lines skipped by the raw prefilter");

    /// <summary>All descriptors, in code order.</summary>
    public static ImmutableArray<DiagnosticDescriptor> All { get; } = DiagnosticCatalog.Descriptors(typeof(StreamingDiagnostics));

    /// <summary>A stream longer than <see cref="EvaluationOptions.MaxRows"/>: every event was read.</summary>
    public static Diagnostic StreamedPastRowLimit(TextSpan span, long events, int limit) =>
        Make(StreamedPastRowLimitDescriptor, span,
            string.Create(CultureInfo.InvariantCulture, $"{events} events were streamed, more than EvaluationOptions.MaxRows ({limit}); all of them were read. DetectionEvaluator.Evaluate keeps only the newest {limit} (EVL0003), so its result can differ."));

    /// <summary>Lines the raw-byte prefilter skipped without parsing them.</summary>
    public static Diagnostic LinesSkipped(string source, long lines, string prefilter) =>
        Make(LinesSkippedDescriptor, default,
            string.Create(CultureInfo.InvariantCulture, $"{source}: {lines} lines were not parsed because they cannot match ({prefilter}); a malformed line among them is not reported. Set CompileOptions.Prefilter to false to parse every line."));
}
