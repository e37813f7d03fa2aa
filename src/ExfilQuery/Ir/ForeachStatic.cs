using System.Collections.Immutable;

namespace ExfilQuery.Ir;

/// <summary>Expands a foreach into the stages it runs when the fields it visits are known before the search runs: a
/// pattern without <c>*</c> always is; a wildcard pattern is when the stages before it fix the columns (stats, tstats,
/// or table with literal names, then only stages whose output fields are known). The backends translate the expansion
/// and refuse a foreach they cannot expand.</summary>
internal static class ForeachStatic
{
    /// <summary>The columns at a point of the pipeline, in order, and those that have a value in every row.</summary>
    private sealed record Columns(ImmutableList<string> Names, ImmutableHashSet<string> NonNull)
    {
        public static Columns Of(IEnumerable<string> names, IEnumerable<string> nonNull)
        {
            var list = names.Distinct(StringComparer.Ordinal).ToImmutableList();
            return new Columns(list, nonNull.Where(list.Contains).ToImmutableHashSet(StringComparer.Ordinal));
        }

        public Columns Add(IEnumerable<string> names) => new(Names.AddRange(names.Where(n => !Names.Contains(n)).Distinct(StringComparer.Ordinal)), NonNull.Except(names));
    }

    /// <summary>The stages with every foreach whose fields are known replaced by its iterations' stages. A foreach
    /// that cannot be expanded (and every mode=multivalue one) stays, after <paramref name="refused"/> was told why; <paramref name="note"/> hears of an
    /// expansion that rests on a choice the Search Reference leaves open (see <see cref="ForeachTemplate"/>).</summary>
    public static ImmutableArray<Stage> Expand(ImmutableArray<Stage> stages, Action<Stage, string> refused, Action<Stage, string> note)
    {
        if (!stages.Any(s => s is ForeachStage or ForeachValuesStage)) return stages;
        var result = ImmutableArray.CreateBuilder<Stage>(stages.Length);
        Columns? columns = null;
        foreach (var stage in stages)
        {
            if (stage is ForeachValuesStage v)
            {
                refused(v, $"mode=multivalue iterates over the values of '{v.Field}', which are only known when the search runs.");
                result.Add(v);
                columns = null;
                continue;
            }
            if (stage is not ForeachStage f)
            {
                result.Add(stage);
                columns = After(columns, stage);
                continue;
            }
            var expanded = Iterations(f, columns, out var reason, out var notes);
            if (expanded is null)
            {
                refused(f, reason!);
                result.Add(f);
                columns = null;
                continue;
            }
            foreach (var n in notes) note(f, n);
            foreach (var s in expanded)
            {
                result.Add(s);
                columns = After(columns, s);
            }
        }
        return result.ToImmutable();
    }

    private static List<Stage>? Iterations(ForeachStage f, Columns? columns, out string? reason, out List<string> notes)
    {
        notes = [];
        reason = null;
        if (columns is null && f.Patterns.FirstOrDefault(p => p.Contains('*', StringComparison.Ordinal)) is { } wildcard)
        {
            reason = $"the fields foreach matches with '{wildcard}' are only known when the search runs: the stages before it do not fix the columns (a stats or tstats, or a table with literal names, followed only by stages whose output fields are known).";
            return null;
        }
        var visits = ForeachTemplate.Visits(f, columns?.Names ?? []);
        var iterations = new List<ForeachIteration>();
        foreach (var visit in visits)
        {
            var iteration = ForeachTemplate.Expand(f, visit);
            if (!iteration.Ok)
            {
                reason = $"with the field '{visit.Field}' the template reads '{iteration.Text.Trim()}', which does not parse or lower ({iteration.Errors[0].Code}: {iteration.Errors[0].Message})";
                return null;
            }
            if (visit.Ambiguous && ForeachTemplate.UsesSegments(f)) notes.Add(ForeachTemplate.SplitNote(visit));
            iterations.Add(iteration);
        }
        if (ForeachTemplate.OrderDependentField(iterations) is { } shared) notes.Add(ForeachTemplate.OrderNote(shared));
        var visited = visits.Select(v => v.Field).ToHashSet(StringComparer.Ordinal);
        var stages = new List<Stage>();
        var current = columns;
        foreach (var iteration in iterations)
        {
            var field = iteration.Visit.Field;
            var run = iteration.Stages.ToList();
            if (iteration.Visit.FromWildcard && !columns!.NonNull.Contains(field))
            {
                // Splunk skips the field in a row that lacks it; the expansion runs the iteration only where it has a value.
                if (current is null)
                {
                    reason = $"'{field}' may have no value in some rows, where Splunk's foreach skips it, and the columns an earlier iteration leaves are not known, so the skipped steps cannot keep them as they were.";
                    return null;
                }
                if (Guarded(iteration, visited, current.Names, out reason) is not { } guarded) return null;
                run = guarded;
            }
            stages.AddRange(run);
            foreach (var stage in run) current = After(current, stage);
        }
        return stages;
    }

