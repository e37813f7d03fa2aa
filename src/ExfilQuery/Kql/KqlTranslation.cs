using System.Collections.Immutable;
using ExfilQuery.Diagnostics;

namespace ExfilQuery.Kql;

/// <summary>How completely a translation carries the SPL meaning.</summary>
public enum TranslationStatus
{
    /// <summary>The query means exactly what the SPL meant.</summary>
    Full,
    /// <summary>A query was emitted; warnings list where its meaning differs.</summary>
    Partial,
    /// <summary>No query can be trusted; errors say why.</summary>
    Failed,
}

/// <summary>Options of the KQL backend. Immutable; change with <c>with</c>.</summary>
public sealed record KqlOptions
{
    /// <summary>Defaults: profile <c>none</c>, table <c>Events</c>.</summary>
    public static KqlOptions Default { get; } = new();

    /// <summary>The mapping profile: <c>none</c> (fields keep their SPL names, one table), <c>defender</c>,
    /// <c>sentinel</c> or <c>asim</c>.</summary>
    public string Profile { get; init; } = "none";

    /// <summary>The table read by the <c>none</c> profile.</summary>
    public string Table { get; init; } = "Events";

    /// <summary>Unmapped fields are errors instead of warnings.</summary>
    public bool Strict { get; init; }

    /// <summary>JSON text of a user mapping file that overrides or extends the profile (docs/MAPPING.md).</summary>
    public string? MappingOverridesJson { get; init; }
}

/// <summary>A KQL translation: status, query (null when failed) and diagnostics (spans in the SPL as written).</summary>
public sealed record KqlTranslation(TranslationStatus Status, string? Query, ImmutableArray<Diagnostic> Diagnostics)
{
    /// <summary>The columns the query reads from its source table, with their KQL types (profile <c>none</c>:
    /// every field the search reads, as <c>string</c>, and <c>_time</c> as <c>datetime</c>). Used to declare the
    /// table when checking the query or creating it in ADX.</summary>
    public ImmutableSortedDictionary<string, string> SourceColumns { get; init; } = ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>The lower-case status name used in JSON output.</summary>
    public string StatusName => Status switch
    {
        TranslationStatus.Full => "full",
        TranslationStatus.Partial => "partial",
        _ => "failed",
    };
}
