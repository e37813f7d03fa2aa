using System.Buffers.Binary;
using System.Numerics;
using System.Buffers;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ExfilQuery.Evaluation;

/// <summary>Feeds JSON Lines from a UTF-8 stream into a <see cref="StreamingRun"/> without decoding whole lines to
/// strings: lines are split on the bytes (<c>\n</c>, <c>\r\n</c> or <c>\r</c>, as <see cref="TextReader.ReadLine"/>),
/// lines the <see cref="RawPrefilter"/> rules out are skipped, and the others are read with
/// <see cref="Utf8JsonReader"/> keeping only the fields the plan reads. Every event gets the same values for those
/// fields as <see cref="EventReaders.ReadJsonLines"/> gives it; anything unusual (a line that is not valid UTF-8 or
/// not a JSON object, invalid JSON, a plan that reads every field) goes through <see cref="EventReaders.ReadJsonLines"/>
/// itself, so errors are reported with the same messages.</summary>
internal sealed class JsonLineEventReader
{
    private const int InitialBuffer = 1 << 20;
    private static readonly SearchValues<byte> Terminators = SearchValues.Create("\r\n"u8);
    private static readonly SearchValues<byte> AsciiWhitespace = SearchValues.Create(" \t\n\v\f\r"u8);

    private readonly StreamingRun _run;
    private readonly string _source;
    private readonly RawPrefilter? _prefilter;
    private readonly string[]? _names;
    private readonly byte[][]? _utf8Names;
    private readonly int[][] _slotsByLength = [];
    private static readonly FieldValue JsonSourceType = FieldValue.String("_json");
    private readonly FieldValue? _sourceValue;
    private readonly Event _partial = new();
    private double? _numericTime;
    private readonly FieldValue?[] _first;
    private readonly ValueCache[] _caches;
    private readonly List<string>?[] _more;
    private readonly bool _needRaw;
    private readonly bool _needSource;
    private readonly bool _needSourceType;
    private const string SourceTypeField = "sourcetype";
    private const string ZeekTimeField = "ts";
    private readonly int _emitted;
    private readonly bool[] _replaces = [];
    private readonly int _sourceTypeSlot = -1;
    private readonly int _zeekTimeSlot = -1;
    // The time of the last event read by Fields; stored in the event as _time only when the plan reads it.
    private double? _time;
    private readonly bool _storeTime;
    private FieldValue? _lastSourceType;
    private bool _lastSourceTypeIsZeek;
    private byte[] _buffer = new byte[InitialBuffer];
    private int _start;
    private int _end;
    private bool _eof;
    private bool _carriageReturns;
    private long _line;
    private long _skipped;

    public JsonLineEventReader(StreamingRun run, string sourceName, bool prefilter)
    {
        _run = run;
        _source = sourceName;
        _sourceValue = sourceName is null ? null : FieldValue.String(sourceName);
        _prefilter = prefilter ? run.Plan.Prefilter : null;
        _storeTime = run.Plan.ReadsTime;
        if (run.Plan.NeededFields is { } needed)
        {
            _needRaw = needed.Contains("_raw");
            _needSource = needed.Contains("source");
            _needSourceType = needed.Contains("sourcetype");
            // Time fields first, in the reader's order of preference; then the others ordinally.
            _names = [.. StreamingPlan.TimeFields, .. needed.Where(n => !StreamingPlan.TimeFields.Contains(n) && n != "_raw").Order(StringComparer.Ordinal)];
            // The sourcetype and Zeek's ts are read even when the plan does not: an event that names a Zeek
            // sourcetype takes its _time from ts (SourceTypeTimestamps), as the reference reader does. They are
            // not added to the event unless the plan reads them.
            _emitted = _names.Length;
            if (!_names.Contains(SourceTypeField)) _names = [.. _names, SourceTypeField];
            if (!_names.Contains(ZeekTimeField)) _names = [.. _names, ZeekTimeField];
            _sourceTypeSlot = Array.IndexOf(_names, SourceTypeField);
            _zeekTimeSlot = Array.IndexOf(_names, ZeekTimeField);
            _utf8Names = _names.Select(Encoding.UTF8.GetBytes).ToArray();
            // A JSON source or sourcetype replaces the reader's value (EventReaders sets them before the fields).
            _replaces = _names.Select(n => n is "source" or "sourcetype").ToArray();
            _slotsByLength = new int[_utf8Names.Max(n => n.Length) + 1][];
            for (var length = 0; length < _slotsByLength.Length; length++)
                _slotsByLength[length] = Enumerable.Range(0, _utf8Names.Length).Where(i => _utf8Names[i].Length == length).ToArray();
        }
        _first = new FieldValue?[_names?.Length ?? 0];
        _caches = Enumerable.Range(0, _first.Length).Select(_ => new ValueCache()).ToArray();
        _more = new List<string>?[_names?.Length ?? 0];
    }

