using System.Text;
using System.Text.Json;

namespace ExfilQuery.Cli;

/// <summary>One search read from a JSON Lines file. When the line cannot be used, <see cref="Search"/> is null and
/// <see cref="Error"/> says why (reported as CLI0001).</summary>
/// <param name="Line">The one-based line of the input file.</param>
/// <param name="Id">The <c>id</c> member as given (any JSON value), or null when absent or unreadable.</param>
/// <param name="Name">The <c>name</c> member when it is a string.</param>
/// <param name="Search">The search text: the <c>search</c> string, or the raw JSON text of an object or array.</param>
/// <param name="Error">Why the line cannot be used.</param>
internal sealed record SearchRecord(int Line, JsonElement? Id, string? Name, string? Search, string? Error)
{
    /// <summary>The id for display: a string id as is, another JSON value as its JSON text, or
    /// <c>FILE:LINE</c> when there is none.</summary>
    public string DisplayId(string fileName) => Id switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString() ?? string.Empty,
        { ValueKind: JsonValueKind.Null } or null => fileName + ":" + Line.ToString(System.Globalization.CultureInfo.InvariantCulture),
        { } other => other.GetRawText(),
    };
}

/// <summary>Reads JSON Lines search files: <c>{"id": ..., "search": ..., "name": ...}</c> per line. Lines end at
/// <c>\n</c> (a trailing <c>\r</c> is dropped); blank lines are skipped; a byte order mark is ignored.</summary>
internal static class JsonLinesInput
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 256,
    };

    private const string Shape = "each line must be a JSON object such as {\"id\": 1, \"search\": \"index=main\"}";

    /// <summary>The searches of <paramref name="reader"/>, one per non-blank line, in order.</summary>
    public static IEnumerable<SearchRecord> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lineNumber = 0;
        while (ReadLine(reader) is { } line)
        {
            lineNumber++;
            if (lineNumber == 1 && line.StartsWith('\uFEFF')) line = line[1..];
            if (string.IsNullOrWhiteSpace(line)) continue;
            yield return ReadRecord(line, lineNumber);
        }
    }

    /// <summary>Reads one non-blank line.</summary>
    public static SearchRecord ReadRecord(string line, int lineNumber)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line, DocumentOptions);
        }
        catch (JsonException)
        {
            return new SearchRecord(lineNumber, null, null, null, $"This line is not valid JSON; {Shape}.");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new SearchRecord(lineNumber, null, null, null, $"This line is a JSON {KindName(root.ValueKind)}, not an object; {Shape}.");
            }
            JsonElement? id = root.TryGetProperty("id", out var idElement) ? idElement.Clone() : null;
            string? name = null;
            if (root.TryGetProperty("name", out var nameElement) && nameElement.ValueKind == JsonValueKind.String)
            {
                try
                {
                    name = nameElement.GetString();
                }
                catch (InvalidOperationException)
                {
                    name = null;
                }
            }
            if (!root.TryGetProperty("search", out var searchElement))
            {
                return new SearchRecord(lineNumber, id, name, null, "This line has no \"search\" member; " + Shape + ".");
            }
            switch (searchElement.ValueKind)
            {
                case JsonValueKind.String:
                    try
                    {
                        return new SearchRecord(lineNumber, id, name, searchElement.GetString() ?? string.Empty, null);
                    }
                    catch (InvalidOperationException)
                    {
                        return new SearchRecord(lineNumber, id, name, null, "The \"search\" string has an unpaired surrogate escape (\\uD800-\\uDFFF) and is not valid Unicode text.");
                    }
                case JsonValueKind.Object or JsonValueKind.Array:
                    // A Sigma-style mapping stored where a search should be: the parser recognizes and reports it.
                    return new SearchRecord(lineNumber, id, name, searchElement.GetRawText(), null);
                default:
                    return new SearchRecord(lineNumber, id, name, null,
                        $"The \"search\" member is a JSON {KindName(searchElement.ValueKind)}; it must be a string (or an object or array holding a Sigma-style mapping).");
            }
        }
    }

    private static string KindName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    /// <summary>Reads up to the next <c>\n</c> (dropping one <c>\r</c> before it); null at the end of input.</summary>
    internal static string? ReadLine(TextReader reader)
    {
        StringBuilder? sb = null;
        while (true)
        {
            var c = reader.Read();
            if (c < 0)
            {
                if (sb is null) return null;
                return TrimCr(sb);
            }
            sb ??= new StringBuilder(256);
            if (c == '\n') return TrimCr(sb);
            sb.Append((char)c);
        }
    }

    private static string TrimCr(StringBuilder sb)
    {
        if (sb.Length > 0 && sb[^1] == '\r') sb.Length--;
        return sb.ToString();
    }
}
