using System.Text;

namespace ExfilQuery.Elastic;

/// <summary>Converts the portable subset of PCRE (Splunk's <c>match</c>, <c>regex</c>) to a Lucene regular expression
/// for ES|QL <c>RLIKE</c>. Lucene's expressions are anchored and have no <c>\d</c>, <c>\w</c>, <c>^</c>, <c>$</c> or
/// <c>(?:</c>; a backslash escapes any character and <c>@ &amp; &lt; &gt; ~ # "</c> are operators. The subset: literal
/// characters, <c>.</c>, <c>* + ?</c>, <c>{n,m}</c>, <c>|</c>, plain groups, character classes of literals and
/// ranges, <c>\d</c>, <c>\w</c>, escaped punctuation, <c>^</c> first and <c>$</c> last. Anything else: null.</summary>
internal static class LuceneRegex
{
    public const string DotNote = "'.' in this regex matches any character in ES|QL RLIKE (Lucene), line breaks included; in Splunk (PCRE) it does not match a line break.";

    private const string LuceneOperators = ".?+*|{}[]()\"\\#@&<>~";

    /// <summary>True when the regex is in the portable subset (Java and PCRE read it the same way).</summary>
    public static bool IsPortablePcre(string pcre) => FromPcre(pcre, out _) is not null;

    /// <summary>The unanchored PCRE search as an anchored Lucene regex, or null outside the subset.</summary>
    public static string? FromPcre(string pcre, out bool usesDot)
    {
        usesDot = false;
        var body = pcre;
        var anchoredStart = body.StartsWith('^');
        if (anchoredStart) body = body[1..];
        var anchoredEnd = body.EndsWith('$') && !body.EndsWith("\\$", StringComparison.Ordinal);
        if (anchoredEnd) body = body[..^1];
        var sb = new StringBuilder();
        var depth = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            switch (c)
            {
                case '\\':
                {
                    if (i + 1 >= body.Length) return null;
                    var n = body[++i];
                    if (n == 'd') sb.Append("[0-9]");
                    else if (n == 'w') sb.Append("[A-Za-z0-9_]");
                    else if (!char.IsAsciiLetterOrDigit(n) && n < 128) sb.Append('\\').Append(n);
                    else return null;
                    break;
                }
                case '.':
                    usesDot = true;
                    sb.Append('.');
                    break;
                case '*' or '+' or '?':
                    if (i + 1 < body.Length && body[i + 1] is '?' or '+') return null; // lazy or possessive
                    sb.Append(c);
                    break;
                case '{':
                {
                    var close = body.IndexOf('}', i);
                    if (close < 0 || !System.Text.RegularExpressions.Regex.IsMatch(body[(i + 1)..close], @"^\d+(,\d*)?$")) return null;
                    sb.Append(body, i, close - i + 1);
                    i = close;
                    break;
                }
                case '(':
                    if (i + 1 < body.Length && body[i + 1] == '?') return null;
                    depth++;
                    sb.Append('(');
                    break;
                case ')':
                    if (--depth < 0) return null;
                    sb.Append(')');
                    break;
                case '|':
                    if (depth == 0 && (anchoredStart || anchoredEnd)) return null; // ^a|b$ anchors one branch only
                    sb.Append('|');
                    break;
                case '[':
                {
                    var close = i + 1;
                    var cls = new StringBuilder("[");
                    if (close < body.Length && body[close] == '^')
                    {
                        cls.Append('^');
                        close++;
                    }
                    var first = true;
                    for (; close < body.Length && (body[close] != ']' || first); close++)
                    {
                        first = false;
                        var k = body[close];
                        if (k == '\\')
                        {
                            if (close + 1 >= body.Length) return null;
                            var n = body[++close];
                            if (n == 'd') cls.Append("0-9");
                            else if (n == 'w') cls.Append("A-Za-z0-9_");
                            else if (!char.IsAsciiLetterOrDigit(n) && n < 128) cls.Append('\\').Append(n);
                            else return null;
                        }
                        else if (k == '[') return null; // POSIX classes
                        else if (k == '-') cls.Append('-');
                        else if (LuceneOperators.Contains(k, StringComparison.Ordinal)) cls.Append('\\').Append(k);
                        else cls.Append(k);
                    }
                    if (close >= body.Length) return null;
                    sb.Append(cls).Append(']');
                    i = close;
                    break;
                }
                case '^' or '$':
                    return null;
                default:
                    if (LuceneOperators.Contains(c, StringComparison.Ordinal)) sb.Append('\\');
                    sb.Append(c);
                    break;
            }
        }
        if (depth != 0) return null;
        var inner = sb.ToString();
        var needsGroup = inner.Contains('|', StringComparison.Ordinal);
        if (needsGroup) inner = "(" + inner + ")";
        return (anchoredStart ? "" : ".*") + inner + (anchoredEnd ? "" : ".*");
    }
}
