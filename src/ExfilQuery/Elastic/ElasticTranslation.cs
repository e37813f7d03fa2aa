using System.Collections.Immutable;
using ExfilQuery.Diagnostics;
using ExfilQuery.Kql;

namespace ExfilQuery.Elastic;

/// <summary>Options of the Elastic backends (ES|QL and EQL). Immutable; change with <c>with</c>.</summary>
public sealed record ElasticOptions
{
    /// <summary>Defaults: profile <c>none</c>, index pattern <c>logs-*</c>.</summary>
    public static ElasticOptions Default { get; } = new();

    /// <summary>The index pattern of profile <c>none</c>.</summary>
    public const string DefaultIndex = "logs-*";

    /// <summary>The mapping profile: <c>none</c> (field names kept as written, index <see cref="Index"/>) or
    /// <c>ecs</c> (Elastic Common Schema fields and the index pattern of the dataset or source; docs/MAPPING.md).</summary>
    public string Profile { get; init; } = "none";

    /// <summary>The index pattern read by ES|QL's <c>FROM</c> and reported for EQL. Null: the profile's index for the
    /// dataset or source (profile <c>none</c>: <see cref="DefaultIndex"/>); set, it replaces the profile's.</summary>
    public string? Index { get; init; }

    /// <summary>A user mapping file (JSON text, the format of docs/MAPPING.md) applied over the profile, or null.</summary>
    public string? MappingOverridesJson { get; init; }

    /// <summary>Unmapped fields are errors (MAP0020 with error severity) instead of warnings.</summary>
    public bool Strict { get; init; }
}

/// <summary>The parameters of an Elastic threshold rule equivalent to an SPL <c>stats count by X | where count &gt; N</c>:
/// the rule alerts for each group of <see cref="GroupBy"/> values with at least <see cref="Value"/> matching events.</summary>
/// <param name="GroupBy">The threshold rule's group-by fields (empty: all events form one group).</param>
/// <param name="Value">The threshold: the rule fires when the count is greater than or equal to it.</param>
public sealed record ThresholdRule(ImmutableArray<string> GroupBy, long Value);

/// <summary>An ES|QL or EQL translation: status, query (null when failed), diagnostics (spans in the SPL as written)
/// and, for EQL, the threshold-rule parameters when the SPL's aggregation is a count threshold.</summary>
public sealed record ElasticTranslation(TranslationStatus Status, string? Query, ImmutableArray<Diagnostic> Diagnostics)
{
    /// <summary>The index pattern the query reads (EQL takes it from the rule or the request); null when failed.</summary>
    public string? Index { get; init; }

    /// <summary>EQL only: the equivalent threshold-rule parameters, when the aggregation EQL cannot express is a
    /// count threshold by group; null otherwise.</summary>
    public ThresholdRule? Threshold { get; init; }

    /// <summary>The lower-case status name used in JSON output.</summary>
    public string StatusName => Status switch
    {
        TranslationStatus.Full => "full",
        TranslationStatus.Partial => "partial",
        _ => "failed",
    };
}
