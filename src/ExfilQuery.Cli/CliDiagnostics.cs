namespace ExfilQuery.Cli;

/// <summary>Diagnostic codes reported by the command-line tool itself (not by the parser). Documented in
/// docs/DIAGNOSTICS.md; codes are stable and never reused.</summary>
public static class CliDiagnostics
{
    /// <summary>CLI0001: a JSON Lines input line cannot be used: it is not valid JSON, not an object, has no
    /// <c>search</c> member, or its <c>search</c> is not a string, object or array. Always an error.</summary>
    public const string InputLineUnreadable = "CLI0001";

    /// <summary>Every CLI code, in code order.</summary>
    public static IReadOnlyList<string> All { get; } = [InputLineUnreadable];
}
