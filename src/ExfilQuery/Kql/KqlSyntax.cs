using System.Globalization;
using System.Text;

namespace ExfilQuery.Kql;

/// <summary>Lexical rules of KQL output: string literals that round-trip any value, identifiers that need
/// brackets, regular-expression escaping.</summary>
public static class KqlSyntax
{
    /// <summary>A double-quoted KQL string literal for any value. Escapes quote, backslash, tab, newline and
    /// carriage return (the escapes the KQL string reference documents); other control characters as \uXXXX.</summary>
    public static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\t': sb.Append("\\t"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                default:
                    if (char.IsControl(c)) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>KQL's keywords (Kusto.Language's SyntaxFacts.Keywords, Kql/Data/kql_keywords.txt): a column with one
    /// of these names must be bracketed.</summary>
    private static readonly HashSet<string> Keywords = LoadKeywords();

    private static HashSet<string> LoadKeywords()
    {
        using var stream = typeof(KqlSyntax).Assembly.GetManifestResourceStream("ExfilQuery.Kql.Data.kql_keywords.txt")
            ?? throw new InvalidOperationException("embedded resource kql_keywords.txt is missing");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
            if (line.Length > 0 && !line.StartsWith('#')) set.Add(line.Trim());
        return set;
    }

    /// <summary>A column or table name, bracketed (<c>['Processes.process']</c>) unless it is a plain identifier.</summary>
    public static string Identifier(string name)
    {
        var plain = name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_')
            && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            && !Keywords.Contains(name);
        return plain ? name : "['" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "']";
    }

    /// <summary>Escapes a literal for an RE2 regular expression.</summary>
    public static string RegexEscape(string literal)
    {
        var sb = new StringBuilder(literal.Length + 8);
        foreach (var c in literal)
        {
            if ("\\.+*?()|[]{}^$".Contains(c, StringComparison.Ordinal)) sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>A number literal as KQL reads it: integers as long, others as real.</summary>
    public static string Number(string text)
    {
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return l.ToString(CultureInfo.InvariantCulture);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return "real(" + d.ToString("R", CultureInfo.InvariantCulture) + ")";
        return "real(null)";
    }
}
