namespace ExfilQuery.Macros;

/// <summary>Limits and switches for <see cref="MacroExpander.Expand"/>.</summary>
/// <param name="MaxDepth">The deepest chain of macro calls expanded (the call the user wrote is depth 1).
/// A deeper call is left as written with a <c>SPL0103</c> diagnostic.</param>
/// <param name="MaxExpandedLength">The longest expanded text, in characters. A call whose expansion would
/// pass it is left as written with a <c>SPL0103</c> diagnostic, and so are the calls after it. The same happens
/// when expanding has filled in more than four times this many characters of definitions (plus one per call),
/// which bounds the time spent on macros that fan out without producing text.</param>
/// <param name="UseBuiltins">Whether macros missing from the library get their standard meaning
/// (see docs/MACROS.md, "Built-in macros").</param>
public sealed record MacroExpansionOptions(int MaxDepth = 50, int MaxExpandedLength = 4_000_000, bool UseBuiltins = true)
{
    /// <summary>The default options.</summary>
    public static MacroExpansionOptions Default { get; } = new();
}
