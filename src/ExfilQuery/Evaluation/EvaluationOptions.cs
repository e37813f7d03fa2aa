using System.Collections.Immutable;
using ExfilQuery.Diagnostics;

namespace ExfilQuery.Evaluation;

/// <summary>Options of an evaluation: limits (hitting one is a diagnostic, not a crash), the regex timeout and the
/// fixed "now" that relative times are read against.</summary>
public sealed record EvaluationOptions
{
    /// <summary>The defaults.</summary>
    public static EvaluationOptions Default { get; } = new();

    /// <summary>Most rows any stage keeps (input events included); default 1,000,000.</summary>
    public int MaxRows { get; init; } = 1_000_000;

    /// <summary>Most groups an aggregation keeps; default 100,000.</summary>
    public int MaxGroups { get; init; } = 100_000;

    /// <summary>Most cells (rows × columns) chart and timechart write; default 5,000,000. A pivot fills every
    /// cell, including the empty buckets of <c>cont=true</c>, so its memory grows with rows times series.</summary>
    public int MaxChartCells { get; init; } = 5_000_000;

    /// <summary>Timeout of one regular expression match; default one second.</summary>
    public TimeSpan RegexTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>"now" for <c>earliest</c>/<c>latest</c> and <c>now()</c>; default the Unix epoch, so results never
    /// depend on the clock.</summary>
    public DateTimeOffset Now { get; init; } = DateTimeOffset.UnixEpoch;

    /// <summary>When true (the default), input events are sorted newest first as Splunk returns them; when false
    /// they keep the order given.</summary>
    public bool SortNewestFirst { get; init; } = true;

    /// <summary>How raw events become CIM data model rows for <c>tstats ... from datamodel=</c>; default the
    /// embedded <see cref="Mapping.CimSourceMapping.Default"/>.</summary>
    public Mapping.CimSourceMapping? CimSources { get; init; }

    /// <summary>When true, raw events of a source in <see cref="CimSources"/> also get its CIM fields under their
    /// plain names (<c>process_name</c>, <c>dest</c>, <c>user</c>, ...) for searches over raw events, as the add-on
    /// computes them at search time, plus the add-on fields outside CIM of <see cref="Mapping.AddOnFieldMapping.Default"/>
    /// (<c>Logon_ID</c>, ...); a field the event already has is kept. Default false.</summary>
    public bool AddOnFields { get; init; }

    /// <summary>Where <c>lookup</c> and <c>inputlookup</c> read tables (for example a
    /// <see cref="DirectoryLookupProvider"/> over a folder of CSV files); null: no lookups (EVL0012).</summary>
    public ILookupProvider? Lookups { get; init; }

    /// <summary>The macros the searches that <c>map</c> runs are expanded with (their text is parsed only when
    /// run, so macros in it are expanded then, as Splunk does).</summary>
    public Macros.MacroLibrary Macros { get; init; } = ExfilQuery.Macros.MacroLibrary.Empty;

    /// <summary>The table <c>iplocation</c> reads (no GeoIP database ships with the library); null: iplocation adds
    /// nothing and reports EVL0014.</summary>
    public IpLocationTable? IpLocations { get; init; }

    /// <summary>Most rows a subsearch of join or append returns (Splunk's subsearch default maxout is 50,000).</summary>
    public int MaxSubsearchRows { get; init; } = 50_000;
}

/// <summary>The rows a detection returned and what the evaluator had to say.</summary>
/// <param name="Rows">Result rows: ordered field maps.</param>
/// <param name="Diagnostics">Diagnostics (EVL codes), in the order they were found.</param>
public sealed record EvaluationResult(ImmutableArray<Event> Rows, ImmutableArray<Diagnostic> Diagnostics)
{
    /// <summary>True when no diagnostic is an error.</summary>
    public bool Ok => !Diagnostics.Any(d => d.IsError);
}
