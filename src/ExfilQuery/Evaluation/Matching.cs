using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using ExfilQuery.Ir;

namespace ExfilQuery.Evaluation;

/// <summary>Search-clause matching helpers: wildcard values, CIDR, numeric-or-lexical compare.</summary>
internal static class Matching
{
    /// <summary>Splunk search <c>*</c> wildcard match of a whole value (no <c>?</c>); case-insensitive unless
    /// <paramref name="caseSensitive"/>.</summary>
    public static bool WildcardMatch(string value, ValuePattern pattern, bool caseSensitive)
    {
        var cmp = caseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        var segments = pattern.Segments;
        if (segments.Length == 1) return string.Equals(value, segments[0], cmp);
        var first = segments[0];
        var last = segments[^1];
        if (value.Length < first.Length + last.Length) return false;
        if (!value.StartsWith(first, cmp) || !value.EndsWith(last, cmp)) return false;
        var position = first.Length;
        var end = value.Length - last.Length;
        for (var i = 1; i < segments.Length - 1; i++)
        {
            var s = segments[i];
            if (s.Length == 0) continue;
            var found = value.IndexOf(s, position, end - position, cmp);
            if (found < 0) return false;
            position = found + s.Length;
        }
        return true;
    }

    /// <summary>Unanchored wildcard match (a raw search term found anywhere in the text).</summary>
    public static bool ContainsPattern(string text, ValuePattern pattern, bool caseSensitive)
    {
        var cmp = caseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        var position = 0;
        foreach (var s in pattern.Segments)
        {
            if (s.Length == 0) continue;
            var found = text.IndexOf(s, position, cmp);
            if (found < 0) return false;
            position = found + s.Length;
        }
        return true;
    }

    /// <summary>True when <paramref name="text"/> holds <paramref name="term"/> bounded by non-alphanumeric
    /// characters (a whole term; TERM()).</summary>
    public static bool ContainsWholeTerm(string text, string term, bool caseSensitive)
    {
        var cmp = caseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        var start = 0;
        while (term.Length > 0 && (start = text.IndexOf(term, start, cmp)) >= 0)
        {
            var before = start == 0 || !char.IsLetterOrDigit(text[start - 1]);
            var after = start + term.Length >= text.Length || !char.IsLetterOrDigit(text[start + term.Length]);
            if (before && after) return true;
            start++;
        }
        return false;
    }

    /// <summary>IPv4 CIDR membership.</summary>
    public static bool InCidr(string value, string cidr)
    {
        var slash = cidr.IndexOf('/');
        var network = slash < 0 ? cidr : cidr[..slash];
        var bits = 32;
        if (slash >= 0 && !int.TryParse(cidr.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out bits)) return false;
        if (!TryIpv4(network, out var net) || !TryIpv4(value.Trim(), out var ip) || bits is < 0 or > 32) return false;
        var mask = bits == 0 ? 0u : uint.MaxValue << (32 - bits);
        return (ip & mask) == (net & mask);
    }

    private static bool TryIpv4(string text, out uint value)
    {
        value = 0;
        var parts = text.Split('.');
        if (parts.Length != 4) return false;
        foreach (var p in parts)
        {
            if (p.Length is 0 or > 3 || !uint.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var b) || b > 255) return false;
            value = (value << 8) | b;
        }
        return true;
    }

    /// <summary>Compares numerically when both read as numbers, else ordinally (case-sensitive lexicographic).</summary>
    public static int CompareAuto(string a, string b)
    {
        if (FieldValue.TryParseNumber(a, out var x) && FieldValue.TryParseNumber(b, out var y)) return x.CompareTo(y);
        return string.CompareOrdinal(a, b);
    }

    /// <summary>Builds a .NET regex from a PCRE-style pattern (<c>(?P&lt;name&gt;</c> becomes <c>(?&lt;name&gt;</c>),
    /// with a match timeout; non-backtracking when the pattern allows it (no backreferences or lookarounds).</summary>
    public static Regex Compile(string pattern, TimeSpan timeout, bool needGroups)
    {
        var dotnet = pattern.Replace("(?P<", "(?<", StringComparison.Ordinal);
        _ = needGroups; // the non-backtracking engine also reports named groups
        try
        {
            return new Regex(dotnet, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, timeout);
        }
        catch (NotSupportedException)
        {
            // Backreferences, lookarounds, atomic groups: fall back to the backtracking engine with a timeout.
        }
        return new Regex(dotnet, RegexOptions.CultureInvariant, timeout);
    }

    /// <summary>Decodes %XX escapes and '+' as Splunk's urldecode does.</summary>
    public static string UrlDecode(string value) => WebUtility.UrlDecode(value);
}
