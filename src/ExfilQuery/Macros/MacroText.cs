using System.Buffers;

namespace ExfilQuery.Macros;

/// <summary>Low-level scanning of SPL text for macro expansion: quoted strings, <c>```</c> comments, backtick
/// calls and their arguments. No regular expressions: these run for every query.</summary>
internal static class MacroText
{
    /// <summary>The characters that can start something the expander cares about.</summary>
    public static readonly SearchValues<char> Interesting = SearchValues.Create("\"`\\");

    /// <summary>Outside quoted strings a backslash escapes a following quote or backslash: <c>\"</c> is a
    /// literal quote, not the start of a string (security_content writes <c>*\"privileged\":true*</c>).
    /// Returns the offset after the escape, or -1 when <paramref name="i"/> is not such an escape.</summary>
    public static int SkipEscape(string text, int i) =>
        text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\' ? i + 2 : -1;

    private static readonly SearchValues<char> s_argumentSpecial = SearchValues.Create("\"(),[]");

    /// <summary><c>name</c>, or <c>name(n)</c> when the macro takes arguments (Splunk's stanza name).</summary>
    public static string DisplayName(string name, int arity) => arity == 0 ? name : $"{name}({arity})";

    /// <summary>True when <c>```</c> starts at <paramref name="i"/>.</summary>
    public static bool IsCommentStart(string text, int i) =>
        i + 2 < text.Length && text[i] == '`' && text[i + 1] == '`' && text[i + 2] == '`';

    /// <summary>The offset just past the <c>```</c> comment starting at <paramref name="i"/>, or the end of the
    /// text when it is unterminated (the parser reports that).</summary>
    public static int SkipComment(string text, int i)
    {
        var close = text.IndexOf("```", i + 3, StringComparison.Ordinal);
        return close < 0 ? text.Length : close + 3;
    }

    /// <summary>The offset just past the double-quoted string starting at <paramref name="i"/> (a backslash
    /// escapes the next character), or -1 when it has no closing quote.</summary>
    public static int SkipString(string text, int i)
    {
        for (var j = i + 1; j < text.Length; j++)
        {
            var c = text[j];
            if (c == '\\') j++;
            else if (c == '"') return j + 1;
        }
        return -1;
    }

    /// <summary>The offset of the backtick closing the call that opens at <paramref name="open"/>, or -1.
    /// Backticks inside double-quoted arguments do not close the call; when quotes inside the call are
    /// unbalanced, the first backtick closes it.</summary>
    public static int FindCallEnd(string text, int open)
    {
        var j = open + 1;
        while (j < text.Length)
        {
            var c = text[j];
            if (c == '`') return j;
            if (c == '\\' && j + 1 < text.Length && text[j + 1] is '"' or '\\')
            {
                j += 2;
                continue;
            }
            if (c == '"')
            {
                var after = SkipString(text, j);
                if (after < 0) break;
                j = after;
                continue;
            }
            j++;
        }
        return text.IndexOf('`', open + 1);
    }

    /// <summary>Splits the text of a macro call (between the backticks) into a name and arguments.
    /// <c>name</c> and <c>name()</c> have no arguments. Arguments are split on commas outside double quotes,
    /// parentheses and brackets, and trimmed. Text that is not <c>name</c> or <c>name(...)</c> is returned whole as
    /// the name, so the lookup fails and the call is reported as undefined.</summary>
    public static (string Name, string[] Arguments) ParseCall(ReadOnlySpan<char> content)
    {
        var trimmed = content.Trim();
        var paren = trimmed.IndexOf('(');
        if (paren < 0) return (trimmed.ToString(), []);
        if (trimmed[^1] != ')') return (trimmed.ToString(), []);
        var name = trimmed[..paren].TrimEnd().ToString();
        var inner = trimmed[(paren + 1)..^1];
        if (inner.IsWhiteSpace()) return (name, []);
        return (name, SplitArguments(inner));
    }

    private static string[] SplitArguments(ReadOnlySpan<char> inner)
    {
        var result = new List<string>(2);
        var depth = 0;
        var start = 0;
        var i = 0;
        while (i < inner.Length)
        {
            var next = inner[i..].IndexOfAny(s_argumentSpecial);
            if (next < 0) break;
            i += next;
            switch (inner[i])
            {
                case '"':
                {
                    var j = i + 1;
                    while (j < inner.Length && inner[j] != '"')
                    {
                        if (inner[j] == '\\') j++;
                        j++;
                    }
                    i = Math.Min(j + 1, inner.Length);
                    continue;
                }
                case '(' or '[':
                    depth++;
                    break;
                case ')' or ']':
                    if (depth > 0) depth--;
                    break;
                case ',' when depth == 0:
                    result.Add(inner[start..i].Trim().ToString());
                    start = i + 1;
                    break;
            }
            i++;
        }
        result.Add(inner[start..].Trim().ToString());
        return [.. result];
    }

    /// <summary>True for a valid argument name: letters, digits, <c>_</c> and <c>-</c> (macros.conf.spec, <c>args</c>).</summary>
    public static bool IsArgumentName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty) return false;
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-')) return false;
        }
        return true;
    }

    /// <summary>True for a plain macro name: letters, digits, <c>_</c>, <c>-</c>, <c>.</c> and <c>:</c>; no spaces,
    /// quotes, parentheses or backticks.</summary>
    public static bool IsPlainName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty) return false;
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ':')) return false;
        }
        return true;
    }

    /// <summary>The argument with one pair of surrounding double quotes removed, if it has them.</summary>
    public static string StripQuotes(string argument) =>
        argument.Length >= 2 && argument[0] == '"' && argument[^1] == '"' ? argument[1..^1] : argument;
}
