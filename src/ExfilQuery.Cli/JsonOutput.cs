using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ExfilQuery.Evaluation;
using ExfilQuery.Testing;

namespace ExfilQuery.Cli;

/// <summary>One diagnostic as written in batch output; line and column are one-based.</summary>
internal readonly record struct JsonDiagnostic(string Code, string Severity, string Message, int Line, int Column);

/// <summary>Writes the batch output lines:
/// <c>{"id":...,"ok":true|false,"diagnostics":[{"code":...,"severity":...,"message":...,"line":N,"column":N}]}</c>
/// (<c>parse</c>) or <c>{"id":...,"status":...,"query":...,"diagnostics":[...]}</c> (<c>translate</c>)
/// with the keys in exactly this order, no spaces, non-ASCII text unescaped, one line per search.</summary>
internal sealed class JsonOutput
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        SkipValidation = false,
    };

    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _writer;

    public JsonOutput() => _writer = new Utf8JsonWriter(_buffer, WriterOptions);

    /// <summary>The output line for one search, without its line break.</summary>
    public string ResultLine(JsonElement? id, bool ok, IEnumerable<JsonDiagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        Start(id);
        _writer.WriteBoolean("ok", ok);
        return Finish(diagnostics);
    }

    /// <summary>The <c>exfilq translate --batch</c> output line for one search, without its line break:
    /// <c>{"id":...,"status":"full|partial|failed","query":"..."|null,"diagnostics":[...]}</c>.</summary>
    public string TranslationLine(JsonElement? id, string status, string? query, IEnumerable<JsonDiagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(diagnostics);
        Start(id);
        _writer.WriteString("status", status);
        if (query is null) _writer.WriteNull("query");
        else _writer.WriteString("query", query);
        return Finish(diagnostics);
    }

    /// <summary>The <c>exfilq eval --batch</c> output line for one search, without its line break:
    /// <c>{"id":...,"status":"ok|failed","rows":N,"results":[...],"diagnostics":[...]}</c>; <c>results</c> holds at
    /// most <paramref name="maxResults"/> rows in the shape of <see cref="ResultRows.WriteJson"/>.</summary>
    public string EvaluationLine(JsonElement? id, string status, IReadOnlyList<Event> rows, int maxResults, IEnumerable<JsonDiagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(diagnostics);
        Start(id);
        _writer.WriteString("status", status);
        _writer.WriteNumber("rows", rows.Count);
        _writer.WriteStartArray("results");
        foreach (var row in rows.Take(maxResults)) ResultRows.WriteJson(_writer, row);
        _writer.WriteEndArray();
        return Finish(diagnostics);
    }

    /// <summary>One result row as a JSON object on one line (<c>exfilq eval --format json</c>).</summary>
    public string RowLine(Event row)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        ResultRows.WriteJson(_writer, row);
        _writer.Flush();
        return Encoding.UTF8.GetString(_buffer.WrittenSpan);
    }

    private void Start(JsonElement? id)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        _writer.WriteStartObject();
        _writer.WritePropertyName("id");
        if (id is { } value) value.WriteTo(_writer);
        else _writer.WriteNullValue();
    }

    private string Finish(IEnumerable<JsonDiagnostic> diagnostics)
    {
        _writer.WriteStartArray("diagnostics");
        foreach (var d in diagnostics)
        {
            _writer.WriteStartObject();
            _writer.WriteString("code", d.Code);
            _writer.WriteString("severity", d.Severity);
            _writer.WriteString("message", d.Message);
            _writer.WriteNumber("line", d.Line);
            _writer.WriteNumber("column", d.Column);
            _writer.WriteEndObject();
        }
        _writer.WriteEndArray();
        _writer.WriteEndObject();
        _writer.Flush();
        return Encoding.UTF8.GetString(_buffer.WrittenSpan);
    }

    /// <summary>The diagnostics of a parse result with one-based line and column in the original search.</summary>
    public static IEnumerable<JsonDiagnostic> From(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        foreach (var d in result.Diagnostics)
        {
            var position = result.Source.GetLinePosition(d.Span.Start);
            yield return new JsonDiagnostic(d.Code, d.SeverityName, d.Message, position.Line, position.Column);
        }
    }
}
