using System.Collections.Immutable;
using CultureInfo = System.Globalization.CultureInfo;
using NumberStyles = System.Globalization.NumberStyles;
using System.Runtime.CompilerServices;
using ExfilQuery.Diagnostics;
using ExfilQuery.Syntax;
using ExfilQuery.Text;

namespace ExfilQuery.Ir;

/// <summary>The result of lowering: the detection (always present) and the diagnostics (spans in the text the
/// user wrote).</summary>
public sealed record LoweringResult(Detection Detection, ImmutableArray<Diagnostic> Diagnostics)
{
    /// <summary>True when no diagnostic is an error.</summary>
    public bool Ok => !Diagnostics.Any(d => d.IsError);
}

/// <summary>Lowers a parsed search to the target-free detection IR. The search clause's meaning (case-insensitive
/// values, <c>*</c> wildcards, <c>NOT f=v</c> versus <c>f!=v</c>, CIDR values) becomes explicit predicate kinds;
/// where/eval expressions keep their case-sensitive, wildcard-free meaning. Commands the IR does not model become
/// <see cref="UnsupportedStage"/>, which every backend reports with its span.</summary>
public static partial class Lowering
{
    /// <summary>Lowers a parse result. Parse errors are not repeated; the detection holds what could be read.</summary>
    public static LoweringResult Lower(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var lowerer = new Lowerer(parse);
        Detection detection;
        try
        {
            detection = lowerer.LowerPipeline(parse.Pipeline);
        }
        catch (InsufficientExecutionStackException)
        {
            lowerer.Diagnostics.Add(DiagnosticFacts.NestingTooDeep(new TextSpan(0, 0), 0));
            detection = new Detection(new EmptySource(), []);
        }
        return new LoweringResult(detection, lowerer.Diagnostics.OrderBy(d => d.Span.Start).ThenBy(d => d.Code, StringComparer.Ordinal).ToImmutableArray());
    }

    /// <param name="parse">The search being lowered.</param>
    /// <param name="spanMap">Maps a syntax span to the text the user wrote, when that is not <paramref name="parse"/>'s
    /// own map (a substituted foreach template).</param>
    private sealed partial class Lowerer(ParseResult parse, Func<TextSpan, TextSpan>? spanMap = null)
    {
        public List<Diagnostic> Diagnostics { get; } = [];

        private TextSpan Map(SyntaxNode node) => spanMap is null ? parse.MapToOriginal(node.Span) : spanMap(node.Span);

        public Detection LowerPipeline(Pipeline pipeline)
        {
            RuntimeHelpers.EnsureSufficientExecutionStack();
            DataSource source = new EventsSource { Span = Map(pipeline) with { Length = 0 } };
            var stages = ImmutableArray.CreateBuilder<Stage>();
            for (var i = 0; i < pipeline.Commands.Length; i++)
            {
                var command = pipeline.Commands[i];
                if (i == 0 && LowerGenerating(command, stages) is { } generated)
                {
                    source = generated;
                    continue;
                }
                var stage = LowerCommand(command, first: i == 0);
                if (stage is not null) stages.Add(stage with { Span = Map(command) });
            }
            return new Detection(source, stages.ToImmutable()) { Span = Map(pipeline) };
        }

