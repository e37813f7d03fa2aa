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
    private (SourceMapping Source, Predicate? Remaining)? SelectRawSource(FilterStage? first) =>
        RawSourceSelector.Select(Profile.Sources, first?.Predicate, s => s.Selectors, s => s.Match);

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
        var operands = first is null ? [] : RawSourceSelector.Operands(first.Predicate);
        if (RawSourceSelector.Match(Profile.UnmappedSources, operands, s => s.Selectors, s => s.Match) is { } unmapped)
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
            var operands = RawSourceSelector.Operands(branch);
            if (RawSourceSelector.Match(Profile.Sources, operands, s => s.Selectors, s => s.Match) is { } mapped)
            {
                names.Add(mapped.Source.Name);
                branches.Add($"{Selecting(operands, mapped.Used)} selects '{mapped.Source.Name}' ({mapped.Source.Source.FunctionCall ?? mapped.Source.Source.Table})");
            }
            else if (RawSourceSelector.Match(Profile.UnmappedSources, operands, s => s.Selectors, s => s.Match) is { } unmapped)
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
        string.Join(" ", used.Order().SelectMany(i => RawSourceSelector.Conditions(operands[i])!).Select(c => c.Field + "=" + c.Value));
}
