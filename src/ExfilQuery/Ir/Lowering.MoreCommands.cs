using System.Collections.Immutable;
using System.Globalization;
using ExfilQuery.Diagnostics;
using ExfilQuery.Syntax;
using ExfilQuery.Text;

namespace ExfilQuery.Ir;

public static partial class Lowering
{
    /// <summary>Lowers a foreach template after its placeholders were replaced: <paramref name="pipeline"/> is the
    /// template's pipeline in <paramref name="parse"/>, and <paramref name="map"/> gives each span its place in the text
    /// the user wrote.</summary>
    internal static (ImmutableArray<Stage> Stages, ImmutableArray<Diagnostic> Diagnostics) LowerTemplate(ParseResult parse, Pipeline pipeline, Func<TextSpan, TextSpan> map)
    {
        var lowerer = new Lowerer(parse, map);
        try
        {
            var detection = lowerer.LowerPipeline(pipeline);
            return (detection.Stages, [.. lowerer.Diagnostics]);
        }
        catch (InsufficientExecutionStackException)
        {
            return ([], [DiagnosticFacts.NestingTooDeep(map(pipeline.Span), 0)]);
        }
    }

    private sealed partial class Lowerer
    {
        /// <summary>map, top/rare, transaction, iplocation and xmlkv, with the defaults of Splunk's Search
        /// Reference for each command.</summary>
        private Stage LowerMoreCommand(Command command)
        {
            switch (command)
            {
                case MapCommand m:
                {
                    // map: search= (or a subsearch) run per row; maxsearches defaults to 10.
                    var max = Option(m.Options, "maxsearches") is { } mo ? IntOption(mo, "map") ?? 10 : 10;
                    var search = Option(m.Options, "search") is { } so ? OptionText(so)
                        : m.Subsearch is not null ? SyntaxPrinter.Print(m.Subsearch.Pipeline)
                        : null;
                    if (search is null)
                    {
                        Diagnostics.Add(DiagnosticFacts.InvalidArgumentValue(Map(m), "map", "expected search=\"...\" or a subsearch."));
                        return new UnsupportedStage("map", "map without a search");
                    }
                    return new MapStage(search, max);
                }
                case TopCommand t:
                {
                    var options = t.Options.Concat(t.TrailingOptions).ToImmutableArray();
                    var limit = Option(options, "limit") is { } lo ? IntOption(lo, t.Name) ?? 10 : 10;
                    return new TopStage(
                        t.Rare,
                        t.Fields.Select(f => f.Name).ToImmutableArray(),
                        t.By.Select(f => f.Name).ToImmutableArray(),
                        limit,
                        Option(options, "countfield") is { } cf ? OptionText(cf) : "count",
                        Option(options, "percentfield") is { } pf ? OptionText(pf) : "percent",
                        BoolOption(options, "showcount", true),
                        BoolOption(options, "showperc", true),
                        BoolOption(options, "useother", false),
                        Option(options, "otherstr") is { } os ? OptionText(os) : "OTHER");
                }
                case TransactionCommand t:
                {
                    var maxEvents = Option(t.Options, "maxevents") is { } me ? IntOption(me, "transaction") ?? 1000 : 1000;
                    var known = new[] { "maxspan", "maxpause", "startswith", "endswith", "maxevents", "keepevicted", "connected", "unifyends" };
                    if (t.Options.FirstOrDefault(o => !known.Contains(o.Name.ToLowerInvariant())) is { } other)
                        return new UnsupportedStage("transaction", $"the option '{other.Name}' is not modelled.");
                    return new TransactionStage(
                        t.Fields.Select(f => f.Name).ToImmutableArray(),
                        Option(t.Options, "maxspan") is { } ms ? OptionText(ms) : null,
                        Option(t.Options, "maxpause") is { } mp ? OptionText(mp) : null,
                        Option(t.Options, "startswith") is { } sw ? TransactionFilter(sw) : null,
                        Option(t.Options, "endswith") is { } ew ? TransactionFilter(ew) : null,
                        maxEvents,
                        BoolOption(t.Options, "keepevicted", false))
                    {
                        Connected = BoolOption(t.Options, "connected", true),
                        UnifyEnds = BoolOption(t.Options, "unifyends", false),
                    };
                }
                case IplocationCommand i:
                    return new IpLocationStage(i.Field.Name, Option(i.Options, "prefix") is { } p ? OptionText(p) : "", BoolOption(i.Options, "allfields", false));
                case XmlkvCommand x:
                    return new XmlKvStage(x.Field?.Name ?? "_raw", Option(x.Options, "maxinputs") is { } mi ? IntOption(mi, "xmlkv") ?? 50000 : 50000);
                case GenericCommand g when g.CommandName.Equals("outlier", StringComparison.OrdinalIgnoreCase):
                    return LowerOutlier(g);
                case GenericCommand g when g.CommandName.Equals("foreach", StringComparison.OrdinalIgnoreCase):
                    return LowerForeach(g);
                default:
                    return new UnsupportedStage(command.Name, $"'{command.Name}' is not modelled in the detection IR yet.");
            }
        }

