using System.Collections.Immutable;
using System.Text.Json;

namespace ExfilQuery.Mapping;

/// <summary>Search-time fields that Splunk's add-ons give raw events beyond the CIM dataset fields of
/// <see cref="CimSourceMapping"/> (Mapping/Data/addon_fields.json): for example <c>Logon_ID</c> of Windows Security
/// events, which the Splunk Add-on for Microsoft Windows extracts from <c>SubjectLogonId</c>. Unlike a dataset's
/// sources, where the first that takes an event wins, every source here whose conditions hold adds its fields, as
/// every matching stanza of an add-on's props.conf applies.</summary>
public sealed class AddOnFieldMapping
{
    private static readonly Lazy<AddOnFieldMapping> DefaultMapping = new(() => Parse(EmbeddedData.Read("addon_fields.json")));

    private AddOnFieldMapping(ImmutableArray<CimSourceRule> sources, string? source)
    {
        Sources = sources;
        Source = source;
    }

    /// <summary>The mapping embedded in the library.</summary>
    public static AddOnFieldMapping Default => DefaultMapping.Value;

    /// <summary>The raw sources and the fields each adds, in file order.</summary>
    public ImmutableArray<CimSourceRule> Sources { get; }

    /// <summary>Where the facts come from (the add-on files and version read).</summary>
    public string? Source { get; }

    /// <summary>Reads a mapping in the format of addon_fields.json.</summary>
    /// <exception cref="JsonException">The text is not such a mapping.</exception>
    public static AddOnFieldMapping Parse(string json)
    {
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = doc.RootElement;
        return new AddOnFieldMapping(CimSourceMapping.ReadSources(root.GetProperty("sources"), "addon_fields"), CimSourceMapping.Text(root, "$source"));
    }
}
