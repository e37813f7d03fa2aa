using System.Collections.Immutable;
using ExfilQuery.Diagnostics;
using ExfilQuery.Macros;
using NUnit.Framework;

namespace ExfilQuery.Tests.Macros;

/// <summary>Paths and small helpers shared by the macro tests.</summary>
internal static class MacroTestSupport
{
    /// <summary>The folder holding ExfilQuery.sln, found by walking up from the test output folder.</summary>
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ExfilQuery.sln"))) dir = dir.Parent;
            if (dir is null) Assert.Fail("cannot find the folder holding ExfilQuery.sln above " + TestContext.CurrentContext.TestDirectory);
            return dir!.FullName;
        }
    }

    /// <summary>../shared/corpus/splunk/<paramref name="file"/>, or the test is ignored when ../shared is absent.</summary>
    public static string SharedSplunkFile(string file)
    {
        var path = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "corpus", "splunk", file));
        if (!File.Exists(path)) Assert.Ignore($"../shared is absent: {path} not found");
        return path;
    }

    /// <summary>The security_content macro library copied into fixtures/splunk/macros.jsonl.</summary>
    public static MacroLibrary SecurityContentLibrary()
    {
        var library = MacroLibrary.Load(Path.Combine(RepoRoot, "fixtures", "splunk", "macros.jsonl"), out var diagnostics);
        Assert.That(diagnostics, Is.Empty, "fixtures/splunk/macros.jsonl reads without diagnostics");
        return library;
    }

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
