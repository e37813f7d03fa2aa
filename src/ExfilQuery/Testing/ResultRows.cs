using System.Text.Json;
using ExfilQuery.Evaluation;

namespace ExfilQuery.Testing;

/// <summary>Result rows as text, the way Splunk's REST API returns them (<c>output_mode=json</c>): every value is a
/// string, a multivalue field is an array of strings, and <c>_time</c> is ISO-8601 UTC. Used by <c>exfilq eval</c>,
/// by fixture expectations and by the result snapshots, so that all three read and write one shape.</summary>
public static class ResultRows
{
    /// <summary>The columns of <paramref name="rows"/>: every field name in the order it first appears (rows in
    /// order, fields in row order). Stable for a given result.</summary>
    public static IReadOnlyList<string> Columns(IEnumerable<Event> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var columns = new List<string>();
        foreach (var row in rows)
            foreach (var field in row.Fields)
                if (seen.Add(field)) columns.Add(field);
        return columns;
    }

    /// <summary>The values of a field as text: none when missing, one for a single value, several for a
    /// multivalue field. <c>_time</c> (epoch seconds) is written as ISO-8601 UTC.</summary>
    public static IReadOnlyList<string> Values(Event row, string field)
    {
        ArgumentNullException.ThrowIfNull(row);
        var value = row[field];
        if (value.IsNull) return [];
        if (field == "_time" && value.Kind == FieldValueKind.Number && value.AsNumber() is { } t) return [Event.FormatTime(t)];
        return value.Values;
    }

    /// <summary>Writes one row as a JSON object, fields in row order.</summary>
    public static void WriteJson(Utf8JsonWriter writer, Event row)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(row);
        writer.WriteStartObject();
        foreach (var field in row.Fields)
        {
            var values = Values(row, field);
            if (row[field].Kind == FieldValueKind.Multi)
            {
                writer.WriteStartArray(field);
                foreach (var v in values) writer.WriteStringValue(v);
                writer.WriteEndArray();
            }
            else
            {
                writer.WriteString(field, values.Count > 0 ? values[0] : string.Empty);
            }
        }
        writer.WriteEndObject();
    }
}
