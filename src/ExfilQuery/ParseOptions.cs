using ExfilQuery.Macros;

namespace ExfilQuery;

/// <summary>Options for <see cref="Spl.Parse(string, ParseOptions?)"/>. Immutable; change with <c>with</c>.</summary>
public sealed record ParseOptions
{
    /// <summary>The default options: no macro library (built-in macros only), default limits.</summary>
    public static ParseOptions Default { get; } = new();

    /// <summary>The macro library used to expand backtick macro calls. Built-in macros fill in what it lacks.</summary>
    public MacroLibrary Macros { get; init; } = MacroLibrary.Empty;

    /// <summary>Macro expansion settings (depth and size limits, built-ins on or off).</summary>
    public MacroExpansionOptions MacroExpansion { get; init; } = MacroExpansionOptions.Default;

    /// <summary>Longest accepted search, in characters (after macro expansion).</summary>
    public int MaxLength { get; init; } = 4_000_000;

    /// <summary>Deepest accepted nesting of parentheses and brackets.</summary>
    public int MaxNestingDepth { get; init; } = 200;

    /// <summary>A copy with another macro library.</summary>
    public ParseOptions WithMacros(MacroLibrary macros) => this with { Macros = macros };
}
