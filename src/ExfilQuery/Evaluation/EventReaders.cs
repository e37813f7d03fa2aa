using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;
using ExfilQuery.Diagnostics;

namespace ExfilQuery.Evaluation;

/// <summary>A line a reader could not read: counted and reported, never dropped silently.</summary>
public sealed record MalformedEvent(string File, int Line, string Reason);

/// <summary>The events read from a file, and the lines that could not be read.</summary>
public sealed record EventReadResult(ImmutableArray<Event> Events, ImmutableArray<MalformedEvent> Malformed)
{
    /// <summary>One EVL0007 diagnostic per malformed line.</summary>
    public ImmutableArray<Diagnostic> Diagnostics => Malformed.Select(m => EvaluationDiagnostics.MalformedEvent(m.File, m.Line, m.Reason)).ToImmutableArray();
}

/// <summary>Event file formats.</summary>
public enum EventFormat
{
    /// <summary>One JSON object per line.</summary>
    JsonLines,
    /// <summary>Splunk's XmlWinEventLog: one Windows <c>&lt;Event&gt;</c> XML document per line.</summary>
    XmlWinEventLog,
    /// <summary>CSV with a header row.</summary>
    Csv,
    /// <summary>Plain text: each line is an event with only <c>_raw</c>.</summary>
    Text,
}

/// <summary>Readers for event files. Each event gets <c>_raw</c> (the line), <c>_time</c> (epoch seconds) when
/// the format has a time, <c>host</c>, <c>source</c>, <c>sourcetype</c>, and its extracted fields.</summary>
public static class EventReaders
{
    /// <summary>Reads a file, picking the format from its content (first non-empty line) and extension.</summary>
    public static EventReadResult ReadFile(string path)
    {
        var text = File.ReadAllText(path);
        var name = Path.GetFileName(path);
        return Read(new StringReader(text), DetectFormat(path, text), name);
    }

    /// <summary>Reads a file as <see cref="ReadFile(string)"/> does; plain text lines that start with a BSD syslog
    /// timestamp (RFC 3164 section 4.1.2: <c>Mmm dd hh:mm:ss</c>, the day padded with a space, as in
    /// <c>/var/log/secure</c>) get it as <c>_time</c>, read as UTC in <paramref name="syslogYear"/>, because the
    /// timestamp has no year. Splunk fills the year in from the time it indexes the line (TIME_FORMAT
    /// <c>%b %d %H:%M:%S</c>), so the caller says which year that was.</summary>
    public static EventReadResult ReadFile(string path, int syslogYear)
    {
        var read = ReadFile(path);
        if (DetectFormat(path, File.ReadAllText(path)) != EventFormat.Text) return read;
        foreach (var ev in read.Events)
            if (ev.Time is null && SyslogTime(ev.Raw ?? "", syslogYear) is { } time) ev.SetTime(time);
        return read;
    }

