using System.Collections.Immutable;
using ExfilQuery.Ir;

namespace ExfilQuery.Mapping;

/// <summary>Which raw source a search's first filter selects (docs/MAPPING.md, "Sources"): any one selector and all
/// match conditions, each an exact <c>field=value</c> (or an OR of them) among the filter's AND-ed operands; the
/// candidate using the most operands wins (ties: the first in profile order). Shared by the KQL and Elastic
/// backends, so both select the same source for the same search.</summary>
internal static class RawSourceSelector
{
    /// <summary>The selected source and the filter without the operands that select it (null when none remain).</summary>
    public static (T Source, Predicate? Remaining)? Select<T>(IEnumerable<T> sources, Predicate? filter,
        Func<T, ImmutableArray<SourceMatch>> selectorsOf, Func<T, ImmutableArray<SourceMatch>> matchOf)
    {
        if (filter is null) return null;
        var operands = Operands(filter);
        if (Match(sources, operands, selectorsOf, matchOf) is not { } b) return null;
        var rest = operands.Where((_, i) => !b.Used.Contains(i)).ToImmutableArray();
        Predicate? remaining = rest.Length switch
        {
            0 => null,
            1 => rest[0],
            _ => new AndPredicate(rest) { Span = filter.Span },
        };
        return (b.Source, remaining);
    }

    /// <summary>The AND-ed operands of a filter (the filter itself when it is not an AND).</summary>
    public static ImmutableArray<Predicate> Operands(Predicate filter) => filter is AndPredicate and ? and.Operands : [filter];

    /// <summary>The source whose selectors and match conditions the AND-ed operands meet, with the indexes of the
    /// operands that select it.</summary>
    public static (T Source, HashSet<int> Used)? Match<T>(IEnumerable<T> sources, ImmutableArray<Predicate> operands,
        Func<T, ImmutableArray<SourceMatch>> selectorsOf, Func<T, ImmutableArray<SourceMatch>> matchOf)
    {
        var conditions = operands.Select(Conditions).ToList();
        (T Source, HashSet<int> Used)? best = null;
        foreach (var source in sources)
        {
            var used = new HashSet<int>();
            var selectors = selectorsOf(source);
            if (!selectors.IsEmpty)
            {
                var at = conditions.FindIndex(c => c is not null && c.All(x => Holds(selectors, x.Field, x.Value)));
                if (at < 0) continue;
                used.Add(at);
            }
            var all = true;
            foreach (var match in matchOf(source))
            {
                // The search must select exactly the values the mapping's table holds.
                var at = Enumerable.Range(0, conditions.Count).FirstOrDefault(i => !used.Contains(i) && conditions[i] is { } c
                    && c.All(x => x.Field.Equals(match.Field, StringComparison.OrdinalIgnoreCase))
                    && c.Select(x => x.Value).ToHashSet(StringComparer.OrdinalIgnoreCase).SetEquals(match.Values), -1);
                if (at < 0) { all = false; break; }
                used.Add(at);
            }
            if (!all || used.Count == 0) continue;
            if (best is null || used.Count > best.Value.Used.Count) best = (source, used);
        }
        return best;
    }

    /// <summary>A predicate that is one exact field=value or an OR of them, as (field, value) pairs.</summary>
    public static List<(string Field, string Value)>? Conditions(Predicate p)
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

    private static bool Holds(ImmutableArray<SourceMatch> matches, string field, string value) =>
        matches.Any(m => m.Field.Equals(field, StringComparison.OrdinalIgnoreCase) && m.Values.Any(v => v.Equals(value, StringComparison.OrdinalIgnoreCase)));
}
