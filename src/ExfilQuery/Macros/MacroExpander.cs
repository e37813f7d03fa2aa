using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text;
using ExfilQuery.Diagnostics;
using ExfilQuery.Text;

namespace ExfilQuery.Macros;

/// <summary>Expands Splunk search macros (<c>`name`</c>, <c>`name(arg1, arg2)`</c>) in SPL text before parsing.</summary>
/// <remarks>
/// <para>What is expanded follows Splunk's "Use search macros in searches" and macros.conf.spec (see
/// docs/MACROS.md): backtick calls outside double-quoted strings and outside <c>```</c> comments; the macro is
/// looked up by name and number of arguments; <c>$arg$</c> in its definition is replaced by the argument as
/// written; the result is expanded again, so definitions and arguments may call macros.</para>
/// <para>Calls that cannot be expanded (undefined, wrong number of arguments, a cycle, a limit) stay in the
/// text as written, backticks included, with a diagnostic at the call the user wrote, and expansion goes on
/// with the rest of the text. This never throws for any input text.</para>
/// </remarks>
public static class MacroExpander
{
    /// <summary>Expands every macro call in <paramref name="text"/> using <paramref name="library"/> (and the
    /// built-in macros unless <see cref="MacroExpansionOptions.UseBuiltins"/> is false).</summary>
    public static MacroExpansion Expand(string text, MacroLibrary library, MacroExpansionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(library);
        if (text.IndexOf('`') < 0) return new MacroExpansion(text, SourceMap.Identity(text.Length), []);
        try
        {
            return new Run(library, options ?? MacroExpansionOptions.Default).Expand(text);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new MacroExpansion(text, SourceMap.Identity(text.Length),
                [DiagnosticFacts.InternalError(new TextSpan(0, text.Length), $"macro expansion failed: {e.GetType().Name}: {e.Message}")]);
        }
    }

    private enum Outcome
    {
        Expanded,     // the call was replaced by its expansion
        Kept,         // the call text was kept as written (a diagnostic says why)
        TooLong,      // the expanded text passed MaxExpandedLength: the user's call must be rolled back
    }

    /// <summary>The state of one expansion.</summary>
    private sealed class Run(MacroLibrary library, MacroExpansionOptions options)
    {
        private readonly int _maxDepth = Math.Max(0, options.MaxDepth);
        private readonly int _maxLength = Math.Max(0, options.MaxExpandedLength);
        private readonly bool _useBuiltins = options.UseBuiltins;
        private readonly StringBuilder _out = new();
        private readonly SourceMap.Builder _map = new();
        private readonly List<Diagnostic> _diagnostics = [];
        private readonly HashSet<Diagnostic> _seen = [];
        private readonly List<string> _active = [];   // display names of the macros being expanded, outermost first
        private bool _lengthLimitReached;

        // Work done: characters of every filled-in definition (intermediate text included) plus one per call.
        // Bounding it bounds the time even for macros that fan out without producing text.
        private long _work;
        private readonly long _maxWork = 4L * Math.Max(1024, Math.Max(0, options.MaxExpandedLength));

        public MacroExpansion Expand(string text)
        {
            _out.EnsureCapacity(text.Length + 256);
            ExpandText(text, 0, default);
            var expanded = _out.ToString();
            return new MacroExpansion(expanded, _map.Build(text.Length, expanded.Length), [.. _diagnostics]);
        }

