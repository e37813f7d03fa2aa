using System.Collections.Immutable;
using ExfilQuery.Diagnostics;

namespace ExfilQuery.Macros;

/// <summary>An immutable set of search macros, looked up by name and number of arguments (Splunk overloads
/// macros by arity: stanza <c>[name(2)]</c>). Read one with <see cref="ParseJsonLines"/>,
/// <see cref="ParseMacrosConf"/> or <see cref="Load"/>; change it with <see cref="WithDefinitions"/>.</summary>
public sealed partial class MacroLibrary
{
    // name -> definitions of that name, one per arity (few: usually one).
    private readonly Dictionary<string, MacroEntry[]> _byName;

    private MacroLibrary(Dictionary<string, MacroEntry[]> byName, int count)
    {
        _byName = byName;
        Count = count;
    }

    /// <summary>A library with no macros.</summary>
    public static MacroLibrary Empty { get; } = new(new Dictionary<string, MacroEntry[]>(StringComparer.Ordinal), 0);

    /// <summary>A library of these definitions. A later definition with the same name and arity replaces an
    /// earlier one.</summary>
    public static MacroLibrary FromDefinitions(IEnumerable<MacroDefinition> defs) => Empty.WithDefinitions(defs);

    /// <summary>This library plus <paramref name="defs"/>; a definition replaces one with the same name and arity.</summary>
    public MacroLibrary WithDefinitions(IEnumerable<MacroDefinition> defs)
    {
        ArgumentNullException.ThrowIfNull(defs);
        var byName = new Dictionary<string, MacroEntry[]>(_byName, StringComparer.Ordinal);
        var count = Count;
        foreach (var def in defs)
        {
            ArgumentNullException.ThrowIfNull(def);
            var normalized = def.Arguments.IsDefault ? def with { Arguments = [] } : def;
            var entry = new MacroEntry(normalized, MacroTemplate.Compile(normalized.Definition ?? string.Empty, normalized.Arguments));
            if (!byName.TryGetValue(normalized.Name, out var entries))
            {
                byName[normalized.Name] = [entry];
                count++;
                continue;
            }
            var index = Array.FindIndex(entries, e => e.Definition.Arity == normalized.Arity);
            var copy = index >= 0 ? (MacroEntry[])entries.Clone() : [.. entries, entry];
            if (index >= 0) copy[index] = entry;
            else count++;
            byName[normalized.Name] = copy;
        }
        return new MacroLibrary(byName, count);
    }

    /// <summary>The number of definitions (a name defined with two arities counts twice).</summary>
    public int Count { get; }

    /// <summary>The definition with exactly this name and number of arguments.</summary>
    public bool TryGet(string name, int arity, out MacroDefinition definition)
    {
        if (TryGetEntry(name, arity, out var entry))
        {
            definition = entry.Definition;
            return true;
        }
        definition = null!;
        return false;
    }

    /// <summary>True when the library defines <paramref name="name"/> with any number of arguments.</summary>
    public bool HasName(string name) => name is not null && _byName.ContainsKey(name);

    internal bool TryGetEntry(string name, int arity, out MacroEntry entry)
    {
        if (name is not null && _byName.TryGetValue(name, out var entries))
        {
            foreach (var e in entries)
            {
                if (e.Definition.Arity == arity)
                {
                    entry = e;
                    return true;
                }
            }
        }
        entry = null!;
        return false;
    }

    /// <summary>Adds the arities the library defines for <paramref name="name"/>.</summary>
    internal void AddArities(string name, SortedSet<int> arities)
    {
        if (_byName.TryGetValue(name, out var entries))
        {
            foreach (var e in entries) arities.Add(e.Definition.Arity);
        }
    }

    /// <summary>Reads a macro library file: <c>.jsonl</c> and <c>.json</c> as JSON Lines (security_content's
    /// macros.jsonl), anything else as Splunk <c>macros.conf</c>. A file that cannot be read gives an empty
    /// library and an SPL0105 diagnostic; this never throws for a bad file.</summary>
    public static MacroLibrary Load(string path, out ImmutableArray<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or System.Security.SecurityException)
        {
            diagnostics = [DiagnosticFacts.MacroLibraryFormat(path, 0, $"cannot read the file: {e.Message}")];
            return Empty;
        }
        var sourceName = Path.GetFileName(path);
        var extension = Path.GetExtension(path);
        return extension.Equals(".jsonl", StringComparison.OrdinalIgnoreCase) || extension.Equals(".json", StringComparison.OrdinalIgnoreCase)
            ? ParseJsonLines(text, sourceName, out diagnostics)
            : ParseMacrosConf(text, sourceName, out diagnostics);
    }

    /// <summary>Checks a definition read from a file; returns null when it is fine, otherwise the problem.</summary>
    private static string? Validate(string name, IReadOnlyList<string> arguments)
    {
        if (!MacroText.IsPlainName(name)) return $"'{name}' is not a valid macro name";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var argument in arguments)
        {
            if (!MacroText.IsArgumentName(argument))
                return $"macro '{name}': '{argument}' is not a valid argument name (letters, digits, '_' and '-' only)";
            if (!seen.Add(argument)) return $"macro '{name}': argument '{argument}' is listed twice";
        }
        return null;
    }
}

/// <summary>A definition and its compiled template.</summary>
internal sealed record MacroEntry(MacroDefinition Definition, MacroTemplate Template);
