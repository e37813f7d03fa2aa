using ExfilQuery.Text;

namespace ExfilQuery.Macros;

/// <summary>Maps offsets and spans in macro-expanded text back to the text the user wrote.</summary>
/// <remarks>The map is a sorted list of the regions that the user's macro calls expanded to. Text outside
/// them was copied unchanged, so its offsets only shift. Any position inside an expanded region maps to the
/// backtick call the user wrote (the outermost call, for nested macros). Lookups are binary searches.</remarks>
public sealed class SourceMap
{
    // Expanded regions, in the order they appear in the expanded text. Region i is the expansion of the
    // user's call [_originalStarts[i], _originalEnds[i]) and occupies [_expandedStarts[i], _expandedEnds[i]).
    private readonly int[] _expandedStarts;
    private readonly int[] _expandedEnds;
    private readonly int[] _originalStarts;
    private readonly int[] _originalEnds;

    internal SourceMap(int originalLength, int expandedLength, int[] expandedStarts, int[] expandedEnds, int[] originalStarts, int[] originalEnds)
    {
        OriginalLength = originalLength;
        ExpandedLength = expandedLength;
        _expandedStarts = expandedStarts;
        _expandedEnds = expandedEnds;
        _originalStarts = originalStarts;
        _originalEnds = originalEnds;
    }

    /// <summary>The map of a text that had no macro calls: every offset maps to itself.</summary>
    public static SourceMap Identity(int length)
    {
        length = Math.Max(0, length);
        return new SourceMap(length, length, [], [], [], []);
    }

    /// <summary>Length of the text the user wrote.</summary>
    internal int OriginalLength { get; }

    /// <summary>Length of the expanded text.</summary>
    internal int ExpandedLength { get; }

    /// <summary>The span of the user's call whose expansion contains <paramref name="expandedOffset"/>, if any.</summary>
    internal bool TryGetCallSpan(int expandedOffset, out TextSpan callSpan)
    {
        var k = LastRegionStartingAtOrBefore(expandedOffset);
        if (k >= 0 && expandedOffset < _expandedEnds[k])
        {
            callSpan = TextSpan.FromBounds(_originalStarts[k], _originalEnds[k]);
            return true;
        }
        callSpan = default;
        return false;
    }

    /// <summary>The offset in the user's text for an offset in the expanded text. An offset inside text a macro
    /// produced maps to the start of the user's call; other offsets map exactly.</summary>
    public int ToOriginalOffset(int expandedOffset)
    {
        var x = Math.Clamp(expandedOffset, 0, ExpandedLength);
        var k = LastRegionStartingAtOrBefore(x);
        if (k < 0) return Clamp(x);
        if (x < _expandedEnds[k]) return _originalStarts[k];
        return Clamp(_originalEnds[k] + (x - _expandedEnds[k]));
    }

    /// <summary>The span in the user's text for a span in the expanded text. A span that starts or ends inside
    /// text a macro produced is widened to cover the user's whole call; other spans map exactly.</summary>
    public TextSpan ToOriginal(TextSpan expanded)
    {
        var start = Math.Clamp(expanded.Start, 0, ExpandedLength);
        var end = Math.Clamp(expanded.End, start, ExpandedLength);
        if (end == start)
        {
            return TryGetCallSpan(start, out var call) ? call : new TextSpan(ToOriginalOffset(start), 0);
        }
        var originalStart = ToOriginalOffset(start);
        var originalEnd = ToOriginalEnd(end);
        return TextSpan.FromBounds(originalStart, Math.Max(originalStart, originalEnd));
    }

    // The original offset for an exclusive end: an end inside (or at the end of) an expanded region maps to
    // the end of the call, so the span covers the whole call.
    private int ToOriginalEnd(int end)
    {
        var k = LastRegionStartingBefore(end);
        if (k < 0) return Clamp(end);
        if (end <= _expandedEnds[k]) return _originalEnds[k];
        return Clamp(_originalEnds[k] + (end - _expandedEnds[k]));
    }

    private int Clamp(int offset) => Math.Clamp(offset, 0, OriginalLength);

    // Index of the last region whose start is <= x (regions are sorted by start; among equal starts the
    // later one wins, which is the non-empty one when an empty expansion precedes another call).
    private int LastRegionStartingAtOrBefore(int x)
    {
        int lo = 0, hi = _expandedStarts.Length - 1, found = -1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (_expandedStarts[mid] <= x) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found;
    }

    // Index of the last region whose start is < x.
    private int LastRegionStartingBefore(int x) => LastRegionStartingAtOrBefore(x - 1);

    /// <summary>Collects the expanded regions while the expander writes the output.</summary>
    internal sealed class Builder
    {
        private readonly List<int> _expandedStarts = [];
        private readonly List<int> _expandedEnds = [];
        private readonly List<int> _originalStarts = [];
        private readonly List<int> _originalEnds = [];

        /// <summary>Records that the user's call <paramref name="call"/> expanded to [expandedStart, expandedEnd).</summary>
        public void Add(int expandedStart, int expandedEnd, TextSpan call)
        {
            _expandedStarts.Add(expandedStart);
            _expandedEnds.Add(expandedEnd);
            _originalStarts.Add(call.Start);
            _originalEnds.Add(call.End);
        }

        /// <summary>The finished map.</summary>
        public SourceMap Build(int originalLength, int expandedLength) =>
            _expandedStarts.Count == 0
                ? Identity(originalLength)
                : new SourceMap(originalLength, expandedLength, [.. _expandedStarts], [.. _expandedEnds], [.. _originalStarts], [.. _originalEnds]);
    }
}
