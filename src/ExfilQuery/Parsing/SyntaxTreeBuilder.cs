using System.Collections.Immutable;
using CultureInfo = System.Globalization.CultureInfo;
using NumberStyles = System.Globalization.NumberStyles;
using System.Runtime.CompilerServices;
using Antlr4.Runtime;
using Antlr4.Runtime.Tree;
using ExfilQuery.Diagnostics;
using ExfilQuery.Parsing.Generated;
using ExfilQuery.Syntax;
using ExfilQuery.Text;
using P = ExfilQuery.Parsing.Generated.SplParser;

namespace ExfilQuery.Parsing;

/// <summary>Turns the ANTLR parse tree into the immutable syntax tree, checking what the grammar leaves open
/// (a command's argument order, numbers, required pieces). A command that cannot be built because the parser
/// already reported an error in it becomes a <see cref="GenericCommand"/> holding its tokens.</summary>
internal sealed class SyntaxTreeBuilder
{
    private readonly List<Diagnostic> _diagnostics;

    public SyntaxTreeBuilder(List<Diagnostic> diagnostics) => _diagnostics = diagnostics;

    /// <summary>Deepest expression tree the builder accepts. A fixed count (not the remaining stack) keeps the
    /// result the same on every thread: a chain of 20,000 `+` is deep as a tree although nothing nests.</summary>
    public const int MaxExpressionDepth = 1000;

    private int _expressionDepth;

    /// <summary>Thrown when an expression is deeper than <see cref="MaxExpressionDepth"/>.</summary>
    internal sealed class TooDeepException(TextSpan span) : Exception
    {
        public TextSpan Span { get; } = span;
    }

    /// <summary>Thrown when a parse-tree piece the grammar requires is missing because error recovery dropped it.</summary>
    private sealed class MissingPieceException : Exception
    {
    }

    public Pipeline BuildQuery(P.QueryContext ctx) => BuildPipeline(ctx.pipeline() ?? throw new MissingPieceException());

    // ------------------------------------------------------------------ pipeline