        /// <summary>tstats and inputlookup at the start of a pipeline generate the rows.</summary>
        private DataSource? LowerGenerating(Command command, ImmutableArray<Stage>.Builder stages)
        {
            switch (command)
            {
                case TstatsCommand t when t.Options.Concat(t.ClauseOptions).Any(o => o.Name.ToLowerInvariant() is "prestats" or "append" && OptionText(o).ToLowerInvariant() is "true" or "t" or "1"):
                    // prestats=true emits partial results for a later stats/chart to finish: another row shape.
                    stages.Add(new UnsupportedStage("tstats", "tstats prestats=true/append=true produces intermediate results the IR does not model.") { Span = Map(t) });
                    return new EmptySource { Span = Map(t) };
                case TstatsCommand t:
                {
                    var source = LowerTstatsSource(t);
                    if (t.Where is not null) stages.Add(new FilterStage(LowerSearch(t.Where)) { Span = Map(t.Where) });
                    var span = t.ClauseOptions.Concat(t.Options).FirstOrDefault(o => o.Name.Equals("span", StringComparison.OrdinalIgnoreCase));
                    var fill = t.Options.Concat(t.ClauseOptions).FirstOrDefault(o => o.Name.Equals("fillnull_value", StringComparison.OrdinalIgnoreCase));
                    stages.Add(new AggregateStage(AggregateMode.Group, LowerAggregations(t.Aggregations, "tstats"), t.By.Select(b => b.Name).Distinct(StringComparer.Ordinal).ToImmutableArray(), span is null ? null : OptionText(span), "tstats") { Span = Map(t), FillNullValue = fill is null ? null : OptionText(fill) });
                    return source;
                }
                case InputlookupCommand l:
                    if (l.Where is not null) stages.Add(new FilterStage(LowerSearch(l.Where)) { Span = Map(l.Where) });
                    return new LookupTableSource(l.Table.Value) { Span = Map(l) };
                default:
                    return null;
            }
        }

        private DataSource LowerTstatsSource(TstatsCommand t)
        {
            var summariesOnly = t.Options.FirstOrDefault(o => o.Name.Equals("summariesonly", StringComparison.OrdinalIgnoreCase)) is { } so
                && OptionText(so) is "true" or "t" or "1";
            string? datamodel = null;
            if (t.From?.Option is { } o && o.Name.Equals("datamodel", StringComparison.OrdinalIgnoreCase)) datamodel = OptionText(o);
            else if (t.From is { Option: null, Words.Length: 2 } f && f.Words[0].Value.Equals("datamodel", StringComparison.OrdinalIgnoreCase)) datamodel = f.Words[1].Value;
            else if (t.From is not null)
            {
                Diagnostics.Add(DiagnosticFacts.InvalidArgumentValue(Map(t.From), "tstats", "expected 'from datamodel=Model.Dataset'."));
                return new EmptySource { Span = Map(t) };
            }
            if (datamodel is null) return new EventsSource { Span = Map(t) };
            if (datamodel.Length == 0)
            {
                Diagnostics.Add(DiagnosticFacts.InvalidArgumentValue(Map(t.From!), "tstats", "the data model name is empty."));
                return new EmptySource { Span = Map(t) };
            }
            var dot = datamodel.IndexOf('.');
            return dot < 0
                ? new DataModelSource(datamodel, null, summariesOnly) { Span = Map(t.From!) }
                : new DataModelSource(datamodel[..dot], datamodel[(dot + 1)..], summariesOnly) { Span = Map(t.From!) };
        }

