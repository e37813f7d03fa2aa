using System.Collections;
using System.Globalization;

namespace ExfilQuery.Evaluation;

/// <summary>An event or result row: an ordered map of field name (case-sensitive, as in Splunk) to value.
/// <c>_time</c> is stored as epoch seconds (a number); <c>_raw</c>, <c>host</c>, <c>source</c> and
/// <c>sourcetype</c> are ordinary fields with helpers below. Setting a field to null removes it.</summary>
public sealed class Event : IEnumerable<KeyValuePair<string, FieldValue>>
{
    private readonly List<string> _order = [];
    private readonly Dictionary<string, FieldValue> _values = new(StringComparer.Ordinal);

    /// <summary>An empty event.</summary>
    public Event() { }

    /// <summary>A copy of another event.</summary>
    public Event(Event other)
    {
        ArgumentNullException.ThrowIfNull(other);
        _order.AddRange(other._order);
        foreach (var kv in other._values) _values[kv.Key] = kv.Value;
    }

    /// <summary>The field names, in order.</summary>
    public IReadOnlyList<string> Fields => _order;

    /// <summary>Number of fields.</summary>
    public int Count => _order.Count;

    /// <summary>A field's value, or <see cref="FieldValue.Null"/> when missing; setting null removes it.</summary>
    public FieldValue this[string field]
    {
        get => _values.TryGetValue(field, out var v) ? v : FieldValue.Null;
        set => Set(field, value);
    }

    /// <summary>True when the field is present (not null).</summary>
    public bool Has(string field) => _values.ContainsKey(field);

    /// <summary>Sets a field (appended at the end when new, in place when present); null removes it.</summary>
    public void Set(string field, FieldValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.IsNull)
        {
            Remove(field);
            return;
        }
        if (!_values.ContainsKey(field)) _order.Add(field);
        _values[field] = value;
    }

    /// <summary>Sets a string field.</summary>
    public void Set(string field, string value) => Set(field, FieldValue.String(value));

    /// <summary>Adds a value to a field, making it multivalue when it already has one.</summary>
    public void Append(string field, string value)
    {
        var existing = this[field];
        Set(field, existing.IsNull ? FieldValue.String(value) : FieldValue.Multi([.. existing.Values, value]));
    }

    /// <summary>Removes a field.</summary>
    public bool Remove(string field)
    {
        if (!_values.Remove(field)) return false;
        _order.Remove(field);
        return true;
    }

    /// <summary>Renames a field in place (replacing any field already called <paramref name="to"/>).</summary>
    public void Rename(string from, string to)
    {
        if (from == to || !_values.TryGetValue(from, out var value)) return;
        Remove(to);
        var index = _order.IndexOf(from);
        _order[index] = to;
        _values.Remove(from);
        _values[to] = value;
    }

    /// <summary>Keeps only the given fields, in the given order.</summary>
    public void Retain(IReadOnlyList<string> fields)
    {
        var keep = fields.Where(_values.ContainsKey).Distinct(StringComparer.Ordinal).ToList();
        var kept = keep.ToDictionary(f => f, f => _values[f], StringComparer.Ordinal);
        _order.Clear();
        _values.Clear();
        foreach (var f in keep)
        {
            _order.Add(f);
            _values[f] = kept[f];
        }
    }

    /// <summary><c>_time</c> as epoch seconds, or null.</summary>
    public double? Time
    {
        get => this["_time"].AsNumber();
        set => Set("_time", value is { } v ? FieldValue.Number(v) : FieldValue.Null);
    }

    /// <summary><c>_time</c> as a UTC date, or null.</summary>
    public DateTimeOffset? TimeUtc => Time is { } t ? DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(t * TimeSpan.TicksPerSecond)) : null;

    /// <summary>Sets <c>_time</c> from a date.</summary>
    public void SetTime(DateTimeOffset time) => Time = (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;

    /// <summary><c>_raw</c>.</summary>
    public string? Raw { get => this["_raw"].AsString(); set => Set("_raw", value is null ? FieldValue.Null : FieldValue.String(value)); }

    /// <summary><c>host</c>.</summary>
    public string? Host { get => this["host"].AsString(); set => Set("host", value is null ? FieldValue.Null : FieldValue.String(value)); }

    /// <summary><c>source</c>.</summary>
    public string? Source { get => this["source"].AsString(); set => Set("source", value is null ? FieldValue.Null : FieldValue.String(value)); }

    /// <summary><c>sourcetype</c>.</summary>
    public string? SourceType { get => this["sourcetype"].AsString(); set => Set("sourcetype", value is null ? FieldValue.Null : FieldValue.String(value)); }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, FieldValue>> GetEnumerator() => _order.Select(f => new KeyValuePair<string, FieldValue>(f, _values[f])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Stable one-line text: <c>name=value</c> pairs in order (multivalues joined with '|').</summary>
    public override string ToString() => string.Join(" ", _order.Select(f => f + "=" + string.Join("|", _values[f].Values)));

    /// <summary>Formats epoch seconds as ISO-8601 UTC.</summary>
    public static string FormatTime(double epochSeconds) =>
        DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(epochSeconds * TimeSpan.TicksPerSecond)).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
