using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace ExfilQuery.Evaluation;

/// <summary>External (scripted) lookups of common Splunk apps that the evaluator runs itself, because their script
/// is a pure function of its input. Splunk runs an external lookup by sending the distinct values of the input field
/// to the script as CSV and matching the rows the script sends back like those of a CSV lookup (Splunk
/// Knowledge Manager Manual, "Configure external lookups"); <see cref="TableFor"/> builds that returned table, so
/// <c>lookup</c> matches it with its CSV rules. A lookup provider that has a table of the same name takes
/// precedence.</summary>
public static class ExternalLookups
{
    /// <summary>The names of the external lookups the evaluator knows, in ordinal order.</summary>
    public static ImmutableArray<string> Names { get; } = ["ut_shannon_lookup"];

    /// <summary>The input column of a known external lookup, or null when the name is not one.</summary>
    public static string? InputField(string name) => name == "ut_shannon_lookup" ? "word" : null;

    /// <summary>The table the lookup's script returns for these input values (each sent once, in first-seen
    /// order), or null when <paramref name="name"/> is not a known external lookup.</summary>
    public static LookupTable? TableFor(string name, IEnumerable<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (name != "ut_shannon_lookup") return null;
        var rows = inputs.Distinct(StringComparer.Ordinal)
            .Select(word => ImmutableArray.Create(word, PythonFloatRepr(Shannon(PythonStrip(word)))))
            .ToImmutableArray();
        return new LookupTable(name, ["word", "ut_shannon"], rows, true, []);
    }

    /// <summary>URL Toolbox (Splunkbase app 2734, github.com/splunk/utbox) <c>bin/ut_shannon.py</c>, the script
    /// behind <c>ut_shannon_lookup</c>: the Shannon entropy in bits of the word's characters (Python code points),
    /// <c>-sum(p * math.log(p, 2))</c> over the characters in order of first appearance, with
    /// <c>p = count / len(word)</c>; 0.0 for an empty word. Python's <c>math.log(x, 2)</c> is
    /// <c>log(x) / log(2)</c>, computed here the same way so the last bits agree.</summary>
    public static double Shannon(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        var counts = new Dictionary<int, int>();
        var order = new List<int>();
        var length = 0;
        foreach (var rune in word.EnumerateRunes())
        {
            length++;
            if (counts.TryGetValue(rune.Value, out var c)) counts[rune.Value] = c + 1;
            else
            {
                counts[rune.Value] = 1;
                order.Add(rune.Value);
            }
        }
        var entropy = 0.0;
        foreach (var key in order)
        {
            var p = counts[key] / (double)length;
            entropy -= p * (Math.Log(p) / Math.Log(2));
        }
        return entropy;
    }

    /// <summary>Python 3 <c>str.strip()</c>: removes leading and trailing characters for which
    /// <c>str.isspace()</c> holds (Python Library Reference, "str.isspace": bidirectional class WS, B or S, or
    /// category Zs), which include U+001C to U+001F that .NET's <c>char.IsWhiteSpace</c> leaves out.</summary>
    public static string PythonStrip(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var start = 0;
        var end = text.Length;
        while (start < end && IsPythonSpace(text[start])) start++;
        while (end > start && IsPythonSpace(text[end - 1])) end--;
        return text[start..end];
    }

    private static bool IsPythonSpace(char c) => c is >= '\t' and <= '\r' or >= '\u001c' and <= ' ' or '\u0085' or '\u00a0' or '\u1680'
        or >= '\u2000' and <= '\u200a' or '\u2028' or '\u2029' or '\u202f' or '\u205f' or '\u3000';

    /// <summary>Python 3 <c>repr(float)</c> (what <c>csv.DictWriter</c> writes for a float): the shortest digits
    /// that read back as the same double, in fixed notation with at least one decimal (<c>2.0</c>) when the decimal
    /// exponent is from -4 to 15, otherwise in scientific notation with a signed two-digit-minimum exponent
    /// (<c>1e-05</c>, <c>1.5e+16</c>); <c>inf</c>, <c>-inf</c>, <c>nan</c> (Python Language Reference, "repr" of
    /// float, and float_repr_style 'short').</summary>
    public static string PythonFloatRepr(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        var negative = value < 0 || (value == 0 && double.IsNegative(value));
        // .NET's "E16" is not shortest; "R" is the shortest round-trip text, which is then re-laid-out.
        var shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var (digits, exponent) = DigitsAndExponent(shortest);
        var sb = new StringBuilder();
        if (negative) sb.Append('-');
        if (exponent is >= -4 and < 16)
        {
            if (exponent < 0) sb.Append("0.").Append('0', -exponent - 1).Append(digits);
            else if (digits.Length <= exponent + 1) sb.Append(digits).Append('0', exponent + 1 - digits.Length).Append(".0");
            else sb.Append(digits, 0, exponent + 1).Append('.').Append(digits, exponent + 1, digits.Length - exponent - 1);
        }
        else
        {
            sb.Append(digits[0]);
            if (digits.Length > 1) sb.Append('.').Append(digits, 1, digits.Length - 1);
            sb.Append('e').Append(exponent < 0 ? '-' : '+').Append(Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>The significant digits (no leading or trailing zeros; "0" for zero) and the decimal exponent of
    /// the first one, from .NET's round-trip text ("123.45", "1E-05", "1.5E+16").</summary>
    private static (string Digits, int Exponent) DigitsAndExponent(string text)
    {
        var e = text.IndexOfAny(['E', 'e']);
        var mantissa = e < 0 ? text : text[..e];
        var exponent = e < 0 ? 0 : int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.');
        var intPart = point < 0 ? mantissa : mantissa[..point];
        var all = intPart + (point < 0 ? "" : mantissa[(point + 1)..]);
        var lead = 0;
        while (lead < all.Length - 1 && all[lead] == '0') lead++;
        var digits = all[lead..].TrimEnd('0');
        if (digits.Length == 0) return ("0", 0);
        return (digits, exponent + intPart.Length - 1 - lead);
    }
}
