using System.Collections.Immutable;
using System.Globalization;

namespace ExfilQuery.Evaluation;

/// <summary>The kinds of a field value.</summary>
public enum FieldValueKind
{
    /// <summary>No value (a missing field, or eval's null()).</summary>
    Null,
    /// <summary>A string.</summary>
    String,
    /// <summary>A number (double).</summary>
    Number,
    /// <summary>A multivalue field: a list of strings.</summary>
    Multi,
    /// <summary>A boolean: only produced by where/eval conditions, never stored by readers.</summary>
    Boolean,
}

/// <summary>A field value: null, a string, a number, a multivalue list of strings, or (inside expressions) a
/// boolean. Numbers print in invariant culture with round-trip precision.</summary>
public sealed class FieldValue : IEquatable<FieldValue>
{
    private readonly string? _text;
    private readonly ImmutableArray<string> _values;

    // A number value; for a string, the number its text reads as once _parsed says so (a cache: the text is parsed
    // at most once, whatever the number of comparisons, sums and casts that read it).
    private double _number;

    // For strings: 0 not parsed yet, 1 reads as the number in _number, 2 does not read as a number. Written after
    // _number (a benign race: every thread computes the same result).
    private int _parsed;

    private FieldValue(FieldValueKind kind, string? text, double number, ImmutableArray<string> values)
    {
        Kind = kind;
        _text = text;
        _number = number;
        _values = values;
    }

    /// <summary>The null value.</summary>
    public static FieldValue Null { get; } = new(FieldValueKind.Null, null, 0, []);

    /// <summary>true.</summary>
    public static FieldValue True { get; } = new(FieldValueKind.Boolean, "true", 1, []);

    /// <summary>false.</summary>
    public static FieldValue False { get; } = new(FieldValueKind.Boolean, "false", 0, []);

    /// <summary>The kind of value.</summary>
    public FieldValueKind Kind { get; }

    /// <summary>True for <see cref="FieldValueKind.Null"/>.</summary>
    public bool IsNull => Kind == FieldValueKind.Null;

    /// <summary>A string value.</summary>
    public static FieldValue String(string value) => new(FieldValueKind.String, value ?? throw new ArgumentNullException(nameof(value)), 0, []);

    /// <summary>A number value.</summary>
    public static FieldValue Number(double value) => new(FieldValueKind.Number, null, value, []);

    /// <summary>A string value whose number (<see cref="TryParseNumber"/> of <paramref name="value"/>) the caller has
    /// already read by the same rule: <paramref name="number"/> must be exactly what it gives.</summary>
    internal static FieldValue StringWithNumber(string value, double number) =>
        new(FieldValueKind.String, value ?? throw new ArgumentNullException(nameof(value)), number, []) { _parsed = 1 };

    /// <summary>A boolean value.</summary>
    public static FieldValue Boolean(bool value) => value ? True : False;

    /// <summary>A multivalue; one value becomes a plain string, none becomes null.</summary>
    public static FieldValue Multi(IEnumerable<string> values)
    {
        var array = values.ToImmutableArray();
        return array.Length switch
        {
            0 => Null,
            1 => String(array[0]),
            _ => new FieldValue(FieldValueKind.Multi, null, 0, array),
        };
    }

    /// <summary>Each value as a string (one for a scalar, none for null).</summary>
    public ImmutableArray<string> Values => Kind switch
    {
        FieldValueKind.Null => [],
        FieldValueKind.Multi => _values,
        _ => [AsString()!],
    };

    /// <summary>The value as a string: the first value of a multivalue, null for null.</summary>
    public string? AsString() => Kind switch
    {
        FieldValueKind.Null => null,
        FieldValueKind.String or FieldValueKind.Boolean => _text,
        FieldValueKind.Number => FormatNumber(_number),
        _ => _values[0],
    };

    /// <summary>The value as a number when it is one or a string that reads as one (invariant culture).</summary>
    public double? AsNumber() => TryGetNumber(out var n) ? n : null;

    /// <summary><see cref="AsNumber"/> without the nullable; a string's text is parsed once.</summary>
    internal bool TryGetNumber(out double value)
    {
        switch (Kind)
        {
            case FieldValueKind.Number:
                value = _number;
                return true;
            case FieldValueKind.String:
            {
                var state = Volatile.Read(ref _parsed);
                if (state == 0)
                {
                    var text = _text!;
                    var ok = FastNumber.TryParse(text.AsSpan(), out var n) || TryParseNumber(text, out n);
                    _number = ok ? n : 0;
                    Volatile.Write(ref _parsed, state = ok ? 1 : 2);
                }
                value = state == 1 ? _number : 0;
                return state == 1;
            }
            case FieldValueKind.Multi:
                return TryParseNumber(_values[0], out value);
            default:
                value = 0;
                return false;
        }
    }

    /// <summary>For a value that is not multivalue: what <see cref="TryParseNumber"/> gives for its text
    /// (<see cref="AsString"/>), for comparisons. A finite number is its own reading (its text round-trips, -0
    /// reading as 0, which compares equal); a string's text is parsed once.</summary>
    internal bool TryReadNumber(out double value)
    {
        switch (Kind)
        {
            case FieldValueKind.Number when double.IsFinite(_number):
                value = _number;
                return true;
            case FieldValueKind.String:
                return TryGetNumber(out value);
            case FieldValueKind.Null:
                value = 0;
                return false;
            default:
                return TryParseNumber(AsString()!, out value);
        }
    }

    /// <summary>True for the boolean true.</summary>
    public bool IsTrue => Kind == FieldValueKind.Boolean && ReferenceEquals(this, True);

    /// <summary>Reads a number the way Splunk treats a field as numeric: invariant culture, optional sign,
    /// decimals and exponent; surrounding spaces are not allowed.</summary>
    public static bool TryParseNumber(string text, out double value)
    {
        value = 0;
        if (text.Length == 0 || char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1])) return false;
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) return false;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    /// <summary>Invariant, round-trip text of a number; whole numbers have no decimal point.</summary>
    public static string FormatNumber(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (value == Math.Floor(value) && Math.Abs(value) < 1e15) return ((long)value).ToString(CultureInfo.InvariantCulture);
        return value.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <inheritdoc/>
    public bool Equals(FieldValue? other) =>
        other is not null && Kind == other.Kind && (Kind switch
        {
            FieldValueKind.Number => _number.Equals(other._number),
            FieldValueKind.Multi => _values.SequenceEqual(other._values, StringComparer.Ordinal),
            _ => string.Equals(_text, other._text, StringComparison.Ordinal),
        });

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as FieldValue);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, AsString());

    /// <summary>Display text: multivalues joined with a newline as Splunk shows them.</summary>
    public override string ToString() => Kind == FieldValueKind.Multi ? string.Join("\n", _values) : AsString() ?? "";
}
