using System.Collections.Immutable;
using System.Text;

namespace ExfilQuery.Macros;

/// <summary>A macro definition split once into literal text and <c>$argument$</c> holes, so expanding a call
/// is a few appends. A macro without arguments is one literal: Splunk ignores <c>args</c> then, and
/// <c>$...$</c> stays as written.</summary>
internal sealed class MacroTemplate
{
    private readonly string[] _literals;   // one more than _holes
    private readonly int[] _holes;         // argument index for each hole

    private MacroTemplate(string[] literals, int[] holes, ImmutableArray<string> unbound)
    {
        _literals = literals;
        _holes = holes;
        UnboundArguments = unbound;
    }

    /// <summary>Names written as <c>$name$</c> in a definition with arguments that are not among its arguments
    /// (kept as written; reported as SPL0106).</summary>
    public ImmutableArray<string> UnboundArguments { get; }

    /// <summary>Splits <paramref name="definition"/>. Like Splunk's global replace of <c>$arg$</c>, holes are
    /// found everywhere, inside quoted strings too (macros.conf.spec, <c>definition</c>).</summary>
    public static MacroTemplate Compile(string definition, ImmutableArray<string> arguments)
    {
        if (arguments.IsDefaultOrEmpty || definition.IndexOf('$') < 0)
        {
            return new MacroTemplate([definition], [], []);
        }

        var literals = new List<string>();
        var holes = new List<int>();
        List<string>? unbound = null;
        var literalStart = 0;
        var i = definition.IndexOf('$');
        while (i >= 0)
        {
            var matched = -1;
            for (var a = 0; a < arguments.Length; a++)
            {
                var name = arguments[a];
                var end = i + 1 + name.Length;
                if (end < definition.Length && definition[end] == '$'
                    && string.CompareOrdinal(definition, i + 1, name, 0, name.Length) == 0)
                {
                    matched = a;
                    break;
                }
            }
            if (matched >= 0)
            {
                literals.Add(definition[literalStart..i]);
                holes.Add(matched);
                literalStart = i + arguments[matched].Length + 2;
                i = definition.IndexOf('$', literalStart);
                continue;
            }

            var close = definition.IndexOf('$', i + 1);
            if (close > i + 1 && MacroText.IsArgumentName(definition.AsSpan(i + 1, close - i - 1)))
            {
                var name = definition[(i + 1)..close];
                unbound ??= [];
                if (!unbound.Contains(name)) unbound.Add(name);
            }
            // Keep this '$'; the next one may open a real hole ("$notarg$arg$" replaces "$arg$").
            i = close;
        }
        literals.Add(definition[literalStart..]);
        return new MacroTemplate([.. literals], [.. holes], unbound is null ? [] : [.. unbound]);
    }

    /// <summary>Appends the definition with each hole replaced by its argument.</summary>
    public void AppendTo(StringBuilder sb, string[] arguments)
    {
        sb.Append(_literals[0]);
        for (var h = 0; h < _holes.Length; h++)
        {
            sb.Append(arguments[_holes[h]]);
            sb.Append(_literals[h + 1]);
        }
    }

    /// <summary>The length <see cref="AppendTo"/> would append.</summary>
    public long Length(string[] arguments)
    {
        long length = 0;
        foreach (var literal in _literals) length += literal.Length;
        foreach (var hole in _holes) length += arguments[hole].Length;
        return length;
    }

    /// <summary>The definition with its holes filled, as a string.</summary>
    public string Fill(string[] arguments)
    {
        if (_holes.Length == 0) return _literals[0];
        var sb = new StringBuilder((int)Math.Min(int.MaxValue, Length(arguments)));
        AppendTo(sb, arguments);
        return sb.ToString();
    }
}