        private Stage? LowerCommand(Command command, bool first)
        {
            switch (command)
            {
                case SearchCommand s:
                    return new FilterStage(s.Expression is null ? new TruePredicate { Span = Map(s) } : LowerSearch(s.Expression));
                case WhereCommand w:
                    return new FilterStage(new ExpressionPredicate(LowerExpr(w.Condition)) { Span = Map(w.Condition) });
                case EvalCommand e:
                    return new EvalStage(e.Assignments.Select(a => new Assignment(a.Target.Name, LowerExpr(a.Value)) { Span = Map(a) }).ToImmutableArray());
                case StatsCommand s:
                {
                    var mode = s.Kind switch
                    {
                        StatsKind.EventStats => AggregateMode.Window,
                        StatsKind.StreamStats => AggregateMode.Running,
                        _ => AggregateMode.Group,
                    };
                    if (s.Kind is StatsKind.Chart or StatsKind.Timechart) return LowerChart(s);
                    if (s.Where is not null)
                    {
                        Diagnostics.Add(DiagnosticFacts.InvalidArgumentValue(Map(s.Where), s.Name, "a where clause after the by fields belongs to chart and timechart."));
                        return new UnsupportedStage(s.Name, "where clause");
                    }
                    // streamstats options (window, current, global, time_window, reset_*) change which events each
                    // running value covers; the IR models only the defaults, so they are refused, never dropped.
                    if (s.Kind == StatsKind.StreamStats && s.Options.Concat(s.ClauseOptions).FirstOrDefault() is { } option)
                        return new UnsupportedStage(s.Name, $"streamstats option '{option.Name}' changes which events each running value covers; the IR models only the defaults.");
                    // stats/eventstats options (Search Reference, "stats": partitions, allnum, delim, dedup_splitvals; span):
                    // partitions only spreads the work; the others change values, so only what the IR computes
                    // (allnum=false, delim=" ", multivalue by values de-duplicated) is accepted, the rest refused.
                    // A field named twice in by groups as once (same groups, one column).
                    var by = s.By.Select(b => b.Name).Distinct(StringComparer.Ordinal).ToImmutableArray();
                    string? timeSpan = null;
                    foreach (var o in s.Options.Concat(s.ClauseOptions))
                    {
                        var value = OptionText(o);
                        var accepted = o.Name.ToLowerInvariant() switch
                        {
                            "partitions" => true,
                            // span= buckets _time in the by fields of stats, as tstats' does (SPL2's stats documents it).
                            "span" when mode == AggregateMode.Group && by.Contains("_time") && timeSpan is null => (timeSpan = value) is not null,
                            "allnum" => SplBool(value) == false,
                            "delim" => value == " ",
                            "dedup_splitvals" => SplBool(value) == true,
                            _ => false,
                        };
                        if (!accepted)
                            return new UnsupportedStage(s.Name, $"the option {o.Name}={value} is not modelled (the evaluator computes allnum=false, delim=\" \" and groups by each distinct value of a multivalue by field).");
                    }
                    return new AggregateStage(mode, LowerAggregations(s.Aggregations, s.Name), by, timeSpan, s.Name);
                }
                case TstatsCommand t:
                    return new UnsupportedStage("tstats", first ? "tstats here is not the start of the search." : "tstats after the first command (prestats/append forms) is not modelled.");
                case RenameCommand r:
                    return new RenameStage(r.Pairs.Select(p => (p.From.Name, p.To.Name)).ToImmutableArray());
                // A field named twice is one column, at its first place.
                case TableCommand t:
                    return new ProjectStage(t.Fields.Select(f => f.Name).Distinct(StringComparer.Ordinal).ToImmutableArray(), ProjectMode.Table);
                case FieldsCommand f:
                    return new ProjectStage(f.Fields.Select(x => x.Name).Distinct(StringComparer.Ordinal).ToImmutableArray(), f.Remove ? ProjectMode.Remove : ProjectMode.Keep);
                case DedupCommand d:
                    return new DedupStage(
                        d.Fields.Select(f => f.Name).ToImmutableArray(),
                        d.Count ?? 1,
                        BoolOption(d.Options, "keepempty"),
                        BoolOption(d.Options, "consecutive"),
                        d.SortBy.Select(LowerSortKey).ToImmutableArray());
                case SortCommand s:
                {
                    int? limit = s.Count;
                    if (s.Options.FirstOrDefault(o => o.Name.Equals("limit", StringComparison.OrdinalIgnoreCase)) is { } lo)
                        limit = IntOption(lo, "sort");
                    var keys = s.Keys.Select(LowerSortKey).ToImmutableArray();
                    if (s.Reverse) keys = keys.Select(k => k with { Descending = !k.Descending }).ToImmutableArray();
                    return new SortStage(keys, limit);
                }
                case HeadCommand h:
                {
                    var count = h.Count ?? (h.Options.FirstOrDefault(o => o.Name.Equals("limit", StringComparison.OrdinalIgnoreCase)) is { } lo ? IntOption(lo, h.Name) : null) ?? 10;
                    return new LimitStage(count, h.Tail);
                }
                case BinCommand b:
                {
                    var span = b.Options.FirstOrDefault(o => o.Name.Equals("span", StringComparison.OrdinalIgnoreCase));
                    var bins = b.Options.FirstOrDefault(o => o.Name.Equals("bins", StringComparison.OrdinalIgnoreCase));
                    return new BinStage(b.Field.Name, span is null ? null : OptionText(span), bins is null ? null : IntOption(bins, b.Name), b.Alias?.Name ?? b.Field.Name);
                }
                case FillnullCommand f:
                {
                    var value = f.Options.FirstOrDefault(o => o.Name.Equals("value", StringComparison.OrdinalIgnoreCase));
                    return new FillNullStage(value is null ? "0" : OptionText(value), f.Fields.Select(x => x.Name).ToImmutableArray());
                }
                case RexCommand r:
                {
                    var field = r.Options.FirstOrDefault(o => o.Name.Equals("field", StringComparison.OrdinalIgnoreCase));
                    var maxMatch = r.Options.FirstOrDefault(o => o.Name.Equals("max_match", StringComparison.OrdinalIgnoreCase));
                    var mode = r.Options.FirstOrDefault(o => o.Name.Equals("mode", StringComparison.OrdinalIgnoreCase));
                    return new ExtractStage(field is null ? "_raw" : OptionText(field), r.Pattern.Value, maxMatch is null ? 1 : IntOption(maxMatch, "rex") ?? 1,
                        mode is not null && OptionText(mode).Equals("sed", StringComparison.OrdinalIgnoreCase));
                }
                case RegexCommand r:
                    return new RegexFilterStage(r.Field?.Name ?? "_raw", r.Pattern.Value, r.Negated);
                case LookupCommand l:
                    return new LookupStage(
                        l.Table.Value,
                        l.Inputs.Select(i => (i.Field.Name, i.Alias?.Name ?? i.Field.Name)).ToImmutableArray(),
                        l.Outputs.Select(o => (o.Field.Name, o.Alias?.Name ?? o.Field.Name)).ToImmutableArray(),
                        l.OutputMode == LookupOutputMode.OutputNew);
                case JoinCommand j when j.Options.Any(o => o.Name.Equals("overwrite", StringComparison.OrdinalIgnoreCase) || o.Name.Equals("usetime", StringComparison.OrdinalIgnoreCase)):
                    return new UnsupportedStage("join", "join with overwrite= or usetime= is not modelled in the detection IR yet.");
                case JoinCommand j:
                {
                    var type = j.Options.FirstOrDefault(o => o.Name.Equals("type", StringComparison.OrdinalIgnoreCase)) is { } t ? OptionText(t).ToLowerInvariant() : "inner";
                    var max = j.Options.FirstOrDefault(o => o.Name.Equals("max", StringComparison.OrdinalIgnoreCase)) is { } m ? IntOption(m, "join") ?? 1 : 1;
                    return new JoinStage(type, j.Fields.Select(f => f.Name).ToImmutableArray(), LowerPipeline(j.Subsearch.Pipeline), max);
                }
                case AppendCommand a:
                    return new AppendStage(LowerPipeline(a.Subsearch.Pipeline), a.Pipe);
                case MvexpandCommand m:
                    return new ExpandStage(m.Field.Name, m.Options.FirstOrDefault(o => o.Name.Equals("limit", StringComparison.OrdinalIgnoreCase)) is { } lim ? IntOption(lim, "mvexpand") : null);
                case MakemvCommand m:
                {
                    // makemv [delim=<string> | tokenizer=<string>] [allowempty=<bool>] [setsv=<bool>] <field> (Splunk
                    // Search Reference, "makemv"). setsv also sets a single value beside the multivalue one, which the
                    // IR does not model, so it is refused, as is any unknown option.
                    if (m.Options.FirstOrDefault(o => o.Name.ToLowerInvariant() is not ("delim" or "tokenizer" or "allowempty")) is { } other)
                        return new UnsupportedStage("makemv", $"the option '{other.Name}' is not modelled.");
                    var delim = m.Options.FirstOrDefault(o => o.Name.Equals("delim", StringComparison.OrdinalIgnoreCase));
                    var tokenizer = m.Options.FirstOrDefault(o => o.Name.Equals("tokenizer", StringComparison.OrdinalIgnoreCase));
                    if (delim is not null && tokenizer is not null)
                        return new UnsupportedStage("makemv", "delim and tokenizer are alternatives; give one.");
                    return new MakeMultivalueStage(m.Field.Name, delim is null ? (tokenizer is null ? " " : null) : OptionText(delim), tokenizer is null ? null : OptionText(tokenizer))
                    {
                        AllowEmpty = BoolOption(m.Options, "allowempty"),
                    };
                }
                case ConvertCommand c:
                {
                    var format = c.Options.FirstOrDefault(o => o.Name.Equals("timeformat", StringComparison.OrdinalIgnoreCase));
                    return new ConvertStage(
                        c.Items.Select(i => (i.Function.ToLowerInvariant(), i.Field.Name, i.Alias?.Name ?? i.Field.Name)).ToImmutableArray(),
                        format is null ? null : OptionText(format));
                }
                case SpathCommand s:
                {
                    string? Opt(string name) => s.Options.FirstOrDefault(o => o.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } o ? OptionText(o) : null;
                    var path = Opt("path") ?? s.Path?.Value;
                    if (path is null && Opt("output") is not null)
                    {
                        Diagnostics.Add(DiagnosticFacts.InvalidArgumentValue(Map(s), "spath", "output= needs a path: without one spath extracts every field under its own name."));
                        return new UnsupportedStage("spath", "output= without a path");
                    }
                    return new SpathStage(Opt("input") ?? "_raw", path ?? "", Opt("output") ?? path ?? "");
                }
                case MapCommand or TopCommand or TransactionCommand or IplocationCommand or XmlkvCommand:
                case GenericCommand { CommandName: var name } when name.Equals("outlier", StringComparison.OrdinalIgnoreCase) || name.Equals("foreach", StringComparison.OrdinalIgnoreCase):
                    return LowerMoreCommand(command);
                case GenericCommand g when g.CommandName.ToLowerInvariant() is "fromjson" or "replace" or "addtotals":
                    return LowerTokenCommand(g);
                case MacroCommand m:
                    Diagnostics.Add(DiagnosticFacts.CannotLower(Map(m), $"The undefined macro {m.Text} has no known meaning."));
                    return new UnsupportedStage(m.Text, "undefined macro");
                default:
                    return new UnsupportedStage(command.Name, $"'{command.Name}' is not modelled in the detection IR yet.");
            }
        }

