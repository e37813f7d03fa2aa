using System.Collections.Immutable;
using System.Reflection;
using ExfilQuery.Text;

namespace ExfilQuery.Diagnostics;

/// <summary>What every diagnostic catalogue shares (<see cref="DiagnosticFacts"/> and the <c>*Diagnostics</c> classes
/// of the other stages): the list of its descriptors and the one way a factory makes a diagnostic.</summary>
internal static class DiagnosticCatalog
{
    /// <summary>The public static <see cref="DiagnosticDescriptor"/> fields of a catalogue class, in code order.</summary>
    public static ImmutableArray<DiagnosticDescriptor> Descriptors(Type catalogue) => catalogue
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .OrderBy(d => d.Code, StringComparer.Ordinal)
        .ToImmutableArray();

    /// <summary>Diagnostics as every backend reports them: duplicates removed, by position, then code, then message.</summary>
    public static ImmutableArray<Diagnostic> InReportOrder(IEnumerable<Diagnostic> diagnostics) =>
        diagnostics.Distinct().OrderBy(d => d.Span.Start).ThenBy(d => d.Code, StringComparer.Ordinal).ThenBy(d => d.Message, StringComparer.Ordinal).ToImmutableArray();

    /// <summary>A diagnostic of the descriptor's kind, with its code and severity.</summary>
    public static Diagnostic Make(DiagnosticDescriptor descriptor, TextSpan span, string message) =>
        new(descriptor.Code, descriptor.Severity, message, span);
}