    private Pipeline BuildPipeline(P.PipelineContext ctx)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        var commands = ImmutableArray.CreateBuilder<Command>();
        if (ctx.children is null) return new Pipeline(commands.ToImmutable()) { Span = SpanOf(ctx) };
        foreach (var child in ctx.children)
        {
            switch (child)
            {
                case P.HeadSearchContext head:
                    commands.Add(Guard(head, () => BuildHeadSearch(head)));
                    break;
                case P.CommandContext command:
                    commands.Add(Guard(command, () => BuildCommand(command)));
                    break;
            }
        }
        return new Pipeline(commands.ToImmutable()) { Span = SpanOf(ctx) };
    }

    private Command Guard(ParserRuleContext ctx, Func<Command> build)
    {
        try
        {
            return build();
        }
        catch (MissingPieceException)
        {
            // The parser reported the error already; keep the command's tokens so the tree is complete.
            var args = ImmutableArray.CreateBuilder<GenericArgument>();
            for (var i = 1; i < ctx.ChildCount; i++) CollectTokens(ctx.GetChild(i), args);
            var name = ctx.Start?.Text ?? "?";
            return new GenericCommand(name, args.ToImmutable()) { Span = SpanOf(ctx) };
        }
    }

    private static void CollectTokens(IParseTree tree, ImmutableArray<GenericArgument>.Builder args)
    {
        if (tree is ITerminalNode t)
        {
            if (t.Symbol.Type != TokenConstants.EOF && t.Symbol.TokenIndex >= 0)
                args.Add(new TokenArgument(t.Symbol.Text) { Span = SpanOf(t.Symbol) });
            return;
        }
        for (var i = 0; i < tree.ChildCount; i++) CollectTokens(tree.GetChild(i), args);
    }

    private SearchCommand BuildHeadSearch(P.HeadSearchContext ctx)
    {
        var expr = ctx.searchExpr() is { } e ? BuildSearchExpr(e) : null;
        return new SearchCommand(expr, ctx.SEARCH() is not null) { Span = SpanOf(ctx) };
    }

    private Subsearch BuildSubsearch(P.SubsearchContext ctx)
    {
        if (ctx.RBRACK() is null) throw new MissingPieceException();
        if (ctx.pipeline() is { } pipeline) return new Subsearch(BuildPipeline(pipeline)) { Span = SpanOf(ctx) };

        // `[search ...]`, and `[eval ...]` / `[where ...]` (foreach templates): the first command is written
        // without a pipe and read as part of the opening token.
        var commands = ImmutableArray.CreateBuilder<Command>();
        Command first;
        if (ctx.LBRACK_SEARCH() is not null)
            first = new SearchCommand(ctx.searchExpr() is { } e ? BuildSearchExpr(e) : null, true);
        else if (ctx.LBRACK_EVAL() is not null)
            first = new EvalCommand(ctx.evalAssignment().Select(BuildEvalAssignment).ToImmutableArray());
        else
            first = new WhereCommand(BuildExpr(Req(ctx.expr())));
        var firstEnd = ctx.command().Length > 0 ? ctx.command(0).Start.StartIndex : ctx.RBRACK().Symbol.StartIndex;
        var firstStart = ctx.Start.StartIndex + 1;
        commands.Add(first with { Span = TextSpan.FromBounds(firstStart, firstEnd) });
        foreach (var command in ctx.command()) commands.Add(Guard(command, () => BuildCommand(command)));
        var inner = TextSpan.FromBounds(firstStart, ctx.RBRACK().Symbol.StartIndex);
        return new Subsearch(new Pipeline(commands.ToImmutable()) { Span = inner }) { Span = SpanOf(ctx) };
    }

    // ------------------------------------------------------------------ commands

    private Command BuildCommand(P.CommandContext ctx)
    {
        var span = SpanOf(ctx);
        Command command = ctx switch
        {
            P.SearchCommandContext c => new SearchCommand(c.searchExpr() is { } e ? BuildSearchExpr(e) : null, true),
            P.WhereCommandContext c => new WhereCommand(BuildExpr(Req(c.expr()))),
            P.EvalCommandContext c => new EvalCommand(c.evalAssignment().Select(BuildEvalAssignment).ToImmutableArray()),
            P.StatsCommandContext c => BuildStats(c),
            P.TstatsCommandContext c => BuildTstats(c),
            P.RexCommandContext c => BuildRex(c),
            P.RegexCommandContext c => new RegexCommand(
                c.fieldName() is { } f ? BuildFieldName(f) : null,
                c.op?.Type == P.NEQ,
                Value(Req(c.STRING()).Symbol)),
            P.RenameCommandContext c => new RenameCommand(c.renamePair().Select(p => new RenamePair(
                BuildFieldName(Req(p.from)), BuildFieldName(Req(p.to))) { Span = SpanOf(p) }).ToImmutableArray()),
            P.TableCommandContext c => new TableCommand(FieldList(c.fieldList())),
            P.FieldsCommandContext c => BuildFields(c),
            P.DedupCommandContext c => BuildDedup(c),
            P.SortCommandContext c => BuildSort(c),
            P.HeadTailCommandContext c => BuildHeadTail(c),
            P.BinCommandContext c => new BinCommand(
                c.verb?.Type == P.BUCKET,
                c.option().Select(BuildOption).ToImmutableArray(),
                BuildFieldName(Req(c.fieldName(0))),
                c.fieldName(1) is { } alias ? BuildFieldName(alias) : null),
            P.FillnullCommandContext c => new FillnullCommand(c.option().Select(BuildOption).ToImmutableArray(), FieldList(c.fieldList())),
            P.LookupCommandContext c => BuildLookup(c),
            P.InputlookupCommandContext c => new InputlookupCommand(
                c.option().Select(BuildOption).ToImmutableArray(),
                WordValue(Req(c.tableName)),
                c.searchExpr() is { } w ? BuildSearchExpr(w) : null),
            P.JoinCommandContext c => new JoinCommand(
                c.option().Select(BuildOption).ToImmutableArray(),
                FieldList(c.fieldList()),
                BuildSubsearch(Req(c.subsearch()))),
            P.AppendCommandContext c => new AppendCommand(
                c.verb?.Type == P.APPENDPIPE,
                c.option().Select(BuildOption).ToImmutableArray(),
                BuildSubsearch(Req(c.subsearch()))),
            P.MapCommandContext c => new MapCommand(
                c.option().Select(BuildOption).ToImmutableArray(),
                c.subsearch() is { } s ? BuildSubsearch(s) : null),
            P.MvexpandCommandContext c => new MvexpandCommand(BuildFieldName(Req(c.fieldName())), c.option().Select(BuildOption).ToImmutableArray()),
            P.MakemvCommandContext c => new MakemvCommand(c.option().Select(BuildOption).ToImmutableArray(), BuildFieldName(Req(c.fieldName()))),
            P.SpathCommandContext c => BuildSpath(c),
            P.XmlkvCommandContext c => BuildXmlkv(c),
            P.IplocationCommandContext c => new IplocationCommand(c.option().Select(BuildOption).ToImmutableArray(), BuildFieldName(Req(c.fieldName()))),
            P.TransactionCommandContext c => BuildTransaction(c),
            P.ConvertCommandContext c => new ConvertCommand(
                c.option().Select(BuildOption).ToImmutableArray(),
                c.convertItem().Select(i => new ConvertItem(
                    Req(i.function).GetText(),
                    BuildFieldName(Req(i.fieldName(0))),
                    i.fieldName(1) is { } a ? BuildFieldName(a) : null) { Span = SpanOf(i) }).ToImmutableArray()),
            P.TopCommandContext c => BuildTop(c),
            P.ReturnCommandContext c => BuildReturn(c),
            P.FormatCommandContext c => new FormatCommand(
                c.option().Select(BuildOption).ToImmutableArray(),
                c.STRING().Select(s => Value(s.Symbol)).ToImmutableArray()),
            P.AddinfoCommandContext c => new AddinfoCommand(c.option().Select(BuildOption).ToImmutableArray()),
            P.FromCommandContext c => new FromCommand(c.genericArg().Select(BuildGenericArg).ToImmutableArray()),
            P.MacroCommandContext c => new MacroCommand(Req(c.MACRO()).GetText()),
            P.GenericCommandContext c => new GenericCommand(Req(c.CMD_NAME()).GetText(), c.genericArg().Select(BuildGenericArg).ToImmutableArray()),
            _ => throw new MissingPieceException(),
        };
        return command with { Span = span };
    }

    private EvalAssignment BuildEvalAssignment(P.EvalAssignmentContext ctx)
    {
        var target = Req(ctx.target);
        var token = target.Start;
        var field = token.Type switch
        {
            P.QUOTED_FIELD => new FieldName(UnquoteSingle(token.Text), FieldQuoting.Single),
            P.STRING => new FieldName(SyntaxFacts.UnescapeQuoted(Inner(token.Text)), FieldQuoting.Double),
            _ => new FieldName(token.Text, FieldQuoting.None),
        };
        return new EvalAssignment(field with { Span = SpanOf(token) }, BuildExpr(Req(ctx.expr()))) { Span = SpanOf(ctx) };
    }

    private StatsCommand BuildStats(P.StatsCommandContext ctx)
    {
        var kind = ctx.verb?.Type switch
        {
            P.EVENTSTATS => StatsKind.EventStats,
            P.STREAMSTATS => StatsKind.StreamStats,
            P.CHART => StatsKind.Chart,
            P.TIMECHART => StatsKind.Timechart,
            _ => StatsKind.Stats,
        };
        var body = Req(ctx.statsBody());
        var parts = new StatsParts();
        FieldName? over = null;
        SeriesFilter? where = null;
        foreach (var child in body.children ?? [])
        {
            if (AddStatsPart(child, parts)) continue;
            if (child is P.OverClauseContext o) over = BuildFieldName(Req(o.fieldName()));
            if (child is P.SeriesFilterContext w) where = BuildSeriesFilter(w);
        }
        return new StatsCommand(kind, parts.Options.ToImmutable(), parts.Aggregations.ToImmutable(), over, parts.By.ToImmutable(), parts.ClauseOptions.ToImmutable(), where);
    }

    private SeriesFilter BuildSeriesFilter(P.SeriesFilterContext ctx)
    {
        if (ctx.LPAREN() is not null && ctx.RPAREN() is null) throw new MissingPieceException();
        var field = ctx.fieldName() is { } f ? BuildFieldName(f) : null;
        var comparison = ctx.LT() is not null ? "<" : ctx.GT() is not null ? ">" : ctx.IN() is not null ? "in" : ctx.word().Length > 1 ? ctx.word(1).GetText() : "";
        var value = (ctx.rank ?? ctx.threshold) is { } v ? v.GetText() : throw new MissingPieceException();
        return new SeriesFilter(Req(ctx.function).GetText(), field, comparison, value) { Span = SpanOf(ctx) };
    }

    private TstatsCommand BuildTstats(P.TstatsCommandContext ctx)
    {
        var body = Req(ctx.tstatsBody());
        var parts = new StatsParts();
        TstatsSource? from = null;
        SearchExpression? where = null;
        foreach (var child in body.children ?? [])
        {
            if (AddStatsPart(child, parts)) continue;
            switch (child)
            {
                case P.TstatsSourceContext s:
                    from = new TstatsSource(
                        s.option() is { } so ? BuildOption(so) : null,
                        s.word().Select(WordValue).ToImmutableArray()) { Span = SpanOf(s) };
                    break;
                case P.SearchExprContext w:
                    where = BuildSearchExpr(w);
                    break;
            }
        }
        return new TstatsCommand(parts.Options.ToImmutable(), parts.Aggregations.ToImmutable(), from, where, parts.By.ToImmutable(), parts.ClauseOptions.ToImmutable());
    }

    /// <summary>What stats and tstats bodies share: the options before the first aggregation, the aggregations, the
    /// by fields, and the options after the first aggregation or in the by clause.</summary>
    private sealed class StatsParts
    {
        public ImmutableArray<CommandOption>.Builder Options { get; } = ImmutableArray.CreateBuilder<CommandOption>();
        public ImmutableArray<CommandOption>.Builder ClauseOptions { get; } = ImmutableArray.CreateBuilder<CommandOption>();
        public ImmutableArray<Aggregation>.Builder Aggregations { get; } = ImmutableArray.CreateBuilder<Aggregation>();
        public ImmutableArray<FieldName>.Builder By { get; } = ImmutableArray.CreateBuilder<FieldName>();
    }

    /// <summary>Adds an option, an aggregation or a by clause of a stats or tstats body; false for any other child.</summary>
    private bool AddStatsPart(IParseTree child, StatsParts parts)
    {
        switch (child)
        {
            case P.OptionContext o:
                (parts.Aggregations.Count == 0 ? parts.Options : parts.ClauseOptions).Add(BuildOption(o));
                return true;
            case P.AggregationContext a:
                parts.Aggregations.Add(BuildAggregation(a));
                return true;
            case P.ByClauseContext b:
                foreach (var item in b.byItem())
                {
                    if (item.option() is { } o) parts.ClauseOptions.Add(BuildOption(o));
                    else parts.By.Add(BuildFieldName(Req(item.fieldName())));
                }
                return true;
            default:
                return false;
        }
    }

    private Aggregation BuildAggregation(P.AggregationContext ctx)
    {
        var function = Req(ctx.function).GetText();
        var hasParens = ctx.LPAREN() is not null;
        if (hasParens && ctx.RPAREN() is null) throw new MissingPieceException();
        FieldName? field = null;
        Expression? eval = null;
        if (ctx.aggregationArgument() is { } arg)
        {
            if (arg.EVAL_LP() is not null) eval = BuildExpr(Req(arg.expr()));
            else field = BuildFieldName(Req(arg.fieldName()));
        }
        var alias = ctx.alias is { } a ? BuildAliasName(a) : null;
        return new Aggregation(function, field, eval, hasParens, alias) { Span = SpanOf(ctx) };
    }

    private FieldName BuildAliasName(P.AliasNameContext ctx)
    {
        var field = BuildFieldName(Req(ctx.fieldName()));
        if (ctx.LPAREN() is null) return field;
        if (ctx.RPAREN() is null) throw new MissingPieceException();
        return field with { Name = field.Name + "(" + (ctx.word()?.GetText() ?? "") + ")", Span = SpanOf(ctx) };
    }

    private RexCommand BuildRex(P.RexCommandContext ctx)
    {
        if (ctx.STRING() is not { } pattern)
        {
            Report(DiagnosticFacts.InvalidCommandArguments(SpanOf(ctx), "rex", "a quoted regular expression is required, e.g. rex field=x \"(?<name>\\d+)\"."));
            throw new MissingPieceException();
        }
        return new RexCommand(ctx.option().Select(BuildOption).ToImmutableArray(), Value(pattern.Symbol));
    }

    private FieldsCommand BuildFields(P.FieldsCommandContext ctx)
    {
        var fields = FieldList(ctx.fieldList());
        var remove = false;
        var plus = false;
        if (fields.Length > 0 && fields[0].Quoting == FieldQuoting.None && (fields[0].Name == "-" || fields[0].Name == "+"))
        {
            remove = fields[0].Name == "-";
            plus = !remove;
            fields = fields.RemoveAt(0);
        }
        return new FieldsCommand(remove, plus, fields);
    }

    private DedupCommand BuildDedup(P.DedupCommandContext ctx)
    {
        int? count = null;
        var fields = ImmutableArray.CreateBuilder<FieldName>();
        var options = ImmutableArray.CreateBuilder<CommandOption>();
        var sortBy = ImmutableArray.CreateBuilder<SortKey>();
        var inSortBy = false;
        var items = ctx.argItem();
        for (var i = 0; i < items.Length; i++)
        {
            var item = items[i];
            if (item.option() is { } o)
            {
                options.Add(BuildOption(o));
            }
            else if (item.word() is { } w && w.GetText().Equals("sortby", StringComparison.OrdinalIgnoreCase) && !inSortBy)
            {
                inSortBy = true;
            }
            else if (inSortBy && (item.word() is not null || item.STRING() is not null))
            {
                // sortby keys may be written as fn(field): `sortby -num(count)`.
                if (item.word() is { } kw && i + 3 < items.Length + 1 && i + 1 < items.Length && items[i + 1].LPAREN() is not null)
                {
                    if (i + 3 >= items.Length || items[i + 3].RPAREN() is null) throw new MissingPieceException();
                    sortBy.Add(MakeSortKey(kw.GetText(), BuildArgField(items[i + 2]), SpanOf(item).Cover(SpanOf(items[i + 3]))));
                    i += 3;
                }
                else
                {
                    var key = BuildArgField(item);
                    sortBy.Add(MakeSortKey(key.Name, null, SpanOf(item), key.Quoting));
                }
            }
            else if (item.COMMA() is not null)
            {
            }
            else if (item.word() is { } num && fields.Count == 0 && count is null && options.Count == 0 && IsInteger(num.GetText(), out var n))
            {
                count = n;
            }
            else if (item.word() is not null || item.STRING() is not null)
            {
                fields.Add(BuildArgField(item));
            }
            else
            {
                Report(DiagnosticFacts.InvalidCommandArguments(SpanOf(item), "dedup", $"unexpected '{item.GetText()}'."));
            }
        }
        if (fields.Count == 0)
            Report(DiagnosticFacts.InvalidCommandArguments(SpanOf(ctx), "dedup", "at least one field is required."));
        return new DedupCommand(count, fields.ToImmutable(), options.ToImmutable(), sortBy.ToImmutable());
    }

    private FieldName BuildArgField(P.ArgItemContext item)
    {
        if (item.STRING() is { } s) return new FieldName(SyntaxFacts.UnescapeQuoted(Inner(s.GetText())), FieldQuoting.Double) { Span = SpanOf(item) };
        if (item.word() is { } w) return new FieldName(w.GetText(), FieldQuoting.None) { Span = SpanOf(item) };
        throw new MissingPieceException();
    }

    private static SortKey MakeSortKey(string written, FieldName? inner, TextSpan span, FieldQuoting quoting = FieldQuoting.None)
    {
        var descending = written.StartsWith('-');
        var plus = written.StartsWith('+');
        var rest = descending || plus ? written[1..] : written;
        if (inner is not null)
            return new SortKey(inner, descending, plus, rest.ToLowerInvariant()) { Span = span };
        return new SortKey(new FieldName(rest, quoting) { Span = span }, descending, plus, null) { Span = span };
    }

    private SortCommand BuildSort(P.SortCommandContext ctx)
    {
        int? count = null;
        var options = ImmutableArray.CreateBuilder<CommandOption>();
        var keys = ImmutableArray.CreateBuilder<SortKey>();
        var reverse = false;
        var items = ctx.sortItem();
        var pendingSign = "";
        var pendingSpan = default(TextSpan);
        for (var i = 0; i < items.Length; i++)
        {
            var item = items[i];
            if (item.option() is { } o)
            {
                options.Add(BuildOption(o));
                continue;
            }
            if (item.COMMA() is not null) continue;
            if (item.LPAREN() is not null)
            {
                if (item.RPAREN() is null) throw new MissingPieceException();
                var fn = pendingSign + Req(item.word()).GetText();
                keys.Add(MakeSortKey(fn, BuildFieldName(Req(item.fieldName())), pendingSign.Length > 0 ? pendingSpan.Cover(SpanOf(item)) : SpanOf(item)));
                pendingSign = "";
                continue;
            }
            var text = item.word()?.GetText();
            if (text is "-" or "+")
            {
                pendingSign = text;
                pendingSpan = SpanOf(item);
                continue;
            }
            if (text is not null && keys.Count == 0 && count is null && pendingSign.Length == 0 && IsInteger(text, out var n))
            {
                count = n;
                continue;
            }
            if (text is not null && i == items.Length - 1 && keys.Count > 0 && pendingSign.Length == 0
                && (text.Equals("d", StringComparison.OrdinalIgnoreCase) || text.Equals("desc", StringComparison.OrdinalIgnoreCase)))
            {
                reverse = true;
                continue;
            }
            var span = pendingSign.Length > 0 ? pendingSpan.Cover(SpanOf(item)) : SpanOf(item);
            if (item.STRING() is { } s)
                keys.Add(MakeSortKey(pendingSign + "x", null, span) with { Field = new FieldName(SyntaxFacts.UnescapeQuoted(Inner(s.GetText())), FieldQuoting.Double) { Span = SpanOf(item) } });
            else
                keys.Add(MakeSortKey(pendingSign + Req(text), null, span));
            pendingSign = "";
        }
        if (pendingSign.Length > 0)
            Report(DiagnosticFacts.InvalidCommandArguments(pendingSpan, "sort", $"'{pendingSign}' must be followed by a field."));
        return new SortCommand(count, options.ToImmutable(), keys.ToImmutable(), reverse);
    }

    private HeadCommand BuildHeadTail(P.HeadTailCommandContext ctx)
    {
        var tail = ctx.verb?.Type == P.TAIL;
        int? count = null;
        var options = ImmutableArray.CreateBuilder<CommandOption>();
        foreach (var item in ctx.argItem())
        {
            if (item.option() is { } o) options.Add(BuildOption(o));
            else if (item.word() is { } w && count is null && IsInteger(w.GetText(), out var n)) count = n;
            else Report(DiagnosticFacts.InvalidCommandArguments(SpanOf(item), tail ? "tail" : "head", $"expected a count or an option, found '{item.GetText()}'."));
        }
        return new HeadCommand(tail, count, options.ToImmutable());
    }

    private LookupCommand BuildLookup(P.LookupCommandContext ctx)
    {
        var inputs = ImmutableArray.CreateBuilder<LookupField>();
        var outputs = ImmutableArray.CreateBuilder<LookupField>();
        var mode = LookupOutputMode.None;
        foreach (var child in ctx.children ?? [])
        {
            if (child is ITerminalNode t && (t.Symbol.Type == P.OUTPUT || t.Symbol.Type == P.OUTPUTNEW))
                mode = t.Symbol.Type == P.OUTPUT ? LookupOutputMode.Output : LookupOutputMode.OutputNew;
            else if (child is P.LookupFieldContext f)
                (mode == LookupOutputMode.None ? inputs : outputs).Add(new LookupField(
                    BuildFieldName(Req(f.fieldName(0))),
                    f.fieldName(1) is { } a ? BuildFieldName(a) : null) { Span = SpanOf(f) });
        }
        return new LookupCommand(ctx.option().Select(BuildOption).ToImmutableArray(), WordValue(Req(ctx.tableName)), inputs.ToImmutable(), mode, outputs.ToImmutable());
    }

    private SpathCommand BuildSpath(P.SpathCommandContext ctx)
    {
        var options = ImmutableArray.CreateBuilder<CommandOption>();
        SplValue? path = null;
        foreach (var item in ctx.argItem())
        {
            if (item.option() is { } o) options.Add(BuildOption(o));
            else if (path is null && (item.word() is not null || item.STRING() is not null)) path = ArgValue(item);
            else Report(DiagnosticFacts.InvalidCommandArguments(SpanOf(item), "spath", $"unexpected '{item.GetText()}'."));
        }
        return new SpathCommand(options.ToImmutable(), path);
    }

    private XmlkvCommand BuildXmlkv(P.XmlkvCommandContext ctx)
    {
        var options = ImmutableArray.CreateBuilder<CommandOption>();
        FieldName? field = null;
        foreach (var item in ctx.argItem())
        {
            if (item.option() is { } o) options.Add(BuildOption(o));
            else if (field is null && (item.word() is not null || item.STRING() is not null)) field = BuildArgField(item);
            else Report(DiagnosticFacts.InvalidCommandArguments(SpanOf(item), "xmlkv", $"unexpected '{item.GetText()}'."));
        }
        return new XmlkvCommand(options.ToImmutable(), field);
    }

    private TransactionCommand BuildTransaction(P.TransactionCommandContext ctx)
    {
        var options = ImmutableArray.CreateBuilder<CommandOption>();
        var fields = ImmutableArray.CreateBuilder<FieldName>();
        foreach (var item in ctx.argItem())
        {
            if (item.option() is { } o) options.Add(BuildOption(o));
            else if (item.COMMA() is not null) continue;
            else if (item.word() is not null || item.STRING() is not null) fields.Add(BuildArgField(item));
            else Report(DiagnosticFacts.InvalidCommandArguments(SpanOf(item), "transaction", $"unexpected '{item.GetText()}'."));
        }
        return new TransactionCommand(fields.ToImmutable(), options.ToImmutable());
    }

    private TopCommand BuildTop(P.TopCommandContext ctx)
    {
        var options = ImmutableArray.CreateBuilder<CommandOption>();
        var trailing = ImmutableArray.CreateBuilder<CommandOption>();
        var seenFields = false;
        foreach (var child in ctx.children ?? [])
        {
            if (child is P.FieldListContext) seenFields = true;
            else if (child is P.OptionContext o) (seenFields ? trailing : options).Add(BuildOption(o));
        }
        var lists = ctx.fieldList();
        return new TopCommand(
            ctx.verb?.Type == P.RARE,
            options.ToImmutable(),
            FieldList(lists.Length > 0 ? lists[0] : null),
            FieldList(lists.Length > 1 ? lists[1] : null),
            trailing.ToImmutable());
    }

    private ReturnCommand BuildReturn(P.ReturnCommandContext ctx)
    {
        int? count = null;
        var items = ImmutableArray.CreateBuilder<ReturnItem>();
        foreach (var item in ctx.argItem())
        {
            if (item.option() is { } o)
            {
                var value = o.value?.GetText() ?? throw new MissingPieceException();
                items.Add(new ReturnItem(Req(o.name).GetText(), value, false) { Span = SpanOf(item) });
            }
            else if (item.word() is { } w)
            {
                var text = w.GetText();
                if (count is null && items.Count == 0 && IsInteger(text, out var n)) count = n;
                else if (text.StartsWith('$') && text.Length > 1) items.Add(new ReturnItem(null, text[1..], true) { Span = SpanOf(item) });
                else items.Add(new ReturnItem(null, text, false) { Span = SpanOf(item) });
            }
            else if (item.COMMA() is null)
            {
                Report(DiagnosticFacts.InvalidCommandArguments(SpanOf(item), "return", $"unexpected '{item.GetText()}'."));
            }
        }
        return new ReturnCommand(count, items.ToImmutable());
    }

    private GenericArgument BuildGenericArg(P.GenericArgContext ctx)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        var span = SpanOf(ctx);
        if (ctx.subsearch() is { } s) return new SubsearchArgument(BuildSubsearch(s)) { Span = span };
        if (ctx.EVAL_LP() is not null)
        {
            if (ctx.RPAREN() is null) throw new MissingPieceException();
            return new EvalArgument(BuildExpr(Req(ctx.expr()))) { Span = span };
        }
        if (ctx.LPAREN() is not null)
        {
            if (ctx.RPAREN() is null) throw new MissingPieceException();
            return new GroupArgument(ctx.genericArg().Select(BuildGenericArg).ToImmutableArray()) { Span = span };
        }
        return new TokenArgument(ctx.GetText()) { Span = span };
    }

    // ------------------------------------------------------------------ options and fields

    private CommandOption BuildOption(P.OptionContext ctx)
    {
        var name = Req(ctx.name).GetText();
        var v = Req(ctx.value);
        OptionValue value;
        if (v.EVAL_LP() is not null)
        {
            if (v.RPAREN() is null) throw new MissingPieceException();
            value = new EvalOptionValue(BuildExpr(Req(v.expr())));
        }
        else if (v.LPAREN() is not null)
        {
            if (v.RPAREN() is null) throw new MissingPieceException();
            value = new SearchOptionValue(BuildSearchExpr(Req(v.searchExpr())));
        }
        else if (v.STRING() is { } s)
        {
            value = new WordOptionValue(Value(s.Symbol));
        }
        else
        {
            value = new WordOptionValue(WordValue(Req(v.word())));
        }
        return new CommandOption(name, value with { Span = SpanOf(v) }) { Span = SpanOf(ctx) };
    }

    private ImmutableArray<FieldName> FieldList(P.FieldListContext? ctx) =>
        ctx is null ? ImmutableArray<FieldName>.Empty : ctx.fieldName().Select(BuildFieldName).ToImmutableArray();

    private FieldName BuildFieldName(P.FieldNameContext ctx)
    {
        if (ctx.STRING() is { } s)
            return new FieldName(SyntaxFacts.UnescapeQuoted(Inner(s.GetText())), FieldQuoting.Double) { Span = SpanOf(ctx) };
        return new FieldName(Req(ctx.word()).GetText(), FieldQuoting.None) { Span = SpanOf(ctx) };
    }

    private static SplValue WordValue(P.WordContext ctx) => new(ctx.GetText(), false) { Span = SpanOf(ctx) };

    private static SplValue ArgValue(P.ArgItemContext ctx) =>
        ctx.STRING() is { } s ? Value(s.Symbol) : WordValue(ctx.word() ?? throw new MissingPieceException());

    // ------------------------------------------------------------------ search clause

    private SearchExpression BuildSearchExpr(P.SearchExprContext ctx)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        var ors = ctx.searchOr();
        if (ors.Length == 0) throw new MissingPieceException();
        if (ors.Length == 1) return BuildSearchOr(ors[0]);
        return new SearchAnd(ors.Select(BuildSearchOr).ToImmutableArray()) { Span = SpanOf(ctx) };
    }

    private SearchExpression BuildSearchOr(P.SearchOrContext ctx)
    {
        var operands = ctx.searchUnary();
        if (operands.Length == 0) throw new MissingPieceException();
        if (operands.Length == 1) return BuildSearchUnary(operands[0]);
        return new SearchOr(operands.Select(BuildSearchUnary).ToImmutableArray()) { Span = SpanOf(ctx) };
    }

    private SearchExpression BuildSearchUnary(P.SearchUnaryContext ctx)
    {
        // NOT NOT NOT ... is a chain, not nesting in the grammar's sense; build it without recursion.
        var nots = new List<P.SearchNotContext>();
        var current = ctx;
        while (current is P.SearchNotContext n)
        {
            nots.Add(n);
            current = n.searchUnary() ?? throw new MissingPieceException();
        }
        var atom = current as P.SearchAtomContext ?? throw new MissingPieceException();
        var result = BuildSearchPrimary(atom.searchPrimary() ?? throw new MissingPieceException());
        for (var i = nots.Count - 1; i >= 0; i--)
            result = new SearchNot(result) { Span = SpanOf(nots[i]) };
        return result;
    }

    private SearchExpression BuildSearchPrimary(P.SearchPrimaryContext ctx)
    {
        var span = SpanOf(ctx);
        SearchExpression result;
        switch (ctx)
        {
            case P.SearchGroupContext g:
                if (g.RPAREN() is null) throw new MissingPieceException();
                result = new SearchGroup(BuildSearchExpr(Req(g.searchExpr())));
                break;
            case P.SearchInContext i:
                if (i.RPAREN() is null) throw new MissingPieceException();
                result = new SearchIn(SearchWord(Req(i.searchWord())), i.searchValue().Select(SearchValue).ToImmutableArray());
                break;
            case P.SearchCompareContext c:
            {
                var field = SearchWord(Req(c.searchWord()));
                var op = Operator(c.op ?? throw new MissingPieceException());
                var value = SearchValue(Req(c.searchValue()));
                result = !field.Quoted && SyntaxFacts.IsTimeModifier(field.Raw)
                    ? new SearchTimeModifier(field.Raw, op, value)
                    : new SearchComparison(field, op, value);
                break;
            }
            case P.SearchTermFunctionContext f:
                if (f.RPAREN() is null) throw new MissingPieceException();
                result = new SearchTermFunction(f.fn?.Type == P.CASE_LP ? TermFunctionKind.Case : TermFunctionKind.Term, SearchValue(Req(f.searchValue())));
                break;
            case P.SearchSubsearchContext s:
                result = new SearchSubsearch(BuildSubsearch(Req(s.subsearch())));
                break;
            case P.SearchMacroContext m:
                result = new SearchMacro(Req(m.MACRO()).GetText());
                break;
            case P.SearchTermContext t:
                result = new SearchTerm(SearchValue(Req(t.searchValue())));
                break;
            default:
                throw new MissingPieceException();
        }
        return result with { Span = span };
    }

    private static SplValue SearchWord(P.SearchWordContext ctx) => Value(ctx.Start);

    private static SplValue SearchValue(P.SearchValueContext ctx) => Value(ctx.Start);

    private static ComparisonOperator Operator(IToken op) => op.Type switch
    {
        P.EQEQ => ComparisonOperator.EqualEqual,
        P.NEQ => ComparisonOperator.NotEqual,
        P.LT => ComparisonOperator.Less,
        P.LE => ComparisonOperator.LessOrEqual,
        P.GT => ComparisonOperator.Greater,
        P.GE => ComparisonOperator.GreaterOrEqual,
        _ => ComparisonOperator.Equal,
    };

    // ------------------------------------------------------------------ eval expressions

    private Expression BuildExpr(P.ExprContext ctx)
    {
        if (++_expressionDepth > MaxExpressionDepth) throw new TooDeepException(SpanOf(ctx));
        try
        {
            return BuildExprCore(ctx);
        }
        finally
        {
            _expressionDepth--;
        }
    }

    private Expression BuildExprCore(P.ExprContext ctx)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        var span = SpanOf(ctx);
        Expression result = ctx switch
        {
            P.ParenExprContext p => p.RPAREN() is null ? throw new MissingPieceException() : new ParenthesizedExpression(BuildExpr(Req(p.expr()))),
            P.CallExprContext c => c.RPAREN() is null
                ? throw new MissingPieceException()
                : new CallExpression(Req(c.name).GetText(), c.expr().Select(BuildExpr).ToImmutableArray()),
            P.UnaryExprContext u => new UnaryExpression(u.op?.Type == P.MINUS ? UnaryOperator.Negate : UnaryOperator.Plus, BuildExpr(Req(u.expr()))),
            P.NotExprContext n => new UnaryExpression(UnaryOperator.Not, BuildExpr(Req(n.expr()))),
            P.MultiplicativeExprContext m => Binary(m.op, m.expr(), m.op?.Type switch { P.STAR => BinaryOperator.Multiply, P.SLASH => BinaryOperator.Divide, _ => BinaryOperator.Modulo }),
            P.AdditiveExprContext a => Binary(a.op, a.expr(), a.op?.Type switch { P.PLUS => BinaryOperator.Add, P.MINUS => BinaryOperator.Subtract, _ => BinaryOperator.Concat }),
            P.RelationalExprContext r => Binary(r.op, r.expr(), r.op?.Type switch { P.LT => BinaryOperator.Less, P.LE => BinaryOperator.LessOrEqual, P.GT => BinaryOperator.Greater, _ => BinaryOperator.GreaterOrEqual }),
            P.EqualityExprContext e => Binary(e.op, e.expr(), e.op?.Type switch { P.EQEQ => BinaryOperator.EqualEqual, P.NEQ => BinaryOperator.NotEqual, _ => BinaryOperator.Equal }),
            P.AndExprContext a => Binary(a.AND()?.Symbol, a.expr(), BinaryOperator.And),
            P.OrExprContext o => Binary(o.OR()?.Symbol, o.expr(), BinaryOperator.Or),
            P.XorExprContext x => Binary(x.XOR()?.Symbol, x.expr(), BinaryOperator.Xor),
            P.LikeExprContext l => l.expr().Length == 2
                ? new LikeExpression(BuildExpr(l.expr(0)), BuildExpr(l.expr(1)), l.NOT() is not null)
                : throw new MissingPieceException(),
            P.InExprContext i => i.RPAREN() is null || i.expr().Length == 0
                ? throw new MissingPieceException()
                : new InExpression(BuildExpr(i.expr(0)), i.expr().Skip(1).Select(BuildExpr).ToImmutableArray(), i.NOT() is not null),
            P.FieldExprContext f => new FieldExpression(new FieldName(f.GetText(), FieldQuoting.None) { Span = span }),
            P.QuotedFieldExprContext q => new FieldExpression(new FieldName(UnquoteSingle(q.GetText()), FieldQuoting.Single) { Span = span }),
            P.StringExprContext s => new StringLiteral(Inner(s.GetText())),
            P.NumberExprContext n => new NumberLiteral(n.GetText()),
            P.MacroExprContext m => new MacroExpression(m.GetText()),
            _ => throw new MissingPieceException(),
        };
        return result with { Span = span };
    }

    private BinaryExpression Binary(IToken? op, P.ExprContext[] operands, BinaryOperator kind)
    {
        if (op is null || operands.Length != 2) throw new MissingPieceException();
        return new BinaryExpression(kind, BuildExpr(operands[0]), BuildExpr(operands[1]));
    }

    // ------------------------------------------------------------------ helpers

    private void Report(Diagnostic diagnostic) => _diagnostics.Add(diagnostic);

    private static T Req<T>(T? value) where T : class => value ?? throw new MissingPieceException();

    private static SplValue Value(IToken token)
    {
        if (token.Type == P.STRING) return new SplValue(Inner(token.Text), true) { Span = SpanOf(token) };
        if (token.Type == TokenConstants.EOF || token.TokenIndex < 0) throw new MissingPieceException();
        return new SplValue(token.Text, false) { Span = SpanOf(token) };
    }

    private static string Inner(string quoted) => quoted.Length >= 2 ? quoted[1..^1] : string.Empty;

    private static string UnquoteSingle(string quoted)
    {
        var inner = Inner(quoted);
        return inner.Replace("\\'", "'", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
    }

    private static bool IsInteger(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    internal static TextSpan SpanOf(IToken token) =>
        token.StartIndex < 0 ? TextSpan.Empty : TextSpan.FromBounds(token.StartIndex, token.StopIndex + 1);

    internal static TextSpan SpanOf(ParserRuleContext ctx)
    {
        var start = ctx.Start?.StartIndex ?? 0;
        var stop = ctx.Stop is { } s && s.StopIndex >= start ? s.StopIndex + 1 : start;
        return TextSpan.FromBounds(Math.Max(0, start), Math.Max(0, stop));
    }
}
