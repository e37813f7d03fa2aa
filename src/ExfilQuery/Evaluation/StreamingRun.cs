using System.Collections.Immutable;
using ExfilQuery.Diagnostics;

namespace ExfilQuery.Evaluation;

/// <summary>One run of a <see cref="StreamingPlan"/>: events are pushed one at a time, then <see cref="Finish"/>
/// gives the same rows and diagnostics as <see cref="DetectionEvaluator.Evaluate"/> (diagnostics possibly in
/// another order).</summary>
internal sealed class StreamingRun
{
    private readonly StreamingPlan _plan;
    private readonly DetectionEvaluator.RowPipeline _pipeline;
    private readonly StreamingAggregator? _aggregator;
    private readonly List<(InputPosition Position, Event Row)> _collected = [];
    private readonly List<Diagnostic> _readerDiagnostics = [];
    private long _events;

    public StreamingRun(StreamingPlan plan)
    {
        _plan = plan;
        _pipeline = new DetectionEvaluator.RowPipeline(new EvaluationContext(plan.Options));
        if (plan.Aggregate is not null) _aggregator = new StreamingAggregator(plan.Aggregate, plan.CompiledArguments, _pipeline);
    }

    public StreamingPlan Plan => _plan;

    /// <summary>Diagnostics of the reader (malformed lines, skipped lines), listed before the evaluator's.</summary>
    public void ReportReader(Diagnostic diagnostic) => _readerDiagnostics.Add(diagnostic);

    /// <summary>The position of the next event in input order.</summary>
    public long NextIndex => _events;

    /// <summary>Pushes an event the caller owns: it is copied before any stage changes it.</summary>
    public void Push(Event input)
    {
        var row = _plan.PrefixMutates ? new Event(input) : input;
        if (Offer(row, _events, out var position)) Collect(position, ReferenceEquals(row, input) ? new Event(input) : row);
    }

    /// <summary>Counts events the reader skipped without reading them (they count toward the row limit check).</summary>
    public void Skipped(long index) => _events = Math.Max(_events, index + 1);

    /// <summary>Runs the prefix on an event the run may change. False when the row was dropped or went into the
    /// aggregation; true when the caller must <see cref="Collect"/> it (or the whole event it was read from, after
    /// running <see cref="Prefix"/> on that).</summary>
    public bool Offer(Event row, long index, out InputPosition position) => Offer(row, index, row.Time, out position);

    /// <summary><see cref="Offer(Event, long, out InputPosition)"/> for a row read without its <c>_time</c> field
    /// (<see cref="StreamingPlan.ReadsTime"/> false): <paramref name="time"/> is the time of the event.</summary>
    public bool Offer(Event row, long index, double? time, out InputPosition position)
    {
        _events = Math.Max(_events, index + 1);
        position = InputPosition.Of(time, index, _plan.Options.SortNewestFirst);
        if (!Prefix(row)) return false;
        if (_aggregator is null) return true;
        _aggregator.Add(row, position);
        return false;
    }

    /// <summary>Runs the row-wise prefix stages on a row, in place; false when a stage drops it.</summary>
    public bool Prefix(Event row)
    {
        var prefix = _plan.Prefix;
        var compiled = _plan.CompiledPrefix;
        for (var i = 0; i < prefix.Length; i++)
            if (!(compiled[i] is { } stage ? stage(row, _pipeline) : _pipeline.Keep(prefix[i], row))) return false;
        return true;
    }

    /// <summary>Keeps a surviving row for the stages after the prefix.</summary>
    public void Collect(InputPosition position, Event row) => _collected.Add((position, row));

    public EvaluationResult Finish()
    {
        var options = _plan.Options;
        if (_events > options.MaxRows)
            _pipeline.Context.Report(StreamingDiagnostics.StreamedPastRowLimit(_plan.Detection.Source.Span, _events, options.MaxRows));
        foreach (var stage in _plan.Prefix) _pipeline.ReportStageDiagnostics(stage);
        List<Event> rows;
        if (_aggregator is not null)
        {
            rows = _pipeline.Limit(_aggregator.Result(), _plan.Aggregate!.Span);
        }
        else
        {
            // Stable: equal positions cannot happen (the index differs), so this is Evaluate's order.
            _collected.Sort((x, y) => x.Position.CompareTo(y.Position));
            rows = _collected.Select(x => x.Row).ToList();
            rows = _pipeline.Limit(rows, _plan.Prefix.Length > 0 ? _plan.Prefix[^1].Span : _plan.Detection.Source.Span);
        }
        rows = _pipeline.RunStages(_plan.Rest, rows);
        return new EvaluationResult(rows.ToImmutableArray(), [.. _readerDiagnostics, .. _pipeline.Context.Diagnostics]);
    }
}
