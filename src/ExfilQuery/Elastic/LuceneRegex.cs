using System.Text;

namespace ExfilQuery.Elastic;

/// <summary>Converts the portable subset of PCRE (Splunk's <c>match</c>, <c>regex</c>) to a Lucene regular expression
/// for ES|QL <c>RLIKE</c>. Lucene's expressions are anchored and have no <c>\d</c>, <c>\w</c>, <c>\s</c>, <c>^</c>,
/// <c>$</c>, <c>(?:</c> or <c>(?i)</c>; a backslash escapes any character, <c>@ &amp; &lt; &gt; ~ # "</c> are
/// operators, <c>.</c> matches any character and <c>[^...]</c> negates a class (Elasticsearch "Regular expression
/// syntax" reference). The subset: literal characters, <c>.</c> (PCRE: any character but a line feed, so
/// <c>[^\n]</c>), <c>* + ?</c>, <c>{n,m}</c>, <c>|</c> (an empty alternative becomes Lucene's empty string
/// <c>()</c>), plain groups, character classes of literals and ranges, <c>\d \w \s</c> and outside classes their
/// negations, escaped punctuation, <c>^</c> first, <c>$</c> last (PCRE: the end or before a final line feed), and a
/// leading <c>(?i)</c> (caseless: each ASCII letter matches both cases). Anything else: null.</summary>
internal static class LuceneRegex
{
    private const string LuceneOperators = ".?+*|{}[]()\"\\#@&<>~";

    /// <summary>PCRE2's <c>\s</c>: space, tab, line feed, vertical tab, form feed, carriage return.</summary>
    private const string PcreSpace = " \t\n\u000B\f\r";

    /// <summary>True when the regex is in the portable subset (Java and PCRE read it the same way).</summary>
    public static bool IsPortablePcre(string pcre) => FromPcre(pcre) is not null;

