using System.Runtime.CompilerServices;
using ExfilQuery.Ir;

namespace ExfilQuery.Evaluation;

public static partial class DetectionEvaluator
{
    /// <summary>The hooks the streaming engine (<see cref="CompiledDetection"/>) uses to run the very same stage code
    /// as <see cref="Evaluate"/>, one row at a time.</summary>
    internal sealed class RowPipeline
    {
        private readonly Runner _runner;

        public RowPipeline(EvaluationContext context)
        {
            Context = context;
            _runner = new Runner(context);
        }

        public EvaluationContext Context { get; }

        /// <summary>The expression evaluator of this run (aggregation arguments).</summary>
        public ExpressionEvaluator Expressions => _runner.Expressions;

        /// <summary>Runs a row-wise stage (see <see cref="StreamingPlan.IsRowWise"/>) on one row, in place; false when
        /// the row is filtered out.</summary>
        public bool Keep(Stage stage, Event row) => _runner.KeepRow(stage, row);

        /// <summary>Tests a search predicate on one row, as a filter stage does.</summary>
        public bool Test(Predicate predicate, Event row) => _runner.TestRow(predicate, row);

        /// <summary>Applies a stage to no rows: reports what it reports whatever its rows (a regex that does not compile,
        /// a span it cannot read), as Evaluate does even when no row reaches the stage.</summary>
        public void ReportStageDiagnostics(Stage stage) => _runner.RunStageList([stage], []);

        /// <summary>Runs stages over rows exactly as <see cref="Evaluate"/> does after its source.</summary>
        public List<Event> RunStages(IEnumerable<Stage> stages, List<Event> rows) => _runner.RunStageList(stages, rows);

        /// <summary>Applies the row limit as <see cref="Evaluate"/> does after a stage.</summary>
        public List<Event> Limit(List<Event> rows, Text.TextSpan span) => _runner.LimitRows(rows, span);

        /// <summary>True when a time modifier (<c>earliest=-24h</c>) is read without a diagnostic.</summary>
        public bool ReadsTime(string value) => _runner.ReadsRelativeTime(value);
    }

    private sealed partial class Runner
    {
        private readonly List<Event> _single = new(1);

        internal ExpressionEvaluator Expressions => _expressions;

        internal bool KeepRow(Stage stage, Event row)
        {
            if (stage is FilterStage f) return Test(f.Predicate, row);
            _single.Clear();
            _single.Add(row);
            var result = Apply(stage, _single);
            return result.Count == 1 && ReferenceEquals(result[0], row);
        }

        internal List<Event> RunStageList(IEnumerable<Stage> stages, List<Event> rows)
        {
            foreach (var stage in stages)
            {
                RuntimeHelpers.EnsureSufficientExecutionStack();
                rows = Limit(Apply(stage, rows), stage.Span);
            }
            return rows;
        }

        internal bool TestRow(Predicate predicate, Event row) => Test(predicate, row);

        internal List<Event> LimitRows(List<Event> rows, Text.TextSpan span) => Limit(rows, span);

        internal bool ReadsRelativeTime(string value) => RelativeTime(value) is not null;
    }
}
