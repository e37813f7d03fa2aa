using System.Collections.Immutable;
using System.Text;
using ExfilQuery.Ir;

namespace ExfilQuery.Evaluation;

/// <summary>Skips a JSON Lines event without parsing it when its bytes cannot hold a literal that every matching
/// event holds. The literals come from the leading search filters: a field value pattern (<c>f=*-enc*</c>) or a
/// bare term against <c>_raw</c>; AND takes the longest one of any operand, OR needs one from every branch (the
/// line must hold one of them), NOT, <c>!=</c>, comparisons, CIDR and where expressions give none.
///
/// A line is skipped only when no literal is found case-insensitively in its bytes and nothing could hide one:
/// a field value may be written with <c>\uXXXX</c> escapes (a line with one is parsed), a literal never holds a
/// character JSON escapes otherwise (<c>"</c>, <c>\</c>, <c>/</c>, control characters), non-ASCII characters
/// that equal an ASCII letter ignoring case (<c>ı</c> and <c>I</c>, <c>ſ</c> and <c>S</c>) make a non-ASCII line
/// parsed when the literal has such a letter, and a line that is not valid UTF-8 is parsed. Fields the reader does
/// not take from the JSON (<c>_time</c>, <c>source</c>, <c>sourcetype</c>) give no literal; <c>_raw</c> is the
/// line itself, escapes included.</summary>
internal sealed class RawPrefilter
{
    private static readonly Lazy<bool[]> FoldsOutsideAscii = new(ComputeFolds);

    private readonly ImmutableArray<Needle> _needles;

    private RawPrefilter(ImmutableArray<Needle> needles) => _needles = needles;

    /// <summary>The literals, one of which a line must hold (lower case).</summary>
    public ImmutableArray<string> Literals => _needles.Select(n => n.Text).ToImmutableArray();

    public string Describe() => "a line must hold one of " + string.Join(" | ", _needles.Select(n => "\"" + n.Text + "\"" + (n.FromRaw ? " (in _raw)" : "")));

    /// <summary>The prefilter of the leading filter stages, or null when they require no literal or could report a
    /// diagnostic on an event (a skipped event must not hide one).</summary>
    public static RawPrefilter? Build(ImmutableArray<Stage> prefix, DetectionEvaluator.RowPipeline probe)
    {
        List<Needle>? best = null;
        foreach (var stage in prefix)
        {
            if (stage is not FilterStage f || !Pure(f.Predicate, probe)) break;
            var needles = Required(f.Predicate);
            if (needles is not null && (best is null || Score(needles) > Score(best))) best = needles;
        }
        return best is null ? null : new RawPrefilter([.. best]);
    }

    /// <summary>True when the line may match (it must be parsed).</summary>
    public bool MayMatch(ReadOnlySpan<byte> line)
    {
        foreach (var n in _needles)
            if (Contains(line, n.Lower, n.Upper)) return true;
        var ascii = System.Text.Ascii.IsValid(line);
        if (!ascii && !System.Text.Unicode.Utf8.IsValid(line)) return true;
        foreach (var n in _needles)
        {
            if (!ascii && n.FoldsOutsideAscii) return true;
            if (!n.FromRaw && HasUnicodeEscape(line)) return true;
        }
        return false;
    }

    private static int Score(List<Needle> needles) => needles.Min(n => n.Text.Length);

    /// <summary>Predicates that never report a diagnostic while they are tested.</summary>
    private static bool Pure(Predicate predicate, DetectionEvaluator.RowPipeline probe) => predicate switch
    {
        AndPredicate a => a.Operands.All(o => Pure(o, probe)),
        OrPredicate o => o.Operands.All(x => Pure(x, probe)),
        NotPredicate n => Pure(n.Operand, probe),
        TruePredicate or FieldMatchPredicate or FieldNotMatchPredicate or FieldExistsPredicate or CidrPredicate
            or FieldCompareRangePredicate or RawTermPredicate => true,
        TimeBoundPredicate t => probe.ReadsTime(t.Value),
        _ => false,
    };

