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

    /// <summary>True when <paramref name="test"/> holds for any value of <paramref name="value"/> (none for null),
    /// without building a list for a single value.</summary>
    public static bool AnyValue<TState>(FieldValue value, TState state, Func<string, TState, bool> test)
    {
        if (value.Kind != FieldValueKind.Multi) return value.AsString() is { } one && test(one, state);
        foreach (var v in value.Values)
            if (test(v, state)) return true;
        return false;
    }

    /// <summary>Search <c>field=pattern</c> on the field's value: any value matches.</summary>
    public static bool FieldMatches(FieldValue value, FieldMatchPredicate m) =>
        AnyValue(value, m, static (v, m) => WildcardMatch(v, m.Pattern, m.CaseSensitive));

    /// <summary>Search <c>field!=pattern</c>: the field exists and no value matches (a multivalue field with one
    /// matching value does not match, like <c>NOT f=v</c>); false for events without the field.</summary>
    public static bool FieldDoesNotMatch(FieldValue value, FieldNotMatchPredicate m) =>
        !value.IsNull && !m.Pattern.IsMatchAll && !AnyValue(value, m, static (v, m) => WildcardMatch(v, m.Pattern, m.CaseSensitive));

    /// <summary>Search <c>field=*</c>: some value is not empty.</summary>
    public static bool FieldExists(FieldValue value) => AnyValue(value, 0, static (v, _) => v.Length > 0);

    /// <summary>Search <c>field=a.b.c.d/n</c>: some value is in the range.</summary>
    public static bool FieldInCidr(FieldValue value, string cidr) => AnyValue(value, cidr, static (v, cidr) => InCidr(v, cidr));

    /// <summary>The number a range predicate compares with, or null when it compares text.</summary>
    public static double? RangeNumber(FieldCompareRangePredicate r) =>
        r.Value.Kind == LiteralKind.Number && FieldValue.TryParseNumber(r.Value.Text, out var y) ? y : null;

    /// <summary>Search <c>field&lt;value</c> and friends: some value compares as asked, numerically when it and
    /// the literal (<paramref name="number"/>, from <see cref="RangeNumber"/>) are numbers, else lexically.</summary>
    public static bool FieldInRange(FieldValue value, FieldCompareRangePredicate r, double? number)
    {
        if (value.Kind is FieldValueKind.Multi or FieldValueKind.Null)
            return AnyValue(value, (r, number), static (v, s) => InRange(FieldValue.TryParseNumber(v, out var x), x, v, s.r, s.number));
        var n = 0.0;
        var isNumber = number is not null && value.TryReadNumber(out n);
        return InRange(isNumber, n, value.AsString()!, r, number);
    }

    private static bool InRange(bool isNumber, double x, string text, FieldCompareRangePredicate r, double? number)
    {
        var c = isNumber && number is { } y ? x.CompareTo(y) : string.CompareOrdinal(text, r.Value.Text);
        return r.Operator switch
        {
            RangeOperator.Less => c < 0,
            RangeOperator.LessOrEqual => c <= 0,
            RangeOperator.Greater => c > 0,
            _ => c >= 0,
        };
    }

    /// <summary>A bare term or phrase against <c>_raw</c>.</summary>
    public static bool RawMatches(string? raw, RawTermPredicate t)
    {
        if (raw is null) return false;
        if (t.WholeTerm && !t.Pattern.HasWildcard) return ContainsWholeTerm(raw, t.Pattern.Literal, t.CaseSensitive);
        return ContainsPattern(raw, t.Pattern, t.CaseSensitive);
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
