using ExfilQuery.Parsing;

namespace ExfilQuery;

/// <summary>The entry point for reading SPL: <c>Spl.Parse(text)</c> expands macros and returns the syntax tree
/// with diagnostics. It never throws for any input.</summary>
public static class Spl
{
    /// <summary>Parses one classic-SPL search. Macro calls are expanded first with <see cref="ParseOptions.Macros"/>
    /// (plus the built-in macros); diagnostics point into the text as written.</summary>
    public static ParseResult Parse(string text, ParseOptions? options = null) =>
        ParserDriver.Parse(text ?? string.Empty, options ?? ParseOptions.Default);
}
