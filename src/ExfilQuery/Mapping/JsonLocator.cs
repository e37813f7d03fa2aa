using System.Text;
using System.Text.Json;
using ExfilQuery.Text;

namespace ExfilQuery.Mapping;

/// <summary>Finds where a JSON value lies in its text, by member path, so that a diagnostic about an entry of a
/// mapping file points at that entry. Built once per file by a forward pass of <see cref="Utf8JsonReader"/>.</summary>
internal sealed class JsonLocator
{
    private const char Separator = '\u001f';
    private readonly byte[] _utf8;
    private readonly Dictionary<string, (long Start, long Length)> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _names = new(StringComparer.Ordinal);
    // Per open container: whether it added a path segment (the root does not).
    private readonly Stack<bool> _depthHasSegment = new();

    private JsonLocator(byte[] utf8) => _utf8 = utf8;

    /// <summary>Indexes a text that <see cref="JsonDocument"/> has already accepted with the same options.</summary>
    public static JsonLocator Build(string text)
    {
        var locator = new JsonLocator(Encoding.UTF8.GetBytes(text));
        locator.Index();
        return locator;
    }

    /// <summary>The reader options mapping files are read with: comments and trailing commas are allowed.</summary>
    public static JsonReaderOptions ReaderOptions => new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>The options for <see cref="JsonDocument.Parse(string, JsonDocumentOptions)"/> that match <see cref="ReaderOptions"/>.</summary>
    public static JsonDocumentOptions DocumentOptions => new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private void Index()
    {
        var reader = new Utf8JsonReader(_utf8, ReaderOptions);
        var path = new List<string>();
        var containers = new Stack<(bool IsArray, int Next)>();
        string? pendingName = null;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    pendingName = reader.GetString();
                    _names[Key(path, pendingName)] = reader.TokenStartIndex;
                    break;
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                {
                    var pushed = Enter(containers, ref pendingName, out var segment);
                    if (pushed) path.Add(segment!);
                    _values[Key(path, null)] = (reader.TokenStartIndex, 1);
                    containers.Push((reader.TokenType == JsonTokenType.StartArray, 0));
                    _depthHasSegment.Push(pushed);
                    break;
                }
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    containers.Pop();
                    if (_depthHasSegment.Pop()) path.RemoveAt(path.Count - 1);
                    break;
                default:
                {
                    var pushed = Enter(containers, ref pendingName, out var segment);
                    var key = pushed ? Key(path, segment) : Key(path, null);
                    _values[key] = (reader.TokenStartIndex, reader.BytesConsumed - reader.TokenStartIndex);
                    break;
                }
            }
        }
    }


    private static bool Enter(Stack<(bool IsArray, int Next)> containers, ref string? pendingName, out string? segment)
    {
        segment = null;
        if (containers.Count == 0) return false;
        var (isArray, next) = containers.Pop();
        if (isArray)
        {
            segment = next.ToString(System.Globalization.CultureInfo.InvariantCulture);
            containers.Push((true, next + 1));
        }
        else
        {
            segment = pendingName ?? "";
            pendingName = null;
            containers.Push((false, next));
        }
        return true;
    }

    private static string Key(IReadOnlyList<string> path, string? last)
    {
        var sb = new StringBuilder();
        foreach (var p in path) sb.Append(p).Append(Separator);
        if (last is not null) sb.Append(last).Append(Separator);
        return sb.ToString();
    }

    /// <summary>The span of the value at <paramref name="path"/>; when that path has no value, the nearest
    /// enclosing one. Offsets are in UTF-16 code units of the text.</summary>
    public TextSpan SpanOf(IReadOnlyList<string> path)
    {
        for (var n = path.Count; n >= 0; n--)
        {
            var key = Key(path.Take(n).ToList(), null);
            if (_values.TryGetValue(key, out var v)) return ToSpan(v.Start, v.Length);
        }
        return TextSpan.Empty;
    }

    /// <summary>The span of the member name that ends <paramref name="path"/> (for unknown-member warnings).</summary>
    public TextSpan NameSpanOf(IReadOnlyList<string> path)
    {
        if (path.Count > 0 && _names.TryGetValue(Key(path.Take(path.Count - 1).ToList(), path[^1]), out var start))
            return ToSpan(start, Encoding.UTF8.GetByteCount(JsonSerializer.Serialize(path[^1])));
        return SpanOf(path);
    }

    private TextSpan ToSpan(long start, long length)
    {
        var s = (int)Math.Min(start, _utf8.Length);
        var e = (int)Math.Min(start + length, _utf8.Length);
        var charStart = Encoding.UTF8.GetCharCount(_utf8, 0, s);
        var charEnd = Encoding.UTF8.GetCharCount(_utf8, 0, e);
        return TextSpan.FromBounds(charStart, charEnd);
    }

    /// <summary>The offset (UTF-16) of a 0-based line and a byte position in it, as <see cref="JsonException"/> reports.</summary>
    public static TextSpan SpanOfError(string text, long? line, long? bytePositionInLine)
    {
        if (line is null) return TextSpan.Empty;
        var offset = 0;
        for (var l = 0; l < line && offset < text.Length; l++)
        {
            var nl = text.IndexOf('\n', offset);
            if (nl < 0) { offset = text.Length; break; }
            offset = nl + 1;
        }
        var lineEnd = text.IndexOf('\n', offset);
        if (lineEnd < 0) lineEnd = text.Length;
        var lineBytes = Encoding.UTF8.GetBytes(text[offset..lineEnd]);
        var bytePos = (int)Math.Clamp(bytePositionInLine ?? 0, 0, lineBytes.Length);
        var start = offset + Encoding.UTF8.GetCharCount(lineBytes, 0, bytePos);
        return new TextSpan(start, start < text.Length ? 1 : 0);
    }
}
