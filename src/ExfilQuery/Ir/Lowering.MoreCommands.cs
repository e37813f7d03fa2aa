using System.Collections.Immutable;
using ExfilQuery.Diagnostics;
using ExfilQuery.Syntax;

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
                default:
                    return new UnsupportedStage(command.Name, $"'{command.Name}' is not modelled in the detection IR yet.");
            }
        }

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