    public void Read(Stream stream, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!Prepare()) continue;
            if (_eof) break;
            var read = stream.Read(_buffer, _end, _buffer.Length - _end);
            if (Filled(read) is { } fallback) Fallback(fallback, stream);
        }
        Done();
    }

    public async Task ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!Prepare()) continue;
            if (_eof) break;
            var read = await stream.ReadAsync(_buffer.AsMemory(_end, _buffer.Length - _end), cancellationToken).ConfigureAwait(false);
            if (Filled(read) is { } fallback) Fallback(fallback, stream);
        }
        Done();
    }

    /// <summary>Handles the complete lines in the buffer and makes room for more; false when it should be called
    /// again before reading.</summary>
    private bool Prepare()
    {
        // Most files end lines with '\n' alone: when the buffered bytes hold no '\r', lines are split on '\n' by
        // the faster single-byte search (the window only shrinks while lines are taken).
        _carriageReturns = _buffer.AsSpan(_start, _end - _start).Contains((byte)'\r');
        while (NextLine(out var s, out var length)) Line(_buffer.AsSpan(s, length));
        if (_eof)
        {
            if (_end > _start) Line(_buffer.AsSpan(_start, _end - _start));
            _start = _end;
            return true;
        }
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        return true;
    }

    /// <summary>Takes a read's byte count; returns the bytes to re-read as text when the stream is not UTF-8.</summary>
    private byte[]? Filled(int read)
    {
        var first = _line == 0 && _start == 0 && _end == 0;
        _end += read;
        if (read == 0) _eof = true;
        if (!first) return null;
        var head = _buffer.AsSpan(0, _end);
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            _start = 3;
            return null;
        }
        // UTF-16 and UTF-32 byte order marks: StreamReader decodes those; so does the fallback.
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) || head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
            return head.ToArray();
        return null;
    }

    private void Fallback(byte[] head, Stream rest)
    {
        using var all = new MemoryStream();
        all.Write(head);
        rest.CopyTo(all);
        all.Position = 0;
        using var text = new StreamReader(all, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var read = EventReaders.ReadJsonLines(text, _source);
        foreach (var m in read.Malformed) _run.ReportReader(EvaluationDiagnostics.MalformedEvent(m.File, m.Line, m.Reason));
        foreach (var e in read.Events) _run.Push(e);
        _start = _end = 0;
        _eof = true;
    }

    private void Done()
    {
        if (_skipped > 0 && _prefilter is not null)
            _run.ReportReader(StreamingDiagnostics.LinesSkipped(_source, _skipped, _prefilter.Describe()));
    }

    private bool NextLine(out int start, out int length)
    {
        start = _start;
        length = 0;
        var window = _buffer.AsSpan(_start, _end - _start);
        var i = _carriageReturns ? window.IndexOfAny(Terminators) : window.IndexOf((byte)'\n');
        if (i < 0) return false;
        var skip = 1;
        if (window[i] == (byte)'\r')
        {
            if (i + 1 >= window.Length && !_eof) return false; // a '\n' may follow in the next read
            if (i + 1 < window.Length && window[i + 1] == (byte)'\n') skip = 2;
        }
        length = i;
        _start += i + skip;
        return true;
    }

    private void Line(ReadOnlySpan<byte> line)
    {
        var number = ++_line;
        var firstNonSpace = line.Length > 0 && line[0] == (byte)'{' ? 0 : line.IndexOfAnyExcept(AsciiWhitespace);
        if (firstNonSpace < 0) return;
        if (line[firstNonSpace] >= 0x80)
        {
            Slow(line, number);
            return;
        }
        if (_prefilter is not null && !_prefilter.MayMatch(line))
        {
            _skipped++;
            _run.Skipped(number);
            return;
        }
        // Invalid UTF-8 in a string makes Utf8JsonReader throw (the reference reader then reports or reads the
        // line); invalid bytes elsewhere are invalid JSON.
        if (_names is null)
        {
            Slow(line, number);
            return;
        }
        if (Fields(line) is not { } ev)
        {
            Slow(line, number);
            return;
        }
        if (!_run.Offer(ev, number, _time, out var position)) return;
        // The surviving row goes to later stages that may read any field: read it whole.
        if (Whole(line, number) is { } whole && _run.Prefix(whole)) _run.Collect(position, whole);
    }

    /// <summary>The event with only the plan's fields, or null when the line needs the reference reader. The same
    /// instance is returned for every line: a row that survives is read again whole.</summary>
    private Event? Fields(ReadOnlySpan<byte> line)
    {
        var names = _names!;
        Array.Clear(_first);
        foreach (var list in _more) list?.Clear();
        _numericTime = null;
        try
        {
            if (!Tokens(line)) return null;
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
        var ev = _partial;
        // Reused, emptied first: nothing a prefix stage did to the previous line (eval, rex, rename, ...) remains.
        ev.Clear();
        // Fields are added in the reference reader's order (_raw, _time, source, sourcetype, the JSON fields);
        // each is new except a JSON source or sourcetype, which replaces the reader's.
        if (_needRaw) ev.Add("_raw", FieldValue.String(Encoding.UTF8.GetString(line)));
        double? time = ZeekTime() ?? _numericTime;
        if (time is null)
        {
            for (var i = 0; i < StreamingPlan.TimeFields.Length; i++)
            {
                if (Value(i) is { } t && EventReaders.ParseTime(t) is { } parsed)
                {
                    time = parsed;
                    break;
                }
            }
        }
        // Splunk's timestamp lookahead when no time field has a time (EventReaders.LeadingTimestamp).
        time ??= EventReaders.LeadingTimestamp(Encoding.UTF8.GetString(line));
        _time = time;
        if (_storeTime && time is { } seconds) ev.Add("_time", FieldValue.Number(seconds));
        if (_needSource && _sourceValue is not null) ev.Add("source", _sourceValue);
        if (_needSourceType) ev.Add("sourcetype", JsonSourceType);
        var replaces = _replaces;
        for (var i = 1; i < _emitted; i++)
        {
            if (Value(i) is not { } v) continue;
            if (replaces[i]) ev.Set(names[i], v);
            else ev.Add(names[i], v);
        }
        return ev;
    }

    /// <summary><c>ts</c> as the event's time when the event names a Zeek JSON sourcetype (its first value, as
    /// <see cref="Event.SourceType"/> reads it) and <c>ts</c> reads as one; else null. The sourcetype's verdict is
    /// kept for the last value (the value cache gives repeated sourcetypes the same instance).</summary>
    private double? ZeekTime()
    {
        if (_first[_sourceTypeSlot] is not { } sourceType) return null;
        if (!ReferenceEquals(sourceType, _lastSourceType))
        {
            _lastSourceType = sourceType;
            _lastSourceTypeIsZeek = SourceTypeTimestamps.IsZeekJson(sourceType.AsString());
        }
        return _lastSourceTypeIsZeek ? SourceTypeTimestamps.ZeekTime(Value(_zeekTimeSlot)) : null;
    }

    /// <summary>Reads the line's top-level values into the slots (outside the caller's exception handlers, so the
    /// loop is compiled as tightly as a plain loop); false when the line is not an object.</summary>
    private bool Tokens(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1) continue;
            var slot = Slot(ref reader);
            reader.Read();
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    // Nested values give flattened names (a.b, a{}), never a plain name.
                    reader.Skip();
                    break;
                case JsonTokenType.Number when slot == 0 && _first[0] is null && _numericTime is null:
                    // _time as a JSON number: read as FieldValue.TryParseNumber reads its text (the same parser).
                    if (FastNumber.TryParse(reader.ValueSpan, out var n)
                        || (double.TryParse(reader.ValueSpan, NumberStyles.Float, CultureInfo.InvariantCulture, out n) && double.IsFinite(n))) _numericTime = n;
                    else Keep(slot, ref reader);
                    break;
                default:
                    if (slot >= 0 && !(slot == 0 && _numericTime is not null)) Keep(slot, ref reader);
                    break;
            }
        }
        return true;
    }

    private int Slot(ref Utf8JsonReader reader)
    {
        var utf8 = _utf8Names!;
        if (reader.ValueIsEscaped)
        {
            for (var i = 0; i < utf8.Length; i++)
                if (reader.ValueTextEquals(utf8[i])) return i;
            return -1;
        }
        var name = reader.ValueSpan;
        if (name.Length >= _slotsByLength.Length) return -1;
        if (name.IsEmpty) return _slotsByLength[0] is [var empty, ..] ? empty : -1;
        var first = name[0];
        foreach (var i in _slotsByLength[name.Length])
            if (utf8[i][0] == first && name.SequenceEqual(utf8[i])) return i;
        return -1;
    }

    /// <summary>A scalar's text as <see cref="EventReaders.ReadJsonLines"/> keeps it: strings unescaped, numbers and
    /// booleans as written, null as "null".</summary>
    private static string Scalar(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString()!,
        JsonTokenType.Null => "null",
        _ => Encoding.UTF8.GetString(reader.ValueSpan),
    };

    private void Keep(int slot, ref Utf8JsonReader reader)
    {
        if (_first[slot] is null)
        {
            // Values repeat (hosts, ports, event codes): a small cache keyed by the bytes saves the string.
            _first[slot] = reader.ValueIsEscaped || reader.TokenType == JsonTokenType.Null
                ? FieldValue.String(Scalar(ref reader))
                : _caches[slot].Get(reader.ValueSpan);
        }
        else (_more[slot] ??= []).Add(Scalar(ref reader));
    }

    private FieldValue? Value(int slot)
    {
        if (_first[slot] is not { } first) return null;
        if (_more[slot] is not { Count: > 0 } more) return first;
        return FieldValue.Multi([first.AsString()!, .. more]);
    }

    /// <summary>String values by their UTF-8 bytes (unescaped JSON text), direct-mapped; it turns itself off for a
    /// field whose values rarely repeat.</summary>
    private sealed class ValueCache
    {
        private const int Size = 1024;
        private readonly byte[]?[] _keys = new byte[]?[Size];
        private readonly FieldValue?[] _values = new FieldValue?[Size];
        private readonly int[] _hashes = new int[Size];
        private long _lookups;
        private long _hits;
        private bool _off;

        public FieldValue Get(ReadOnlySpan<byte> utf8)
        {
            if (_off || utf8.Length > 64) return FieldValue.String(Encoding.UTF8.GetString(utf8));
            var h = Hash(utf8);
            var i = h & (Size - 1);
            _lookups++;
            if (_hashes[i] == h && _keys[i] is { } key && utf8.SequenceEqual(key))
            {
                _hits++;
                return _values[i]!;
            }
            var value = FieldValue.String(Encoding.UTF8.GetString(utf8));
            _keys[i] = utf8.ToArray();
            _hashes[i] = h;
            _values[i] = value;
            if (_lookups == 4096 && _hits < _lookups / 2) _off = true;
            return value;
        }

        /// <summary>A cheap hash of a short value, eight bytes at a time (the bytes are compared on a hit anyway).</summary>
        private static int Hash(ReadOnlySpan<byte> utf8)
        {
            const ulong Multiplier = 0x9E3779B97F4A7C15;
            var h = (ulong)utf8.Length * Multiplier;
            while (utf8.Length >= 8)
            {
                h = BitOperations.RotateLeft((h ^ BinaryPrimitives.ReadUInt64LittleEndian(utf8)) * Multiplier, 29);
                utf8 = utf8[8..];
            }
            ulong tail = 0;
            foreach (var b in utf8) tail = (tail << 8) | b;
            h = (h ^ tail) * Multiplier;
            return (int)(h >> 32) ^ (int)h;
        }
    }

    private Event? Whole(ReadOnlySpan<byte> line, long number)
    {
        var read = EventReaders.ReadJsonLines(new StringReader(Encoding.UTF8.GetString(line)), _source);
        foreach (var m in read.Malformed) _run.ReportReader(EvaluationDiagnostics.MalformedEvent(m.File, (int)Math.Min(number, int.MaxValue), m.Reason));
        return read.Events.IsEmpty ? null : read.Events[0];
    }

    private void Slow(ReadOnlySpan<byte> line, long number)
    {
        if (Whole(line, number) is not { } ev) return;
        if (_run.Offer(ev, number, out var position)) _run.Collect(position, ev);
    }

    /// <summary>Field names whose JSON Lines values this reader takes (for tests).</summary>
    internal ImmutableArray<string> Names => _names is null ? [] : [.. _names];
}