        /// <summary>Appends <paramref name="text"/> to <see cref="_out"/>, expanding its macro calls. Depth 0 is
        /// the user's text; otherwise <paramref name="text"/> is the filled-in definition of a macro at
        /// <paramref name="depth"/>, expanded for <paramref name="userCall"/>.</summary>
        private Outcome ExpandText(string text, int depth, TextSpan userCall)
        {
            // Identical calls in one definition expand identically (same user call, same macros being expanded):
            // the second is copied from the first. This keeps definitions that call a macro twice per level linear.
            Dictionary<string, (int Start, int Length)>? done = null;
            var copied = 0;
            var i = 0;
            while (i < text.Length)
            {
                var next = text.AsSpan(i).IndexOfAny(MacroText.Interesting);
                if (next < 0) break;
                i += next;
                if (text[i] == '\\')
                {
                    var escaped = MacroText.SkipEscape(text, i);
                    i = escaped < 0 ? i + 1 : escaped;
                    continue;
                }
                if (text[i] == '"')
                {
                    // "Macros inside of quoted values are not expanded." (Use search macros in searches)
                    var after = MacroText.SkipString(text, i);
                    if (after < 0) break;
                    i = after;
                    continue;
                }
                if (MacroText.IsCommentStart(text, i))
                {
                    i = MacroText.SkipComment(text, i);
                    continue;
                }
                var close = MacroText.FindCallEnd(text, i);
                if (close < 0)
                {
                    Report(depth == 0
                        ? DiagnosticFacts.UnterminatedMacro(TextSpan.FromBounds(i, text.Length))
                        : DiagnosticFacts.MacroDefinitionUnterminatedCall(userCall, _active[^1]));
                    break;
                }
                _out.Append(text, copied, i - copied);
                if (depth == 0)
                {
                    ExpandUserCall(text, i, close);
                }
                else
                {
                    var callText = text.Substring(i, close + 1 - i);
                    done ??= new Dictionary<string, (int, int)>(StringComparer.Ordinal);
                    if (done.TryGetValue(callText, out var previous))
                    {
                        _out.Append(_out.ToString(previous.Start, previous.Length));
                        if (_out.Length > _maxLength) return Outcome.TooLong;
                    }
                    else
                    {
                        var start = _out.Length;
                        if (ExpandCall(text, i, close, depth + 1, userCall) == Outcome.TooLong) return Outcome.TooLong;
                        done[callText] = (start, _out.Length - start);
                    }
                }
                i = copied = close + 1;
            }
            _out.Append(text, copied, text.Length - copied);
            return depth > 0 && _out.Length > _maxLength ? Outcome.TooLong : Outcome.Expanded;
        }

        /// <summary>Expands a call the user wrote, records it in the source map, and rolls it back when it
        /// makes the text too long.</summary>
        private void ExpandUserCall(string text, int open, int close)
        {
            var call = TextSpan.FromBounds(open, close + 1);
            var outStart = _out.Length;
            var diagnosticsBefore = _diagnostics.Count;
            var outcome = _lengthLimitReached ? Outcome.TooLong : ExpandCall(text, open, close, 1, call);
            if (outcome == Outcome.Expanded)
            {
                _map.Add(outStart, _out.Length, call);
            }
            else if (outcome == Outcome.TooLong)
            {
                _out.Length = outStart;
                RemoveDiagnosticsFrom(diagnosticsBefore);
                _out.Append(text, call.Start, call.Length);
                var (name, arguments) = MacroText.ParseCall(text.AsSpan(open + 1, close - open - 1));
                Report(DiagnosticFacts.MacroExpansionLimit(call, MacroText.DisplayName(name, arguments.Length),
                    $"limit of {_maxLength} characters of expanded text"));
                _lengthLimitReached = true;
            }
        }

