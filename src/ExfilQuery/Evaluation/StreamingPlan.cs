using System.Collections.Immutable;
using ExfilQuery.Ir;

namespace ExfilQuery.Evaluation;

/// <summary>How <see cref="CompiledDetection"/> runs a detection without materialising its input: the leading
/// row-wise stages run one event at a time, then either an aggregation whose result does not depend on the order
/// of the events keeps one accumulator set per group, or the surviving rows are collected, put in the order
/// <see cref="DetectionEvaluator.Evaluate"/> gives them (newest first) and handed to the remaining stages.</summary>
internal sealed class StreamingPlan
{
    /// <summary>Fields every JSON Lines event needs: the ones its <c>_time</c> comes from.</summary>
    public static readonly ImmutableArray<string> TimeFields = ["_time", "timestamp", "time", "@timestamp"];

    private StreamingPlan(Detection detection, EvaluationOptions options)
    {
        Detection = detection;
        Options = options;
    }

    public Detection Detection { get; }

    public EvaluationOptions Options { get; }

    /// <summary>False when the source is not plain events (data model, inputlookup, ...): the run materialises
    /// and calls <see cref="DetectionEvaluator.Evaluate"/>.</summary>
    public bool Streams { get; private init; }

    /// <summary>The leading row-wise stages.</summary>
    public ImmutableArray<Stage> Prefix { get; private init; } = [];

    /// <summary>The prefix stages compiled (<see cref="CompiledExpressions.Stage"/>), one per stage; null where the
    /// pipeline runs the stage itself.</summary>
    public ImmutableArray<CompiledCondition?> CompiledPrefix { get; private init; } = [];

    /// <summary>The arguments of the streamed aggregation's functions compiled, null where there is none.</summary>
    public ImmutableArray<CompiledExpression?> CompiledArguments { get; private init; } = [];

    /// <summary>The aggregation streamed after the prefix, or null (the survivors are collected).</summary>
    public AggregateStage? Aggregate { get; private init; }

    /// <summary>The stages run on the collected rows or on the aggregation's rows.</summary>
    public ImmutableArray<Stage> Rest { get; private init; } = [];

    /// <summary>True when a prefix stage mutates rows (eval, rename, rex, ...), so input events are copied first.</summary>
    public bool PrefixMutates { get; private init; }

    /// <summary>The fields the prefix and the aggregation read, or null when they may read any field (JSON Lines
    /// events are then parsed whole).</summary>
    public ImmutableHashSet<string>? NeededFields { get; private init; }

    /// <summary>True when the prefix or the streamed aggregation may read the <c>_time</c> field (by name, or as a
    /// time bound, a span, earliest/latest). When false the JSON Lines reader still reads each event's time (it
    /// orders the rows and the groups, as in Evaluate) but does not store it in the event.</summary>
    public bool ReadsTime { get; private init; } = true;

    /// <summary>The raw-byte prefilter, or null.</summary>
    public RawPrefilter? Prefilter { get; private init; }

    /// <summary>Why the aggregation after the prefix is not streamed, or null.</summary>
    public string? AggregateFallbackReason { get; private init; }

    public static StreamingPlan Build(Detection detection, EvaluationOptions options, DetectionEvaluator.RowPipeline probe)
    {
        if (detection.Source is not EventsSource || options.AddOnFields || !detection.Stages.All(Streamable))
            return new StreamingPlan(detection, options) { Streams = false };
        var stages = detection.Stages;
        var prefixEnd = 0;
        while (prefixEnd < stages.Length && IsRowWise(stages[prefixEnd])) prefixEnd++;
        var prefix = stages[..prefixEnd];
        AggregateStage? aggregate = null;
        string? reason = null;
        if (prefixEnd < stages.Length && stages[prefixEnd] is AggregateStage a)
        {
            reason = StreamingAggregator.WhyNotStreamable(a, prefix, options);
            if (reason is null) aggregate = a;
        }
        var rest = stages[(prefixEnd + (aggregate is null ? 0 : 1))..];

        var fields = new FieldCollector();
        foreach (var stage in prefix) fields.Stage(stage);
        if (aggregate is not null) fields.Stage(aggregate);
        // Before the time fields are added: whether a stage reads _time, by name or not (time bounds, spans,
        // earliest/latest).
        var readsTime = fields.All || fields.ReadsTime || fields.Names.Contains("_time");
        foreach (var name in TimeFields) fields.Add(name);
        // Collected rows go to later stages that may read anything: they are parsed whole before that, but the
        // prefix itself only needs its own fields.
        return new StreamingPlan(detection, options)
        {
            Streams = true,
            Prefix = prefix,
            CompiledPrefix = [.. prefix.Select(CompiledExpressions.Stage)],
            Aggregate = aggregate,
            CompiledArguments = aggregate is null ? [] : [.. aggregate.Aggregations.Select(a => a.Argument is null ? null : CompiledExpressions.Compile(a.Argument))],
            Rest = rest,
            PrefixMutates = prefix.Any(s => s is not FilterStage and not RegexFilterStage),
            NeededFields = fields.All ? null : fields.Names.ToImmutableHashSet(StringComparer.Ordinal),
            ReadsTime = readsTime,
            Prefilter = RawPrefilter.Build(prefix, probe),
            AggregateFallbackReason = reason,
        };
    }

