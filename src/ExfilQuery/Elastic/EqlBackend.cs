using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using ExfilQuery.Diagnostics;
using ExfilQuery.Ir;
using ExfilQuery.Kql;
using ExfilQuery.Mapping;
using ExfilQuery.Text;

namespace ExfilQuery.Elastic;

/// <summary>Renders the detection IR as an EQL event query: <c>category where condition</c>, with <c>:</c> for
/// case-insensitive equality and wildcards, <c>like~</c>/<c>regex~</c>/<c>in~</c>, <c>cidrMatch</c>, negations that
/// are true for missing fields, and only the <c>head</c>/<c>tail</c> pipes. EQL has no aggregation: a detection that
/// aggregates is partial or failed, with the threshold-rule parameters when its shape is a count threshold.</summary>
public static class EqlBackend
{
    /// <summary>Parses, lowers and translates one search.</summary>
    public static ElasticTranslation Translate(string spl, ParseOptions? parseOptions = null, ElasticOptions? options = null) =>
        ElasticCommon.Run(spl, parseOptions, d => Translate(d, options));

    /// <summary>Translates a lowered detection.</summary>
    public static ElasticTranslation Translate(Detection detection, ElasticOptions? options = null) =>
        ElasticCommon.Translate(detection, options, ElasticDiagnostics.EqlUnsupported, (ElasticDiagnostics.EqlForeachNotExpanded, ElasticDiagnostics.EqlForeachChoice), (o, mapped) => new EqlWriter(o, mapped),
            (ref EqlWriter writer, Detection d) => writer.Write(d),
            (translation, writer) => translation with { Threshold = writer.Threshold });
}

internal sealed partial class EqlWriter(ElasticOptions options, MappedDetection? mapped) : IElasticWriter
{
    public List<Diagnostic> Diagnostics { get; } = [];

    /// <summary>The index pattern the query is for.</summary>
    public string Index => mapped?.Source.Index ?? options.Index ?? ElasticOptions.DefaultIndex;

    /// <summary>The ECS type of a mapped column, or null.</summary>
    private string? EcsType(string field) => mapped is not null && mapped.ColumnTypes.TryGetValue(field, out var t) ? t : null;

    public ThresholdRule? Threshold { get; private set; }

    /// <summary>The span of the stage being written, for diagnostics raised below it.</summary>
    private TextSpan _span;

    private void Error(TextSpan span, string message) => Diagnostics.Add(ElasticDiagnostics.EqlUnsupported(span, message));

    private void Warn(TextSpan span, string message) => Diagnostics.Add(ElasticDiagnostics.EqlApproximation(span, message));

    /// <summary>EQL event categories (ECS <c>event.category</c>) of CIM data models.</summary>
    internal static string Category(DataSource source) => source switch
    {
        DataModelSource { DataModel: "Endpoint", Dataset: "Processes" } => "process",
        DataModelSource { DataModel: "Endpoint", Dataset: "Filesystem" } => "file",
        DataModelSource { DataModel: "Endpoint", Dataset: "Registry" } => "registry",
        DataModelSource { DataModel: "Network_Traffic" or "Network_Resolution" } => "network",
        DataModelSource { DataModel: "Authentication" } => "authentication",
        _ => "any",
    };