        private ImmutableArray<Ir.Aggregation> LowerAggregations(ImmutableArray<Syntax.Aggregation> aggregations, string command) =>
            aggregations.Select(a =>
            {
                Expr? argument = a.Eval is not null ? LowerExpr(a.Eval) : a.Field is not null ? new FieldRef(a.Field.Name) { Span = Map(a.Field) } : null;
                // Only count (c) counts rows; every other function aggregates a field or an eval expression.
                if (argument is null && a.Function.ToLowerInvariant() is not ("count" or "c"))
                    Diagnostics.Add(DiagnosticFacts.InvalidArgumentValue(Map(a), command, $"'{a.Function}' needs a field or eval(...) to aggregate; only count counts rows."));
                // Splunk names an unaliased aggregation as written: count, dc(user), values(Processes.process).
                var name = a.Alias?.Name ?? (a.HasParentheses ? $"{a.Function}({(a.Eval is not null ? "eval(" + SyntaxPrinter.Print(a.Eval) + ")" : a.Field?.Name)})" : a.Function);
                return new Ir.Aggregation(a.Function.ToLowerInvariant(), argument, name) { Span = Map(a) };
            }).ToImmutableArray();

        private SortKeySpec LowerSortKey(SortKey k) => new(k.Field.Name, k.Descending, k.Conversion) { Span = Map(k) };

