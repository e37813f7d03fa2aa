namespace ExfilQuery.Diagnostics;

/// <summary>How serious a diagnostic is. Only <see cref="Error"/> makes a result not ok.</summary>
public enum DiagnosticSeverity
{
    /// <summary>Information the user may want, such as a built-in macro being used.</summary>
    Info,
    /// <summary>Something that works but may not mean what the author intended.</summary>
    Warning,
    /// <summary>The input cannot be processed as written.</summary>
    Error,
}
