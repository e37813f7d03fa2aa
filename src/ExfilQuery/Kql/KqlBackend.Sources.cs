using System.Collections.Immutable;
using ExfilQuery.Diagnostics;
using ExfilQuery.Ir;
using ExfilQuery.Mapping;

namespace ExfilQuery.Kql;

// Raw event searches in a mapped profile: the conditions that select the events' source (the `sysmon` macro's
// `sourcetype=... OR source=...` and `EventCode=1`) pick the profile's table; they are then implied by the table
// and its fixed filters and leave the where clause. Anything less than an exact match of a mapped source fails.
internal sealed partial class KqlWriter
{
    private SourceMapping? _rawSource;

    /// <summary>Finds the mapped source the first filter selects and returns the filter without the selecting
    /// conditions; null when no mapped source is selected exactly.</summary>
    private (SourceMapping Source, Predicate? Remaining)? SelectRawSource(FilterStage? first)
    {
        if (first is null) return null;
        var operands = first.Predicate is AndPredicate and ? and.Operands : [first.Predicate];
        (SourceMapping Source, Predicate? Remaining, int Used)? best = null;
        foreach (var source in Profile.Sources)
        {
            var used = new HashSet<int>();
            var selectorsOk = source.Selectors.IsEmpty;
            for (var i = 0; i < operands.Length && !selectorsOk; i++)
            {
                if (Conditions(operands[i]) is { } c && c.All(x => Contains(source.Selectors, x.Field, x.Value)))
                {
                    used.Add(i);
                    selectorsOk = true;
                }
            }
            if (!selectorsOk) continue;
            var matchOk = true;
            foreach (var match in source.Match)
            {
                var found = false;
                for (var i = 0; i < operands.Length && !found; i++)
                {
                    if (used.Contains(i) || Conditions(operands[i]) is not { } c) continue;
                    // The search must select exactly the values the mapping's table holds.
                    if (c.All(x => x.Field.Equals(match.Field, StringComparison.OrdinalIgnoreCase))
                        && c.Select(x => x.Value).ToHashSet(StringComparer.OrdinalIgnoreCase).SetEquals(match.Values))
                    {
                        used.Add(i);
                        found = true;
                    }
                }
                matchOk &= found;
            }
            if (!matchOk || used.Count == 0) continue;
            if (best is null || used.Count > best.Value.Used)
            {
                var rest = operands.Where((_, i) => !used.Contains(i)).ToImmutableArray();
                Predicate? remaining = rest.Length switch
                {
                    0 => null,
                    1 => rest[0],
                    _ => new AndPredicate(rest) { Span = first.Predicate.Span },
                };
                best = (source, remaining, used.Count);
            }
        }
        return best is { } b ? (b.Source, b.Remaining) : null;
    }

    /// <summary>A predicate that is one exact field=value or an OR of them, as (field, value) pairs.</summary>
    private static List<(string Field, string Value)>? Conditions(Predicate p)
    {
        switch (p)
        {
            case FieldMatchPredicate { Pattern.HasWildcard: false } m:
                return [(m.Field, m.Pattern.Literal)];
            case OrPredicate o:
            {
                var all = new List<(string, string)>();
                foreach (var operand in o.Operands)
                {
                    if (Conditions(operand) is not { } c) return null;
                    all.AddRange(c);
                }
                return all;
            }
            default:
                return null;
        }
    }

    private static bool Contains(ImmutableArray<SourceMatch> matches, string field, string value) =>
        matches.Any(m => m.Field.Equals(field, StringComparison.OrdinalIgnoreCase) && m.Values.Any(v => v.Equals(value, StringComparison.OrdinalIgnoreCase)));

    private string WriteRawSource(SourceMapping source, List<string> filters)
    {
        _rawSource = source;
        _types.Remove("_time");
        SourceColumns.Clear();
        foreach (var f in source.Filters) filters.Add(FixedFilterText(f));
        return source.Source.FunctionCall ?? KqlSyntax.Identifier(source.Source.Table);
    }

    private string UnselectedRawSource(DataSource source)
    {
        _types["_time"] = KType.DateTime;
        Diagnostics.Add(DiagnosticFacts.KqlUnsupported(source.Span,
            $"The search's source conditions (sourcetype, source, EventCode) do not select exactly one source that profile '{Profile.Name}' maps to a table; translate it with profile 'none', or see docs/MAPPING.md for the mapped sources."));
        return "print x=1";
    }
}