    /// <summary>Literals one of which every event that satisfies the predicate holds, or null.</summary>
    private static List<Needle>? Required(Predicate predicate)
    {
        switch (predicate)
        {
            case AndPredicate a:
            {
                List<Needle>? best = null;
                foreach (var o in a.Operands)
                    if (Required(o) is { } r && (best is null || Score(r) > Score(best))) best = r;
                return best;
            }
            case OrPredicate o:
            {
                var all = new List<Needle>();
                foreach (var x in o.Operands)
                {
                    if (Required(x) is not { } r) return null;
                    all.AddRange(r);
                }
                return all.Count == 0 ? null : all;
            }
            case FieldMatchPredicate m when m.Field is not ("_time" or "source" or "sourcetype"):
                return Longest(m.Pattern, fromRaw: m.Field == "_raw");
            case RawTermPredicate t:
                return Longest(t.Pattern, fromRaw: true);
            default:
                return null;
        }
    }

    /// <summary>The longest piece of any segment made only of characters a literal may hold: each piece of a segment
    /// is in every value that matches, so any one will do.</summary>
    private static List<Needle>? Longest(ValuePattern pattern, bool fromRaw)
    {
        string? best = null;
        foreach (var segment in pattern.Segments)
        {
            var start = 0;
            for (var i = 0; i <= segment.Length; i++)
            {
                if (i < segment.Length && Usable(segment[i], fromRaw)) continue;
                if (i - start >= 2 && (best is null || i - start > best.Length)) best = segment[start..i];
                start = i + 1;
            }
        }
        return best is null ? null : [new Needle(best, fromRaw)];
    }

    /// <summary>Printable ASCII, and for a decoded field value nothing JSON may write as a two-character escape
    /// (<c>\"</c>, <c>\\</c>, <c>\/</c>); <c>\uXXXX</c> escapes are checked per line.</summary>
    private static bool Usable(char c, bool fromRaw) => c is >= ' ' and <= '~' && (fromRaw || c is not ('"' or '\\' or '/'));

    private static bool Contains(ReadOnlySpan<byte> line, byte[] lower, byte[] upper)
    {
        var first = lower[0];
        var firstUpper = upper[0];
        var last = line.Length - lower.Length;
        var i = 0;
        while (i <= last)
        {
            var found = first == firstUpper ? line[i..(last + 1)].IndexOf(first) : line[i..(last + 1)].IndexOfAny(first, firstUpper);
            if (found < 0) return false;
            i += found;
            if (System.Text.Ascii.EqualsIgnoreCase(line.Slice(i, lower.Length), lower)) return true;
            i++;
        }
        return false;
    }

    /// <summary>True when a JSON string escape <c>\u</c> occurs (an escaped backslash <c>\\</c> is skipped whole).</summary>
    internal static bool HasUnicodeEscape(ReadOnlySpan<byte> line)
    {
        var i = 0;
        while (true)
        {
            var found = line[i..].IndexOf((byte)'\\');
            if (found < 0) return false;
            i += found;
            if (i + 1 >= line.Length) return false;
            if (line[i + 1] == (byte)'u') return true;
            i += 2;
        }
    }

    /// <summary>ASCII letters that some non-ASCII character equals under <see cref="StringComparison.OrdinalIgnoreCase"/>,
    /// found by asking the comparison itself: each letter is searched for in a string of every non-ASCII UTF-16 code
    /// unit that is not a surrogate.</summary>
    private static bool[] ComputeFolds()
    {
        var folds = new bool[128];
        var all = new StringBuilder(0x10000);
        for (var c = 0x80; c <= 0xFFFF; c++)
            if (!char.IsSurrogate((char)c)) all.Append((char)c);
        var text = all.ToString();
        for (var a = 'a'; a <= 'z'; a++)
        {
            if (text.IndexOf(a.ToString(), StringComparison.OrdinalIgnoreCase) < 0) continue;
            folds[a] = true;
            folds[char.ToUpperInvariant(a)] = true;
        }
        return folds;
    }

    internal static bool FoldsToAscii(char c) => c < 128 && FoldsOutsideAscii.Value[c];

    private sealed class Needle
    {
        public Needle(string text, bool fromRaw)
        {
            Text = text.ToLowerInvariant();
            FromRaw = fromRaw;
            Lower = Encoding.ASCII.GetBytes(Text);
            Upper = Encoding.ASCII.GetBytes(text.ToUpperInvariant());
            FoldsOutsideAscii = text.Any(FoldsToAscii);
        }

        public string Text { get; }
        public bool FromRaw { get; }
        public byte[] Lower { get; }
        public byte[] Upper { get; }
        public bool FoldsOutsideAscii { get; }
    }
}