    /// <summary>The unanchored PCRE search as an anchored Lucene regex, or null outside the subset.</summary>
    public static string? FromPcre(string pcre)
    {
        var body = pcre;
        var caseless = false;
        var anchoredStart = false;
        // (?i) and ^ at the start, in either order.
        for (var k = 0; k < 2; k++)
        {
            if (body.StartsWith("(?i)", StringComparison.Ordinal) && !caseless)
            {
                caseless = true;
                body = body[4..];
            }
            else if (body.StartsWith('^') && !anchoredStart)
            {
                anchoredStart = true;
                body = body[1..];
            }
        }
        var sb = new StringBuilder();
        // One entry per open group (the first for the whole pattern): true once an alternative bar was seen in it.
        var bars = new Stack<bool>();
        bars.Push(false);
        var branchEmpty = true;
        var anchoredEnd = false;
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            var empty = false;
            switch (c)
            {
                case '\\':
                {
                    if (i + 1 >= body.Length || Shorthand(body[++i], false) is not { } escaped) return null;
                    sb.Append(escaped);
                    break;
                }
                case '.':
                    sb.Append("[^\n]");
                    break;
                case '*' or '+' or '?':
                    if (branchEmpty) return null; // nothing to repeat
                    if (i + 1 < body.Length && body[i + 1] is '?' or '+') return null; // lazy or possessive
                    sb.Append(c);
                    break;
                case '{':
                {
                    var close = body.IndexOf('}', i);
                    if (branchEmpty || close < 0 || !System.Text.RegularExpressions.Regex.IsMatch(body[(i + 1)..close], @"^\d+(,\d*)?$")) return null;
                    sb.Append(body, i, close - i + 1);
                    i = close;
                    break;
                }
                case '(':
                    if (i + 1 < body.Length && body[i + 1] == '?') return null;
                    bars.Push(false);
                    sb.Append('(');
                    empty = true;
                    break;
                case ')':
                    if (bars.Count == 1) return null;
                    bars.Pop();
                    if (branchEmpty) sb.Append("()");
                    sb.Append(')');
                    break;
                case '|':
                    if (bars.Count == 1 && anchoredStart) return null; // ^a|b anchors one branch only
                    bars.Pop();
                    bars.Push(true);
                    if (branchEmpty) sb.Append("()");
                    sb.Append('|');
                    empty = true;
                    break;
                case '[':
                {
                    if (Class(body, i, caseless, out var close) is not { } cls) return null;
                    sb.Append(cls);
                    i = close;
                    break;
                }
                case '$':
                    // Only as the last thing matched: closing parentheses may follow, and no enclosing group (nor the
                    // pattern) may have another alternative, which the anchor would not bind.
                    if (body[(i + 1)..].Any(x => x != ')') || bars.Any(b => b) || i + 1 + bars.Count - 1 != body.Length) return null;
                    anchoredEnd = true;
                    empty = branchEmpty;
                    break;
                case '^':
                    return null;
                default:
                    if (caseless && char.IsLetter(c))
                    {
                        if (!char.IsAsciiLetter(c)) return null;
                        sb.Append('[').Append(char.ToLowerInvariant(c)).Append(char.ToUpperInvariant(c)).Append(']');
                    }
                    else
                    {
                        if (LuceneOperators.Contains(c, StringComparison.Ordinal)) sb.Append('\\');
                        sb.Append(c);
                    }
                    break;
            }
            branchEmpty = empty;
        }
        if (bars.Count != 1) return null;
        if (branchEmpty && bars.Peek()) sb.Append("()");
        var inner = sb.ToString();
        if (bars.Peek()) inner = "(" + inner + ")";
        // PCRE's $ (without multiline) also matches before a line feed that ends the subject.
        return (anchoredStart ? "" : ".*") + inner + (anchoredEnd ? "\n?" : ".*");
    }

    /// <summary>An escape outside (or, with <paramref name="inClass"/>, inside) a class as Lucene text; null when it
    /// has no exact form there.</summary>
    private static string? Shorthand(char n, bool inClass) => n switch
    {
        'd' => inClass ? "0-9" : "[0-9]",
        'w' => inClass ? "A-Za-z0-9_" : "[A-Za-z0-9_]",
        's' => inClass ? PcreSpace : "[" + PcreSpace + "]",
        'n' => "\n",
        't' => "\t",
        'r' => "\r",
        'D' when !inClass => "[^0-9]",
        'W' when !inClass => "[^A-Za-z0-9_]",
        'S' when !inClass => "[^" + PcreSpace + "]",
        _ when !char.IsAsciiLetterOrDigit(n) && n < 128 => "\\" + n,
        _ => null,
    };

    /// <summary>A character class starting at <paramref name="open"/>; with <paramref name="caseless"/> each ASCII
    /// letter and each range of letters of one case also adds the other case.</summary>
    private static string? Class(string body, int open, bool caseless, out int close)
    {
        close = open + 1;
        var cls = new StringBuilder("[");
        if (close < body.Length && body[close] == '^')
        {
            cls.Append('^');
            close++;
        }
        var start = close;
        for (; close < body.Length && (body[close] != ']' || close == start); close++)
        {
            var k = body[close];
            if (k == '\\')
            {
                if (close + 1 >= body.Length || Shorthand(body[++close], true) is not { } escaped) return null;
                // An escaped range bound is not folded here; a class shorthand before '-' makes PCRE read it literally.
                if (IsRangeStart(body, close) && (caseless || escaped.Length > 2)) return null;
                cls.Append(escaped);
                continue;
            }
            var range = IsRangeStart(body, close);
            if (k == '[') return null; // POSIX classes
            if (k == '-')
            {
                // Lucene reads '-' as a range unless it is first or escaped; PCRE also reads a last '-' literally.
                cls.Append(close == start || close + 1 < body.Length && body[close + 1] == ']' ? "\\-" : "-");
            }
            else if (caseless && range)
            {
                var to = body[close + 2];
                if (char.IsAsciiLetterLower(k) && char.IsAsciiLetterLower(to) || char.IsAsciiLetterUpper(k) && char.IsAsciiLetterUpper(to))
                {
                    if (to < k) return null;
                    cls.Append(k).Append('-').Append(to).Append(Other(k)).Append('-').Append(Other(to));
                    close += 2;
                }
                else if (to == '\\' || to >= 'A' && k <= 'z' && !(to < 'a' && k > 'Z'))
                {
                    return null; // a range that reaches letters of only part of the alphabet, or an escaped bound
                }
                else
                {
                    cls.Append(k); // no letter inside: the '-' and the bound follow
                }
            }
            else if (caseless && char.IsLetter(k))
            {
                if (!char.IsAsciiLetter(k)) return null;
                cls.Append(char.ToLowerInvariant(k)).Append(char.ToUpperInvariant(k));
            }
            else if (LuceneOperators.Contains(k, StringComparison.Ordinal)) cls.Append('\\').Append(k);
            else cls.Append(k);
        }
        if (close >= body.Length) return null;
        return cls.Append(']').ToString();
    }

    /// <summary>True when the class character at <paramref name="i"/> starts a range (<c>a-z</c>).</summary>
    private static bool IsRangeStart(string body, int i) => i + 2 < body.Length && body[i + 1] == '-' && body[i + 2] != ']';

    private static char Other(char letter) => char.IsAsciiLetterLower(letter) ? char.ToUpperInvariant(letter) : char.ToLowerInvariant(letter);
}
