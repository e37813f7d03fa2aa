namespace ExfilQuery.Text;

/// <summary>A range of characters in a source text: <see cref="Start"/> is a zero-based offset,
/// <see cref="Length"/> a count of UTF-16 code units. Line and column are computed only for display.</summary>
public readonly record struct TextSpan(int Start, int Length)
{
    /// <summary>The offset just past the span.</summary>
    public int End => Start + Length;

    /// <summary>An empty span at offset 0.</summary>
    public static TextSpan Empty => default;

    /// <summary>The span from <paramref name="start"/> (inclusive) to <paramref name="end"/> (exclusive).</summary>
    public static TextSpan FromBounds(int start, int end) => new(start, Math.Max(0, end - start));

    /// <summary>The smallest span covering both spans.</summary>
    public TextSpan Cover(TextSpan other) => FromBounds(Math.Min(Start, other.Start), Math.Max(End, other.End));

    /// <summary>True when <paramref name="offset"/> lies in [Start, End).</summary>
    public bool Contains(int offset) => offset >= Start && offset < End;

    /// <inheritdoc/>
    public override string ToString() => $"[{Start}..{End})";
}