    public string Write(Detection detection)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (detection.Source)
        {
            case EventsSource or DataModelSource:
                break;
            case LookupTableSource l:
                Error(l.Span, $"The search reads the lookup '{l.Table}'; EQL queries events only.");
                break;
            default:
                Error(detection.Source.Span, "This search starts with a command that generates rows; EQL queries events only.");
                break;
        }
        var conditions = new List<string>();
        if (mapped is not null) conditions.AddRange(mapped.Source.Filters.Select(FixedFilterText));
        var pipes = new List<string>();
        var stages = detection.Stages;
        var category = mapped?.Source.Category ?? Category(detection.Source);
        string? sequence = null;
        for (var i = 0; i < stages.Length; i++)
        {
            var stage = stages[i];
            _span = stage.Span;
            switch (stage)
            {
                case FilterStage { Predicate: TruePredicate }:
                    continue;
                case TransactionStage t:
                    sequence = Sequence(t, category, conditions, stages[..i], stages[(i + 1)..], pipes.Count > 0);
                    i = stages.Length;
                    continue;
                case FilterStage f when pipes.Count > 0:
                    Error(f.Span, "A filter after head/tail applies to the kept events; EQL pipes only head and tail, with no filter after them.");
                    continue;
                case FilterStage { Predicate: ExpressionPredicate e }:
                    conditions.Add(Truth(e.Expression, true).Text);
                    continue;
                case FilterStage f:
                    conditions.Add(Condition(ElasticCommon.ToNnf(f.Predicate)));
                    continue;
                case LimitStage l:
                    // Splunk's head keeps the newest events (its default order); EQL's tail keeps the most recent.
                    pipes.Add((l.FromEnd ? "head " : "tail ") + l.Count.ToString(CultureInfo.InvariantCulture));
                    continue;
                case AggregateStage { Mode: AggregateMode.Group } a:
                    WriteAggregate(a, stages[(i + 1)..]);
                    i = stages.Length;
                    continue;
                case ChartStage c when ChartShapes.AsAggregate(c) is { } stats:
                    // Without a split field a chart is a stats, which EQL loses as it loses any (EQL0002).
                    WriteAggregate(stats, stages[(i + 1)..]);
                    i = stages.Length;
                    continue;
                case ChartStage c:
                    Diagnostics.Add(ElasticDiagnostics.EqlChartPivot(c.Span, $"'{c.Command} ... by {c.SplitField}' aggregates events into one column per value of '{c.SplitField}'; EQL has no aggregation and no pivot."));
                    continue;
                case EvalStage e when CoalescedKeys(e, stages[(i + 1)..]) is { } keys:
                    foreach (var (name, fields) in keys) _coalescedKeys[name] = fields;
                    continue;
                case RenameStage or ProjectStage or SortStage or ConvertStage or EvalStage or FillNullStage
                    when !stages.Skip(i + 1).Any(s => s is FilterStage { Predicate: not TruePredicate } or AggregateStage or ChartStage or LimitStage or TransactionStage):
                    Warn(stage.Span, "EQL returns whole events: the output columns (eval, rename, table, sort, convert) are not shaped; the events matched are the same.");
                    continue;
                case AggregateStage a:
                    Error(a.Span, $"'{a.Command}' aggregates over events; EQL has no aggregation.");
                    continue;
                case UnsupportedStage u:
                    Error(u.Span, $"'{u.Command}' is not translated to EQL: {u.Reason}");
                    continue;
                case ForeachStage or ForeachValuesStage:
                    // Not expanded: EQL0010 says why.
                    continue;
                default:
                    Error(stage.Span, $"This {StageName(stage)} stage changes the events a later stage filters or counts; EQL has only filters and the head/tail pipes.");
                    continue;
            }
        }
        if (sequence is not null) return sequence;
        var query = category + " where " + Conjunction(conditions);
        return string.Concat([query, .. pipes.Select(p => "\n| " + p)]);
    }

    /// <summary>Conditions joined with <c>and</c>, an <c>or</c> among them parenthesised; <c>true</c> for none.</summary>
    private static string Conjunction(IReadOnlyList<string> conditions) =>
        conditions.Count == 0 ? "true" : conditions.Count == 1 ? conditions[0] : string.Join(" and ", conditions.Select(c => NeedsParens(c) ? "(" + c + ")" : c));

    /// <summary>A mapping profile's fixed filter: exact and case-sensitive (<c>==</c>, <c>!=</c>, <c>in</c>); on an
    /// array field EQL compares each value.</summary>
    private string FixedFilterText(FixedFilter f)
    {
        var numeric = EcsType(f.Column) is { } t && ElasticCommon.EsqlType(t) == EType.Number;
        string Value(string v) => numeric ? ElasticCommon.Number(v) : ElasticCommon.Quote(v);
        switch (f.Operator)
        {
            case "==":
                return $"{Name(f.Column)} == {Value(f.Values[0])}";
            case "!=":
                return $"{Name(f.Column)} != {Value(f.Values[0])}";
            case "in":
                return $"{Name(f.Column)} in ({string.Join(", ", f.Values.Select(Value))})";
            default:
                Error(default, $"The mapping filter '{f.Column} {f.Operator}' is not rendered in EQL (==, != and in are).");
                return "true";
        }
    }

    /// <summary>True when the condition has an <c>or</c> outside parentheses (strings and quoted names aside), so
    /// that joining it with <c>and</c> needs parentheses.</summary>
    internal static bool NeedsParens(string condition)
    {
        var depth = 0;
        for (var i = 0; i < condition.Length; i++)
        {
            var c = condition[i];
            if (c is '"' or '`')
            {
                // Skip the string (backslash escapes) or the quoted name (a doubled backtick reads as two names).
                for (i++; i < condition.Length && condition[i] != c; i++)
                    if (c == '"' && condition[i] == '\\') i++;
                continue;
            }
            if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (depth == 0 && c == ' ' && condition.AsSpan(i).StartsWith(" or ", StringComparison.Ordinal)) return true;
        }
        return false;
    }

    private static string StageName(Stage stage) => stage switch
    {
        FilterStage => "filter",
        LimitStage => "head/tail",
        AggregateStage a => a.Command,
        TransactionStage => "transaction",
        EvalStage => "eval",
        RenameStage => "rename",
        ProjectStage => "table/fields",
        SortStage => "sort",
        DedupStage => "dedup",
        JoinStage => "join",
        AppendStage => "append",
        LookupStage => "lookup",
        ExtractStage => "rex",
        RegexFilterStage => "regex",
        ExpandStage => "mvexpand",
        BinStage => "bin",
        SpathStage => "spath",
        FromJsonStage => "fromjson",
        ReplaceStage => "replace",
        AddTotalsStage => "addtotals",
        _ => stage.GetType().Name,
    };

    /// <summary>EQL cannot aggregate. A <c>stats ... by X</c> whose only condition afterwards is on the event count is an
    /// Elastic threshold rule: the EQL keeps the events, the metadata keeps the grouping and the threshold.</summary>
    private void WriteAggregate(AggregateStage a, ImmutableArray<Stage> rest)
    {
        var countNames = a.Aggregations.Where(x => x.Function is "count" or "c" && x.Argument is null).Select(x => x.OutputName).ToHashSet(StringComparer.Ordinal);
        if (a.GroupBy.Contains("_time") || a.TimeSpan is not null)
        {
            Error(a.Span, $"'{a.Command}' groups by _time (or a time bucket); EQL has no aggregation and a threshold rule cannot group by time.");
            return;
        }
        long? threshold = null;
        foreach (var stage in rest)
        {
            switch (stage)
            {
                case FilterStage { Predicate: TruePredicate }:
                    continue;
                case FilterStage f when threshold is null && CountThreshold(f.Predicate, countNames) is { } limit:
                    threshold = limit;
                    continue;
                case FilterStage f:
                    Error(f.Span, "This condition on the aggregated rows cannot be expressed in EQL (no aggregation) nor as a threshold rule (only 'count > N' is).");
                    return;
                case RenameStage or ProjectStage or SortStage or ConvertStage or EvalStage or FillNullStage:
                    continue;
                default:
                    Error(stage.Span, $"This {StageName(stage)} stage works on aggregated rows; EQL has no aggregation.");
                    return;
            }
        }
        var value = threshold ?? 1;
        var by = string.Join(", ", a.GroupBy);
        Threshold = new ThresholdRule(a.GroupBy, value);
        Warn(a.Span, $"EQL has no aggregation: '{a.Command}' is lost ({string.Join(", ", a.Aggregations.Select(x => x.OutputName))}{(a.GroupBy.Length > 0 ? " by " + by : "")}) and the query returns the matching events. "
            + $"The equivalent Elastic threshold rule groups by [{by}] with threshold >= {value.ToString(CultureInfo.InvariantCulture)} (see the translation's threshold).");
    }

    /// <summary>The threshold value of <c>count &gt; N</c>, <c>count &gt;= N</c> (or <c>N &lt; count</c>), else null.</summary>
    private static long? CountThreshold(Predicate p, HashSet<string> countNames)
    {
        static bool IsCount(Expr e, HashSet<string> names) => e is FieldRef f && names.Contains(f.Name);
        switch (p)
        {
            case ExpressionPredicate { Expression: BinaryExpr b }:
            {
                var (op, lit) = IsCount(b.Left, countNames) && b.Right is Literal { Kind: LiteralKind.Number } r ? (b.Operator, r)
                    : IsCount(b.Right, countNames) && b.Left is Literal { Kind: LiteralKind.Number } l ? (Flip(b.Operator), l)
                    : (BinaryOp.Xor, null);
                if (lit is null || !long.TryParse(lit.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)) return null;
                return op switch
                {
                    BinaryOp.Greater => n + 1,
                    BinaryOp.GreaterOrEqual => n,
                    _ => null,
                };
            }
            case FieldCompareRangePredicate r when countNames.Contains(r.Field) && r.Value.Kind == LiteralKind.Number
                && long.TryParse(r.Value.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v):
                return r.Operator switch
                {
                    RangeOperator.Greater => v + 1,
                    RangeOperator.GreaterOrEqual => v,
                    _ => null,
                };
            default:
                return null;
        }
    }

    private static BinaryOp Flip(BinaryOp op) => op switch
    {
        BinaryOp.Less => BinaryOp.Greater,
        BinaryOp.LessOrEqual => BinaryOp.GreaterOrEqual,
        BinaryOp.Greater => BinaryOp.Less,
        BinaryOp.GreaterOrEqual => BinaryOp.LessOrEqual,
        _ => op,
    };

    // ------------------------------------------------------------------ names and literals

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "and", "any", "by", "false", "fork", "in", "join", "like", "maxspan", "not", "null", "of", "or", "regex", "runs", "sample", "sequence", "true", "until", "where", "with",
    };

    private static readonly Regex PlainPart = new("^[A-Za-z_@][A-Za-z0-9_@]*$", RegexOptions.CultureInvariant);

    /// <summary>An EQL field name: backticks around names that are not dotted plain parts (a hyphen, a space, a
    /// leading digit, braces ...), a backtick inside doubled.</summary>
    internal static string Field(string name)
    {
        name = ElasticCommon.TimeField(name);
        var parts = name.Split('.');
        if (parts.All(p => PlainPart.IsMatch(p) && !Keywords.Contains(p))) return name;
        return "`" + name.Replace("`", "``", StringComparison.Ordinal) + "`";
    }

    /// <summary>A field in a condition. With a mapping profile, a field that is not an ECS field (kept as written, MAP0020)
    /// is optional, <c>?name</c>: EQL rejects a query that names a field the searched indices do not map, where SPL
    /// finds no value (EQL syntax reference, "Optional fields": a missing optional field is null).</summary>
    private string Name(string field) =>
        mapped is not null && !EcsFields.Types.ContainsKey(ElasticCommon.TimeField(field)) ? "?" + Field(field) : Field(field);

    /// <summary>Escapes a literal for a Lucene regular expression (EQL <c>regex</c>): every reserved character.</summary>
    internal static string RegexEscape(string literal)
    {
        var sb = new StringBuilder(literal.Length);
        foreach (var c in literal)
        {
            if (".?+*|{}[]()\"\\#@&<>~".Contains(c, StringComparison.Ordinal)) sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }

    // ------------------------------------------------------------------ predicates

    private string Condition(Nnf node)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (node)
        {
            case NnfAnd a:
            {
                var ops = a.Operands.Where(o => o is not NnfLeaf { Predicate: TruePredicate, Negated: false }).ToList();
                if (ops.Count == 0) return "true";
                return string.Join(" and ", ops.Select(o => o is NnfOr { Operands.Length: > 1 } or0 && MergeMatches(or0.Operands).Count > 1 ? "(" + Condition(o) + ")" : Condition(o)));
            }
            case NnfOr o:
                if (o.Operands.Any(x => x is NnfLeaf { Predicate: TruePredicate, Negated: false })) return "true";
                return string.Join(" or ", MergeMatches(o.Operands).Select(x => x is string s ? s : Condition((Nnf)x)));
            case NnfLeaf l:
                return l.Negated ? Negated(l.Predicate) : Positive(l.Predicate);
            default:
                return "true";
        }
    }

    /// <summary>Adjacent positive case-insensitive matches of one field in an OR become one <c>field : ("a", "b*")</c>.</summary>
    private List<object> MergeMatches(ImmutableArray<Nnf> operands)
    {
        var result = new List<object>();
        var i = 0;
        while (i < operands.Length)
        {
            if (operands[i] is NnfLeaf { Negated: false, Predicate: FieldMatchPredicate { CaseSensitive: false } first } && ColonValue(first.Pattern) is { } v0
                && !IsTyped(first.Field))
            {
                var values = new List<string> { v0 };
                var j = i + 1;
                while (j < operands.Length && operands[j] is NnfLeaf { Negated: false, Predicate: FieldMatchPredicate { CaseSensitive: false } next } && next.Field == first.Field && ColonValue(next.Pattern) is { } v)
                {
                    values.Add(v);
                    j++;
                }
                if (values.Count > 1)
                {
                    result.Add($"{Name(first.Field)} : ({string.Join(", ", values)})");
                    i = j;
                    continue;
                }
            }
            result.Add(operands[i]);
            i++;
        }
        return result;
    }

    /// <summary>The quoted value for <c>:</c>, or null when <c>:</c> cannot say it: its wildcards are <c>*</c> and
    /// <c>?</c> and cannot be escaped, so a literal <c>*</c> or <c>?</c> needs a regex.</summary>
    private static string? ColonValue(ValuePattern pattern)
    {
        if (pattern.IsMatchAll || pattern.Segments.Any(s => s.Contains('*', StringComparison.Ordinal) || s.Contains('?', StringComparison.Ordinal))) return null;
        return ElasticCommon.Quote(string.Join("*", pattern.Segments));
    }

    private string Positive(Predicate p)
    {
        switch (p)
        {
            case TruePredicate:
                return "true";
            case FieldMatchPredicate m:
                return Match(m.Field, m.Pattern, m.CaseSensitive);
            case FieldNotMatchPredicate m:
                return m.Pattern.IsMatchAll ? "false" : $"({Name(m.Field)} != null and not {Match(m.Field, m.Pattern, m.CaseSensitive)})";
            case FieldExistsPredicate e:
                return $"{Name(e.Field)} != null";
            case CidrPredicate c:
                return $"cidrMatch({Name(c.Field)}, {ElasticCommon.Quote(c.Cidr)})";
            case FieldCompareRangePredicate r:
                return Range(r);
            case TimeBoundPredicate t:
                if (t.Earliest && t.Value is "0" or "1") return "true";
                Error(t.Span, "EQL takes the time range from the rule or the request (a filter on @timestamp), not from the query.");
                return "true";
            case RawTermPredicate t:
                Error(t.Span, $"The search term '{t.Pattern.Text}' matches the raw event text; EQL matches fields only.");
                return "true";
            case ExpressionPredicate e:
                return P(Truth(e.Expression, true), 30);
            default:
                Error(p.Span, $"{p.GetType().Name} is not translated to EQL yet.");
                return "true";
        }
    }

    private string Negated(Predicate p)
    {
        switch (p)
        {
            case TruePredicate:
                return "false";
            case FieldMatchPredicate m when m.Pattern.IsMatchAll:
                return $"{Name(m.Field)} == null";
            case FieldExistsPredicate e:
                return $"{Name(e.Field)} == null";
            case FieldMatchPredicate m:
                return $"({Name(m.Field)} == null or not {Match(m.Field, m.Pattern, m.CaseSensitive)})";
            case FieldNotMatchPredicate m:
                return m.Pattern.IsMatchAll ? "true" : $"({Name(m.Field)} == null or {Match(m.Field, m.Pattern, m.CaseSensitive)})";
            case CidrPredicate c:
                return $"({Name(c.Field)} == null or not {Positive(c)})";
            case FieldCompareRangePredicate r:
                return $"({Name(r.Field)} == null or not {Positive(r)})";
            case ExpressionPredicate e:
                return P(Truth(e.Expression, false), 30);
            default:
                return $"not ({Positive(p)})";
        }
    }

    /// <summary>True for a number or ip field of the profile, which <c>:</c> cannot compare with text.</summary>
    private bool IsTyped(string field) => EcsType(field) is { } t && ElasticCommon.EsqlType(t) is EType.Number or EType.Ip;

    /// <summary><c>field=pattern</c>: <c>:</c> is EQL's case-insensitive equality with <c>*</c>/<c>?</c> wildcards;
    /// <c>==</c> and <c>like</c> are the case-sensitive forms; a literal <c>*</c> or <c>?</c> needs <c>regex</c>.</summary>
    private string Match(string field, ValuePattern pattern, bool caseSensitive)
    {
        var column = Name(field);
        if (pattern.IsMatchAll) return $"{column} != null";
        if (IsTyped(field) && EcsType(field) is { } ecsType)
        {
            // A number or ip field of the profile: EQL compares it with a value of its own type, without wildcards.
            var isNumber = ElasticCommon.EsqlType(ecsType) == EType.Number;
            if (!pattern.HasWildcard && (!isNumber || double.TryParse(pattern.Literal, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
                return $"{column} == {(isNumber ? ElasticCommon.Number(pattern.Literal) : ElasticCommon.Quote(pattern.Literal))}";
            Error(_span, $"'{field}' is an ECS {ecsType} field; EQL cannot compare it with the text pattern '{pattern.Text}'.");
            return "true";
        }
        if (ColonValue(pattern) is { } value)
        {
            if (!caseSensitive) return $"{column} : {value}";
            return pattern.HasWildcard ? $"{column} like {value}" : $"{column} == {value}";
        }
        var regex = string.Join(".*", pattern.Segments.Select(RegexEscape));
        return $"{column} {(caseSensitive ? "regex" : "regex~")} {ElasticCommon.Quote(regex)}";
    }

    private string Range(FieldCompareRangePredicate r)
    {
        var op = ElasticCommon.Symbol(r.Operator);
        return r.Value.Kind == LiteralKind.Number
            ? $"{Name(r.Field)} {op} {ElasticCommon.Number(r.Value.Text)}"
            : $"{Name(r.Field)} {op} {ElasticCommon.Quote(r.Value.Text)}";
    }

    // ------------------------------------------------------------------ where expressions (case-sensitive)

    /// <summary>Rendered text and precedence (or 10, and 20, not 30, comparisons 40, + - 50, * / % 60, atoms 100).</summary>
    private readonly record struct Rendered(string Text, int Prec = 100);

    private static string P(Rendered r, int min) => r.Prec >= min ? r.Text : "(" + r.Text + ")";

    private Rendered Expr(Expr e)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (e)
        {
            case Literal { Kind: LiteralKind.String } s:
                return new(ElasticCommon.Quote(s.Text));
            case Literal { Kind: LiteralKind.Number } n:
                return new(ElasticCommon.Number(n.Text));
            case Literal { Kind: LiteralKind.Boolean } b:
                return new(b.Text.ToLowerInvariant());
            case Literal:
                return new("null");
            case FieldRef f:
                return new(Name(f.Name));
            case UnaryExpr { Operator: UnaryOp.Not } u:
                return new("not " + P(Expr(u.Operand), 31), 30);
            case UnaryExpr u:
                return new("-" + P(Expr(u.Operand), 70), 70);
            case BinaryExpr b:
            {
                var op = b.Operator switch
                {
                    BinaryOp.And => "and",
                    BinaryOp.Or => "or",
                    BinaryOp.Less => "<",
                    BinaryOp.LessOrEqual => "<=",
                    BinaryOp.Greater => ">",
                    BinaryOp.GreaterOrEqual => ">=",
                    BinaryOp.Equal => "==",
                    BinaryOp.NotEqual => "!=",
                    BinaryOp.Add => "+",
                    BinaryOp.Subtract => "-",
                    BinaryOp.Multiply => "*",
                    BinaryOp.Divide => "/",
                    BinaryOp.Modulo => "%",
                    _ => null,
                };
                if (op is null)
                {
                    Error(b.Span, $"The operator '{b.Operator}' is not translated to EQL.");
                    return new("null");
                }
                var prec = op switch { "or" => 10, "and" => 20, "+" or "-" => 50, "*" or "/" or "%" => 60, _ => 40 };
                if (prec == 40 && ReadsField(b.Left) && ReadsField(b.Right))
                {
                    // EQL syntax reference, "Limitations for comparisons": "You also cannot compare a field to another
                    // field, even if the fields are changed using a function" (the whole query is rejected).
                    Error(b.Span, "EQL cannot compare a field with another field (even through functions); the comparison has no EQL form.");
                    return new("null");
                }
                return new($"{P(Expr(b.Left), prec is 10 or 20 ? prec : prec == 40 ? 41 : prec)} {op} {P(Expr(b.Right), prec is 10 or 20 ? prec : prec + 1)}", prec);
            }
            case LikeExpr l when l.Pattern is Literal { Kind: LiteralKind.String } p:
            {
                // SPL LIKE (% and _, case-sensitive) as EQL like (* and ?, case-sensitive), or regex for literal * and ?.
                string text;
                string op;
                if (p.Text.Contains('*', StringComparison.Ordinal) || p.Text.Contains('?', StringComparison.Ordinal))
                {
                    text = string.Concat(p.Text.Select(c => c switch { '%' => ".*", '_' => ".", _ => RegexEscape(c.ToString()) }));
                    op = "regex";
                }
                else
                {
                    text = p.Text.Replace('%', '*').Replace('_', '?');
                    op = "like";
                }
                var test = $"{P(Expr(l.Value), 41)} {op} {ElasticCommon.Quote(text)}";
                return l.Negated ? new("not " + test, 30) : new(test, 40);
            }
            case InExpr i:
                return new($"{P(Expr(i.Value), 41)} {(i.Negated ? "not in" : "in")} ({string.Join(", ", i.Items.Select(x => Expr(x).Text))})", 40);
            case CallExpr c:
                return Call(c);
            default:
                Error(e.Span, $"{e.GetType().Name} is not translated to EQL.");
                return new("null");
        }
    }

    /// <summary>The EQL condition for "the where/eval condition <paramref name="e"/> is true" (or, with
    /// <paramref name="want"/> false, "is false"). SPL's where is three-valued: a comparison with a missing field is
    /// null, NOT null is null, and only true rows are kept, so <c>where NOT a="x"</c> and <c>where a!="x"</c> drop events
    /// without <c>a</c>. EQL conditions run as Query DSL (a <c>!=</c> or <c>not</c> is a must_not that matches documents
    /// without the field: Elasticsearch QL's ExpressionTranslators turn NotEquals into NotQuery(TermQuery)), so a
    /// comparison that can be false on a missing field gets an explicit <c>field != null</c>.</summary>
    private Rendered Truth(Expr e, bool want)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        Rendered Guarded(string field, Rendered r) => new($"{Name(field)} != null and {P(r, 21)}", 20);
        Rendered Not(Rendered r) => new("not " + P(r, 31), 30);
        switch (e)
        {
            case UnaryExpr { Operator: UnaryOp.Not } u:
                return Truth(u.Operand, !want);
            case BinaryExpr { Operator: BinaryOp.And or BinaryOp.Or } b:
            {
                // true AND is both true, false AND is either false; OR the other way round.
                var both = (b.Operator == BinaryOp.And) == want;
                var left = Truth(b.Left, want);
                var right = Truth(b.Right, want);
                return both ? new($"{P(left, 20)} and {P(right, 20)}", 20) : new($"{P(left, 10)} or {P(right, 10)}", 10);
            }
            case BinaryExpr { Operator: BinaryOp.Equal or BinaryOp.NotEqual or BinaryOp.Less or BinaryOp.LessOrEqual or BinaryOp.Greater or BinaryOp.GreaterOrEqual } b
                when ComparedField(b.Left, b.Right) is { } field:
            {
                var notEqual = b.Operator == BinaryOp.NotEqual;
                if (want) return notEqual ? Guarded(field, Expr(b)) : Expr(b);
                return notEqual ? Expr(b with { Operator = BinaryOp.Equal }) : Guarded(field, Not(Expr(b)));
            }
            case LikeExpr { Value: FieldRef f } l:
            {
                var positive = Expr(l with { Negated = false });
                return want != l.Negated ? positive : Guarded(f.Name, Not(positive));
            }
            case InExpr { Value: FieldRef f } i:
            {
                var positive = Expr(i with { Negated = false });
                return want != i.Negated ? positive : Guarded(f.Name, Expr(i with { Negated = true }));
            }
            case CallExpr { Function: "isnull" or "isnotnull", Arguments: [var argument] } c:
                return new($"{P(Expr(argument), 41)} {((c.Function == "isnull") == want ? "==" : "!=")} null", 40);
            case Literal { Kind: LiteralKind.Boolean } b:
                return new((b.Text.Equals("true", StringComparison.OrdinalIgnoreCase) == want) ? "true" : "false");
            default:
                return want ? Expr(e) : Not(Expr(e));
        }
    }

    /// <summary>The field of a comparison between a field and a non-null literal, or null.</summary>
    /// <summary>True when the expression reads a field anywhere.</summary>
    private static bool ReadsField(Expr e) => e switch
    {
        FieldRef => true,
        CallExpr c => c.Arguments.Any(ReadsField),
        BinaryExpr b => ReadsField(b.Left) || ReadsField(b.Right),
        UnaryExpr u => ReadsField(u.Operand),
        LikeExpr l => ReadsField(l.Value) || ReadsField(l.Pattern),
        InExpr i => ReadsField(i.Value) || i.Items.Any(ReadsField),
        _ => false,
    };

    private static string? ComparedField(Expr left, Expr right) => (left, right) switch
    {
        (FieldRef f, Literal { Kind: not LiteralKind.Null }) => f.Name,
        (Literal { Kind: not LiteralKind.Null }, FieldRef f) => f.Name,
        _ => null,
    };

    private Rendered Call(CallExpr c)
    {
        var args = c.Arguments;
        switch (c.Function)
        {
            case "len" when args.Length == 1: return new($"length({Expr(args[0]).Text})");
            case "isnull" when args.Length == 1: return new($"{P(Expr(args[0]), 41)} == null", 40);
            case "isnotnull" when args.Length == 1: return new($"{P(Expr(args[0]), 41)} != null", 40);
            case "cidrmatch" when args.Length == 2 && args[0] is Literal { Kind: LiteralKind.String } cidr:
                return new($"cidrMatch({Expr(args[1]).Text}, {ElasticCommon.Quote(cidr.Text)})");
            case "tonumber" when args.Length == 1: return new($"number({Expr(args[0]).Text})");
            case "tostring" when args.Length == 1: return new($"string({Expr(args[0]).Text})");
            case "like" when args.Length == 2: return Expr(new LikeExpr(args[0], args[1], false) { Span = c.Span });
            case "true" when args.Length == 0: return new("true");
            case "false" when args.Length == 0: return new("false");
            case "null" when args.Length == 0: return new("null");
            default:
                Error(c.Span, $"The function '{c.Function}' has no EQL equivalent (EQL's functions are few: length, number, string, substring, cidrMatch ...).");
                return new("null");
        }
    }
}
