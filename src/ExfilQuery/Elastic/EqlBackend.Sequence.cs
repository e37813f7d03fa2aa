using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using ExfilQuery.Evaluation;
using ExfilQuery.Ir;
using ExfilQuery.Mapping;
using ExfilQuery.Text;

namespace ExfilQuery.Elastic;

/// <summary><c>transaction startswith=S endswith=E</c> as an EQL <c>sequence</c>. Both find, per group of the
/// transaction's fields, an event that meets S followed by one that meets E; EQL's <c>sequence by</c> needs each join
/// key present and equal, its <c>with maxspan</c> includes its bound (Splunk's maxspan excludes it), and the sequence
/// returns the two events it matched instead of one merged transaction event. Where the transaction can still find a
/// different set of start/end pairs (fields missing from the start or end event, an event that meets S and E, more
/// than maxevents events or a maxpause between them) the translation is partial with EQL0004 naming the difference;
/// a transaction that is not an ordered start/end correlation fails with EQL0003. The reasoning, with citations, is
/// the table of cases in tests/ExfilQuery.Tests/Elastic/EqlSequenceTests.cs.</summary>
internal sealed partial class EqlWriter
{
    /// <summary>Transaction keys an earlier <c>eval X=coalesce(a, b, ...)</c> defined → the fields it takes.</summary>
    private readonly Dictionary<string, ImmutableArray<string>> _coalescedKeys = new(StringComparer.Ordinal);

    /// <summary>The keys of <c>eval X=coalesce(a, b, ...)</c> when every assignment is one and X is a field of the next
    /// transaction that nothing else before the transaction reads: EQL gives each sequence stage its own join key
    /// (EQL syntax reference, "by keyword": "only match events that share the same values, even if those values are
    /// in different fields"). Null otherwise.</summary>
    private static Dictionary<string, ImmutableArray<string>>? CoalescedKeys(EvalStage e, ImmutableArray<Stage> rest)
    {
        var index = rest.IndexOf(rest.FirstOrDefault(s => s is TransactionStage)!);
        if (index < 0 || rest[index] is not TransactionStage t || rest.Take(index).Any(s => s is not FilterStage)) return null;
        var keys = new Dictionary<string, ImmutableArray<string>>(StringComparer.Ordinal);
        foreach (var a in e.Assignments)
        {
            if (a.Value is not CallExpr { Function: "coalesce", Arguments.Length: > 0 } c || !c.Arguments.All(x => x is FieldRef) || !t.Fields.Contains(a.Field)) return null;
            keys[a.Field] = [.. c.Arguments.Cast<FieldRef>().Select(f => f.Name)];
        }
        // Nothing between the eval and the transaction, nor its conditions, may read the computed key.
        IEnumerable<Predicate> readers = [.. rest.Take(index).Cast<FilterStage>().Select(f => f.Predicate), .. new[] { t.StartsWith, t.EndsWith }.OfType<Predicate>()];
        if (readers.Any(p => keys.Keys.Any(k => IrPrinter.Print(p).Contains($"\"{k}\"", StringComparison.Ordinal)))) return null;
        return keys;
    }

    private void NoSequence(TextSpan span, string message) => Diagnostics.Add(ElasticDiagnostics.EqlNoSequence(span, message));

    private void SequenceDiffers(TextSpan span, string message) => Diagnostics.Add(ElasticDiagnostics.EqlSequenceDiffers(span, message));

    private void SequenceNote(TextSpan span, string message) => Diagnostics.Add(ElasticDiagnostics.EqlSequenceNote(span, message));

