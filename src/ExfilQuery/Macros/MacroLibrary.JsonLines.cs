using System.Collections.Immutable;
using System.Text.Json;
using ExfilQuery.Diagnostics;

namespace ExfilQuery.Macros;

public sealed partial class MacroLibrary
{
    /// <summary>Reads security_content's <c>macros.jsonl</c>: one JSON object per line with <c>name</c>,
    /// <c>arguments</c> (array of argument names, optional) and <c>definition</c>; other fields are ignored.
    /// A line that cannot be read is skipped with an SPL0105 diagnostic naming <paramref name="sourceName"/>
    /// and the line number. Blank lines are skipped.</summary>
    public static MacroLibrary ParseJsonLines(string text, string sourceName, out ImmutableArray<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(text);
        sourceName ??= "macros.jsonl";
        var defs = new List<MacroDefinition>();
        var diags = ImmutableArray.CreateBuilder<Diagnostic>();
        var lineNumber = 0;
        foreach (var rawLine in text.AsSpan().EnumerateLines())
        {
            lineNumber++;
            var line = rawLine.Trim();
            if (line.IsEmpty) continue;
            var problem = ReadJsonLine(line.ToString(), $"{sourceName}:{lineNumber}", out var def);
            if (problem is not null) diags.Add(DiagnosticFacts.MacroLibraryFormat(sourceName, lineNumber, problem));
            else defs.Add(def!);
        }
        diagnostics = diags.ToImmutable();
        return FromDefinitions(defs);
    }

    private static string? ReadJsonLine(string line, string origin, out MacroDefinition? def)
    {
        def = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            return $"not valid JSON: {e.Message}";
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return "expected a JSON object";
            if (!root.TryGetProperty("name", out var nameElement) || nameElement.ValueKind != JsonValueKind.String)
                return "missing string field 'name'";
            if (!root.TryGetProperty("definition", out var definitionElement) || definitionElement.ValueKind != JsonValueKind.String)
                return "missing string field 'definition'";
            var arguments = new List<string>();
            if (root.TryGetProperty("arguments", out var argumentsElement) && argumentsElement.ValueKind != JsonValueKind.Null)
            {
                if (argumentsElement.ValueKind != JsonValueKind.Array) return "field 'arguments' is not an array";
                foreach (var argument in argumentsElement.EnumerateArray())
                {
                    if (argument.ValueKind != JsonValueKind.String) return "field 'arguments' holds a value that is not a string";
                    arguments.Add(argument.GetString()!.Trim());
                }
            }

            var name = nameElement.GetString()!.Trim();
            // A name written Splunk's way, "name(2)", must agree with its argument list.
            if (TrySplitArity(name, out var bareName, out var declaredArity))
            {
                if (declaredArity != arguments.Count)
                    return $"macro '{name}' declares {declaredArity} argument(s) but lists {arguments.Count}";
                name = bareName;
            }
            var problem = Validate(name, arguments);
            if (problem is not null) return problem;
            def = new MacroDefinition(name, [.. arguments], definitionElement.GetString()!, origin);
            return null;
        }
    }

    /// <summary>Splits <c>name(n)</c> into <c>name</c> and <c>n</c>.</summary>
    private static bool TrySplitArity(string stanza, out string name, out int arity)
    {
        name = stanza;
        arity = 0;
        if (!stanza.EndsWith(')')) return false;
        var open = stanza.LastIndexOf('(');
        if (open <= 0) return false;
        var digits = stanza.AsSpan(open + 1, stanza.Length - open - 2).Trim();
        if (digits.IsEmpty || !int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out arity))
            return false;
        name = stanza[..open].TrimEnd();
        return true;
    }
}
