namespace ExfilQuery.Evaluation;

/// <summary>Reads plain decimal numbers (<c>-?digits[.digits]</c>, at most 15 digits) without the general parser,
/// giving exactly the double <see cref="FieldValue.TryParseNumber"/> gives: the digits form an integer below 2^53
/// and the scale is a power of ten up to 10^15, both exact doubles, so one division rounds correctly (Clinger's
/// fast path). Anything else (exponents, more digits, signs other than a leading minus) is left to the general
/// parser.</summary>
internal static class FastNumber
{
    private static readonly double[] PowersOfTen = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

    /// <summary>UTF-8 text (a JSON number token) or UTF-16 text (a field value).</summary>
    public static bool TryParse<T>(ReadOnlySpan<T> text, out double value) where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        value = 0;
        var i = 0;
        var negative = text.Length > 0 && int.CreateTruncating(text[0]) == '-';
        if (negative) i++;
        long mantissa = 0;
        var digits = 0;
        var scale = -1;
        for (; i < text.Length; i++)
        {
            var c = int.CreateTruncating(text[i]);
            if (c == '.')
            {
                if (scale >= 0) return false;
                scale = 0;
                continue;
            }
            if (c is < '0' or > '9' || ++digits > 15) return false;
            mantissa = mantissa * 10 + (c - '0');
            if (scale >= 0) scale++;
        }
        // At least one digit on each side of a decimal point, as in "1.5"; "1." and ".5" go to the general parser.
        if (digits == 0 || scale == 0 || (scale > 0 && digits == scale)) return false;
        var result = scale > 0 ? mantissa / PowersOfTen[scale] : mantissa;
        value = negative ? -result : result;
        return true;
    }
}