    /// <summary>The sequence for a transaction whose earlier stages are the filters <paramref name="baseConditions"/>
    /// (rendered) of <paramref name="before"/>, or null when it has none (the diagnostics say why).</summary>
    private string? Sequence(TransactionStage t, string category, List<string> baseConditions, ImmutableArray<Stage> before, ImmutableArray<Stage> after, bool afterPipe)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        if (afterPipe)
        {
            NoSequence(t.Span, "This transaction groups only the events head/tail kept; EQL's head and tail pipes can only follow the sequence.");
            return null;
        }
        if (t.StartsWith is null || t.EndsWith is null)
        {
            NoSequence(t.Span, t.StartsWith is null && t.EndsWith is null
                ? "A transaction without startswith and endswith groups the events of each field value by time proximity (maxspan, maxpause) into one merged event; EQL has no such grouping, only ordered sequences of conditions."
                : $"A transaction with only {(t.StartsWith is null ? "endswith" : "startswith")} groups events by time proximity around each {(t.StartsWith is null ? "end" : "start")} event; an EQL sequence needs both a start and an end condition.");
            return null;
        }
        if (t.KeepEvicted)
        {
            NoSequence(t.Span, "keepevicted=true also returns transactions that never closed (closed_txn=0: a start without its end, or an end without its start); an EQL sequence returns complete matches only.");
            return null;
        }
        if (t.MaxEvents is >= 0 and < 2)
        {
            NoSequence(t.Span, $"maxevents={t.MaxEvents.ToString(CultureInfo.InvariantCulture)} closes every transaction before an end event can join its start event; an EQL sequence needs both.");
            return null;
        }

        var baseNnf = new NnfAnd([.. before.OfType<FilterStage>().Where(f => f.Predicate is not TruePredicate).Select(f => ElasticCommon.ToNnf(f.Predicate))]);
        var start = ElasticCommon.ToNnf(t.StartsWith);
        var end = ElasticCommon.ToNnf(t.EndsWith);

        // Time limits: inclusive milliseconds for EQL's maxspan.
        long? bound = null;
        var rewritten = new List<string>();
        void Limit(double seconds, bool exclusive, string what)
        {
            // Beyond about 285,000 years a limit limits nothing; the clamp keeps the conversion to long defined.
            var ms = Math.Clamp(seconds * 1000, -1, 9e15);
            var inclusive = exclusive ? (long)Math.Ceiling(ms) - 1 : (long)Math.Floor(ms);
            if (exclusive || ms != Math.Floor(ms)) rewritten.Add($"{what} keeps spans {(exclusive ? "shorter than" : "up to")} {Seconds(seconds)}");
            bound = bound is { } b ? Math.Min(b, inclusive) : inclusive;
        }
        var onlyEnds = EveryEventIsStartOrEnd(baseNnf, start, end);
        if (t.MaxSpan is { } maxSpan && !maxSpan.StartsWith('-'))
        {
            if (Spans.Seconds(maxSpan) is not { } seconds)
            {
                NoSequence(t.Span, $"maxspan={maxSpan} is not a time span this translation reads (s, m, h, d, w).");
                return null;
            }
            Limit(seconds, true, $"maxspan={maxSpan}");
        }
        if (t.MaxPause is { } maxPause && !maxPause.StartsWith('-'))
        {
            if (Spans.Seconds(maxPause) is not { } seconds)
            {
                NoSequence(t.Span, $"maxpause={maxPause} is not a time span this translation reads (s, m, h, d, w).");
                return null;
            }
            if (onlyEnds) Limit(seconds, true, $"maxpause={maxPause} (the pause between a transaction's only two events, its start and its end)");
            else
                SequenceDiffers(t.Span, $"maxpause={maxPause}: Splunk ends a transaction when two consecutive events of its group, the events between the start and the end included, are {Seconds(seconds)} or more apart; EQL has no pause limit, so the sequence can match a start and an end that Splunk keeps apart.");
        }
        if (!onlyEnds && t.MaxEvents > 0)
            SequenceDiffers(t.Span, $"Splunk closes a transaction at maxevents={t.MaxEvents.ToString(CultureInfo.InvariantCulture)} events: when that many events of one group fall from a start to its end, Splunk finds no complete transaction, while the sequence ignores the events between. The search does not restrict its events to ones that meet startswith or endswith, which would make this impossible.");