        private static string OptionText(CommandOption option) => option.Value switch
        {
            WordOptionValue w => w.Value.Value,
            EvalOptionValue e => "eval(" + SyntaxPrinter.Print(e.Expression) + ")",
            SearchOptionValue s => "(" + SyntaxPrinter.Print(s.Expression) + ")",
            _ => "",
        };

        private static bool BoolOption(ImmutableArray<CommandOption> options, string name) =>
            options.FirstOrDefault(o => o.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } o
            && OptionText(o).ToLowerInvariant() is "true" or "t" or "1";

        private int? IntOption(CommandOption option, string command)
        {
            if (int.TryParse(OptionText(option), NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n;
            Diagnostics.Add(DiagnosticFacts.InvalidArgumentValue(Map(option), command, $"'{option.Name}' must be a whole number."));
            return null;
        }

        // ------------------------------------------------------------------ search clause

        public Predicate LowerSearch(SearchExpression expression)
        {
            RuntimeHelpers.EnsureSufficientExecutionStack();
            var span = Map(expression);
            Predicate result = expression switch
            {
                SearchAnd a => new AndPredicate(a.Operands.Select(LowerSearch).ToImmutableArray()),
                SearchOr o => new OrPredicate(o.Operands.Select(LowerSearch).ToImmutableArray()),
                SearchNot n => new NotPredicate(LowerSearch(n.Operand)),
                SearchGroup g => LowerSearch(g.Inner),
                SearchComparison c => LowerComparison(c),
                SearchIn i => new OrPredicate(i.Values.Select(v => FieldEquals(i.Field.Value, v, Map(v))).ToImmutableArray()),
                SearchTerm t => ValuePattern.FromSearchValue(t.Value.Raw) is { IsMatchAll: true } ? new TruePredicate() : new RawTermPredicate(ValuePattern.FromSearchValue(t.Value.Raw), false, false),
                SearchTermFunction f => new RawTermPredicate(ValuePattern.FromSearchValue(f.Value.Raw), f.Kind == TermFunctionKind.Case, f.Kind == TermFunctionKind.Term),
                SearchTimeModifier t when t.Modifier.StartsWith("_index", StringComparison.OrdinalIgnoreCase) => Unsupported(t, "index-time bounds are not modelled."),
                SearchTimeModifier t => TimeBound(t),
                SearchSubsearch s => new SubsearchPredicate(LowerPipeline(s.Subsearch.Pipeline)),
                SearchMacro m => Unsupported(m, $"The undefined macro {m.Text} has no known meaning."),
                _ => Unsupported(expression, $"'{expression.GetType().Name}' is not modelled."),
            };
            return result with { Span = span };
        }

        private TimeBoundPredicate TimeBound(SearchTimeModifier t)
        {
            _timeBounded = true;
            return new TimeBoundPredicate(t.Modifier.Equals("earliest", StringComparison.OrdinalIgnoreCase), t.Value.Value);
        }

        private Predicate Unsupported(SyntaxNode node, string detail)
        {
            Diagnostics.Add(DiagnosticFacts.CannotLower(Map(node), detail));
            return new TruePredicate();
        }

        private Predicate LowerComparison(SearchComparison c)
        {
            var field = c.Field.Value;
            switch (c.Operator)
            {
                case ComparisonOperator.Equal or ComparisonOperator.EqualEqual:
                    return FieldEquals(field, c.Value, Map(c));
                case ComparisonOperator.NotEqual:
                    return new FieldNotMatchPredicate(field, ValuePattern.FromSearchValue(c.Value.Raw), false);
                default:
                {
                    var pattern = ValuePattern.FromSearchValue(c.Value.Raw);
                    var value = double.TryParse(pattern.Literal, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                        ? Literal.Number(pattern.Literal)
                        : Literal.String(pattern.Literal);
                    var op = c.Operator switch
                    {
                        ComparisonOperator.Less => RangeOperator.Less,
                        ComparisonOperator.LessOrEqual => RangeOperator.LessOrEqual,
                        ComparisonOperator.Greater => RangeOperator.Greater,
                        _ => RangeOperator.GreaterOrEqual,
                    };
                    return new FieldCompareRangePredicate(field, op, value with { Span = Map(c.Value) });
                }
            }
        }

        private static Predicate FieldEquals(string field, SplValue value, TextSpan span)
        {
            var pattern = ValuePattern.FromSearchValue(value.Raw);
            if (pattern.IsMatchAll) return new FieldExistsPredicate(field) { Span = span };
            if (!pattern.HasWildcard && IsIpv4Cidr(pattern.Literal)) return new CidrPredicate(field, pattern.Literal) { Span = span };
            return new FieldMatchPredicate(field, pattern, false) { Span = span };
        }

        /// <summary>Splunk's search matches IPv4 CIDR values as ranges: <c>src=10.0.0.0/8</c>.</summary>
        internal static bool IsIpv4Cidr(string value)
        {
            var slash = value.IndexOf('/');
            if (slash < 0) return false;
            if (!int.TryParse(value.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var bits) || bits > 32) return false;
            var parts = value[..slash].Split('.');
            return parts.Length == 4 && parts.All(p => p.Length is > 0 and <= 3 && int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var b) && b <= 255);
        }

        // ------------------------------------------------------------------ eval expressions

        public Expr LowerExpr(Expression expression)
        {
            RuntimeHelpers.EnsureSufficientExecutionStack();
            var span = Map(expression);
            Expr result = expression switch
            {
                ParenthesizedExpression p => LowerExpr(p.Inner),
                BinaryExpression b => new BinaryExpr(b.Operator switch
                {
                    Syntax.BinaryOperator.Multiply => BinaryOp.Multiply,
                    Syntax.BinaryOperator.Divide => BinaryOp.Divide,
                    Syntax.BinaryOperator.Modulo => BinaryOp.Modulo,
                    Syntax.BinaryOperator.Add => BinaryOp.Add,
                    Syntax.BinaryOperator.Subtract => BinaryOp.Subtract,
                    Syntax.BinaryOperator.Concat => BinaryOp.Concat,
                    Syntax.BinaryOperator.Less => BinaryOp.Less,
                    Syntax.BinaryOperator.LessOrEqual => BinaryOp.LessOrEqual,
                    Syntax.BinaryOperator.Greater => BinaryOp.Greater,
                    Syntax.BinaryOperator.GreaterOrEqual => BinaryOp.GreaterOrEqual,
                    Syntax.BinaryOperator.Equal or Syntax.BinaryOperator.EqualEqual => BinaryOp.Equal,
                    Syntax.BinaryOperator.NotEqual => BinaryOp.NotEqual,
                    Syntax.BinaryOperator.And => BinaryOp.And,
                    Syntax.BinaryOperator.Or => BinaryOp.Or,
                    _ => BinaryOp.Xor,
                }, LowerExpr(b.Left), LowerExpr(b.Right)),
                UnaryExpression { Operator: UnaryOperator.Plus } u => LowerExpr(u.Operand),
                // -3 is a number, not an operation on one (mvindex(x, -1) needs a literal index).
                UnaryExpression { Operator: UnaryOperator.Negate, Operand: NumberLiteral n } => Literal.Number("-" + n.Text),
                UnaryExpression u => new UnaryExpr(u.Operator == UnaryOperator.Not ? UnaryOp.Not : UnaryOp.Negate, LowerExpr(u.Operand)),
                LikeExpression l => new LikeExpr(LowerExpr(l.Value), LowerExpr(l.Pattern), l.Negated),
                InExpression i => new InExpr(LowerExpr(i.Value), i.Items.Select(LowerExpr).ToImmutableArray(), i.Negated),
                CallExpression c => new CallExpr(c.Name.ToLowerInvariant(), c.Arguments.Select(LowerExpr).ToImmutableArray()),
                FieldExpression f => new FieldRef(f.Field.Name),
                StringLiteral s => Literal.String(s.Value),
                NumberLiteral n => Literal.Number(n.Text),
                MacroExpression m => UnsupportedExpr(m),
                _ => UnsupportedExpr(expression),
            };
            return result with { Span = span };
        }

        private Literal UnsupportedExpr(SyntaxNode node)
        {
            Diagnostics.Add(DiagnosticFacts.CannotLower(Map(node), $"'{SyntaxPrinter.Print((Expression)node)}' has no known meaning."));
            return new Literal(LiteralKind.Null, "null");
        }
    }
}
