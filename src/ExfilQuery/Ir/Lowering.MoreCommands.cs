using System.Collections.Immutable;
using System.Globalization;
using ExfilQuery.Diagnostics;
using ExfilQuery.Syntax;
using ExfilQuery.Text;

namespace ExfilQuery.Ir;

public static partial class Lowering
{
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
