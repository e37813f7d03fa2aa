using System.Text;

namespace ExfilQuery.Testing;

/// <summary>Reads the top-level <c>search:</c> of a splunk/security_content detection YAML. Only that key is read,
/// in the scalar forms those files use: plain (possibly folded over indented lines), single-quoted (<c>''</c> is a
/// quote), double-quoted (with backslash escapes), and literal <c>|</c> or folded <c>&gt;</c> block scalars (with
/// <c>-</c>/<c>+</c> chomping). Anything else is reported, never guessed.</summary>
/// <remarks>The forms follow the YAML 1.2 specification, chapters 7 (flow scalars) and 8 (block scalars),
/// https://yaml.org/spec/1.2.2/.</remarks>
public static class SecurityContentYaml
{
    /// <summary>The search, or null with <paramref name="error"/> saying why.</summary>
    public static string? ReadSearch(string yaml, out string? error)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        error = null;
        var lines = yaml.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("search:", StringComparison.Ordinal)) continue;
            var rest = lines[i]["search:".Length..].Trim();
            var continuation = Continuation(lines, i + 1);
            if (rest.Length == 0 && continuation.Count == 0)
            {
                error = "'search:' is empty.";
                return null;
            }
            if (rest.StartsWith('|') || rest.StartsWith('>')) return Block(rest, continuation, out error);
            var text = rest + string.Concat(continuation.Select(l => "\n" + l));
            if (rest.StartsWith('\'')) return SingleQuoted(text, out error);
            if (rest.StartsWith('"')) return DoubleQuoted(text, out error);
            return Fold(text.Split('\n').Select(l => l.Trim())).Trim();
        }
        error = "no top-level 'search:' key.";
        return null;
    }

    /// <summary>The lines after a key that belong to its value: indented or blank, up to the next key.</summary>
    private static List<string> Continuation(string[] lines, int from)
    {
        var result = new List<string>();
        for (var i = from; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length > 0 && !char.IsWhiteSpace(line[0])) break;
            result.Add(line);
        }
        while (result.Count > 0 && result[^1].Trim().Length == 0) result.RemoveAt(result.Count - 1);
        return result;
    }

    /// <summary>Flow-scalar line folding: a single line break becomes a space, each blank line a line break.</summary>
    private static string Fold(IEnumerable<string> trimmedLines)
    {
        var sb = new StringBuilder();
        var pendingBreaks = -1;
        foreach (var line in trimmedLines)
        {
            if (line.Length == 0)
            {
                pendingBreaks++;
                continue;
            }
            if (pendingBreaks > 0) sb.Append('\n', pendingBreaks);
            else if (pendingBreaks == 0) sb.Append(' ');
            sb.Append(line);
            pendingBreaks = 0;
        }
        return sb.ToString();
    }

    private static string? SingleQuoted(string text, out string? error)
    {
        error = null;
        var sb = new StringBuilder();
        for (var i = 1; i < text.Length; i++)
        {
            if (text[i] == '\'')
            {
                if (i + 1 < text.Length && text[i + 1] == '\'')
                {
                    sb.Append('\'');
                    i++;
                    continue;
                }
                return Fold(sb.ToString().Split('\n').Select((l, n) => n == 0 ? l.TrimEnd() : l.Trim()));
            }
            sb.Append(text[i]);
        }
        error = "the single-quoted 'search:' value is not closed.";
        return null;
    }

    private static string? DoubleQuoted(string text, out string? error)
    {
        error = null;
        var sb = new StringBuilder();
        for (var i = 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"') return Fold(sb.ToString().Split('\n').Select((l, n) => n == 0 ? l.TrimEnd() : l.Trim()));
            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }
            if (++i >= text.Length) break;
            switch (text[i])
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case '"': sb.Append('"'); break;
                case '\\': sb.Append('\\'); break;
                case '/': sb.Append('/'); break;
                case ' ': sb.Append(' '); break;
                case '\n': break; // an escaped line break joins the lines
                default:
                    error = $"the escape '\\{text[i]}' in the double-quoted 'search:' value is not supported.";
                    return null;
            }
        }
        error = "the double-quoted 'search:' value is not closed.";
        return null;
    }

    private static string? Block(string header, List<string> lines, out string? error)
    {
        error = null;
        var literal = header[0] == '|';
        var indicators = header[1..].Trim();
        var chomp = indicators.Contains('-', StringComparison.Ordinal) ? '-' : indicators.Contains('+', StringComparison.Ordinal) ? '+' : ' ';
        if (indicators.Trim('-', '+').Length > 0)
        {
            error = $"the block scalar header '{header}' is not supported (explicit indentation).";
            return null;
        }
        var indent = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        var content = lines.Select(l => l.Length >= indent ? l[indent..] : string.Empty).ToList();
        var text = literal ? string.Join("\n", content) : FoldBlock(content);
        return chomp switch
        {
            '-' => text.TrimEnd('\n'),
            '+' => text + "\n",
            _ => text.TrimEnd('\n') + "\n",
        };
    }

    /// <summary>Folded block scalar: lines are joined with a space, blank lines and more-indented lines keep their
    /// line breaks.</summary>
    private static string FoldBlock(List<string> lines)
    {
        var sb = new StringBuilder();
        var blanks = 0;
        var first = true;
        var previousMoreIndented = false;
        foreach (var line in lines)
        {
            if (line.Length == 0)
            {
                blanks++;
                continue;
            }
            var moreIndented = char.IsWhiteSpace(line[0]);
            if (!first)
            {
                var kept = moreIndented || previousMoreIndented;
                if (blanks > 0) sb.Append('\n', kept ? blanks + 1 : blanks);
                else sb.Append(kept ? '\n' : ' ');
            }
            sb.Append(line);
            blanks = 0;
            first = false;
            previousMoreIndented = moreIndented;
        }
        return sb.ToString();
    }
}
