using System.Collections;
using System.Globalization;

namespace ExfilQuery.Evaluation;

/// <summary>An event or result row: an ordered map of field name (case-sensitive, as in Splunk) to value.
/// <c>_time</c> is stored as epoch seconds (a number); <c>_raw</c>, <c>host</c>, <c>source</c> and
/// <c>sourcetype</c> are ordinary fields with helpers below. Setting a field to null removes it.</summary>
public sealed class Event : IEnumerable<KeyValuePair<string, FieldValue>>
{
    // Fields in order, in two parallel arrays: events read for a detection have a few fields, which a linear scan
    // finds faster than a hash; above IndexThreshold fields a name-to-position index is kept as well.
    private const int IndexThreshold = 8;
    private string[] _names;
    private FieldValue[] _values;
    private int _count;
    private Dictionary<string, int>? _index;
    private int _version;
    private FieldNames? _fields;

    /// <summary>An empty event.</summary>
    public Event()
    {
        _names = new string[4];
        _values = new FieldValue[4];
    }

    /// <summary>A copy of another event.</summary>
    public Event(Event other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var capacity = Math.Max(4, other._count);
        _names = new string[capacity];
        _values = new FieldValue[capacity];
        Array.Copy(other._names, _names, other._count);
        Array.Copy(other._values, _values, other._count);
        _count = other._count;
        if (other._index is not null) _index = new Dictionary<string, int>(other._index, StringComparer.Ordinal);
    }

    /// <summary>The field names, in order.</summary>
    public IReadOnlyList<string> Fields => _fields ??= new FieldNames(this);

    /// <summary>Number of fields.</summary>
    public int Count => _count;

    /// <summary>A field's value, or <see cref="FieldValue.Null"/> when missing; setting null removes it.</summary>
    public FieldValue this[string field]
    {
        get
        {
            var i = IndexOf(field);
            return i >= 0 ? _values[i] : FieldValue.Null;
        }
        set => Set(field, value);
    }

    /// <summary>True when the field is present (not null).</summary>
    public bool Has(string field) => IndexOf(field) >= 0;

    private int IndexOf(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (_index is not null) return _index.TryGetValue(field, out var position) ? position : -1;
        var names = _names;
        for (var i = 0; i < _count; i++)
            if (string.Equals(names[i], field)) return i;
        return -1;
    }

    /// <summary>Sets a field (appended at the end when new, in place when present); null removes it.</summary>
    public void Set(string field, FieldValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.IsNull)
        {
            Remove(field);
            return;
        }
        var i = IndexOf(field);
        if (i >= 0)
        {
            _values[i] = value;
            return;
        }
        Add(field, value);
    }

    /// <summary>Appends a field the caller knows is not there, with a value that is not null (a reader filling an
    /// event it has just emptied).</summary>
    internal void Add(string field, FieldValue value)
    {
        System.Diagnostics.Debug.Assert(!value.IsNull && IndexOf(field) < 0);
        if (_count == _names.Length)
        {
            Array.Resize(ref _names, _count * 2);
            Array.Resize(ref _values, _count * 2);
        }
        _names[_count] = field;
        _values[_count] = value;
        _index?.Add(field, _count);
        _count++;
        _version++;
        if (_index is null && _count > IndexThreshold) Reindex();
    }

    private void Reindex()
    {
        if (_count <= IndexThreshold)
        {
            _index = null;
            return;
        }
        _index = new Dictionary<string, int>(_count, StringComparer.Ordinal);
        for (var i = 0; i < _count; i++) _index[_names[i]] = i;
    }

    /// <summary>Removes every field (an event reused by a reader).</summary>
    internal void Clear()
    {
        Array.Clear(_names, 0, _count);
        Array.Clear(_values, 0, _count);
        _count = 0;
        _index = null;
        _version++;
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
        var i = IndexOf(field);
        if (i < 0) return false;
        _count--;
        Array.Copy(_names, i + 1, _names, i, _count - i);
        Array.Copy(_values, i + 1, _values, i, _count - i);
        _names[_count] = null!;
        _values[_count] = null!;
        _version++;
        if (_index is not null) Reindex();
        return true;
    }

    /// <summary>Renames a field in place (replacing any field already called <paramref name="to"/>).</summary>
    public void Rename(string from, string to)
    {
        if (from == to || !Has(from)) return;
        Remove(to);
        var i = IndexOf(from);
        _names[i] = to;
        _version++;
        if (_index is not null)
        {
            _index.Remove(from);
            _index[to] = i;
        }
    }

    /// <summary>Keeps only the given fields, in the given order.</summary>
    public void Retain(IReadOnlyList<string> fields)
    {
        var keep = fields.Where(Has).Distinct(StringComparer.Ordinal).ToList();
        var values = keep.Select(f => this[f]).ToList();
        Clear();
        for (var i = 0; i < keep.Count; i++) Set(keep[i], values[i]);
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
    public IEnumerator<KeyValuePair<string, FieldValue>> GetEnumerator()
    {
        var version = _version;
        for (var i = 0; i < _count; i++)
        {
            if (version != _version) throw new InvalidOperationException("The event was changed while its fields were enumerated.");
            yield return new KeyValuePair<string, FieldValue>(_names[i], _values[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Stable one-line text: <c>name=value</c> pairs in order (multivalues joined with '|').</summary>
    public override string ToString() => string.Join(" ", this.Select(kv => kv.Key + "=" + string.Join("|", kv.Value.Values)));

    /// <summary>A live view of the field names.</summary>
    private sealed class FieldNames(Event owner) : IReadOnlyList<string>
    {
        public string this[int index] => (uint)index < (uint)owner._count ? owner._names[index] : throw new ArgumentOutOfRangeException(nameof(index));

        public int Count => owner._count;

        public IEnumerator<string> GetEnumerator()
        {
            var version = owner._version;
            for (var i = 0; i < owner._count; i++)
            {
                if (version != owner._version) throw new InvalidOperationException("The event was changed while its fields were enumerated.");
                yield return owner._names[i];
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>Formats epoch seconds as ISO-8601 UTC.</summary>
    public static string FormatTime(double epochSeconds) =>
        DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(epochSeconds * TimeSpan.TicksPerSecond)).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