    /// <summary>The iteration's stages made to change nothing in a row without its field: eval assignments keep the
    /// old value, filters pass the row. Exact only when the field's value is still the one foreach started with where
    /// each guard reads it: no iteration may write another field foreach visits, nor its own before its last write.</summary>
    private static List<Stage>? Guarded(ForeachIteration iteration, HashSet<string> visited, IEnumerable<string> columns, out string? reason)
    {
        reason = null;
        var field = iteration.Visit.Field;
        var stages = iteration.Stages;
        if (stages.FirstOrDefault(s => s is not (EvalStage or FilterStage)) is { } other)
        {
            reason = $"'{field}' may have no value in some rows, where Splunk's foreach skips it; only eval and where templates can be made to skip it, and this one holds {ForeachTemplate.StageName(other)}.";
            return null;
        }
        var writes = stages.SelectMany(s => s is EvalStage e ? e.Assignments.Select(a => a.Field) : [""]).ToList();
        var ownWrite = writes.IndexOf(field);
        var otherField = writes.FirstOrDefault(w => w != field && visited.Contains(w));
        if (otherField is not null || ownWrite >= 0 && ownWrite != writes.Count - 1)
        {
            reason = $"'{field}' may have no value in some rows, where Splunk's foreach skips it; the template for it writes {(otherField is null ? "it before its last step" : $"'{otherField}', another field foreach visits")}, so whether a row has it cannot be read where each step runs.";
            return null;
        }
        var present = new CallExpr("isnotnull", [new FieldRef(field) { Span = iteration.Stages[0].Span }]) { Span = iteration.Stages[0].Span };
        // Where the field is missing an assignment keeps the target's value: null for a target no column has yet
        // (SPL reads a missing field as null; a backend could not name the column).
        var existing = columns.ToHashSet(StringComparer.Ordinal);
        Expr Kept(Assignment a) => existing.Contains(a.Field)
            ? new FieldRef(a.Field) { Span = a.Span }
            : new CallExpr("null", []) { Span = a.Span };
        Assignment Guard(Assignment a)
        {
            var guarded = a with { Value = new CallExpr("if", [present, a.Value, Kept(a)]) { Span = a.Value.Span } };
            existing.Add(a.Field);
            return guarded;
        }
        return stages.Select(s => s switch
        {
            EvalStage e => e with { Assignments = e.Assignments.Select(Guard).ToImmutableArray() },
            FilterStage x => (Stage)(x with { Predicate = new OrPredicate([new ExpressionPredicate(new UnaryExpr(UnaryOp.Not, present) { Span = x.Span }) { Span = x.Span }, x.Predicate]) { Span = x.Span } }),
            _ => s,
        }).ToList();
    }

    /// <summary>The columns after a stage, or null when they are not known.</summary>
    private static Columns? After(Columns? columns, Stage stage)
    {
        static bool Literal(IEnumerable<string> names) => !names.Any(n => n.Contains('*', StringComparison.Ordinal));
        switch (stage)
        {
            case AggregateStage { Mode: AggregateMode.Group } a:
                return Columns.Of(a.GroupBy.Concat(a.Aggregations.Select(x => x.OutputName)),
                    a.GroupBy.Concat(a.Aggregations.Where(x => x.Function is "count" or "dc" or "distinct_count").Select(x => x.OutputName)));
            case AggregateStage a:
                return columns?.Add(a.Aggregations.Select(x => x.OutputName));
            case ProjectStage { Mode: ProjectMode.Table } p when Literal(p.Fields):
                return Columns.Of(p.Fields, columns?.NonNull ?? []);
            case ProjectStage { Mode: ProjectMode.Keep } p when Literal(p.Fields):
                // fields keeps _raw and _time unless told to remove them.
                return Columns.Of(columns is null ? [.. p.Fields, "_raw", "_time"] : columns.Names.Where(n => p.Fields.Contains(n) || n is "_raw" or "_time"), columns?.NonNull ?? []);
            case ProjectStage { Mode: ProjectMode.Remove } p when Literal(p.Fields) && columns is not null:
                return Columns.Of(columns.Names.Where(n => !p.Fields.Contains(n)), columns.NonNull);
            case EvalStage e:
                return columns?.Add(e.Assignments.Select(a => a.Field));
            case RenameStage r when columns is not null && Literal(r.Pairs.Select(p => p.From)):
            {
                var names = columns.Names;
                var nonNull = columns.NonNull;
                foreach (var (from, to) in r.Pairs)
                {
                    if (!names.Contains(from)) continue;
                    if (names.Contains(to)) return null;
                    names = names.Replace(from, to);
                    if (nonNull.Contains(from)) nonNull = nonNull.Remove(from).Add(to);
                }
                return new Columns(names, nonNull);
            }
            case FillNullStage f when columns is not null:
                return f.Fields.IsEmpty ? columns with { NonNull = columns.Names.ToImmutableHashSet(StringComparer.Ordinal) } : Columns.Of(columns.Names.AddRange(f.Fields), columns.NonNull.Union(f.Fields));
            case FilterStage or SortStage or LimitStage or DedupStage or RegexFilterStage:
                return columns;
            default:
                return null;
        }
    }
}
