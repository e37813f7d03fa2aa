using ExfilQuery.Ir;

namespace ExfilQuery.Evaluation;

public static partial class DetectionEvaluator
{
    private sealed partial class Runner
    {
        /// <summary>Each foreach's lowered templates, by pattern and field: a template is parsed once per field name
        /// for the whole run (and across the rows of a streamed run).</summary>
        private readonly Dictionary<ForeachStage, Dictionary<(string Pattern, string Field), ForeachIteration>> _foreachTemplates = new(ReferenceEqualityComparer.Instance);

        /// <summary>foreach (Splunk Search Reference, "foreach"; <see cref="ForeachTemplate"/> for the choices the
        /// reference leaves open): per row, the fields it has when foreach starts are matched against the patterns, and
        /// for each visited field the substituted template's stages run on the row in place. A template that does not
        /// read for some field is EVL0050 and that iteration is skipped; a filter in the template may drop the row.</summary>
        private List<Event> Foreach(ForeachStage f, List<Event> rows)
        {
            if (!_foreachTemplates.TryGetValue(f, out var templates))
                _foreachTemplates[f] = templates = [];
            var kept = new List<Event>(rows.Count);
            foreach (var row in rows)
                if (ForeachRow(f, row, templates)) kept.Add(row);
            return kept;
        }

        private bool ForeachRow(ForeachStage f, Event row, Dictionary<(string Pattern, string Field), ForeachIteration> templates)
        {
            var ran = new List<ForeachIteration>();
            var segments = ForeachTemplate.UsesSegments(f);
            foreach (var visit in ForeachTemplate.Visits(f, row.Fields))
            {
                if (!templates.TryGetValue((visit.Pattern, visit.Field), out var iteration))
                    templates[(visit.Pattern, visit.Field)] = iteration = ForeachTemplate.Expand(f, visit);
                if (!iteration.Ok)
                {
                    foreach (var error in iteration.Errors) context.Report(EvaluationDiagnostics.ForeachTemplate(error.Span, $"the field '{visit.Field}'", iteration.Text, error));
                    continue;
                }
                if (segments && visit.Ambiguous) context.Report(EvaluationDiagnostics.ForeachAmbiguousSplit(f.Span, ForeachTemplate.SplitNote(visit)));
                List<Event> current = [row];
                foreach (var stage in iteration.Stages)
                {
                    current = Apply(stage, current);
                    if (current.Count == 0) return false;
                }
                ran.Add(iteration);
            }
            if (ForeachTemplate.OrderDependentField(ran) is { } field) context.Report(EvaluationDiagnostics.ForeachOrder(f.Span, ForeachTemplate.OrderNote(field)));
            return true;
        }

        /// <summary>Most value templates cached per multivalue foreach.</summary>
        private const int MaxCachedValueTemplates = 10_000;

        /// <summary>Each multivalue foreach's eval per value and position.</summary>
        private readonly Dictionary<ForeachValuesStage, Dictionary<(string Value, int Index), ForeachValueIteration>> _foreachValueTemplates = new(ReferenceEqualityComparer.Instance);

        /// <summary>foreach mode=multivalue (Splunk Search Reference, "foreach"): for each value of the field, as the row
        /// has it when foreach starts, the template's eval with <c>&lt;&lt;ITEM&gt;&gt;</c> and <c>&lt;&lt;ITER&gt;&gt;</c>
        /// replaced (<see cref="ForeachTemplate.ValueLiteral"/>) runs on the row. A field without a value runs nothing.</summary>
        private List<Event> ForeachValues(ForeachValuesStage f, List<Event> rows)
        {
            if (!_foreachValueTemplates.TryGetValue(f, out var templates))
                _foreachValueTemplates[f] = templates = [];
            foreach (var row in rows)
            {
                var values = row[f.Field].Values;
                for (var i = 0; i < values.Length; i++)
                {
                    if (!templates.TryGetValue((values[i], i), out var iteration))
                    {
                        // Values come from the data, so the cache is bounded: past the cap a template is parsed per use.
                        iteration = ForeachTemplate.ExpandValue(f, values[i], i);
                        if (templates.Count < MaxCachedValueTemplates) templates[(values[i], i)] = iteration;
                    }
                    if (iteration.Eval is null)
                    {
                        foreach (var error in iteration.Errors) context.Report(EvaluationDiagnostics.ForeachTemplate(error.Span, $"the value '{values[i]}' of '{f.Field}'", iteration.Text, error));
                        continue;
                    }
                    Apply(iteration.Eval, [row]);
                }
            }
            return rows;
        }
    }
}
