using System.Collections.Immutable;
using ExfilQuery.Diagnostics;
using ExfilQuery.Macros;

namespace ExfilQuery.Tests.SplMacros;

/// <summary>Small helpers shared by the macro tests (paths and the bundled library are in <see cref="TestData"/>).</summary>
internal static class MacroTestSupport
{
    /// <summary>A library from (name, arguments, definition) rows.</summary>
    public static MacroLibrary Library(params (string Name, string[] Arguments, string Definition)[] rows)
    {
        var defs = new List<MacroDefinition>();
        foreach (var (name, arguments, definition) in rows)
            defs.Add(new MacroDefinition(name, [.. arguments], definition, "test"));
        return MacroLibrary.FromDefinitions(defs);
    }

    /// <summary>"CODE [start..end): message" lines, for exact comparisons.</summary>
    public static string[] Describe(ImmutableArray<Diagnostic> diagnostics)
    {
        var lines = new string[diagnostics.Length];
        for (var i = 0; i < diagnostics.Length; i++)
            lines[i] = $"{diagnostics[i].Code} {diagnostics[i].Span}: {diagnostics[i].Message}";
        return lines;
    }
}
