using ExfilQuery.Text;

namespace ExfilQuery.Diagnostics;

/// <summary>An immutable problem report: a stable code (never reused), a severity, a message and the span of
/// the text the user wrote. Create diagnostics through <see cref="DiagnosticFacts"/>.</summary>
public sealed record Diagnostic(string Code, DiagnosticSeverity Severity, string Message, TextSpan Span)
{
    /// <summary>True for <see cref="DiagnosticSeverity.Error"/>.</summary>
    public bool IsError => Severity == DiagnosticSeverity.Error;

    /// <summary>The same diagnostic at another span.</summary>
    public Diagnostic WithSpan(TextSpan span) => this with { Span = span };

    /// <summary>Lower-case severity name used in JSON and text output.</summary>
    public string SeverityName => Severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        _ => "info",
    };

    /// <inheritdoc/>
    public override string ToString() => $"{SeverityName} {Code} {Span}: {Message}";
}
