using System.Collections.Immutable;
using ExfilQuery.Diagnostics;

namespace ExfilQuery.Macros;

public sealed partial class MacroLibrary
{
    /// <summary>Reads a Splunk <c>macros.conf</c>: <c>[name]</c> or <c>[name(n)]</c> stanzas with
    /// <c>definition = ...</c> and, for macros with arguments, <c>args = a,b</c>. Lines starting with <c>#</c>
    /// are comments; a line ending with <c>\</c> continues on the next line. Settings outside a stanza or in
    /// <c>[default]</c> are ignored, as are settings the expander does not use (<c>validation</c>,
    /// <c>errormsg</c>, <c>description</c>). Eval-based macros (<c>iseval = true</c>) cannot be expanded
    /// without evaluating SPL and are skipped. Every problem is an SPL0105 diagnostic with a line number.</summary>
    public static MacroLibrary ParseMacrosConf(string text, string sourceName, out ImmutableArray<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(text);
        sourceName ??= "macros.conf";
        var reader = new ConfReader(sourceName);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var lineNumber = i + 1;
            var line = lines[i].TrimEnd('\r');
            // Continuation: a line ending with '\' goes on with the next line; the line break is kept.
            while (line.EndsWith('\\') && i + 1 < lines.Length)
            {
                i++;
                line = string.Concat(line.AsSpan(0, line.Length - 1), "\n", lines[i].TrimEnd('\r'));
            }
            reader.Read(line, lineNumber);
        }
        reader.EndStanza();
        diagnostics = reader.Diagnostics.ToImmutable();
        return FromDefinitions(reader.Definitions);
    }

    private sealed class ConfReader(string sourceName)
    {
        private string? _stanza;
        private int _stanzaLine;
        private readonly Dictionary<string, (string Value, int Line)> _settings = new(StringComparer.Ordinal);

        public List<MacroDefinition> Definitions { get; } = [];
        public ImmutableArray<Diagnostic>.Builder Diagnostics { get; } = ImmutableArray.CreateBuilder<Diagnostic>();

        public void Read(string line, int lineNumber)
        {
            var trimmed = line.AsSpan().Trim();
            if (trimmed.IsEmpty || trimmed[0] == '#') return;
            if (trimmed[0] == '[')
            {
                EndStanza();
                if (trimmed[^1] != ']')
                {
                    Report(lineNumber, $"stanza header '{trimmed}' has no closing ']'");
                    _stanza = null;
                    return;
                }
                _stanza = trimmed[1..^1].Trim().ToString();
                _stanzaLine = lineNumber;
                return;
            }
            var equals = trimmed.IndexOf('=');
            if (equals <= 0)
            {
                Report(lineNumber, $"expected '[stanza]' or 'setting = value', found '{Shorten(trimmed)}'");
                return;
            }
            if (_stanza is null) return;  // settings before the first stanza: global defaults, not a macro
            var key = trimmed[..equals].Trim().ToString();
            var value = trimmed[(equals + 1)..].Trim().ToString();
            _settings[key] = (value, lineNumber);
        }

        public void EndStanza()
        {
            var stanza = _stanza;
            _stanza = null;
            if (stanza is null) { _settings.Clear(); return; }
            try
            {
                if (stanza == "default") return;
                Finish(stanza);
            }
            finally
            {
                _settings.Clear();
            }
        }

        private void Finish(string stanza)
        {
            var name = stanza;
            var arity = 0;
            if (stanza.Contains('(') && !TrySplitArity(stanza, out name, out arity))
            {
                Report(_stanzaLine, $"stanza [{stanza}]: the name must be 'name' or 'name(<number of arguments>)'");
                return;
            }
            if (IsTrue("disabled")) return;
            if (IsTrue("iseval"))
            {
                Report(_settings["iseval"].Line, $"stanza [{stanza}]: eval-based macros (iseval = true) are not supported; the macro is skipped");
                return;
            }
            if (!_settings.TryGetValue("definition", out var definition))
            {
                Report(_stanzaLine, $"stanza [{stanza}] has no 'definition'");
                return;
            }
            string[] arguments = [];
            if (arity > 0)
            {
                if (!_settings.TryGetValue("args", out var args))
                {
                    Report(_stanzaLine, $"stanza [{stanza}] takes {arity} argument(s) but has no 'args'");
                    return;
                }
                arguments = args.Value.Split(',', StringSplitOptions.TrimEntries);
                if (arguments.Length != arity)
                {
                    Report(args.Line, $"stanza [{stanza}] takes {arity} argument(s) but 'args' names {arguments.Length}");
                    return;
                }
            }
            var problem = Validate(name, arguments);
            if (problem is not null)
            {
                Report(_stanzaLine, problem);
                return;
            }
            Definitions.Add(new MacroDefinition(name, [.. arguments], definition.Value, $"{sourceName}:[{stanza}]"));
        }

        private bool IsTrue(string key) =>
            _settings.TryGetValue(key, out var setting)
            && setting.Value.ToLowerInvariant() is "1" or "true" or "t" or "yes" or "y";

        private void Report(int line, string detail) => Diagnostics.Add(DiagnosticFacts.MacroLibraryFormat(sourceName, line, detail));

        private static string Shorten(ReadOnlySpan<char> text) => text.Length <= 60 ? text.ToString() : string.Concat(text[..57], "...");
    }
}