        /// <summary>Expands the call <c>text[open..close]</c> (both backticks) into <see cref="_out"/>.</summary>
        private Outcome ExpandCall(string text, int open, int close, int depth, TextSpan userCall)
        {
            var (name, arguments) = MacroText.ParseCall(text.AsSpan(open + 1, close - open - 1));
            var arity = arguments.Length;
            var displayName = MacroText.DisplayName(name, arity);

            MacroTemplate template;
            ImmutableArray<string> argumentNames;
            BuiltinMacro? builtin = null;
            if (library.TryGetEntry(name, arity, out var entry))
            {
                template = entry.Template;
                argumentNames = entry.Definition.Arguments;
            }
            else if (_useBuiltins && (builtin = BuiltinMacroFacts.Find(name, arity)) is not null)
            {
                template = builtin.Template;
                argumentNames = builtin.Arguments;
            }
            else
            {
                Report(UnknownCall(userCall, name, arity));
                return Keep(text, open, close);
            }

            if (_active.Contains(displayName))
            {
                Report(DiagnosticFacts.MacroCycle(userCall, string.Join(" → ", _active) + " → " + displayName));
                return Keep(text, open, close);
            }
            if (depth > _maxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
            {
                Report(DiagnosticFacts.MacroExpansionLimit(userCall, displayName, $"limit of {_maxDepth} nested macro calls"));
                return Keep(text, open, close);
            }

            if (builtin is not null) Report(DiagnosticFacts.BuiltinMacroUsed(userCall, name, builtin.Meaning));
            foreach (var unbound in template.UnboundArguments)
            {
                Report(DiagnosticFacts.MacroUnboundArgument(userCall, displayName, unbound));
            }

            var values = BindArguments(arguments, argumentNames);
            if (builtin is { StripArgumentQuotes: true })
            {
                for (var a = 0; a < values.Length; a++) values[a] = MacroText.StripQuotes(values[a]);
            }
            var length = template.Length(values);
            _work += 1 + length;
            if (_out.Length + length > _maxLength || _work > _maxWork) return Outcome.TooLong;

            _active.Add(displayName);
            var outcome = ExpandText(template.Fill(values), depth, userCall);
            _active.RemoveAt(_active.Count - 1);
            return outcome;
        }

        private Outcome Keep(string text, int open, int close)
        {
            _out.Append(text, open, close + 1 - open);
            return Outcome.Kept;
        }

        /// <summary>SPL0102 when the name exists with another number of arguments, SPL0100 otherwise.</summary>
        private Diagnostic UnknownCall(TextSpan userCall, string name, int arity)
        {
            var arities = new SortedSet<int>();
            library.AddArities(name, arities);
            if (_useBuiltins) BuiltinMacroFacts.AddArities(name, arities);
            if (arities.Count == 0) return DiagnosticFacts.MacroUndefined(userCall, name, arity);
            var list = string.Join(", ", arities);
            var last = list.LastIndexOf(", ", StringComparison.Ordinal);
            if (last >= 0) list = string.Concat(list.AsSpan(0, last), " or ", list.AsSpan(last + 2));
            var defined = $"{list} argument{(arities.Count == 1 && arities.Min == 1 ? "" : "s")}";
            return DiagnosticFacts.MacroArgumentCount(userCall, name, arity, defined);
        }

        /// <summary>Positional arguments, or named ones (<c>`iis_search(fragment=TM)`</c>, Splunk's "Search macro
        /// examples") when every argument is <c>name=value</c> with a distinct declared name.</summary>
        private static string[] BindArguments(string[] arguments, ImmutableArray<string> names)
        {
            if (arguments.Length == 0) return arguments;
            var bound = new string[arguments.Length];
            foreach (var argument in arguments)
            {
                var equals = argument.IndexOf('=');
                if (equals <= 0 || (equals + 1 < argument.Length && argument[equals + 1] == '=')) return [.. arguments];
                var index = names.IndexOf(argument[..equals].TrimEnd());
                if (index < 0 || bound[index] is not null) return [.. arguments];
                bound[index] = argument[(equals + 1)..].TrimStart();
            }
            return bound;
        }

        private void Report(Diagnostic diagnostic)
        {
            if (_seen.Add(diagnostic)) _diagnostics.Add(diagnostic);
        }

        private void RemoveDiagnosticsFrom(int count)
        {
            for (var k = count; k < _diagnostics.Count; k++) _seen.Remove(_diagnostics[k]);
            _diagnostics.RemoveRange(count, _diagnostics.Count - count);
        }
    }
}