    /// <summary>Stages a streamed detection may hold anywhere: join, append and map run subsearches over the whole
    /// input again (so do subsearch conditions), and a stage type this list does not know may too.</summary>
    private static bool Streamable(Stage stage) => stage switch
    {
        FilterStage f => !HasSubsearch(f.Predicate),
        EvalStage or AggregateStage or RenameStage or ProjectStage or DedupStage or SortStage or LimitStage or BinStage
            or FillNullStage or ExtractStage or RegexFilterStage or LookupStage or ExpandStage or MakeMultivalueStage
            or ConvertStage or SpathStage or TopStage or TransactionStage or IpLocationStage or XmlKvStage or ChartStage or UnsupportedStage
            or FromJsonStage or ReplaceStage or AddTotalsStage or ForeachStage or ForeachValuesStage => true,
        _ => false,
    };

    private static bool HasSubsearch(Predicate predicate) => predicate switch
    {
        SubsearchPredicate => true,
        AndPredicate a => a.Operands.Any(HasSubsearch),
        OrPredicate o => o.Operands.Any(HasSubsearch),
        NotPredicate n => HasSubsearch(n.Operand),
        _ => false,
    };

    /// <summary>Stages that take one row and give it back (changed or not) or drop it, reading nothing but that
    /// row: they run the same one row at a time as over the whole list. foreach qualifies: its templates hold only
    /// such stages, and the fields it visits are the row's own.</summary>
    public static bool IsRowWise(Stage stage) => stage switch
    {
        FilterStage or EvalStage or RenameStage or RegexFilterStage or ExtractStage or ProjectStage or BinStage or ConvertStage or ForeachStage or ForeachValuesStage => true,
        // Each reads and writes only its own row.
        SpathStage or FromJsonStage or ReplaceStage or AddTotalsStage => true,
        MakeMultivalueStage => true,
        FillNullStage f => f.Fields.Length > 0,
        _ => false,
    };

    /// <summary>One line per decision, for tests, docs and <c>CompiledDetection.Plan</c>.</summary>
    public string Describe()
    {
        if (!Streams) return Detection.Source is EventsSource
            ? "materialise: add-on fields, a subsearch (join, append, map) or a stage that reads the whole input"
            : $"materialise: the source {Detection.Source.GetType().Name.Replace("Source", "", StringComparison.Ordinal)} is evaluated by DetectionEvaluator.Evaluate";
        var lines = new List<string>
        {
            $"stream: {Prefix.Length} row-wise stage(s) one event at a time",
            Aggregate is not null
                ? $"aggregate: {Aggregate.Command} streamed, one accumulator set per group"
                : $"collect: surviving rows sorted as Evaluate orders them{(AggregateFallbackReason is null ? "" : " (" + AggregateFallbackReason + ")")}",
            $"then: {Rest.Length} stage(s) over the {(Aggregate is null ? "collected" : "aggregated")} rows",
            "fields: " + (NeededFields is null ? "all" : string.Join(", ", NeededFields.Order(StringComparer.Ordinal))),
            "prefilter: " + (Prefilter?.Describe() ?? "none"),
        };
        return string.Join("\n", lines);
    }

