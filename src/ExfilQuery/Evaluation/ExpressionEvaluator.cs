using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using ExfilQuery.Ir;

namespace ExfilQuery.Evaluation;

/// <summary>Evaluates where/eval expressions with Splunk's meaning: comparisons are case-sensitive without
/// wildcards, numeric when both sides read as numbers, true when any value of a multivalue field satisfies them;
/// a comparison, arithmetic or string operation on null is null, and where keeps only rows whose condition is
/// true.</summary>
internal sealed class ExpressionEvaluator(EvaluationContext context)
{
    public FieldValue Evaluate(Expr expression, Event row)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (expression)
        {
            case Literal l:
                return LiteralValue(l);
            case FieldRef f:
                return row[f.Name];
            case UnaryExpr { Operator: UnaryOp.Not } u:
                return Evaluate(u.Operand, row) is { Kind: FieldValueKind.Boolean } bv ? FieldValue.Boolean(!bv.IsTrue) : FieldValue.Null;
            case UnaryExpr u:
                return Evaluate(u.Operand, row).AsNumber() is { } n ? FieldValue.Number(-n) : FieldValue.Null;
            case BinaryExpr b:
                return Binary(b, row);
            case LikeExpr l:
                return LikeResult(Evaluate(l.Value, row), Evaluate(l.Pattern, row), l.Negated);
            case InExpr i:
            {
                var value = Evaluate(i.Value, row);
                if (value.IsNull) return FieldValue.Null;
                var found = i.Items.Any(item => Evaluate(item, row) is { IsNull: false } v && Compare(value, v, c => c == 0));
                return FieldValue.Boolean(found != i.Negated);
            }
            case CallExpr c:
                return Call(c, new TreeArguments(this, c.Arguments, row));
            default:
                context.Report(EvaluationDiagnostics.UnknownFunction(expression.Span, expression.GetType().Name));
                return FieldValue.Null;
        }
    }

    /// <summary>The value of a literal.</summary>
    internal static FieldValue LiteralValue(Literal l) => l.Kind switch
    {
        LiteralKind.String => FieldValue.String(l.Text),
        LiteralKind.Number => FieldValue.Number(l.NumberValue),
        LiteralKind.Boolean => FieldValue.Boolean(l.Text.Equals("true", StringComparison.OrdinalIgnoreCase)),
        _ => FieldValue.Null,
    };

    /// <summary>What eval stores for a value: a boolean becomes its text ("true", "false").</summary>
    internal static FieldValue Stored(FieldValue value) => value.Kind == FieldValueKind.Boolean ? FieldValue.String(value.AsString()!) : value;

    /// <summary>The test of a comparison operator on a compare result (-1, 0, 1), or null for other operators.</summary>
    internal static Func<int, bool>? ComparisonTest(BinaryOp op) => op switch
    {
        BinaryOp.Equal => static c => c == 0,
        BinaryOp.NotEqual => static c => c != 0,
        BinaryOp.Less => static c => c < 0,
        BinaryOp.LessOrEqual => static c => c <= 0,
        BinaryOp.Greater => static c => c > 0,
        BinaryOp.GreaterOrEqual => static c => c >= 0,
        _ => null,
    };

    /// <summary>True when the value is the boolean true (where keeps the row).</summary>
    public bool IsTrue(Expr expression, Event row) => Evaluate(expression, row).IsTrue;

    private FieldValue Binary(BinaryExpr b, Event row)
    {
        switch (b.Operator)
        {
            case BinaryOp.And:
            {
                var l = Bool(Evaluate(b.Left, row));
                if (l == false) return FieldValue.False;
                var r = Bool(Evaluate(b.Right, row));
                if (r == false) return FieldValue.False;
                return l == true && r == true ? FieldValue.True : FieldValue.Null;
            }
            case BinaryOp.Or:
            {
                var l = Bool(Evaluate(b.Left, row));
                if (l == true) return FieldValue.True;
                var r = Bool(Evaluate(b.Right, row));
                if (r == true) return FieldValue.True;
                return l == false && r == false ? FieldValue.False : FieldValue.Null;
            }
            case BinaryOp.Xor:
            {
                var l = Bool(Evaluate(b.Left, row));
                var r = Bool(Evaluate(b.Right, row));
                return l is { } x && r is { } y ? FieldValue.Boolean(x ^ y) : FieldValue.Null;
            }
        }
        return Combine(b.Operator, Evaluate(b.Left, row), Evaluate(b.Right, row));
    }

    /// <summary>A comparison, arithmetic or concatenation of two evaluated operands (not AND, OR, XOR, which
    /// evaluate their right side only when needed).</summary>
    internal static FieldValue Combine(BinaryOp op, FieldValue left, FieldValue right)
    {
        if (left.IsNull || right.IsNull) return FieldValue.Null;
        if (ComparisonTest(op) is { } test) return FieldValue.Boolean(Compare(left, right, test));
        if (op == BinaryOp.Concat) return FieldValue.String(left.AsString() + right.AsString());
        var ln = left.AsNumber();
        var rn = right.AsNumber();
        if (op == BinaryOp.Add && (ln is null || rn is null))
            return left.Kind == FieldValueKind.Boolean || right.Kind == FieldValueKind.Boolean ? FieldValue.Null : FieldValue.String(left.AsString() + right.AsString());
        if (ln is not { } x2 || rn is not { } y2) return FieldValue.Null;
        double result = op switch
        {
            BinaryOp.Add => x2 + y2,
            BinaryOp.Subtract => x2 - y2,
            BinaryOp.Multiply => x2 * y2,
            BinaryOp.Divide => y2 == 0 ? double.NaN : x2 / y2,
            _ => y2 == 0 ? double.NaN : x2 % y2,
        };
        return double.IsFinite(result) ? FieldValue.Number(result) : FieldValue.Null;
    }

    internal static bool? Bool(FieldValue v) => v.Kind == FieldValueKind.Boolean ? v.IsTrue : null;

    /// <summary>Any value of the left side against the right value: numeric when both read as numbers, else
    /// ordinal (case-sensitive).</summary>
    internal static bool Compare(FieldValue left, FieldValue right, Func<int, bool> test)
    {
        var r = right.AsString();
        if (r is null) return false;
        return CompareWith(left, r, right.AsNumber(), test);
    }

    /// <summary><see cref="Compare"/> with the right value already read as text <paramref name="r"/> and number
    /// <paramref name="rNumber"/> (a literal's are read once).</summary>
    internal static bool CompareWith(FieldValue left, string r, double? rNumber, Func<int, bool> test)
    {
        if (left.Kind != FieldValueKind.Multi)
        {
            // One value: no list, and a string's number is read once.
            if (left.AsString() is not { } one) return false;
            return test(rNumber is { } y1 && left.TryReadNumber(out var x1) ? x1.CompareTo(y1) : string.CompareOrdinal(one, r));
        }
        foreach (var l in left.Values)
        {
            int c = rNumber is { } y && FieldValue.TryParseNumber(l, out var x) ? x.CompareTo(y) : string.CompareOrdinal(l, r);
            if (test(c)) return true;
        }
        return false;
    }

    /// <summary><c>value LIKE pattern</c> on evaluated operands: null when either is null, else true when any value
    /// matches (false when negated).</summary>
    internal static FieldValue LikeResult(FieldValue value, FieldValue patternValue, bool negated)
    {
        var pattern = patternValue.AsString();
        if (value.IsNull || pattern is null) return FieldValue.Null;
        var matched = value.Values.Any(v => Like(v, pattern));
        return FieldValue.Boolean(matched != negated);
    }

    private static bool Like(string value, string pattern)
    {
        var sb = new StringBuilder("^");
        foreach (var ch in pattern)
        {
            sb.Append(ch switch
            {
                '%' => ".*",
                '_' => ".",
                _ => Regex.Escape(ch.ToString()),
            });
        }
        sb.Append('$');
        return Regex.IsMatch(value, sb.ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, TimeSpan.FromSeconds(1));
    }

    // ------------------------------------------------------------------ functions

    /// <summary>The arguments of a function call, evaluated when (and each time) the function reads one: by walking
    /// the tree (<see cref="TreeArguments"/>) or by compiled delegates (<see cref="CompiledExpressions"/>). One
    /// function table serves both, so a function means the same in both.</summary>
    internal interface IArguments
    {
        /// <summary>The value of argument <paramref name="i"/> (which exists).</summary>
        FieldValue Get(int i);
    }

    private readonly struct TreeArguments(ExpressionEvaluator evaluator, ImmutableArray<Expr> args, Event row) : IArguments
    {
        public FieldValue Get(int i) => evaluator.Evaluate(args[i], row);
    }

    /// <summary>Calls function <paramref name="c"/> with arguments read through <paramref name="arguments"/>.</summary>
    internal FieldValue Call<TArgs>(CallExpr c, TArgs arguments) where TArgs : struct, IArguments
    {
        var args = c.Arguments;
        FieldValue Arg(int i) => i < args.Length ? arguments.Get(i) : FieldValue.Null;
        string? Str(int i) => Arg(i).AsString();
        double? Num(int i) => Arg(i).AsNumber();
        switch (c.Function)
        {
            case "if":
                if (args.Length != 3) break;
                return Arg(0).IsTrue ? Arg(1) : Arg(2);
            case "case":
                for (var i = 0; i + 1 < args.Length; i += 2)
                    if (Arg(i).IsTrue) return Arg(i + 1);
                return FieldValue.Null;
            case "like":
                return LikeResult(Arg(0), Arg(1), negated: false);
            case "match":
            {
                // No lambda here captures a parameter or Arg: that would allocate a closure on every call.
                var v = Arg(0);
                var p = Str(1);
                var span = c.Span;
                if (v.IsNull || p is null) return FieldValue.Null;
                if (context.Regex(p, span) is not { } regex) return FieldValue.False;
                return FieldValue.Boolean(v.Values.Any(x => context.Match(regex, x, span)?.Success == true));
            }
            case "len":
                return Str(0) is { } ls ? FieldValue.Number(ls.Length) : FieldValue.Null;
            case "lower":
                return Map(Arg(0), s => s.ToLowerInvariant());
            case "upper":
                return Map(Arg(0), s => s.ToUpperInvariant());
            case "trim":
            case "ltrim":
            case "rtrim":
            {
                var chars = args.Length > 1 ? Str(1)?.ToCharArray() : [' ', '\t'];
                var function = c.Function;
                if (chars is null) return FieldValue.Null;
                return Map(Arg(0), s => function switch { "trim" => s.Trim(chars), "ltrim" => s.TrimStart(chars), _ => s.TrimEnd(chars) });
            }
            case "substr":
            {
                if (Str(0) is not { } s || Num(1) is not { } start) return FieldValue.Null;
                var from = start < 0 ? Math.Max(0, s.Length + (int)start) : Math.Max(0, (int)start - 1);
                if (from >= s.Length) return FieldValue.String("");
                var length = args.Length > 2 ? Num(2) is { } n ? (int)Math.Max(0, n) : -1 : s.Length - from;
                if (length < 0) return FieldValue.Null;
                return FieldValue.String(s.Substring(from, Math.Min(length, s.Length - from)));
            }
            case "replace":
            {
                var v = Arg(0);
                if (v.IsNull || Str(1) is not { } p || Str(2) is not { } replacement) return FieldValue.Null;
                if (context.Regex(p, c.Span) is not { } regex) return FieldValue.Null;
                var dotnet = SedReplacement(replacement);
                try
                {
                    return Map(v, s => regex.Replace(s, dotnet));
                }
                catch (RegexMatchTimeoutException)
                {
                    context.Report(EvaluationDiagnostics.RegexError(c.Span, p, "timed out in replace(); the result is null."));
                    return FieldValue.Null;
                }
            }
            case "split":
            {
                if (Str(0) is not { } s || Str(1) is not { } d) return FieldValue.Null;
                return FieldValue.Multi(d.Length == 0 ? s.Select(ch => ch.ToString()) : s.Split(d));
            }
            case "mvcount":
                return Arg(0) is { IsNull: false } mv ? FieldValue.Number(mv.Values.Length) : FieldValue.Null;
            case "mvindex":
            {
                var values = Arg(0).Values;
                if (values.Length == 0 || Num(1) is not { } s) return FieldValue.Null;
                int Index(double i) => i < 0 ? values.Length + (int)i : (int)i;
                var start = Index(s);
                var end = args.Length > 2 && Num(2) is { } e ? Index(e) : start;
                if (start < 0 || start >= values.Length || end < start) return FieldValue.Null;
                end = Math.Min(end, values.Length - 1);
                return FieldValue.Multi(values.Skip(start).Take(end - start + 1));
            }
            case "mvjoin":
                return Arg(0) is { IsNull: false } j && Str(1) is { } delim ? FieldValue.String(string.Join(delim, j.Values)) : FieldValue.Null;
            case "mvappend":
                return FieldValue.Multi(AllValues());
            case "mvdedup":
                return FieldValue.Multi(Arg(0).Values.Distinct(StringComparer.Ordinal));
            case "coalesce":
                for (var i = 0; i < args.Length; i++)
                    if (Arg(i) is { IsNull: false } v) return v;
                return FieldValue.Null;
            case "isnull":
                return FieldValue.Boolean(Arg(0).IsNull);
            case "isnotnull":
                return FieldValue.Boolean(!Arg(0).IsNull);
            case "isnum":
                return FieldValue.Boolean(Arg(0).AsNumber() is not null);
            case "isstr":
                return FieldValue.Boolean(Arg(0) is { IsNull: false } sv && sv.AsNumber() is null && sv.Kind != FieldValueKind.Boolean);
            case "isint":
                return FieldValue.Boolean(Num(0) is { } iv && iv == Math.Floor(iv));
            case "tonumber":
            {
                if (Str(0) is not { } s) return FieldValue.Null;
                var numberBase = args.Length > 1 ? (int)(Num(1) ?? 10) : 10;
                if (numberBase == 10) return FieldValue.TryParseNumber(s.Trim(), out var n) ? FieldValue.Number(n) : FieldValue.Null;
                try
                {
                    var digits = numberBase == 16 && s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? s[2..] : s;
                    return numberBase is 2 or 8 or 16 ? FieldValue.Number(Convert.ToInt64(digits, numberBase)) : FieldValue.Null;
                }
                catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
                {
                    return FieldValue.Null;
                }
            }
            case "tostring":
            {
                var v = Arg(0);
                if (v.IsNull) return FieldValue.Null;
                var format = args.Length > 1 ? Str(1) : null;
                if (format is not null && v.AsNumber() is { } n)
                {
                    switch (format)
                    {
                        case "hex": return FieldValue.String("0x" + ((long)n).ToString("X", CultureInfo.InvariantCulture));
                        case "commas": return FieldValue.String(n.ToString(n == Math.Floor(n) ? "#,0" : "#,0.00", CultureInfo.InvariantCulture));
                        case "duration":
                            var t = TimeSpan.FromSeconds(Math.Floor(n));
                            return FieldValue.String((t.Days > 0 ? t.Days.ToString(CultureInfo.InvariantCulture) + "+" : "") + t.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture));
                    }
                }
                return FieldValue.String(v.Kind == FieldValueKind.Multi ? v.Values[0] : v.AsString()!);
            }
            case "round":
            {
                if (Num(0) is not { } n) return FieldValue.Null;
                var digits = args.Length > 1 ? (int)(Num(1) ?? 0) : 0;
                return FieldValue.Number(Math.Round(n, Math.Clamp(digits, 0, 15), MidpointRounding.AwayFromZero));
            }
            case "floor":
                return Num(0) is { } f ? FieldValue.Number(Math.Floor(f)) : FieldValue.Null;
            case "ceil":
            case "ceiling":
                return Num(0) is { } ce ? FieldValue.Number(Math.Ceiling(ce)) : FieldValue.Null;
            case "abs":
                return Num(0) is { } ab ? FieldValue.Number(Math.Abs(ab)) : FieldValue.Null;
            case "cidrmatch":
                return Str(0) is { } cidr && Arg(1) is { IsNull: false } ip ? FieldValue.Boolean(ip.Values.Any(x => Matching.InCidr(x, cidr))) : FieldValue.Null;
            case "urldecode":
                return Str(0) is { } u ? FieldValue.String(Matching.UrlDecode(u)) : FieldValue.Null;
            case "null":
                return FieldValue.Null;
            case "true":
                return FieldValue.True;
            case "false":
                return FieldValue.False;
            case "now":
            case "time":
                return FieldValue.Number((context.Options.Now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond);
            case "relative_time":
            {
                // Search Reference, "Date and Time functions": relative_time(X, Y) applies the relative time
                // specifier Y to the UNIX time X.
                if (Num(0) is not { } time || Str(1) is not { } modifier) return FieldValue.Null;
                if (TimeFormats.ApplyTimeModifier(time, modifier.Trim()) is { } moved) return FieldValue.Number(moved);
                context.Report(EvaluationDiagnostics.UnknownFunction(c.Span, $"relative_time with the modifier '{modifier}'"));
                return FieldValue.Null;
            }
            case "strftime":
                // strftime(X, Y): the UNIX time X formatted with Y (in UTC, the evaluator's time zone).
            {
                if (Num(0) is not { } when || Str(1) is not { } pattern) return FieldValue.Null;
                if (TimeFormats.StrFTime(when, pattern) is { } formatted) return FieldValue.String(formatted);
                context.Report(EvaluationDiagnostics.UnknownFunction(c.Span, $"strftime with the format '{pattern}'"));
                return FieldValue.Null;
            }
            case "strptime":
                // strptime(X, Y): the string X read with the format Y as a UNIX time; null when it does not fit.
                return Str(0) is { } text && Str(1) is { } layout && TimeFormats.StrPTime(text, layout) is { } parsed ? FieldValue.Number(parsed) : FieldValue.Null;
            case "mvfind":
            {
                // Multivalue eval functions: mvfind(MVFIELD, "REGEX") is the index (from 0) of the first value that
                // matches the regex, null when none does.
                var v = Arg(0);
                var p = Str(1);
                var span = c.Span;
                if (v.IsNull || p is null || context.Regex(p, span) is not { } regex) return FieldValue.Null;
                for (var i = 0; i < v.Values.Length; i++)
                    if (context.Match(regex, v.Values[i], span)?.Success == true) return FieldValue.Number(i);
                return FieldValue.Null;
            }
            case "sqrt":
                return Num(0) is { } sq && sq >= 0 ? FieldValue.Number(Math.Sqrt(sq)) : FieldValue.Null;
            case "pow":
                return Num(0) is { } b && Num(1) is { } x && Math.Pow(b, x) is var pw && double.IsFinite(pw) ? FieldValue.Number(pw) : FieldValue.Null;
            case "exp":
                return Num(0) is { } expArg && Math.Exp(expArg) is var expValue && double.IsFinite(expValue) ? FieldValue.Number(expValue) : FieldValue.Null;
            case "ln":
                return Num(0) is { } l && l > 0 ? FieldValue.Number(Math.Log(l)) : FieldValue.Null;
            case "log":
            {
                var lb = args.Length > 1 ? Num(1) : 10;
                return Num(0) is { } lv && lv > 0 && lb is { } bse && bse > 0 && bse != 1 ? FieldValue.Number(bse == 10 ? Math.Log10(lv) : Math.Log(lv, bse)) : FieldValue.Null;
            }
            case "pi":
                return FieldValue.Number(Math.PI);
            case "max":
            case "min":
            {
                var values = AllValues();
                if (values.Count == 0) return FieldValue.Null;
                var numbers = values.Select(v => FieldValue.TryParseNumber(v, out var n) ? (double?)n : null).ToList();
                if (numbers.All(n => n is not null))
                    return FieldValue.Number(c.Function == "max" ? numbers.Max()!.Value : numbers.Min()!.Value);
                var sorted = values.Order(Comparer<string>.Create(Matching.CompareAuto)).ToList();
                return FieldValue.String(c.Function == "max" ? sorted[^1] : sorted[0]);
            }
        }
        context.Report(EvaluationDiagnostics.UnknownFunction(c.Span, c.Function + "/" + args.Length.ToString(CultureInfo.InvariantCulture)));
        return FieldValue.Null;

        List<string> AllValues()
        {
            var all = new List<string>();
            for (var i = 0; i < args.Length; i++) all.AddRange(Arg(i).Values);
            return all;
        }
    }

    private static FieldValue Map(FieldValue value, Func<string, string> f) =>
        value.Kind switch
        {
            FieldValueKind.Null => FieldValue.Null,
            FieldValueKind.Multi => FieldValue.Multi(value.Values.Select(f)),
            _ => FieldValue.String(f(value.AsString()!)),
        };

    /// <summary>Splunk (PCRE/sed) replacement text to .NET: <c>\1</c> is a group, <c>$</c> is literal.</summary>
    internal static string SedReplacement(string replacement)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < replacement.Length; i++)
        {
            var ch = replacement[i];
            if (ch == '$') sb.Append("$$");
            else if (ch == '\\' && i + 1 < replacement.Length && char.IsDigit(replacement[i + 1]))
            {
                sb.Append("${").Append(replacement[i + 1]).Append('}');
                i++;
            }
            else if (ch == '\\' && i + 1 < replacement.Length)
            {
                sb.Append(replacement[i + 1]);
                i++;
            }
            else sb.Append(ch);
        }
        return sb.ToString();
    }
}
