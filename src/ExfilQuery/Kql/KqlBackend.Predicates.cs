using System.Runtime.CompilerServices;
using ExfilQuery.Diagnostics;
using ExfilQuery.Ir;

namespace ExfilQuery.Kql;

// Search-clause predicates: Splunk's search compares values case-insensitively with `*` wildcards, matches any
// value of a field, treats `NOT f=v` as true for events without f and `f!=v` as false for them.
internal sealed partial class KqlWriter
{
    private string Predicate(Predicate predicate)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (predicate)
        {
            case AndPredicate a:
                return string.Join(" and ", a.Operands.Where(o => o is not TruePredicate).Select(o => Group(o, o is OrPredicate)));
            case OrPredicate o:
                return o.Operands.Any(x => x is TruePredicate) ? "true" : string.Join(" or ", o.Operands.Select(x => Group(x, x is AndPredicate)));
            case NotPredicate n:
                return "not(" + Predicate(n.Operand) + ")";
            case TruePredicate:
                return "true";
            case FieldMatchPredicate m:
                return FieldMatch(m.Field, m.Pattern, m.CaseSensitive, m);
            case FieldNotMatchPredicate m when !m.Pattern.IsMatchAll && TypeOf(m.Field) == KType.Dynamic
                                                && CountValues(m.Field, e => FieldMatch(e, m.Pattern, m.CaseSensitive, m), needValues: true) is { } counts:
                // The field has values and none of them matches.
                return $"({counts.Values} > 0 and {counts.Matching} == 0)";
            case FieldNotMatchPredicate m:
                return m.Pattern.IsMatchAll
                    ? "false"
                    : $"(isnotempty({Column(m.Field)}) and not({FieldMatch(m.Field, m.Pattern, m.CaseSensitive, m)}))";
            case FieldExistsPredicate e:
                return $"isnotempty({Column(e.Field)})";
            case CidrPredicate c:
                return $"ipv4_is_in_range({AsString(c.Field)}, {KqlSyntax.Quote(c.Cidr)})";
            case FieldCompareRangePredicate r:
                return RangeCompare(r);
            case TimeBoundPredicate t:
                return TimeBound(t);
            case ExpressionPredicate e:
                return Expr(e.Expression).Text;
            case RawTermPredicate t:
                return RawTerm(t);
            case SubsearchPredicate s:
                return SubsearchCondition(s);
            default:
                Diagnostics.Add(DiagnosticFacts.KqlUnsupported(predicate.Span, $"{predicate.GetType().Name} is not translated to KQL yet."));
                return "true";
        }
    }

    private string Group(Predicate p, bool parenthesize) => parenthesize ? "(" + Predicate(p) + ")" : Predicate(p);

    private string AsString(string field) => TypeOf(field) == KType.String ? Column(field) : "tostring(" + Column(field) + ")";

    /// <summary><c>field=pattern</c> with search semantics: case-insensitive unless CASE(), <c>*</c> wildcards.</summary>
    private string FieldMatch(string field, ValuePattern pattern, bool caseSensitive, Predicate origin)
    {
        var type = TypeOf(field);
        if (type == KType.Dynamic && CountValues(field, e => FieldMatch(e, pattern, caseSensitive, origin), needValues: false) is { } counts)
            return counts.Matching + " > 0";
        if (type == KType.Dynamic)
        {
            Diagnostics.Add(DiagnosticFacts.KqlUnsupported(origin.Span, $"'{field}' holds several values here; matching any of them with search semantics is not translated yet."));
            return "true";
        }
        if (type is KType.Long or KType.Real && !pattern.HasWildcard && double.TryParse(pattern.Literal, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))
            return $"(isnotnull({Column(field)}) and {Column(field)} == {KqlSyntax.Number(pattern.Literal)})";
        var column = AsString(field);
        var cs = caseSensitive ? "_cs" : "";
        switch (pattern.Shape)
        {
            case PatternShape.Exact when pattern.Literal.Length == 0:
                Diagnostics.Add(DiagnosticFacts.KqlApproximation(origin.Span, $"'{field}=\"\"' matches an empty value in Splunk; in KQL a missing string is also empty, so events without '{field}' match too."));
                return $"isempty({column})";
            case PatternShape.Exact:
                return caseSensitive ? $"{column} == {KqlSyntax.Quote(pattern.Literal)}" : $"{column} =~ {KqlSyntax.Quote(pattern.Literal)}";
            case PatternShape.Any:
                return $"isnotempty({column})";
            case PatternShape.Prefix:
                return $"{column} startswith{cs} {KqlSyntax.Quote(pattern.Segments[0])}";
            case PatternShape.Suffix:
                return $"{column} endswith{cs} {KqlSyntax.Quote(pattern.Segments[1])}";
            case PatternShape.Contains:
                return $"{column} contains{cs} {KqlSyntax.Quote(pattern.Segments[1])}";
            default:
                return $"{column} matches regex {KqlSyntax.Quote(WildcardRegex(pattern, caseSensitive))}";
        }
    }

    /// <summary>An anchored RE2 regex for a wildcard pattern: literal segments escaped, <c>*</c> as <c>.*</c>;
    /// <c>(?s)</c> so that <c>*</c> also spans line breaks, as Splunk's wildcard does.</summary>
    internal static string WildcardRegex(ValuePattern pattern, bool caseSensitive) =>
        (caseSensitive ? "(?s)^" : "(?is)^") + string.Join(".*", pattern.Segments.Select(KqlSyntax.RegexEscape)) + "$";

    private string RangeCompare(FieldCompareRangePredicate r)
    {
        var op = r.Operator switch
        {
            RangeOperator.Less => "<",
            RangeOperator.LessOrEqual => "<=",
            RangeOperator.Greater => ">",
            _ => ">=",
        };
        if (r.Value.Kind == LiteralKind.Number)
        {
            var type = TypeOf(r.Field);
            if (type is KType.Long or KType.Real) return $"{Column(r.Field)} {op} {KqlSyntax.Number(r.Value.Text)}";
            // Numeric when the field's value is a number, lexicographic otherwise (a missing field never matches).
            var column = Column(r.Field);
            return $"(isnotempty({column}) and iff(isnull(todouble({column})), strcmp({AsString(r.Field)}, {KqlSyntax.Quote(r.Value.Text)}) {op} 0, todouble({column}) {op} {KqlSyntax.Number(r.Value.Text)}))";
        }
        // Both sides text: Splunk compares lexicographically.
        return $"strcmp({AsString(r.Field)}, {KqlSyntax.Quote(r.Value.Text)}) {op} 0";
    }

    private string TimeBound(TimeBoundPredicate t)
    {
        var time = KqlTime.Relative(t.Value, out var approximate);
        if (time is null)
        {
            Diagnostics.Add(DiagnosticFacts.KqlUnsupported(t.Span, $"The time modifier '{t.Value}' is not translated."));
            return "true";
        }
        if (approximate is not null) Diagnostics.Add(DiagnosticFacts.KqlApproximation(t.Span, approximate));
        return t.Earliest ? $"{Column("_time")} >= {time}" : $"{Column("_time")} < {time}";
    }

    private string RawTerm(RawTermPredicate t)
    {
        if (t.Pattern.IsMatchAll) return "true";
        // Splunk matches terms of the indexed raw text (split at breakers); KQL's has/contains differ from it.
        Diagnostics.Add(DiagnosticFacts.KqlApproximation(t.Span,
            $"The search term '{t.Pattern.Text}' matches whole indexed terms of the raw event in Splunk; KQL searches the _raw column for the text anywhere (a wider match)."));
        var column = Column("_raw");
        var cs = t.CaseSensitive ? "_cs" : "";
        return t.Pattern.Shape switch
        {
            PatternShape.Exact or PatternShape.Contains or PatternShape.Prefix or PatternShape.Suffix
                => $"{column} contains{cs} {KqlSyntax.Quote(string.Concat(t.Pattern.Segments))}",
            _ => $"{column} matches regex {KqlSyntax.Quote((t.CaseSensitive ? "(?s)" : "(?is)") + string.Join(".*", t.Pattern.Segments.Select(KqlSyntax.RegexEscape)))}",
        };
    }
}