        /// <summary>outlier (Splunk Search Reference, "outlier"): <c>action=remove|rm|transform|tf</c> (default
        /// transform), <c>param=NUM</c> (2.5), <c>uselower=BOOL</c> (false), <c>mark=BOOL</c> (false), the older
        /// <c>type=iqr</c>, then the fields, space- or comma-separated. The command's tokens are kept as written by
        /// the parser, so they are read here.</summary>
        private Stage LowerOutlier(GenericCommand g)
        {
            if (Tokens(g, "outlier") is not { } raw) return new UnsupportedStage("outlier", "an argument is not an option or a field name");
            var tokens = raw.Select(t => (Text: Unquote(t.Text), t.Span)).ToList();
            var remove = false;
            var param = 2.5;
            bool? useLower = false, mark = false;
            var fields = ImmutableArray.CreateBuilder<string>();
            for (var i = 0; i < tokens.Count; i++)
            {
                if (tokens[i].Text == ",") continue;
                if (i + 2 >= tokens.Count || tokens[i + 1].Text != "=")
                {
                    fields.Add(tokens[i].Text);
                    continue;
                }
                var (name, value, span) = (tokens[i].Text.ToLowerInvariant(), tokens[i + 2].Text, tokens[i + 2].Span);
                i += 2;
                string? error = null;
                switch (name)
                {
                    case "action":
                        remove = value.ToLowerInvariant() is "remove" or "rm";
                        if (!remove && value.ToLowerInvariant() is not ("transform" or "tf")) error = "action must be remove (rm) or transform (tf).";
                        break;
                    case "param":
                        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out param) || !double.IsFinite(param) || param < 0) error = "param must be a number, 0 or more.";
                        break;
                    case "uselower":
                        if ((useLower = SplBool(value)) is null) error = "uselower must be true or false.";
                        break;
                    case "mark":
                        if ((mark = SplBool(value)) is null) error = "mark must be true or false.";
                        break;
                    case "type":
                        if (!value.Equals("iqr", StringComparison.OrdinalIgnoreCase)) error = "type must be iqr.";
                        break;
                    default:
                        error = $"'{tokens[i - 2].Text}' is not an option of outlier (action, param, uselower, mark).";
                        break;
                }
                if (error is null) continue;
                Diagnostics.Add(DiagnosticFacts.InvalidArgumentValue(span, "outlier", error));
                return new UnsupportedStage("outlier", error);
            }
            return new OutlierStage(remove, param, useLower ?? false, mark ?? false, fields.ToImmutable());
        }

        /// <summary>foreach (Splunk Search Reference, "foreach"): <c>[mode=multifield]</c>, the field list, the options
        /// fieldstr/matchstr/matchseg1..3 (their placeholders), then the subsearch holding the template. The template is
        /// kept as text, because Splunk replaces the placeholders as text before the commands are read: a field name
        /// may change how the template parses (<c>&lt;&lt;FIELD&gt;&gt;</c> bare versus in single quotes). It is
        /// lowered here once, placeholders and all, only to check that it holds streaming commands.</summary>
        private Stage LowerForeach(GenericCommand g)
        {
            var tokens = new List<(string Text, TextSpan Span)>();
            Subsearch? template = null;
            foreach (var argument in g.Arguments)
            {
                if (template is not null || argument is not (TokenArgument or SubsearchArgument))
                    return ForeachError(Map(argument), "expected the options and fields, then one subsearch [...] with the template, and nothing after it.");
                if (argument is SubsearchArgument s) template = s.Subsearch;
                else tokens.Add((Unquote(((TokenArgument)argument).Text), Map(argument)));
            }
            if (template is null) return ForeachError(Map(g), "expected a subsearch [...] with the template.");
            var options = new Dictionary<string, string>(StringComparer.Ordinal);
            var patterns = ImmutableArray.CreateBuilder<string>();
            for (var i = 0; i < tokens.Count; i++)
            {
                if (i + 2 < tokens.Count && tokens[i + 1].Text == "=")
                {
                    var name = tokens[i].Text.ToLowerInvariant();
                    if (name is not ("mode" or "fieldstr" or "matchstr" or "matchseg1" or "matchseg2" or "matchseg3" or "itemstr" or "iterstr"))
                        return ForeachError(tokens[i].Span, $"'{tokens[i].Text}' is not an option of foreach (mode, fieldstr, matchstr, matchseg1-3, itemstr, iterstr).");
                    options[name] = tokens[i + 2].Text;
                    i += 2;
                }
                else if (tokens[i].Text != ",") patterns.Add(tokens[i].Text);
            }
            var mode = options.GetValueOrDefault("mode", "multifield").ToLowerInvariant();
            if (mode is not ("multifield" or "multivalue" or "json_array" or "auto_collections"))
                return ForeachError(Map(g), $"mode={mode} is not a foreach mode (multifield, multivalue, json_array, auto_collections).");
            if (mode is "json_array" or "auto_collections")
                return new UnsupportedStage("foreach", $"mode={mode} iterates over the elements of a JSON array, which the IR does not model; multifield and multivalue are.");
            var multivalue = mode == "multivalue";
            if (!multivalue && (options.ContainsKey("itemstr") || options.ContainsKey("iterstr")))
                return ForeachError(Map(g), "itemstr and iterstr apply to the multivalue, json_array and auto_collections modes, not to multifield.");
            if (multivalue && options.Keys.FirstOrDefault(k => k is "fieldstr" or "matchstr" or "matchseg1" or "matchseg2" or "matchseg3") is { } multifieldOption)
                return ForeachError(Map(g), $"{multifieldOption} applies to the multifield mode, not to multivalue.");
            if (patterns.Count == 0) return ForeachError(Map(g), "expected at least one field name or wildcard pattern.");
            if (multivalue && patterns.Count > 1) return ForeachError(Map(g), "mode=multivalue iterates over one field.");
            var open = template.Span.Start;
            if (template.Span.Length < 2 || template.Span.End > parse.ExpandedText.Length) return ForeachError(Map(template), "expected the template between [ and ].");
            var text = parse.ExpandedText[(open + 1)..(template.Span.End - 1)];
            var spans = Enumerable.Range(open + 1, text.Length).Select(i => parse.MapToOriginal(new TextSpan(i, 1))).ToImmutableArray();
            var scratch = new Lowerer(parse).LowerPipeline(template.Pipeline);
            if (multivalue)
            {
                // "The multivalue mode can only be used with the eval command", one eval statement (Search Reference).
                if (scratch.Stages is not [EvalStage])
                    return new UnsupportedStage("foreach", "in multivalue mode the template must be one eval command (Search Reference, \"foreach\").");
                return new ForeachValuesStage(patterns[0], text, options.GetValueOrDefault("itemstr", "<<ITEM>>"), options.GetValueOrDefault("iterstr", "<<ITER>>"), spans);
            }
            var stage = new ForeachStage(
                patterns.ToImmutable(),
                text,
                options.GetValueOrDefault("fieldstr", "<<FIELD>>"),
                options.GetValueOrDefault("matchstr", "<<MATCHSTR>>"),
                [options.GetValueOrDefault("matchseg1", "<<MATCHSEG1>>"), options.GetValueOrDefault("matchseg2", "<<MATCHSEG2>>"), options.GetValueOrDefault("matchseg3", "<<MATCHSEG3>>")],
                spans);
            if (ForeachTemplate.WhyNotModelled(stage) is { } why) return new UnsupportedStage("foreach", why);
            if (scratch.Stages.FirstOrDefault(x => !ForeachTemplate.IsTemplateStage(x)) is { } other)
                return new UnsupportedStage("foreach", ForeachTemplate.NotStreaming(other));
            return stage;
        }

        private UnsupportedStage ForeachError(TextSpan span, string detail)
        {
            Diagnostics.Add(DiagnosticFacts.InvalidArgumentValue(span, "foreach", detail));
            return new UnsupportedStage("foreach", detail);
        }

        /// <summary>A Splunk Boolean argument: true/t/1/yes/y or false/f/0/no/n in any case; null otherwise.</summary>
        private static bool? SplBool(string text) => text.ToLowerInvariant() switch
        {
            "true" or "t" or "1" or "yes" or "y" => true,
            "false" or "f" or "0" or "no" or "n" => false,
            _ => null,
        };

        private static string Unquote(string text) =>
            text.Length >= 2 && text[0] == '"' && text[^1] == '"' ? SyntaxFacts.UnescapeQuoted(text[1..^1]) : text;

        private static CommandOption? Option(ImmutableArray<CommandOption> options, string name) =>
            options.LastOrDefault(o => o.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

        private static bool BoolOption(ImmutableArray<CommandOption> options, string name, bool defaultValue) =>
            Option(options, name) is { } o ? OptionText(o).ToLowerInvariant() is "true" or "t" or "1" : defaultValue;

        /// <summary>startswith/endswith: a parenthesised search expression, eval(...), or a quoted string that
        /// is a search term matched against the raw event.</summary>
        private Predicate TransactionFilter(CommandOption option) => option.Value switch
        {
            SearchOptionValue s => LowerSearch(s.Expression),
            EvalOptionValue e => new ExpressionPredicate(LowerExpr(e.Expression)) { Span = Map(e) },
            WordOptionValue w => new RawTermPredicate(ValuePattern.FromSearchValue(w.Value.Value), false, false) { Span = Map(w) },
            _ => new TruePredicate { Span = Map(option) },
        };
    }
}