    /// <summary>The RFC 3164 timestamp at the start of a line (<c>May 27 09:28:31</c>, <c>Jun  1 00:00:00</c>) in
    /// the given year, UTC; null when the line does not start with one or the date does not exist that year.</summary>
    public static DateTimeOffset? SyslogTime(string line, int year)
    {
        ArgumentNullException.ThrowIfNull(line);
        var m = System.Text.RegularExpressions.Regex.Match(line, @"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([ 0-3]\d) (\d{2}):(\d{2}):(\d{2})(?=\s|$)",
            System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        if (!m.Success || year is < 1 or > 9999) return null;
        var month = Array.IndexOf(SyslogMonths, m.Groups[1].Value) + 1;
        int Part(int group) => int.Parse(m.Groups[group].Value.Trim(), CultureInfo.InvariantCulture);
        var day = Part(2);
        if (day < 1 || day > DateTime.DaysInMonth(year, month) || Part(3) > 23 || Part(4) > 59 || Part(5) > 59) return null;
        return new DateTimeOffset(year, month, day, Part(3), Part(4), Part(5), TimeSpan.Zero);
    }

    private static readonly string[] SyslogMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>Guesses the format: <c>.csv</c> is CSV; a first line starting with <c>{</c> is JSON Lines, with
    /// <c>&lt;Event</c> XmlWinEventLog; anything else plain text.</summary>
    public static EventFormat DetectFormat(string path, string text)
    {
        if (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) return EventFormat.Csv;
        var first = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
        if (first.StartsWith('{')) return EventFormat.JsonLines;
        if (first.StartsWith("<Event", StringComparison.Ordinal)) return EventFormat.XmlWinEventLog;
        return EventFormat.Text;
    }

    /// <summary>Reads events in the given format; <paramref name="sourceName"/> names the file in reports and
    /// is the default <c>source</c>.</summary>
    public static EventReadResult Read(TextReader reader, EventFormat format, string sourceName) => format switch
    {
        EventFormat.JsonLines => ReadJsonLines(reader, sourceName),
        EventFormat.XmlWinEventLog => ReadXmlWinEventLog(reader, sourceName),
        EventFormat.Csv => ReadCsv(reader, sourceName),
        _ => ReadText(reader, sourceName),
    };

    private static IEnumerable<(int Number, string Text)> Lines(TextReader reader)
    {
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            yield return (number, line);
        }
    }

    // ------------------------------------------------------------------ JSON Lines

    /// <summary>JSON Lines: nested objects are flattened with <c>.</c> (<c>a.b</c>), arrays become multivalue
    /// fields named <c>a{}</c> (objects in arrays: <c>a{}.b</c>), as Splunk's spath and
    /// INDEXED_EXTRACTIONS=json name them. <c>_time</c> comes from a top-level <c>_time</c>, <c>timestamp</c>,
    /// <c>time</c> or <c>@timestamp</c> (epoch seconds or ISO-8601), or for an event that names a Zeek sourcetype
    /// from <c>ts</c> (<see cref="SourceTypeTimestamps"/>).</summary>
    public static EventReadResult ReadJsonLines(TextReader reader, string sourceName)
    {
        var events = ImmutableArray.CreateBuilder<Event>();
        var malformed = ImmutableArray.CreateBuilder<MalformedEvent>();
        foreach (var (number, line) in Lines(reader))
        {
            if (line.Trim().Length == 0) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    malformed.Add(new MalformedEvent(sourceName, number, $"expected a JSON object, found {doc.RootElement.ValueKind}."));
                    continue;
                }
                var fields = new Event();
                Flatten(fields, "", doc.RootElement);
                var ev = new Event();
                ev.Raw = line;
                foreach (var name in new[] { "_time", "timestamp", "time", "@timestamp" })
                {
                    if (fields[name] is { IsNull: false } t && ParseTime(t) is { } time)
                    {
                        ev.Time = time;
                        break;
                    }
                }
                if (ev.Time is null && LeadingTimestamp(line) is { } found) ev.Time = found;
                ev.Source = sourceName;
                ev.SourceType = "_json";
                foreach (var kv in fields)
                {
                    if (kv.Key == "_time" || kv.Key == "_raw") continue;
                    ev.Set(kv.Key, kv.Value);
                }
                SourceTypeTimestamps.Apply(ev);
                events.Add(ev);
            }
            catch (JsonException ex)
            {
                malformed.Add(new MalformedEvent(sourceName, number, "invalid JSON: " + ex.Message));
            }
            catch (InvalidOperationException)
            {
                // System.Text.Json refuses to decode a "\ud800"-style escape of an unpaired surrogate.
                malformed.Add(new MalformedEvent(sourceName, number, "invalid JSON: a string escapes an unpaired UTF-16 surrogate (\\uD800-\\uDFFF)."));
            }
        }
        return new EventReadResult(events.ToImmutable(), malformed.ToImmutable());
    }

    private static void Flatten(Event e, string prefix, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in element.EnumerateObject()) Flatten(e, prefix.Length == 0 ? p.Name : prefix + "." + p.Name, p.Value);
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) Flatten(e, prefix + "{}", item);
                break;
            case JsonValueKind.Null:
                // spath keeps JSON null as the text "null".
                e.Append(prefix, "null");
                break;
            case JsonValueKind.String:
                e.Append(prefix, element.GetString()!);
                break;
            default:
                // Numbers and booleans keep their JSON text.
                e.Append(prefix, element.GetRawText());
                break;
        }
    }

    /// <summary>Splunk's automatic timestamp recognition for events without a known time field: the first
    /// ISO-8601 date-time (<c>2023-05-10T16:07:27.763Z</c>) within the first 128 characters
    /// (MAX_TIMESTAMP_LOOKAHEAD's default), read as UTC when it has no offset.</summary>
    internal static double? LeadingTimestamp(string line)
    {
        var head = line.Length > 128 ? line[..128] : line;
        var m = System.Text.RegularExpressions.Regex.Match(head, @"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?",
            System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return m.Success ? ParseTime(FieldValue.String(m.Value)) : null;
    }

    internal static double? ParseTime(FieldValue value)
    {
        if (value.AsNumber() is { } n) return n;
        var s = value.AsString();
        if (s is not null && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d))
            return (d.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;
        return null;
    }

    // ------------------------------------------------------------------ XmlWinEventLog

    /// <summary>Splunk's XmlWinEventLog: one <c>&lt;Event&gt;</c> per line (continued on following lines when a
    /// value holds line breaks, up to the closing <c>&lt;/Event&gt;</c>). System fields become
    /// <c>EventCode</c> and <c>EventID</c> (both the event id), <c>Computer</c>, <c>Channel</c>,
    /// <c>EventRecordID</c>, <c>Level</c>, <c>Task</c>, <c>Opcode</c>, <c>Keywords</c>, <c>Version</c>,
    /// <c>ProviderName</c>, <c>ProcessID</c>/<c>ThreadID</c> (from Execution), <c>UserID</c> (from Security) and
    /// <c>SystemTime</c>; <c>TimeCreated</c> sets <c>_time</c>; every <c>EventData/Data[@Name]</c> (and
    /// <c>UserData</c> leaf) becomes a field. <c>host</c> is the Computer, <c>sourcetype</c> is
    /// <c>XmlWinEventLog</c> and <c>source</c> is <c>XmlWinEventLog:&lt;Channel&gt;</c>.</summary>
    public static EventReadResult ReadXmlWinEventLog(TextReader reader, string sourceName)
    {
        var events = ImmutableArray.CreateBuilder<Event>();
        var malformed = ImmutableArray.CreateBuilder<MalformedEvent>();
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true, MaxCharactersInDocument = 16 * 1024 * 1024 };
        // An event usually fills one line, but a Data value may hold line breaks (the SidHistory of a Security 4742 event in attack_data,
        // for example): lines are joined until the event's closing tag.
        var buffer = new StringBuilder();
        var firstLine = 0;
        void Flush()
        {
            if (buffer.Length == 0) return;
            var text = buffer.ToString();
            buffer.Clear();
            try
            {
                var ev = ParseWinEvent(text, settings, out var reason);
                if (ev is null) malformed.Add(new MalformedEvent(sourceName, firstLine, reason!));
                else events.Add(ev);
            }
            catch (XmlException ex)
            {
                malformed.Add(new MalformedEvent(sourceName, firstLine, "invalid XML: " + ex.Message));
            }
        }
        foreach (var (number, line) in Lines(reader))
        {
            if (line.Trim().Length == 0 && buffer.Length == 0) continue;
            if (buffer.Length > 0 && line.TrimStart().StartsWith("<Event", StringComparison.Ordinal) && !line.TrimStart().StartsWith("<EventData", StringComparison.Ordinal))
                Flush(); // the previous event never closed: reported as malformed
            if (buffer.Length == 0) firstLine = number;
            else buffer.Append('\n');
            buffer.Append(line);
            if (line.TrimEnd().EndsWith("</Event>", StringComparison.Ordinal) || !buffer.ToString().TrimStart().StartsWith("<Event", StringComparison.Ordinal))
                Flush();
        }
        Flush();
        return new EventReadResult(events.ToImmutable(), malformed.ToImmutable());
    }

    private static Event? ParseWinEvent(string line, XmlReaderSettings settings, out string? reason)
    {
        reason = null;
        using var xml = XmlReader.Create(new StringReader(line), settings);
        var root = System.Xml.Linq.XElement.Load(xml);
        if (root.Name.LocalName != "Event")
        {
            reason = $"expected an <Event> element, found <{root.Name.LocalName}>.";
            return null;
        }
        var fields = new Event();
        double? time = null;
        string? channel = null;
        foreach (var section in root.Elements())
        {
            switch (section.Name.LocalName)
            {
                case "System":
                    foreach (var item in section.Elements())
                    {
                        var name = item.Name.LocalName;
                        switch (name)
                        {
                            case "Provider":
                                if (item.Attribute("Name")?.Value is { } provider) fields.Set("ProviderName", provider);
                                break;
                            case "TimeCreated":
                                if (item.Attribute("SystemTime")?.Value is { } st)
                                {
                                    fields.Set("SystemTime", st);
                                    if (DateTimeOffset.TryParse(st, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d))
                                        time = (d.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;
                                }
                                break;
                            case "Execution":
                                if (item.Attribute("ProcessID")?.Value is { } pid) fields.Set("ProcessID", pid);
                                if (item.Attribute("ThreadID")?.Value is { } tid) fields.Set("ThreadID", tid);
                                break;
                            case "Security":
                                if (item.Attribute("UserID")?.Value is { } uid) fields.Set("UserID", uid);
                                break;
                            default:
                                if (!item.HasElements && item.Value.Length > 0)
                                {
                                    fields.Set(name, item.Value);
                                    if (name == "EventID") fields.Set("EventCode", item.Value);
                                    if (name == "Channel") channel = item.Value;
                                }
                                break;
                        }
                    }
                    break;
                case "EventData":
                    foreach (var data in section.Elements())
                    {
                        var dataName = data.Attribute("Name")?.Value ?? data.Name.LocalName;
                        fields.Append(dataName, data.Value);
                    }
                    break;
                default:
                    // UserData, RenderingInfo, ...: every leaf element by its name.
                    foreach (var leaf in section.Descendants().Where(x => !x.HasElements))
                        fields.Append(leaf.Name.LocalName, leaf.Value);
                    break;
            }
        }
        var ev = new Event();
        ev.Raw = line;
        if (time is { } t) ev.Time = t;
        if (fields["Computer"].AsString() is { } computer) ev.Host = computer;
        ev.Source = channel is null ? "XmlWinEventLog" : "XmlWinEventLog:" + channel;
        ev.SourceType = "XmlWinEventLog";
        foreach (var kv in fields) if (!ev.Has(kv.Key)) ev.Set(kv.Key, kv.Value);
        return ev;
    }

    // ------------------------------------------------------------------ CSV

    /// <summary>CSV with a header row (RFC 4180 quoting; a quoted field may not span lines). Empty cells are
    /// missing fields. <c>_time</c> comes from a <c>_time</c> column (epoch seconds or ISO-8601); <c>_raw</c> is
    /// the line unless the file has a <c>_raw</c> column.</summary>
    public static EventReadResult ReadCsv(TextReader reader, string sourceName)
    {
        var events = ImmutableArray.CreateBuilder<Event>();
        var malformed = ImmutableArray.CreateBuilder<MalformedEvent>();
        foreach (var (line, header, cells) in CsvRows(reader, sourceName, malformed))
        {
            var ev = new Event();
            ev.Raw = line;
            for (var i = 0; i < header.Length; i++)
            {
                if (cells[i].Length == 0) continue;
                if (header[i] == "_time")
                {
                    if (ParseTime(FieldValue.String(cells[i])) is { } t) ev.Time = t;
                    continue;
                }
                ev.Set(header[i], cells[i]);
            }
            if (!ev.Has("source")) ev.Source = sourceName;
            if (!ev.Has("sourcetype")) ev.SourceType = "csv";
            events.Add(ev);
        }
        return new EventReadResult(events.ToImmutable(), malformed.ToImmutable());
    }

    /// <summary>The data rows of a CSV text with its header (null when the text has none); malformed lines are
    /// collected, not returned.</summary>
    internal static (ImmutableArray<ImmutableArray<string>> Rows, ImmutableArray<MalformedEvent> Malformed) ReadCsvRows(TextReader reader, string sourceName, out string[]? header)
    {
        var malformed = ImmutableArray.CreateBuilder<MalformedEvent>();
        var rows = ImmutableArray.CreateBuilder<ImmutableArray<string>>();
        string[]? found = null;
        foreach (var (_, _, cells) in CsvRows(reader, sourceName, malformed, headerOnly: x => found = x))
            rows.Add([.. cells]);
        header = found;
        return (rows.ToImmutable(), malformed.ToImmutable());
    }

    private static IEnumerable<(string Line, string[] Header, string[] Cells)> CsvRows(TextReader reader, string sourceName, ImmutableArray<MalformedEvent>.Builder malformed, Action<string[]>? headerOnly = null)
    {
        string[]? header = null;
        foreach (var (number, line) in Lines(reader))
        {
            if (line.Length == 0) continue;
            var cells = SplitCsv(line, out var error);
            if (cells is null)
            {
                malformed.Add(new MalformedEvent(sourceName, number, error!));
                continue;
            }
            if (header is null)
            {
                header = cells;
                headerOnly?.Invoke(cells);
                continue;
            }
            if (cells.Length != header.Length)
            {
                malformed.Add(new MalformedEvent(sourceName, number, $"{cells.Length} cells where the header has {header.Length}."));
                continue;
            }
            yield return (line, header, cells);
        }
    }

    private static string[]? SplitCsv(string line, out string? error)
    {
        error = null;
        var cells = new List<string>();
        var sb = new StringBuilder();
        var i = 0;
        while (true)
        {
            sb.Clear();
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        error = "unterminated quoted cell.";
                        return null;
                    }
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    sb.Append(line[i++]);
                }
                if (i < line.Length && line[i] != ',')
                {
                    error = $"unexpected character after a quoted cell at column {i + 1}.";
                    return null;
                }
            }
            else
            {
                while (i < line.Length && line[i] != ',') sb.Append(line[i++]);
            }
            cells.Add(sb.ToString());
            if (i >= line.Length) break;
            i++; // the comma
        }
        return cells.ToArray();
    }

    // ------------------------------------------------------------------ text

    /// <summary>Plain text: one event per non-empty line, with <c>_raw</c>, <c>source</c> and
    /// <c>sourcetype</c> only.</summary>
    public static EventReadResult ReadText(TextReader reader, string sourceName)
    {
        var events = ImmutableArray.CreateBuilder<Event>();
        foreach (var (_, line) in Lines(reader))
        {
            if (line.Length == 0) continue;
            var ev = new Event();
            ev.Raw = line;
            ev.Source = sourceName;
            ev.SourceType = "text";
            events.Add(ev);
        }
        return new EventReadResult(events.ToImmutable(), []);
    }
}