    /// <summary>The field names stages read (a superset is harmless: it only costs parsing time).</summary>
    private sealed class FieldCollector
    {
        public HashSet<string> Names { get; } = new(StringComparer.Ordinal);

        /// <summary>True when a stage may read a field it does not name (wildcards, an unknown node).</summary>
        public bool All { get; private set; }

        /// <summary>True when a stage reads <c>_time</c> without naming it: a time bound, a span, earliest/latest.</summary>
        public bool ReadsTime { get; private set; }

        public void Add(string name)
        {
            // Flattened JSON names (a.b, a{}) come from nested values: those events are parsed whole.
            if (name.Contains('*') || name.Contains('.') || name.Contains('{')) All = true;
            Names.Add(name);
        }

        public void Stage(Stage stage)
        {
            switch (stage)
            {
                case FilterStage f: Predicate(f.Predicate); break;
                case EvalStage e:
                    foreach (var a in e.Assignments) { Add(a.Field); Expr(a.Value); }
                    break;
                case RenameStage r:
                    foreach (var (from, to) in r.Pairs) { Add(from); Add(to); }
                    break;
                case RegexFilterStage r: Add(r.Field); break;
                case ExtractStage x: Add(x.Field); break;
                case ProjectStage:
                    // Keeps or removes fields by name: the fields read later are kept or removed alike whether the
                    // event was parsed whole or not.
                    break;
                case BinStage b: Add(b.Field); Add(b.OutputField); break;
                case ConvertStage c:
                    foreach (var (_, field, output) in c.Conversions) { Add(field); Add(output); }
                    break;
                case MakeMultivalueStage m: Add(m.Field); break;
                // spath without a path and fromjson write fields whose names only the data tells: the default case
                // parses events whole.
                case SpathStage { Path.Length: > 0 } s: Add(s.Input); Add(s.Output); break;
                case ReplaceStage { Fields.Length: > 0 } r:
                    foreach (var field in r.Fields) Add(field);
                    break;
                case AddTotalsStage { Fields.Length: > 0 } a:
                    foreach (var field in a.Fields) Add(field);
                    Add(a.FieldName);
                    break;
                case FillNullStage f:
                    foreach (var field in f.Fields) Add(field);
                    break;
                case AggregateStage a:
                    if (a.TimeSpan is not null || a.Aggregations.Any(x => x.Function is "earliest" or "latest" or "earliest_time" or "latest_time"))
                        ReadsTime = true;
                    foreach (var g in a.GroupBy) Add(g);
                    foreach (var agg in a.Aggregations)
                        if (agg.Argument is not null) Expr(agg.Argument);
                    break;
                default: All = true; break;
            }
        }

        private void Predicate(Predicate predicate)
        {
            switch (predicate)
            {
                case AndPredicate a: foreach (var o in a.Operands) Predicate(o); break;
                case OrPredicate o: foreach (var x in o.Operands) Predicate(x); break;
                case NotPredicate n: Predicate(n.Operand); break;
                case TruePredicate: break;
                case TimeBoundPredicate: ReadsTime = true; break;
                case FieldMatchPredicate m: Add(m.Field); break;
                case FieldNotMatchPredicate m: Add(m.Field); break;
                case FieldExistsPredicate e: Add(e.Field); break;
                case CidrPredicate c: Add(c.Field); break;
                case FieldCompareRangePredicate r: Add(r.Field); break;
                case RawTermPredicate: Add("_raw"); break;
                case ExpressionPredicate e: Expr(e.Expression); break;
                default: All = true; break;
            }
        }

        private void Expr(Expr expression)
        {
            System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
            switch (expression)
            {
                case Literal: break;
                case FieldRef f: Add(f.Name); break;
                case CallExpr c:
                    // searchmatch() reads the whole event; no other function reads a field its arguments do not name.
                    if (c.Function.Equals("searchmatch", StringComparison.OrdinalIgnoreCase)) All = true;
                    foreach (var a in c.Arguments) Expr(a);
                    break;
                case BinaryExpr b: Expr(b.Left); Expr(b.Right); break;
                case UnaryExpr u: Expr(u.Operand); break;
                case LikeExpr l: Expr(l.Value); Expr(l.Pattern); break;
                case InExpr i:
                    Expr(i.Value);
                    foreach (var item in i.Items) Expr(item);
                    break;
                default: All = true; break;
            }
        }
    }
}
