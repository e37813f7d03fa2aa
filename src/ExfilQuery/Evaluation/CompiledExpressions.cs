using ExfilQuery.Ir;

namespace ExfilQuery.Evaluation;

/// <summary>An eval expression compiled to a delegate: its value on a row, with the run's state (diagnostics,
/// regular expressions, options, the interpreter for what is not compiled).</summary>
internal delegate FieldValue CompiledExpression(Event row, DetectionEvaluator.RowPipeline run);

/// <summary>A search predicate or a row-wise stage compiled to a delegate: true when the row is kept.</summary>
internal delegate bool CompiledCondition(Event row, DetectionEvaluator.RowPipeline run);

/// <summary>Compiles eval/where expressions and search predicates to trees of closures, once per
/// <see cref="CompiledDetection"/>, so a streamed run does not walk the IR for every event: literals are read once
/// (a number literal is not parsed again, its value not allocated again), a comparison with a literal reads the
/// literal's text and number once, a field reference is a closure over its name. The meaning is the interpreter's
/// (<see cref="ExpressionEvaluator"/>, <see cref="DetectionEvaluator"/>'s predicate test): the same operand
/// evaluation order and short-circuits (so the same diagnostics), the same shared helpers for what follows
/// (<see cref="ExpressionEvaluator.Combine"/>, <see cref="ExpressionEvaluator.Call{TArgs}"/>, the
/// <see cref="Matching"/> predicates); a node it does not compile (a time bound, a subsearch, an unknown node, a
/// tree nested deeper than <see cref="MaxDepth"/>) is handed to the interpreter, never given another meaning.
/// Thread-safe: the closures hold only immutable IR and values.</summary>
internal static class CompiledExpressions
{
    /// <summary>Compiled levels before the rest of a deep tree goes to the interpreter, which guards its stack.</summary>
    internal const int MaxDepth = 48;

    /// <summary>An expression's value.</summary>
    public static CompiledExpression Compile(Expr expression) => Expression(expression, 0);

    /// <summary>A predicate's truth.</summary>
    public static CompiledCondition Compile(Predicate predicate) => Condition(predicate, 0);

    /// <summary>A search/where filter or an eval stage, or null for the stages the pipeline runs itself.</summary>
    public static CompiledCondition? Stage(Stage stage)
    {
        switch (stage)
        {
            case FilterStage f:
                return Compile(f.Predicate);
            case EvalStage e:
            {
                // Left to right: a later assignment reads what an earlier one stored.
                var fields = e.Assignments.Select(a => a.Field).ToArray();
                var values = e.Assignments.Select(a => Compile(a.Value)).ToArray();
                return (row, run) =>
                {
                    for (var i = 0; i < fields.Length; i++) row.Set(fields[i], ExpressionEvaluator.Stored(values[i](row, run)));
                    return true;
                };
            }
            default:
                return null;
        }
    }

    private static CompiledExpression Interpreted(Expr expression) => (row, run) => run.Expressions.Evaluate(expression, row);

    private static CompiledExpression Expression(Expr expression, int depth)
    {
        if (depth > MaxDepth) return Interpreted(expression);
        var next = depth + 1;
        switch (expression)
        {
            case Literal l:
            {
                var value = ExpressionEvaluator.LiteralValue(l);
                return (_, _) => value;
            }
            case FieldRef f:
            {
                var name = f.Name;
                return (row, _) => row[name];
            }
            case UnaryExpr { Operator: UnaryOp.Not } u:
            {
                var operand = Expression(u.Operand, next);
                return (row, run) => operand(row, run) is { Kind: FieldValueKind.Boolean } b ? FieldValue.Boolean(!b.IsTrue) : FieldValue.Null;
            }
            case UnaryExpr u:
            {
                var operand = Expression(u.Operand, next);
                return (row, run) => operand(row, run).TryGetNumber(out var n) ? FieldValue.Number(-n) : FieldValue.Null;
            }
            case BinaryExpr b:
                return Binary(b, next);
            case LikeExpr l:
            {
                var value = Expression(l.Value, next);
                var pattern = Expression(l.Pattern, next);
                var negated = l.Negated;
                return (row, run) => ExpressionEvaluator.LikeResult(value(row, run), pattern(row, run), negated);
            }
            case InExpr i:
            {
                var value = Expression(i.Value, next);
                var items = i.Items.Select(x => Expression(x, next)).ToArray();
                var negated = i.Negated;
                var equal = ExpressionEvaluator.ComparisonTest(BinaryOp.Equal)!;
                return (row, run) =>
                {
                    var v = value(row, run);
                    if (v.IsNull) return FieldValue.Null;
                    var found = false;
                    foreach (var item in items)
                    {
                        if (item(row, run) is { IsNull: false } x && ExpressionEvaluator.Compare(v, x, equal))
                        {
                            found = true;
                            break;
                        }
                    }
                    return FieldValue.Boolean(found != negated);
                };
            }
            case CallExpr { Function: "true" or "false" or "null" } c:
            {
                // Constants whatever their arguments, which are not evaluated.
                var value = c.Function == "true" ? FieldValue.True : c.Function == "false" ? FieldValue.False : FieldValue.Null;
                return (_, _) => value;
            }
            case CallExpr { Function: "case" } c:
            {
                // case(c1, v1, c2, v2, ...): the value of the first true condition, null when none is; a last
                // condition without a value is not evaluated.
                var args = c.Arguments.Select(a => Expression(a, next)).ToArray();
                var pairs = args.Length / 2 * 2;
                return (row, run) =>
                {
                    for (var i = 0; i < pairs; i += 2)
                        if (args[i](row, run).IsTrue) return args[i + 1](row, run);
                    return FieldValue.Null;
                };
            }
            case CallExpr { Function: "if", Arguments.Length: 3 } c:
            {
                var condition = Expression(c.Arguments[0], next);
                var then = Expression(c.Arguments[1], next);
                var otherwise = Expression(c.Arguments[2], next);
                return (row, run) => condition(row, run).IsTrue ? then(row, run) : otherwise(row, run);
            }
            case CallExpr c:
            {
                var args = c.Arguments.Select(a => Expression(a, next)).ToArray();
                return (row, run) => run.Expressions.Call(c, new Arguments(args, row, run));
            }
            default:
                return Interpreted(expression);
        }
    }

