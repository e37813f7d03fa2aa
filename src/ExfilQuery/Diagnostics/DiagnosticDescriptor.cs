namespace ExfilQuery.Diagnostics;

/// <summary>The fixed part of a diagnostic kind: its stable code, default severity and a one-line title.
/// Every descriptor is listed in <see cref="DiagnosticFacts.All"/> and documented in docs/DIAGNOSTICS.md.</summary>
public sealed record DiagnosticDescriptor(string Code, DiagnosticSeverity Severity, string Title);
