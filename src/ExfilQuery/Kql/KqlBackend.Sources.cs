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
        return Select(Profile.Sources, s => s.Selectors, s => s.Match, operands) is { } b
            ? (b.Source, Rest(operands, b.Used, first.Predicate.Span))
            : null;
    }

    private static Predicate? Rest(ImmutableArray<Predicate> operands, HashSet<int> used, Text.TextSpan span)
    {
        var rest = operands.Where((_, i) => !used.Contains(i)).ToImmutableArray();
        return rest.Length switch
        {
            0 => null,
            1 => rest[0],
            _ => new AndPredicate(rest) { Span = span },
        };
    }

    /// <summary>The source whose selectors and match conditions the AND-ed operands meet, with the operands that
    /// select it: the one that uses the most operands wins (ties: the first in profile order).</summary>
    private static (T Source, HashSet<int> Used)? Select<T>(IEnumerable<T> sources, Func<T, ImmutableArray<SourceMatch>> selectorsOf,
        Func<T, ImmutableArray<SourceMatch>> matchOf, ImmutableArray<Predicate> operands)
    {
        (T Source, HashSet<int> Used)? best = null;
        foreach (var source in sources)
        {
            var selectors = selectorsOf(source);
            var used = new HashSet<int>();
            var selectorsOk = selectors.IsEmpty;
            for (var i = 0; i < operands.Length && !selectorsOk; i++)
            {
                if (Conditions(operands[i]) is { } c && c.All(x => Contains(selectors, x.Field, x.Value)))
                {
                    used.Add(i);
                    selectorsOk = true;
                }
            }
            if (!selectorsOk) continue;
            var matchOk = true;
            foreach (var match in matchOf(source))
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
            if (best is null || used.Count > best.Value.Used.Count) best = (source, used);
        }
        return best;
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

    /// <summary>No mapped source is selected: says precisely why (an unmapped source, several sources in one OR,
    /// or conditions that select no known source) and emits a placeholder.</summary>
    private string UnselectedRawSource(DataSource source, FilterStage? first)
    {
        _types["_time"] = KType.DateTime;
        var operands = first is null ? [] : first.Predicate is AndPredicate and ? and.Operands : [first.Predicate];
        if (Select(Profile.UnmappedSources, s => s.Selectors, s => s.Match, operands) is { } unmapped)
        {
            Diagnostics.Add(MappingDiagnostics.UnmappedSource(first!.Span, unmapped.Source.Name, Profile.Name, unmapped.Source.Note));
        }
        else if (operands.OfType<OrPredicate>().Select(DescribeBranches).FirstOrDefault(b => b is not null) is { } mixed)
        {
            Diagnostics.Add(MappingDiagnostics.MixedSources(mixed.Span, Profile.Name, mixed.Branches));
        }
        else
        {
            Diagnostics.Add(DiagnosticFacts.KqlUnsupported(source.Span,
                $"The search's source conditions (sourcetype, source, EventCode) do not select exactly one source that profile '{Profile.Name}' maps to a table; translate it with profile 'none', or see docs/MAPPING.md for the mapped sources."));
        }
        return "print x=1";
    }

    /// <summary>For an OR whose branches select at least two different known sources: each branch's selecting
    /// conditions and what the profile reads for them.</summary>
    private (Text.TextSpan Span, ImmutableArray<string> Branches)? DescribeBranches(OrPredicate or)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var branches = ImmutableArray.CreateBuilder<string>();
        foreach (var branch in or.Operands)
        {
            var operands = branch is AndPredicate and ? and.Operands : [branch];
            if (Select(Profile.Sources, s => s.Selectors, s => s.Match, operands) is { } mapped)
            {
                names.Add(mapped.Source.Name);
                branches.Add($"{Selecting(operands, mapped.Used)} selects '{mapped.Source.Name}' ({mapped.Source.Source.FunctionCall ?? mapped.Source.Source.Table})");
            }
            else if (Select(Profile.UnmappedSources, s => s.Selectors, s => s.Match, operands) is { } unmapped)
            {
                names.Add(unmapped.Source.Name);
                branches.Add($"{Selecting(operands, unmapped.Used)} selects '{unmapped.Source.Name}', which has no table: {unmapped.Source.Note}");
            }
            else
            {
                branches.Add("a branch selects no source the profile knows");
            }
        }
        return names.Count >= 2 ? (or.Span, branches.ToImmutable()) : null;
    }

    private static string Selecting(ImmutableArray<Predicate> operands, HashSet<int> used) =>
        string.Join(" ", used.Order().SelectMany(i => Conditions(operands[i])!).Select(c => c.Field + "=" + c.Value));
}