    private readonly struct Arguments(CompiledExpression[] args, Event row, DetectionEvaluator.RowPipeline run) : ExpressionEvaluator.IArguments
    {
        public FieldValue Get(int i) => args[i](row, run);
    }

    private static CompiledExpression Binary(BinaryExpr b, int depth)
    {
        var left = Expression(b.Left, depth);
        var op = b.Operator;
        if (op is BinaryOp.And or BinaryOp.Or or BinaryOp.Xor)
        {
            var right = Expression(b.Right, depth);
            return op switch
            {
                BinaryOp.And => (row, run) =>
                {
                    var l = ExpressionEvaluator.Bool(left(row, run));
                    if (l == false) return FieldValue.False;
                    var r = ExpressionEvaluator.Bool(right(row, run));
                    if (r == false) return FieldValue.False;
                    return l == true && r == true ? FieldValue.True : FieldValue.Null;
                },
                BinaryOp.Or => (row, run) =>
                {
                    var l = ExpressionEvaluator.Bool(left(row, run));
                    if (l == true) return FieldValue.True;
                    var r = ExpressionEvaluator.Bool(right(row, run));
                    if (r == true) return FieldValue.True;
                    return l == false && r == false ? FieldValue.False : FieldValue.Null;
                },
                _ => (row, run) =>
                {
                    var l = ExpressionEvaluator.Bool(left(row, run));
                    var r = ExpressionEvaluator.Bool(right(row, run));
                    return l is { } x && r is { } y ? FieldValue.Boolean(x ^ y) : FieldValue.Null;
                },
            };
        }
        if (ExpressionEvaluator.ComparisonTest(op) is { } test && b.Right is Literal literal && ExpressionEvaluator.LiteralValue(literal) is { IsNull: false } constant)
        {
            // `field > 10000`, `size != "small"`: the literal's text and number are read here, once.
            var text = constant.AsString()!;
            var number = constant.AsNumber();
            return (row, run) => left(row, run) is { IsNull: false } l ? FieldValue.Boolean(ExpressionEvaluator.CompareWith(l, text, number, test)) : FieldValue.Null;
        }
        var other = Expression(b.Right, depth);
        return (row, run) => ExpressionEvaluator.Combine(op, left(row, run), other(row, run));
    }

    private static CompiledCondition Condition(Predicate predicate, int depth)
    {
        if (depth > MaxDepth) return (row, run) => run.Test(predicate, row);
        var next = depth + 1;
        switch (predicate)
        {
            case AndPredicate a:
            {
                var operands = a.Operands.Select(o => Condition(o, next)).ToArray();
                return (row, run) =>
                {
                    foreach (var o in operands)
                        if (!o(row, run)) return false;
                    return true;
                };
            }
            case OrPredicate o:
            {
                var operands = o.Operands.Select(x => Condition(x, next)).ToArray();
                return (row, run) =>
                {
                    foreach (var x in operands)
                        if (x(row, run)) return true;
                    return false;
                };
            }
            case NotPredicate n:
            {
                var operand = Condition(n.Operand, next);
                return (row, run) => !operand(row, run);
            }
            case TruePredicate:
                return (_, _) => true;
            case FieldMatchPredicate m:
            {
                var field = m.Field;
                return (row, _) => Matching.FieldMatches(row[field], m);
            }
            case FieldNotMatchPredicate m:
            {
                var field = m.Field;
                return (row, _) => Matching.FieldDoesNotMatch(row[field], m);
            }
            case FieldExistsPredicate e:
            {
                var field = e.Field;
                return (row, _) => Matching.FieldExists(row[field]);
            }
            case CidrPredicate c:
            {
                var field = c.Field;
                var cidr = c.Cidr;
                return (row, _) => Matching.FieldInCidr(row[field], cidr);
            }
            case FieldCompareRangePredicate r:
            {
                var field = r.Field;
                var number = Matching.RangeNumber(r);
                return (row, _) => Matching.FieldInRange(row[field], r, number);
            }
            case RawTermPredicate t:
                return (row, _) => Matching.RawMatches(row.Raw, t);
            case ExpressionPredicate e:
            {
                var expression = Expression(e.Expression, next);
                return (row, run) => expression(row, run).IsTrue;
            }
            default:
                // Time bounds (relative to the run's "now", with their diagnostic), subsearches, unknown nodes.
                return (row, run) => run.Test(predicate, row);
        }
    }
}
