using System.Collections.Immutable;
using ExfilQuery.Text;

namespace ExfilQuery.Ir;

/// <summary>Base of the target-free detection IR. Every node keeps the span of the SPL text the user wrote
/// (original coordinates: text that came from a macro maps to the macro call), so that a backend that cannot
/// express a node points at the SPL it came from.</summary>
public abstract record IrNode
{
    /// <summary>The span in the text the user wrote.</summary>
    public TextSpan Span { get; init; }
}

/// <summary>A detection: where events come from, then stages applied in order.</summary>
public sealed record Detection(DataSource Source, ImmutableArray<Stage> Stages) : IrNode;

/// <summary>Where a detection's rows come from.</summary>
public abstract record DataSource : IrNode;

/// <summary>Raw events (the implicit search). Index, sourcetype and source conditions stay in the first filter
/// stage; the mapping pass decides which target tables they select.</summary>
public sealed record EventsSource : DataSource;

/// <summary>An accelerated CIM data model dataset read by <c>tstats</c>, e.g. <c>Endpoint.Processes</c>.
/// Field names inside the detection are written with the dataset prefix (<c>Processes.process_name</c>).</summary>
/// <param name="DataModel">The model, e.g. <c>Endpoint</c>.</param>
/// <param name="Dataset">The dataset, e.g. <c>Processes</c>; null for the model's root dataset.</param>
/// <param name="SummariesOnly">tstats <c>summariesonly</c>: true reads only accelerated summaries.</param>
public sealed record DataModelSource(string DataModel, string? Dataset, bool SummariesOnly) : DataSource
{
    /// <summary><c>Model.Dataset</c> or <c>Model</c>.</summary>
    public string Name => Dataset is null ? DataModel : DataModel + "." + Dataset;
}

/// <summary>The rows of a lookup table (<c>inputlookup</c>).</summary>
public sealed record LookupTableSource(string Table) : DataSource;

/// <summary>No input rows (a pipeline that starts with a generating command the IR does not model).</summary>
public sealed record EmptySource : DataSource;
