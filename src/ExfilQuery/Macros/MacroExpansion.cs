using System.Collections.Immutable;
using ExfilQuery.Diagnostics;

namespace ExfilQuery.Macros;

/// <summary>The result of <see cref="MacroExpander.Expand"/>.</summary>
/// <param name="Text">The search with every macro call it could expand replaced by its expansion. Calls that
/// could not be expanded are kept as written, backticks included.</param>
/// <param name="Map">Maps spans in <paramref name="Text"/> back to the text the user wrote.</param>
/// <param name="Diagnostics">Problems found while expanding, with spans in the ORIGINAL text: an error
/// inside a nested macro points at the outermost call the user wrote.</param>
public sealed record MacroExpansion(string Text, SourceMap Map, ImmutableArray<Diagnostic> Diagnostics)
{
    /// <summary>True when a diagnostic is an error.</summary>
    public bool HasErrors
    {
        get
        {
            foreach (var d in Diagnostics)
            {
                if (d.IsError) return true;
            }
            return false;
        }
    }
}