        // Join keys: the transaction's fields, or per stage the field of a coalesce the stage requires.
        if (StageKeys(t, baseNnf, start, "start") is not { } startKeys || StageKeys(t, baseNnf, end, "end") is not { } endKeys) return null;
        var keyProblem = KeyDifference(t, baseNnf, (start, startKeys), (end, endKeys));
        if (keyProblem is not null) SequenceDiffers(t.Span, keyProblem);
        if (!Disjoint(start, end))
            SequenceDiffers(t.StartsWith.Span.Length > 0 ? t.StartsWith.Span : t.Span,
                "An event that meets both startswith and endswith is a complete transaction on its own in Splunk; an EQL sequence needs two events, so it does not match such an event alone.");

        // Stages after the transaction: a limit on its duration becomes maxspan; presentation stages stay as warnings.
        var caseDefinitions = new Dictionary<string, (Predicate Condition, string Value)>(StringComparer.Ordinal);
        var shaping = new List<Stage>();
        foreach (var stage in after)
        {
            _span = stage.Span;
            switch (stage)
            {
                case FilterStage { Predicate: TruePredicate }:
                    continue;
                case FilterStage f when DurationLimit(f.Predicate, caseDefinitions) is { } limit:
                    Limit(limit.Seconds, limit.Exclusive, $"'duration {(limit.Exclusive ? "<" : "<=")} {Seconds(limit.Seconds)}'");
                    continue;
                case EvalStage e:
                    foreach (var a in e.Assignments)
                    {
                        caseDefinitions.Remove(a.Field);
                        if (a.Value is CallExpr { Function: "case", Arguments: [var condition, Literal { Kind: LiteralKind.String } value] }
                            && DurationLimit(new ExpressionPredicate(condition), caseDefinitions) is not null)
                            caseDefinitions[a.Field] = (new ExpressionPredicate(condition), value.Text);
                    }
                    shaping.Add(e);
                    continue;
                case RenameStage or ProjectStage or SortStage or ConvertStage or FillNullStage:
                    shaping.Add(stage);
                    continue;
                default:
                    NoSequence(stage.Span, $"This {StageName(stage)} stage works on the merged transaction events (their duration, eventcount and the values of every event in them); an EQL sequence returns the matched events, with only the head and tail pipes after it.");
                    return null;
            }
        }
        if (shaping.Count > 0)
            Warn(shaping[0].Span, "EQL returns whole events: the output columns (eval, rename, table, sort, convert) are not shaped; the events matched are the same.");
        if (bound is < 1)
        {
            NoSequence(t.Span, "The time limit leaves only a start and an end at the same millisecond; EQL's maxspan must be a positive time span.");
            return null;
        }

