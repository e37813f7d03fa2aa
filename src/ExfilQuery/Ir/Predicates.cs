using System.Collections.Immutable;

namespace ExfilQuery.Ir;

/// <summary>A condition on an event. The search-clause meaning (case-insensitive, <c>*</c> wildcards, any value
/// of a multivalue field, missing fields) is explicit in the node kinds; backends only render it.</summary>
public abstract record Predicate : IrNode;

/// <summary>All operands hold.</summary>
public sealed record AndPredicate(ImmutableArray<Predicate> Operands) : Predicate;

/// <summary>At least one operand holds.</summary>
public sealed record OrPredicate(ImmutableArray<Predicate> Operands) : Predicate;

/// <summary>The operand does not hold (true for events where the operand's field is missing).</summary>
public sealed record NotPredicate(Predicate Operand) : Predicate;

/// <summary>Always true (<c>search *</c>).</summary>
public sealed record TruePredicate : Predicate;

/// <summary>Search <c>field=value</c>: the field exists and at least one of its values matches
/// <see cref="Pattern"/>. Case-insensitive unless <see cref="CaseSensitive"/> (<c>CASE()</c>).</summary>
public sealed record FieldMatchPredicate(string Field, ValuePattern Pattern, bool CaseSensitive) : Predicate;

/// <summary>Search <c>field!=value</c>: the field exists and none of its values matches (for a multivalue field,
/// <c>tags!=y</c> is false when any value is y). Unlike <c>NOT field=value</c> it is false for events without the
/// field.</summary>
public sealed record FieldNotMatchPredicate(string Field, ValuePattern Pattern, bool CaseSensitive) : Predicate;

/// <summary>Search <c>field&lt;value</c> and friends: numeric when both sides are numbers, else lexicographic.</summary>
public sealed record FieldCompareRangePredicate(string Field, RangeOperator Operator, Literal Value) : Predicate;

/// <summary>Search <c>field=10.0.0.0/8</c>: any value is an IPv4 address in the CIDR range.</summary>
public sealed record CidrPredicate(string Field, string Cidr) : Predicate;

/// <summary>Search <c>field=*</c>: the field exists (has a non-empty value).</summary>
public sealed record FieldExistsPredicate(string Field) : Predicate;

/// <summary>A bare search term or quoted phrase matched against the raw event (<c>_raw</c>), case-insensitive.
/// <see cref="WholeTerm"/> is true for <c>TERM(x)</c> (must be a whole indexed term).</summary>
public sealed record RawTermPredicate(ValuePattern Pattern, bool CaseSensitive, bool WholeTerm) : Predicate;

/// <summary>A time bound: <c>earliest=-24h</c> (<see cref="Earliest"/> true) or <c>latest=now</c>.</summary>
public sealed record TimeBoundPredicate(bool Earliest, string Value) : Predicate;

/// <summary>A subsearch used as a search term: its result rows become an OR of AND-ed field conditions.</summary>
public sealed record SubsearchPredicate(Detection Subsearch) : Predicate;

/// <summary>A where/eval expression used as a condition: rows where it evaluates to true.</summary>
public sealed record ExpressionPredicate(Expr Expression) : Predicate;

/// <summary>The range operators of the search clause.</summary>
public enum RangeOperator
{
    /// <summary>&lt;</summary>
    Less,
    /// <summary>&lt;=</summary>
    LessOrEqual,
    /// <summary>&gt;</summary>
    Greater,
    /// <summary>&gt;=</summary>
    GreaterOrEqual,
}

/// <summary>A search-clause value: literal text with optional <c>*</c> wildcards, already unescaped.
/// <see cref="Segments"/> are the literal pieces between wildcards; a leading or trailing empty segment means the
/// pattern starts or ends with <c>*</c>.</summary>
public sealed record ValuePattern(string Text, ImmutableArray<string> Segments)
{
    /// <summary>True when the value has at least one <c>*</c>.</summary>
    public bool HasWildcard => Segments.Length > 1;

    /// <summary>The pattern <c>*</c> alone (or <c>**</c>...).</summary>
    public bool IsMatchAll => HasWildcard && Segments.All(s => s.Length == 0);

    /// <summary>The shape, used by backends to pick an exact rendering.</summary>
    public PatternShape Shape =>
        !HasWildcard ? PatternShape.Exact
        : IsMatchAll ? PatternShape.Any
        : Segments.Length == 2 && Segments[0].Length > 0 && Segments[1].Length == 0 ? PatternShape.Prefix
        : Segments.Length == 2 && Segments[0].Length == 0 && Segments[1].Length > 0 ? PatternShape.Suffix
        : Segments.Length == 3 && Segments[0].Length == 0 && Segments[2].Length == 0 && Segments[1].Length > 0 ? PatternShape.Contains
        : PatternShape.General;

    /// <summary>Builds a pattern from a search value as written (quotes removed, escapes not yet decoded):
    /// <c>*</c> is a wildcard, <c>\*</c> a literal star, <c>\\</c> a backslash, <c>\"</c> a quote; any other
    /// backslash is kept as written (<c>C:\Windows</c>).</summary>
    public static ValuePattern FromSearchValue(string raw)
    {
        var segments = ImmutableArray.CreateBuilder<string>();
        var current = new System.Text.StringBuilder();
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '\\' && i + 1 < raw.Length && raw[i + 1] is '*' or '\\' or '"')
            {
                current.Append(raw[i + 1]);
                i++;
            }
            else if (c == '*')
            {
                segments.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }
        segments.Add(current.ToString());
        return new ValuePattern(raw, segments.ToImmutable());
    }

    /// <summary>The value as written (wildcards and escapes included).</summary>
    public override string ToString() => Text;

    /// <summary>The literal value when the pattern has no wildcard.</summary>
    public string Literal => Segments.Length == 1 ? Segments[0] : Text;
}

/// <summary>Wildcard shapes: each has an exact rendering in most targets.</summary>
public enum PatternShape
{
    /// <summary>No wildcard.</summary>
    Exact,
    /// <summary><c>*</c>: any value (the field exists).</summary>
    Any,
    /// <summary><c>a*</c></summary>
    Prefix,
    /// <summary><c>*a</c></summary>
    Suffix,
    /// <summary><c>*a*</c></summary>
    Contains,
    /// <summary>Anything else, e.g. <c>a*b</c> or <c>*a*b*</c>.</summary>
    General,
}
