using System.Text;

namespace ExfilQuery.Syntax;

/// <summary>Lexical facts about SPL shared by the parser, the printer and later stages.</summary>
public static class SyntaxFacts
{
    /// <summary>Decodes SPL quoted-string escapes: <c>\"</c> becomes <c>"</c> and <c>\\</c> becomes <c>\</c>;
    /// any other backslash is kept as written (so regular expressions such as <c>\d</c> survive).</summary>
    public static string UnescapeQuoted(string raw)
    {
        if (raw.IndexOf('\\') < 0) return raw;
        var sb = new StringBuilder(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '\\' && i + 1 < raw.Length && (raw[i + 1] == '"' || raw[i + 1] == '\\'))
            {
                sb.Append(raw[i + 1]);
                i++;
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    /// <summary>Encodes a value as the text between double quotes: <c>"</c> and <c>\</c> get a backslash.</summary>
    public static string EscapeQuoted(string value)
    {
        if (value.IndexOf('"') < 0 && value.IndexOf('\\') < 0) return value;
        var sb = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (c == '"' || c == '\\') sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>Time modifiers that can appear as <c>name=value</c> in a search clause.</summary>
    public static bool IsTimeModifier(string name) =>
        name.Equals("earliest", StringComparison.OrdinalIgnoreCase)
        || name.Equals("latest", StringComparison.OrdinalIgnoreCase)
        || name.Equals("_index_earliest", StringComparison.OrdinalIgnoreCase)
        || name.Equals("_index_latest", StringComparison.OrdinalIgnoreCase);
}