        _span = t.Span;
        var header = "sequence";
        // A join key that is not an ECS field (profile ecs, MAP0020) is optional when the stages require it: a missing
        // mapping then matches nothing, as in Splunk, instead of failing the query; null keys cannot occur.
        var startRestricted = Restrict(baseNnf, start);
        var endRestricted = Restrict(baseNnf, end);
        string Key(string field, params Nnf[] stages) =>
            mapped is not null && !EcsFields.Types.ContainsKey(field) && stages.All(n => Requires(n, field)) ? "?" + Field(field) : Field(field);
        var perStage = startKeys.AsSpan().SequenceEqual(endKeys.AsSpan()) ? "" : null;
        if (perStage is not null && t.Fields.Length > 0) header += " by " + string.Join(", ", startKeys.Select(k => Key(k, startRestricted, endRestricted)));
        if (bound is { } span) header += " with maxspan=" + TimeValue(span);
        string By(ImmutableArray<string> keys, Nnf stage) => perStage ?? " by " + string.Join(", ", keys.Select(k => Key(k, stage)));
        if (rewritten.Count > 0 && bound is { } written)
            SequenceNote(t.Span, $"{string.Join("; ", rewritten)}; EQL's maxspan includes its bound and @timestamp has millisecond precision (ECS type date), so the sequence uses maxspan={TimeValue(written)}.");
        SequenceNote(t.Span, "The sequence returns the start and the end event it matched; Splunk's transaction returns one event per transaction that merges them with the events between (duration, eventcount, the values of all their fields). A match exists for the same groups and time spans.");
        string Stage(Predicate p) => Conjunction([.. baseConditions, PredicateText(p)]);
        return $"{header}\n  [{category} where {Stage(t.StartsWith)}]{By(startKeys, startRestricted)}\n  [{category} where {Stage(t.EndsWith)}]{By(endKeys, endRestricted)}";
    }

    /// <summary>A search predicate as an EQL condition, as a filter stage renders it.</summary>
    private string PredicateText(Predicate p) => p is ExpressionPredicate e ? Truth(e.Expression, true).Text : Condition(ElasticCommon.ToNnf(p));

    private static string Seconds(double seconds) => seconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";

    /// <summary>An EQL time value (<c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>, <c>d</c>: the units EQL's maxspan takes) for
    /// milliseconds, in the largest unit that divides them.</summary>
    internal static string TimeValue(long ms)
    {
        foreach (var (unit, size) in new[] { ("d", 86_400_000L), ("h", 3_600_000L), ("m", 60_000L), ("s", 1_000L) })
            if (ms % size == 0) return (ms / size).ToString(CultureInfo.InvariantCulture) + unit;
        return ms.ToString(CultureInfo.InvariantCulture) + "ms";
    }

    /// <summary><c>duration &lt; N</c> or <c>duration &lt;= N</c> (search or where), or a field an earlier
    /// <c>eval X=case(duration &lt; N, "V")</c> defined compared with its value V: the limit in seconds.</summary>
    private static (double Seconds, bool Exclusive)? DurationLimit(Predicate p, Dictionary<string, (Predicate Condition, string Value)> cases)
    {
        static double? Number(Expr e) => e is Literal { Kind: LiteralKind.Number } n && double.TryParse(n.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
        switch (p)
        {
            case FieldCompareRangePredicate { Field: "duration", Operator: RangeOperator.Less or RangeOperator.LessOrEqual } r when r.Value.Kind == LiteralKind.Number
                && double.TryParse(r.Value.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n):
                return (n, r.Operator == RangeOperator.Less);
            case ExpressionPredicate { Expression: BinaryExpr { Left: FieldRef { Name: "duration" }, Operator: BinaryOp.Less or BinaryOp.LessOrEqual } b } when Number(b.Right) is { } right:
                return (right, b.Operator == BinaryOp.Less);
            case ExpressionPredicate { Expression: BinaryExpr { Right: FieldRef { Name: "duration" }, Operator: BinaryOp.Greater or BinaryOp.GreaterOrEqual } b } when Number(b.Left) is { } left:
                return (left, b.Operator == BinaryOp.Greater);
            case FieldMatchPredicate { CaseSensitive: false, Pattern.HasWildcard: false } m when cases.TryGetValue(m.Field, out var d)
                && string.Equals(m.Pattern.Literal, d.Value, StringComparison.OrdinalIgnoreCase):
                return DurationLimit(d.Condition, cases);
            case ExpressionPredicate { Expression: BinaryExpr { Operator: BinaryOp.Equal, Left: FieldRef f, Right: Literal { Kind: LiteralKind.String } v } } when cases.TryGetValue(f.Name, out var d)
                && string.Equals(v.Text, d.Value, StringComparison.Ordinal):
                return DurationLimit(d.Condition, cases);
            default:
                return null;
        }
    }

    /// <summary>The join keys of one stage: the transaction's fields, a coalesced key replaced by the first of its
    /// fields the stage requires (with EQL0004 when an earlier one is not excluded, since coalesce would take it), or
    /// null (EQL0003) when the stage requires none of them.</summary>
    private ImmutableArray<string>? StageKeys(TransactionStage t, Nnf baseNnf, Nnf condition, string stage)
    {
        var keys = ImmutableArray.CreateBuilder<string>();
        var restricted = Restrict(baseNnf, condition);
        foreach (var field in t.Fields)
        {
            if (!_coalescedKeys.TryGetValue(field, out var fields))
            {
                keys.Add(field);
                continue;
            }
            var chosen = fields.FirstOrDefault(f => Requires(restricted, f));
            if (chosen is null)
            {
                NoSequence(t.Span, $"'{field}' is coalesce({string.Join(", ", fields)}) and the {stage} events need not have any of them; an EQL join key is a field.");
                return null;
            }
            var earlier = fields.TakeWhile(f => f != chosen).Where(f => !Absent(restricted, f)).ToList();
            if (earlier.Count > 0)
                SequenceDiffers(t.Span, $"'{field}' is coalesce({string.Join(", ", fields)}): the {stage} stage joins on '{chosen}', which the search requires there, but coalesce takes {string.Join(" or ", earlier.Select(f => $"'{f}'"))} first when a {stage} event has it, and the search does not exclude that.");
            keys.Add(chosen);
        }
        return keys.ToImmutable();
    }

    /// <summary>Null when the sequence's join keys group start and end events as the transaction's fields do: every
    /// key is present in the start and in the end event (the search or the condition requires it), or there is one
    /// field and unifyends=true. Otherwise the difference.</summary>
    private static string? KeyDifference(TransactionStage t, Nnf baseNnf, (Nnf Condition, ImmutableArray<string> Keys) start, (Nnf Condition, ImmutableArray<string> Keys) end)
    {
        if (t.Fields.Length == 0) return null;
        static bool Present(Nnf baseNnf, (Nnf Condition, ImmutableArray<string> Keys) stage) =>
            stage.Keys.All(f => Requires(Restrict(baseNnf, stage.Condition), f));
        if (Present(baseNnf, start) && Present(baseNnf, end)) return null;
        var fields = string.Join(", ", t.Fields);
        if (t.Fields.Length == 1)
            return t.UnifyEnds ? null
                : $"With unifyends=false (the default) a start or end event without '{fields}' can still join a transaction in Splunk; EQL's sequence by {fields} needs the field in both events. The search does not require '{fields}' in the start and end events (unifyends=true or a condition '{fields}=*' would).";
        return $"Splunk joins an event that lacks some of the fields ({fields}) to a transaction through the others{(t.Connected ? "" : " (connected=false: even through none)")}; EQL's sequence by {fields} needs every join key present and equal. The search does not require all of them in the start and end events.";
    }

    /// <summary>The search's conditions and a stage's condition together, with the alternatives of the search that
    /// the stage's condition excludes left out (a start <c>EventCode=1</c> drops the search's <c>EventCode=2 ...</c>
    /// branch), so that what the remaining branches require is known for the stage's events.</summary>
    private static Nnf Restrict(Nnf baseNnf, Nnf condition)
    {
        var required = Conjuncts(condition).ToList();
        Nnf Keep(Nnf n) => n switch
        {
            NnfAnd a => new NnfAnd([.. a.Operands.Select(Keep)]),
            NnfOr o => new NnfOr([.. o.Operands.Where(d => !Conjuncts(d).Any(c => required.Any(r => Excludes(c, r))))]),
            _ => n,
        };
        return new NnfAnd([Keep(baseNnf), condition]);
    }

    /// <summary>True when no event that meets <paramref name="n"/> has <paramref name="field"/> (<c>NOT field=*</c>).</summary>
    private static bool Absent(Nnf n, string field) => n switch
    {
        NnfAnd a => a.Operands.Any(x => Absent(x, field)),
        NnfOr o => o.Operands.Length > 0 && o.Operands.All(x => Absent(x, field)),
        NnfLeaf { Negated: true, Predicate: FieldMatchPredicate { Pattern.IsMatchAll: true } m } => m.Field == field,
        NnfLeaf { Negated: true, Predicate: FieldExistsPredicate e } => e.Field == field,
        _ => false,
    };

    /// <summary>True when every event that meets <paramref name="n"/> has <paramref name="field"/> (SPL: a positive
    /// comparison, <c>!=</c>, a range or a CIDR on the field needs it).</summary>
    private static bool Requires(Nnf n, string field) => n switch
    {
        NnfAnd a => a.Operands.Any(x => Requires(x, field)),
        NnfOr o => o.Operands.Length > 0 && o.Operands.All(x => Requires(x, field)),
        NnfLeaf { Negated: false, Predicate: FieldMatchPredicate m } => m.Field == field,
        NnfLeaf { Negated: false, Predicate: FieldNotMatchPredicate m } => m.Field == field,
        NnfLeaf { Negated: false, Predicate: FieldExistsPredicate e } => e.Field == field,
        NnfLeaf { Negated: false, Predicate: CidrPredicate c } => c.Field == field,
        NnfLeaf { Negated: false, Predicate: FieldCompareRangePredicate r } => r.Field == field,
        _ => false,
    };

    /// <summary>True when every event the search keeps meets startswith or endswith: each alternative of one of its
    /// conditions contains one of them. Then a transaction holds only its start and its end event.</summary>
    private static bool EveryEventIsStartOrEnd(NnfAnd baseNnf, Nnf start, Nnf end)
    {
        bool Covered(Nnf n) => n is NnfOr o ? o.Operands.Length > 0 && o.Operands.All(Covered) : Implies(n, start) || Implies(n, end);
        return baseNnf.Operands.SelectMany(Conjuncts).Any(Covered);
    }

    /// <summary>True when <paramref name="p"/> is one of the conditions <paramref name="d"/> requires (compared as IR
    /// text without spans), or is implied alternative by alternative.</summary>
    private static bool Implies(Nnf d, Nnf p)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        if (d is NnfOr od) return od.Operands.Length > 0 && od.Operands.All(x => Implies(x, p));
        return p switch
        {
            NnfAnd a => a.Operands.All(x => Implies(d, x)),
            NnfOr o => o.Operands.Any(x => Implies(d, x)) || Conjuncts(d).Any(c => Key(c) == Key(p)),
            NnfLeaf { Negated: true } l => Conjuncts(d).Any(c => Key(c) == Key(p) || Excludes(c, l with { Negated = false })),
            _ => Conjuncts(d).Any(c => Key(c) == Key(p)),
        };
    }

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> require different exact values of one field
    /// (compared without case, so different in every comparison).</summary>
    private static bool Excludes(Nnf a, Nnf b) =>
        a is NnfLeaf { Negated: false, Predicate: FieldMatchPredicate x } && b is NnfLeaf { Negated: false, Predicate: FieldMatchPredicate y }
        && x.Field == y.Field && !x.Pattern.HasWildcard && !y.Pattern.HasWildcard && !x.Pattern.IsMatchAll && !y.Pattern.IsMatchAll
        && !string.Equals(x.Pattern.Literal, y.Pattern.Literal, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when no event meets both conditions: they require different exact values of one field, or one
    /// requires what the other excludes. (A multivalue field could hold both values; EQL does not support array
    /// values, see the EQL syntax reference's limitations.)</summary>
    private static bool Disjoint(Nnf start, Nnf end)
    {
        foreach (var s in Conjuncts(start))
        {
            foreach (var e in Conjuncts(end))
            {
                if (Excludes(s, e)) return true;
                if (s is NnfLeaf ls && e is NnfLeaf le && ls.Negated != le.Negated && Key(ls with { Negated = false }) == Key(le with { Negated = false }))
                    return true;
            }
        }
        return false;
    }

    private static IEnumerable<Nnf> Conjuncts(Nnf n) => n is NnfAnd a ? a.Operands : [n];

    /// <summary>A condition as text without spans, to compare conditions written at different places.</summary>
    private static string Key(Nnf n)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        return n switch
        {
            NnfAnd a => "and(" + string.Join(",", a.Operands.Select(Key)) + ")",
            NnfOr o => "or(" + string.Join(",", o.Operands.Select(Key)) + ")",
            NnfLeaf l => (l.Negated ? "not " : "") + IrPrinter.Print(l.Predicate),
            _ => "",
        };
    }
}
