using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text;
using ExfilQuery.Diagnostics;
using ExfilQuery.Ir;

namespace ExfilQuery.Kql;

// where/eval expressions: comparisons are case-sensitive, `*` is literal, `like` uses % and _, numbers compare as
// numbers. Fields whose type is unknown are strings: compared with a number they are converted with todouble().
internal sealed partial class KqlWriter
{
    private readonly record struct Typed(string Text, KType Type);

    private static bool IsNumeric(KType t) => t is KType.Long or KType.Real;

    private Typed Expr(Expr expr)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (expr)
        {
            case Literal { Kind: LiteralKind.String } s:
                return new(KqlSyntax.Quote(s.Text), KType.String);
            case Literal { Kind: LiteralKind.Number } n:
                return new(KqlSyntax.Number(n.Text), n.Text.Contains('.') || n.Text.Contains('e') || n.Text.Contains('E') ? KType.Real : KType.Long);
            case Literal { Kind: LiteralKind.Boolean } b:
                return new(b.Text, KType.Bool);
            case Literal:
                return new("dynamic(null)", KType.Dynamic);
            case FieldRef f:
                return new(Column(f.Name), TypeOf(f.Name));
            case BinaryExpr b:
                return Binary(b);
            case UnaryExpr { Operator: UnaryOp.Not } u:
            {
                _negated = !_negated;
                try
                {
                    return new("not(" + Expr(u.Operand).Text + ")", KType.Bool);
                }
                finally
                {
                    _negated = !_negated;
                }
            }
            case UnaryExpr u:
            {
                var operand = Numeric(Expr(u.Operand));
                return new("-(" + operand.Text + ")", operand.Type);
            }
            case LikeExpr l:
                return Like(l.Value, l.Pattern, l.Negated, l);
            case InExpr i:
                return In(i);
            case CallExpr c:
                return Call(c);
            default:
                return Unsupported(expr, $"{expr.GetType().Name} is not translated to KQL yet.");
        }
    }

    private Typed Unsupported(IrNode node, string detail)
    {
        Diagnostics.Add(DiagnosticFacts.KqlUnsupported(node.Span, detail));
        return new("dynamic(null)", KType.Dynamic);
    }

    /// <summary>A value used as a number: strings are converted (SPL converts numeric strings implicitly).</summary>
    /// <summary>A value used as a number: strings are converted (SPL converts numeric strings implicitly); a time is
    /// its epoch seconds, which is what SPL's _time and time functions hold.</summary>
    private static Typed Numeric(Typed t) => t.Type switch
    {
        KType.Long or KType.Real => t,
        KType.DateTime => new($"(datetime_diff(\"millisecond\", {t.Text}, datetime(1970-01-01)) / 1000.0)", KType.Real),
        _ => new("todouble(" + t.Text + ")", KType.Real),
    };

    /// <summary>A value used as a time: a time as is, a number as epoch seconds.</summary>
    private static Typed Time(Typed t) => t.Type == KType.DateTime ? t : new($"unixtime_milliseconds_todatetime(todouble({t.Text}) * 1000)", KType.DateTime);

    private static Typed Str(Typed t) => t.Type == KType.String ? t : new("tostring(" + t.Text + ")", KType.String);

    private Typed Binary(BinaryExpr b)
    {
        if (b.Operator == BinaryOp.Concat) return Concatenation(b);
        var left = Expr(b.Left);
        var right = Expr(b.Right);
        switch (b.Operator)
        {
            case BinaryOp.And:
                return new($"({left.Text}) and ({right.Text})", KType.Bool);
            case BinaryOp.Or:
                return new($"({left.Text}) or ({right.Text})", KType.Bool);
            case BinaryOp.Xor:
                return new($"(({left.Text}) != ({right.Text}))", KType.Bool);
            case BinaryOp.Add when left.Type == KType.String && right.Type == KType.String && (b.Left is Literal || b.Right is Literal):
                // "a" + x: string concatenation in SPL when either side is a string literal.
                return NullIfAnyEmpty([(left, b.Left is not Literal), (right, b.Right is not Literal)]);
            case BinaryOp.Add or BinaryOp.Subtract or BinaryOp.Multiply or BinaryOp.Divide or BinaryOp.Modulo:
            {
                var l = Numeric(left);
                var r = Numeric(right);
                var op = b.Operator switch
                {
                    BinaryOp.Add => "+",
                    BinaryOp.Subtract => "-",
                    BinaryOp.Multiply => "*",
                    BinaryOp.Divide => "/",
                    _ => "%",
                };
                // SPL divides as doubles: 7/2 is 3.5.
                if (b.Operator == BinaryOp.Divide && l.Type == KType.Long && r.Type == KType.Long) l = new("todouble(" + l.Text + ")", KType.Real);
                var type = l.Type == KType.Long && r.Type == KType.Long ? KType.Long : KType.Real;
                return new($"({l.Text} {op} {r.Text})", type);
            }
            default:
                return Compare(b, left, right);
        }
    }

    /// <summary>SPL's <c>a . b . c</c>: the chain is flattened into one <c>strcat</c>.</summary>
    private Typed Concatenation(BinaryExpr chain)
    {
        var parts = new List<(Typed Value, bool MayBeNull)>();
        var pending = new Stack<Expr>();
        pending.Push(chain);
        while (pending.Count > 0)
        {
            var e = pending.Pop();
            if (e is BinaryExpr { Operator: BinaryOp.Concat } c)
            {
                pending.Push(c.Right);
                pending.Push(c.Left);
                continue;
            }
            parts.Add((Str(Expr(e)), e is not Literal));
        }
        return NullIfAnyEmpty(parts);
    }

    /// <summary>SPL's concatenation is null when any operand is null (a missing field included), and a null string
    /// is "" in KQL, so the result is "" when any operand that can be missing is empty; <c>strcat</c> alone would
    /// join the other operands (<c>a . "-" . b</c> without <c>b</c> would be <c>"a-"</c>, not null).</summary>
    private static Typed NullIfAnyEmpty(IReadOnlyList<(Typed Value, bool MayBeNull)> parts)
    {
        var joined = "strcat(" + string.Join(", ", parts.Select(p => p.Value.Text)) + ")";
        var guards = parts.Where(p => p.MayBeNull).Select(p => "isempty(" + p.Value.Text + ")").ToList();
        return guards.Count == 0
            ? new(joined, KType.String)
            : new($"iff({string.Join(" or ", guards)}, \"\", {joined})", KType.String);
    }

    /// <summary>True while rendering inside an odd number of NOTs.</summary>
    private bool _negated;

    /// <summary>How a comparison on a missing string field evaluates in KQL, where a missing string is "".</summary>
    private enum MissingResult
    {
        /// <summary>Numeric: KQL's own null propagates, as SPL's does; no guard needed.</summary>
        Null,
        /// <summary>"" == "v", "" in (...), "" matches regex: false.</summary>
        False,
        /// <summary>"" != "v", strcmp: true or unknown.</summary>
        NotFalse,
    }

    /// <summary>SPL's where/eval give a comparison with a missing field the value null, NOT null is null, and a
    /// null condition keeps no row (and takes if()'s else branch). KQL reads a missing string as "", so a string
    /// comparison can be false or true instead. Where that changes the outcome — false inside NOT, true outside —
    /// the comparison is guarded so a missing field gives what SPL's null gives once the filter applies.</summary>
    private Typed GuardMissing(Typed comparison, MissingResult missing, params Expr[] operands)
    {
        if (missing == MissingResult.Null) return comparison;
        if (missing == MissingResult.False && !_negated) return comparison; // false and null both drop the row
        var fields = operands.OfType<FieldRef>().Where(f => TypeOf(f.Name) == KType.String && !_closedMissing(f.Name)).Select(f => Column(f.Name)).Distinct().ToList();
        if (fields.Count == 0) return comparison;
        return _negated
            ? new("(" + string.Join(" or ", fields.Select(f => $"isempty({f})")) + " or " + comparison.Text + ")", KType.Bool)
            : new("(" + string.Join(" and ", fields.Select(f => $"isnotempty({f})")) + " and " + comparison.Text + ")", KType.Bool);
    }

    private bool _closedMissing(string field) => _closed && !_types.ContainsKey(field);

    private Typed Compare(BinaryExpr b, Typed left, Typed right)
    {
        var result = CompareCore(b, left, right);
        var numeric = !(IsMixed(left, right) && (b.Operator != BinaryOp.Equal || _negated)) && (IsNumeric(left.Type) || IsNumeric(right.Type)) || left.Type == KType.DateTime && right.Type == KType.DateTime;
        var emptyLiteral = b.Left is Literal { Text: "" } || b.Right is Literal { Text: "" };
        var missing = numeric ? MissingResult.Null
            : b.Operator == BinaryOp.Equal && !emptyLiteral ? MissingResult.False
            : MissingResult.NotFalse;
        return GuardMissing(result, missing, b.Left, b.Right);
    }

    /// <summary>One side a number, the other a string whose content decides how SPL compares.</summary>
    private static bool IsMixed(Typed left, Typed right) =>
        IsNumeric(left.Type) && right.Type == KType.String || IsNumeric(right.Type) && left.Type == KType.String;

    private Typed CompareCore(BinaryExpr b, Typed left, Typed right)
    {
        var op = b.Operator switch
        {
            BinaryOp.Less => "<",
            BinaryOp.LessOrEqual => "<=",
            BinaryOp.Greater => ">",
            BinaryOp.GreaterOrEqual => ">=",
            BinaryOp.Equal => "==",
            _ => "!=",
        };
        if (IsMixed(left, right) && !(op == "==" && !_negated))
        {
            // (== outside a NOT: a string that is not a number never equals a number, and KQL's null from
            // todouble keeps no row, as false does; inside a NOT the null would differ, so the full form is used.)
            // A number against a string value: SPL compares numerically when the string holds a number and
            // lexicographically otherwise (as the evaluator and the search translation do), so "abc" > 5 is true.
            var asNumbers = $"{Numeric(left).Text} {op} {Numeric(right).Text}";
            var text = IsNumeric(left.Type) ? right.Text : left.Text;
            return new($"iff(isnull(todouble({text})), strcmp({Str(left).Text}, {Str(right).Text}) {op} 0, {asNumbers})", KType.Bool);
        }
        if (IsNumeric(left.Type) || IsNumeric(right.Type))
            return new($"{Numeric(left).Text} {op} {Numeric(right).Text}", KType.Bool);
        if (left.Type == KType.DateTime && right.Type == KType.DateTime)
            return new($"{left.Text} {op} {right.Text}", KType.Bool);
        var l = Str(left);
        var r = Str(right);
        // Strings: == and != are case-sensitive, as in SPL's where/eval; order compares lexicographically.
        return op is "==" or "!="
            ? new($"{l.Text} {op} {r.Text}", KType.Bool)
            : new($"strcmp({l.Text}, {r.Text}) {op} 0", KType.Bool);
    }

    private Typed Like(Expr value, Expr pattern, bool negated, IrNode origin)
    {
        if (pattern is not Literal { Kind: LiteralKind.String } p)
            return Unsupported(origin, "like() with a pattern that is not a string literal is not translated.");
        var regex = LikeRegex(p.Text);
        if (negated) _negated = !_negated;
        try
        {
            var text = GuardMissing(new($"{Str(Expr(value)).Text} matches regex {KqlSyntax.Quote(regex)}", KType.Bool), LikeRegex(p.Text) == "(?s)^$" ? MissingResult.NotFalse : MissingResult.False, value).Text;
            return new(negated ? "not(" + text + ")" : text, KType.Bool);
        }
        finally
        {
            if (negated) _negated = !_negated;
        }
    }

    /// <summary>SPL like: <c>%</c> any run of characters, <c>_</c> one character, case-sensitive, whole value.</summary>
    internal static string LikeRegex(string pattern)
    {
        var sb = new StringBuilder("(?s)^");
        foreach (var c in pattern)
        {
            sb.Append(c switch
            {
                '%' => ".*",
                '_' => ".",
                _ => KqlSyntax.RegexEscape(c.ToString()),
            });
        }
        return sb.Append('$').ToString();
    }

    private Typed In(InExpr i)
    {
        if (i.Negated) _negated = !_negated;
        try
        {
            var inner = InCore(i with { Negated = false });
            var numeric = inner.Text.Contains("todouble(", StringComparison.Ordinal) && i.Items.All(x => x is Literal { Kind: LiteralKind.Number });
            var guarded = GuardMissing(inner, numeric ? MissingResult.Null : i.Items.Any(x => x is Literal { Text: "" }) ? MissingResult.NotFalse : MissingResult.False, i.Value);
            return i.Negated ? new("not(" + guarded.Text + ")", KType.Bool) : guarded;
        }
        finally
        {
            if (i.Negated) _negated = !_negated;
        }
    }

    private Typed InCore(InExpr i)
    {
        var value = Expr(i.Value);
        var items = i.Items.Select(Expr).ToList();
        foreach (var (item, node) in items.Zip(i.Items))
        {
            if (node is Literal { Kind: LiteralKind.String } s && s.Text.Contains('*'))
                Diagnostics.Add(DiagnosticFacts.KqlLint(node.Span, $"In where/eval, IN compares exactly: '*' in \"{s.Text}\" is a literal star, not a wildcard (use like() or the search command for wildcards). Translated as written."));
        }
        string list;
        if (items.All(t => IsNumeric(t.Type)))
        {
            list = string.Join(", ", items.Select(t => t.Text));
            value = Numeric(value);
        }
        else
        {
            list = string.Join(", ", items.Select(t => Str(t).Text));
            value = Str(value);
        }
        return new($"{value.Text} {(i.Negated ? "!in" : "in")} ({list})", KType.Bool);
    }

    private Typed Call(CallExpr c)
    {
        var args = c.Arguments;
        Typed Arg(int i) => Expr(args[i]);
        bool Arity(params int[] allowed)
        {
            if (allowed.Contains(args.Length)) return true;
            Diagnostics.Add(DiagnosticFacts.KqlUnsupported(c.Span, $"{c.Function}() with {args.Length} argument(s) is not translated."));
            return false;
        }
        switch (c.Function)
        {
            case "if":
                if (!Arity(3)) break;
                {
                    var then = Arg(1);
                    var otherwise = Arg(2);
                    (then, otherwise) = Unify(then, otherwise);
                    return new($"iff({Arg(0).Text}, {then.Text}, {otherwise.Text})", then.Type);
                }
            case "case":
            {
                if (args.Length == 0 || args.Length % 2 != 0) { Arity(-1); break; }
                var values = Enumerable.Range(0, args.Length / 2).Select(k => Arg(2 * k + 1)).ToList();
                var type = values.All(v => IsNumeric(v.Type)) ? (values.All(v => v.Type == KType.Long) ? KType.Long : KType.Real) : KType.String;
                var parts = new List<string>();
                for (var k = 0; k < args.Length / 2; k++)
                {
                    parts.Add(Arg(2 * k).Text);
                    parts.Add(type == KType.String ? Str(values[k]).Text : values[k].Text);
                }
                // SPL case() returns null when no condition holds. KQL strings have no null: the translation
                // represents a missing string as "" everywhere (isnull is isempty, stats drops empty keys), so ""
                // is SPL's null here.
                parts.Add(type switch { KType.Long => "long(null)", KType.Real => "real(null)", _ => "\"\"" });
                return new($"case({string.Join(", ", parts)})", type);
            }
            case "lower" when Arity(1): return new($"tolower({Str(Arg(0)).Text})", KType.String);
            case "upper" when Arity(1): return new($"toupper({Str(Arg(0)).Text})", KType.String);
            case "len" when Arity(1): return new($"strlen({Str(Arg(0)).Text})", KType.Long);
            case "tostring" when Arity(1): return Str(Arg(0));
            case "trim" or "ltrim" or "rtrim" when Arity(1, 2):
            {
                // SPL trims the characters of the second argument (default: spaces and tabs) from the ends.
                string chars;
                if (args.Length == 1) chars = " \t";
                else if (args[1] is Literal { Kind: LiteralKind.String } set) chars = set.Text;
                else return Unsupported(c, $"{c.Function}() with a computed character set is not translated.");
                if (chars.Length == 0) return Str(Arg(0));
                var cls = "[" + string.Concat(chars.Select(ch => ch is ']' or '\\' or '^' or '-' or '[' ? "\\" + ch : ch.ToString())) + "]+";
                var fn = c.Function switch { "ltrim" => "trim_start", "rtrim" => "trim_end", _ => "trim" };
                return new($"{fn}({KqlSyntax.Quote(cls)}, {Str(Arg(0)).Text})", KType.String);
            }
            case "tonumber" when Arity(1): return new($"todouble({Arg(0).Text})", KType.Real);
            case "abs" when Arity(1): return new($"abs({Numeric(Arg(0)).Text})", Numeric(Arg(0)).Type);
            case "round" when Arity(1, 2):
                return new(args.Length == 1 ? $"round({Numeric(Arg(0)).Text})" : $"round({Numeric(Arg(0)).Text}, {Arg(1).Text})", KType.Real);
            case "floor" when Arity(1): return new($"floor({Numeric(Arg(0)).Text}, 1)", KType.Real);
            case "ceil" or "ceiling" when Arity(1): return new($"ceiling({Numeric(Arg(0)).Text})", KType.Real);
            case "substr" when Arity(2, 3):
            {
                if (args[1] is not Literal { Kind: LiteralKind.Number } start || start.NumberValue < 1)
                    return Unsupported(c, "substr() with a start that is not a positive number literal is not translated (SPL counts from 1, negative starts from the end).");
                var from = (long)start.NumberValue - 1;
                return new(args.Length == 2
                    ? $"substring({Str(Arg(0)).Text}, {from})"
                    : $"substring({Str(Arg(0)).Text}, {from}, {Arg(2).Text})", KType.String);
            }
            case "split" when Arity(2): return new($"split({Str(Arg(0)).Text}, {Str(Arg(1)).Text})", KType.Dynamic);
            case "mvindex" when Arity(2):
                if (args[1] is not Literal { Kind: LiteralKind.Number } index) return MvIndexComputed(Arg(0), Arg(1));
                {
                    var mv = Arg(0);
                    // A single-valued field is a one-value list: index 0 and -1 are the value, others are null.
                    if (mv.Type != KType.Dynamic) return index.NumberValue is 0 or -1 ? Str(mv) : new("\"\"", KType.String);
                    return new($"tostring({mv.Text}[{Arg(1).Text}])", KType.String);
                }
            case "mvcount" when Arity(1):
            {
                // A single-valued field is a one-value list (1 value, or null when missing).
                var mv = Arg(0);
                if (mv.Type == KType.Dynamic) return new($"array_length({mv.Text})", KType.Long);
                return new($"iff({(mv.Type == KType.String ? "isempty" : "isnull")}({mv.Text}), long(null), 1)", KType.Long);
            }
            case "mvfind" when Arity(2):
            {
                if (args[1] is not Literal { Kind: LiteralKind.String } pattern) return Unsupported(c, "mvfind() with a computed regular expression is not translated.");
                var mv = Arg(0);
                if (mv.Type == KType.Dynamic)
                    return Unsupported(c, "mvfind() of a field that holds several values here (the index of the first value the regular expression matches) is not translated yet.");
                // A single value is index 0 when the regex finds a match in it, as match() does; missing or no match: null.
                var value = Str(mv).Text;
                return new($"iff(isnotempty({value}) and {value} matches regex {KqlSyntax.Quote(pattern.Text)}, 0, long(null))", KType.Long);
            }
            case "mvjoin" when Arity(2): return new($"strcat_array({Arg(0).Text}, {Str(Arg(1)).Text})", KType.String);
            case "isnull" when Arity(1):
            {
                var a = Arg(0);
                return new(a.Type == KType.String ? $"isempty({a.Text})" : $"isnull({a.Text})", KType.Bool);
            }
            case "isnotnull" when Arity(1):
            {
                var a = Arg(0);
                return new(a.Type == KType.String ? $"isnotempty({a.Text})" : $"isnotnull({a.Text})", KType.Bool);
            }
            case "coalesce" when args.Length > 0:
            {
                var values = args.Select(Expr).ToList();
                if (values.Select(v => v.Type).Distinct().Count() > 1) values = values.Select(Str).ToList();
                return new($"coalesce({string.Join(", ", values.Select(v => v.Text))})", values[0].Type);
            }
            case "match" when Arity(2):
                if (args[1] is not Literal { Kind: LiteralKind.String } re) return Unsupported(c, "match() with a computed regular expression is not translated.");
                // SPL match() finds the regex anywhere in the value, as KQL's matches regex does.
                return GuardMissing(new($"{Str(Arg(0)).Text} matches regex {KqlSyntax.Quote(re.Text)}", KType.Bool), MissingResult.False, args[0]);
            case "like" when Arity(2):
                return Like(args[0], args[1], false, c);
            case "cidrmatch" when Arity(2):
                return new($"ipv4_is_in_range({Str(Arg(1)).Text}, {Str(Arg(0)).Text})", KType.Bool);
            case "replace" when Arity(3):
                return new($"replace_regex({Str(Arg(0)).Text}, {Str(Arg(1)).Text}, {Str(Arg(2)).Text})", KType.String);
            case "urldecode" when Arity(1): return new($"url_decode({Str(Arg(0)).Text})", KType.String);
            case "min" or "max" when args.Length > 0:
            {
                // SPL min()/max() compare numerically when the values are numbers, else as text.
                var values = args.Select(Expr).ToList();
                if (!values.All(v => IsNumeric(v.Type))) return Unsupported(c, $"{c.Function}() over values that may be text is not translated (SPL compares numbers numerically and text lexicographically).");
                return new($"{c.Function}_of({string.Join(", ", values.Select(v => ToReal(v).Text))})", KType.Real);
            }
            case "now" when Arity(0): return new("now()", KType.DateTime);
            case "time" when Arity(0): return new("now()", KType.DateTime);
            case "relative_time" when Arity(2):
            {
                if (args[1] is not Literal { Kind: LiteralKind.String } modifier) return Unsupported(c, "relative_time() with a computed modifier is not translated.");
                if (KqlTime.Relative(modifier.Text, Time(Arg(0)).Text, out var approximation) is not { } time)
                    return Unsupported(c, $"The time modifier '{modifier.Text}' is not translated.");
                if (approximation is not null) Diagnostics.Add(DiagnosticFacts.KqlApproximation(c.Span, approximation));
                return new(time, KType.DateTime);
            }
            case "strftime" when Arity(2):
            {
                if (args[1] is not Literal { Kind: LiteralKind.String } format) return Unsupported(c, "strftime() with a computed format is not translated.");
                return KqlTimeFormat.Format(Time(Arg(0)).Text, format.Text) is { } formatted
                    ? new(formatted, KType.String)
                    : Unsupported(c, $"The time format '{format.Text}' has no exact KQL format_datetime equivalent.");
            }
            case "true" when Arity(0): return new("true", KType.Bool);
            case "false" when Arity(0): return new("false", KType.Bool);
            case "null" when Arity(0): return new("dynamic(null)", KType.Dynamic);
        }
        return Unsupported(c, $"The eval function {c.Function}() is not translated to KQL yet.");
    }

    /// <summary>mvindex(mv, i) with a computed index: the value at i counted from 0, a negative i counting from the
    /// end (-1 is the last value), null out of range or when i is null; a fractional i is truncated, as the evaluator
    /// does. The range is tested explicitly, so KQL's own handling of negative or out-of-range array indexes does not
    /// matter. A single-valued field is a one-value list.</summary>
    private Typed MvIndexComputed(Typed mv, Typed index)
    {
        var i = $"tolong({Numeric(index).Text})";
        if (mv.Type != KType.Dynamic) return new($"iff({i} == 0 or {i} == -1, {Str(mv).Text}, \"\")", KType.String);
        var n = $"array_length({mv.Text})";
        return new($"iff({i} >= -{n} and {i} < {n}, tostring({mv.Text}[iff({i} < 0, {n} + {i}, {i})]), \"\")", KType.String);
    }

    private static Typed ToReal(Typed t) => t.Type == KType.Real ? t : new("todouble(" + t.Text + ")", KType.Real);

    private static (Typed, Typed) Unify(Typed a, Typed b)
    {
        if (a.Type == b.Type) return (a, b);
        if (IsNumeric(a.Type) && IsNumeric(b.Type)) return (ToReal(a), ToReal(b));
        return (Str(a), Str(b));
    }
}
