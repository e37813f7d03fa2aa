using System.Globalization;
using System.Text.RegularExpressions;

namespace ExfilQuery.Evaluation;

/// <summary>Index-time timestamps that an add-on sets for its sourcetypes, applied once an event's sourcetype is
/// known (the JSON readers, <see cref="EventReaders.ReadJsonLines"/> and the streaming one of
/// <see cref="CompiledDetection.RunJsonLines"/>, when the event names its own sourcetype; the fixture harness after its
/// inputs set one).
/// <para>Zeek JSON logs (sourcetypes <c>bro:json</c>, <c>bro:*:json</c> and their <c>zeek</c> names): <c>_time</c> is
/// <c>ts</c>, epoch seconds with at most six decimals. The Splunk Add-on for Zeek aka Bro, now the Corelight Add-on for
/// Zeek (Splunkbase app 5446; its 1.0.9 release notes quote the stanza <c>[(?::){0}bro:*:json]</c> with
/// <c>TIME_FORMAT = %s.%6N</c>, <c>MAX_TIMESTAMP_LOOKAHEAD = 20</c>: the leading <c>"ts"</c> value), and the
/// renamed copy github.com/ThreatNerdz/Splunk_TA_bro_patched, local/props.conf <c>[zeek:json]</c>:
/// <c>INDEXED_EXTRACTIONS = json</c>, <c>TIMESTAMP_FIELDS = ts</c>, <c>TIME_FORMAT = %s.%6N</c>.</para></summary>
public static class SourceTypeTimestamps
{
    private static readonly Regex ZeekJson = new(@"^(?:bro|zeek)(?::[^:]+)?:json$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    private static readonly Regex EpochMicros = new(@"^(\d+)(?:\.(\d{1,6})\d*)?$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>True for the sourcetypes whose <c>_time</c> is Zeek's <c>ts</c>.</summary>
    public static bool IsZeekJson(string? sourceType) => sourceType is not null && ZeekJson.IsMatch(sourceType);

    /// <summary>Sets <c>_time</c> from the sourcetype's timestamp field when the event has one that reads in the
    /// add-on's format (for Zeek, <c>%s.%6N</c>: digits beyond the sixth decimal are not read); otherwise leaves the
    /// event as it is.</summary>
    public static void Apply(Event ev)
    {
        ArgumentNullException.ThrowIfNull(ev);
        if (IsZeekJson(ev.SourceType) && ZeekTime(ev["ts"]) is { } time) ev.Time = time;
    }

    /// <summary>The time a Zeek <c>ts</c> value gives (<c>%s.%6N</c>), or null when it does not read in that format
    /// (a missing field, a multivalue, anything else). <see cref="JsonLineEventReader"/> applies the same rule.</summary>
    internal static double? ZeekTime(FieldValue? ts)
    {
        if (ts is not { Kind: FieldValueKind.String or FieldValueKind.Number }) return null;
        var m = EpochMicros.Match(ts.AsString()!);
        return m.Success && double.TryParse(m.Groups[1].Value + "." + (m.Groups[2].Success ? m.Groups[2].Value : "0"), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var time)
            ? time : null;
    }
}
