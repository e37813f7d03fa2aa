namespace ExfilQuery.Text;

/// <summary>Source text with a line index, used to turn offsets into one-based line and column numbers.</summary>
public sealed class SourceText
{
    private readonly int[] _lineStarts;

    /// <summary>Creates a source text and indexes its line starts (<c>\n</c>, <c>\r\n</c> and <c>\r</c> end lines).</summary>
    public SourceText(string text)
    {
        Text = text ?? string.Empty;
        var starts = new List<int> { 0 };
        for (var i = 0; i < Text.Length; i++)
        {
            var c = Text[i];
            if (c == '\r')
            {
                if (i + 1 < Text.Length && Text[i + 1] == '\n') i++;
                starts.Add(i + 1);
            }
            else if (c == '\n')
            {
                starts.Add(i + 1);
            }
        }
        _lineStarts = starts.ToArray();
    }

    /// <summary>The text.</summary>
    public string Text { get; }

    /// <summary>One-based line and column of an offset (clamped to the text).</summary>
    public LinePosition GetLinePosition(int offset)
    {
        offset = Math.Clamp(offset, 0, Text.Length);
        var index = Array.BinarySearch(_lineStarts, offset);
        if (index < 0) index = ~index - 1;
        return new LinePosition(index + 1, offset - _lineStarts[index] + 1);
    }

    /// <summary>The text of a one-based line, without its line break.</summary>
    public string GetLineText(int line)
    {
        if (line < 1 || line > _lineStarts.Length) return string.Empty;
        var start = _lineStarts[line - 1];
        var end = line < _lineStarts.Length ? _lineStarts[line] : Text.Length;
        while (end > start && (Text[end - 1] == '\n' || Text[end - 1] == '\r')) end--;
        return Text[start..end];
    }
}

/// <summary>A one-based line and column.</summary>
public readonly record struct LinePosition(int Line, int Column);
