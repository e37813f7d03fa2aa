using System.Collections.Immutable;
using System.Text;
using ExfilQuery.Diagnostics;
using ExfilQuery.Syntax;
using ExfilQuery.Text;

namespace ExfilQuery.Ir;

/// <summary>One field a foreach visits: its name, the pattern that named it and what each <c>*</c> of the pattern
/// matched (none for a pattern without <c>*</c>).</summary>
internal sealed record ForeachVisit(string Field, string Pattern, ImmutableArray<string> Segments)
{
    /// <summary>True when the pattern has a <c>*</c> (the field was found among the row's fields).</summary>
    public bool FromWildcard => Pattern.Contains('*', StringComparison.Ordinal);

    /// <summary>True when the pattern's <c>*</c>s could split the name in more than one way (<c>a*b*</c> on
    /// <c>a1b2b3</c>); <see cref="Segments"/> then holds the leftmost split.</summary>
    public bool Ambiguous { get; init; }
}

/// <summary>A foreach template with one field's placeholders replaced, parsed and lowered: the stages to run (spans
/// in the text the user wrote), or the errors that stop it.</summary>
internal sealed partial record ForeachIteration(ForeachVisit Visit, string Text, ImmutableArray<Stage> Stages, ImmutableArray<Diagnostic> Errors)
{
    /// <summary>True when the template read without errors.</summary>
    public bool Ok => Errors.IsEmpty;

    /// <summary>The fields the iteration's stages change (assign, rename to, extract, remove), or null when a stage
    /// may change any field.</summary>
    public ImmutableHashSet<string>? Writes { get; } = FieldUse(Stages, write: true);

    /// <summary>The fields the iteration's stages read, or null when a stage may read any field.</summary>
    public ImmutableHashSet<string>? Reads { get; } = FieldUse(Stages, write: false);

    private static ImmutableHashSet<string>? FieldUse(ImmutableArray<Stage> stages, bool write)
    {
        var names = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
        foreach (var stage in stages)
        {
            IEnumerable<string>? used = (stage, write) switch
            {
                (EvalStage e, true) => e.Assignments.Select(a => a.Field),
                (EvalStage e, false) => All(e.Assignments.Select(a => StageReads.FieldsOf(a.Value))),
                (FilterStage, true) or (RegexFilterStage, true) => [],
                (FilterStage f, false) => PredicateReads(f.Predicate),
                (RenameStage r, _) => r.Pairs.Any(p => p.From.Contains('*', StringComparison.Ordinal)) ? null : r.Pairs.Select(p => write ? p.To : p.From).Concat(r.Pairs.Select(p => p.From)),
                (RegexFilterStage r, false) => [r.Field],
                (ExtractStage x, true) => x.SedMode ? [x.Field] : GroupNames().Matches(x.Regex).Select(m => m.Groups[1].Value),
                (ExtractStage x, false) => [x.Field],
                (ConvertStage c, _) => c.Conversions.Select(v => write ? v.Output : v.Field),
                (MakeMultivalueStage m, _) => [m.Field],
                (FillNullStage f, _) => f.Fields,
                (BinStage b, _) => [write ? b.OutputField : b.Field],
                (ProjectStage { Mode: ProjectMode.Remove } p, true) when !p.Fields.Any(n => n.Contains('*', StringComparison.Ordinal)) => p.Fields,
                (ProjectStage, false) => [],
                _ => null,
            };
            if (used is null) return null;
            names.UnionWith(used);
        }
        return names.ToImmutable();
    }

    private static IEnumerable<string>? PredicateReads(Predicate predicate) => predicate switch
    {
        AndPredicate a => All(a.Operands.Select(PredicateReads)),
        OrPredicate o => All(o.Operands.Select(PredicateReads)),
        NotPredicate n => PredicateReads(n.Operand),
        TruePredicate => [],
        FieldMatchPredicate m => [m.Field],
        FieldNotMatchPredicate m => [m.Field],
        FieldExistsPredicate e => [e.Field],
        CidrPredicate c => [c.Field],
        FieldCompareRangePredicate r => [r.Field],
        RawTermPredicate => ["_raw"],
        TimeBoundPredicate => ["_time"],
        ExpressionPredicate e => StageReads.FieldsOf(e.Expression),
        _ => null,
    };

    /// <summary>All the names, or null when one list is unknown (null).</summary>
    private static IEnumerable<string>? All(IEnumerable<IEnumerable<string>?> lists) =>
        lists.Aggregate((IEnumerable<string>?)[], (all, x) => all is null || x is null ? null : all.Concat(x));

    [System.Text.RegularExpressions.GeneratedRegex(@"\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>", System.Text.RegularExpressions.RegexOptions.CultureInvariant, 1000)]
    private static partial System.Text.RegularExpressions.Regex GroupNames();
}

/// <summary>A multivalue foreach's template with one value's placeholders replaced: the eval it runs (null when the
/// text does not read), or the errors.</summary>
internal sealed record ForeachValueIteration(string Text, EvalStage? Eval, ImmutableArray<Diagnostic> Errors);

/// <summary>What <see cref="ForeachStage"/> means, shared by the evaluator (per row) and the backends (expanded
/// statically when the fields are known). Splunk Search Reference, "foreach": the placeholders are "just a string
/// replacement" in the subsearch, which may hold any streaming command in multifield mode. Where the reference is
/// silent this decides, and says so where it matters (a diagnostic):
/// <list type="bullet">
/// <item>Fields are visited pattern by pattern, as written; within a pattern in the ordinal (byte) order of their
/// names, Splunk's lexicographical order; a field named by an earlier pattern is not visited again.</item>
/// <item>A wildcard pattern matches the fields the row has when foreach starts (a field with no value is not there,
/// as in the reference's first example, where a row without <c>www2</c> still gets its total); a pattern without
/// <c>*</c> names its field even when the row lacks it (the reference's third example creates fields that way).</item>
/// <item><c>*</c> does not match a name starting with <c>_</c> (<c>_time</c>, <c>_raw</c>) unless the pattern starts
/// with <c>_</c>: in the reference's license-usage example <c>foreach * [eval &lt;&lt;FIELD&gt;&gt;=... /1024]</c>
/// leaves <c>_time</c> as it was.</item>
/// <item>Several <c>*</c> split a name at the leftmost places that fit. A placeholder for a part the pattern does not
/// define (<c>&lt;&lt;MATCHSTR&gt;&gt;</c> with no <c>*</c> or several, a <c>&lt;&lt;MATCHSEG&gt;&gt;</c> beyond the
/// pattern's <c>*</c>s) is not modelled (<see cref="WhyNotModelled"/>).</item>
/// </list></summary>
internal static partial class ForeachTemplate
{
    /// <summary>The template is parsed inside the same command it came from, so that it is read as Splunk's parser
    /// reads a subsearch (<c>[eval ...]</c> without a pipe, an implicit search first).</summary>
    private const string Wrapper = "| foreach x [";

    /// <summary>Why a foreach cannot be modelled at all, or null: a placeholder for a part of the name the pattern
    /// does not define (<c>&lt;&lt;MATCHSTR&gt;&gt;</c> with no <c>*</c> or several, <c>&lt;&lt;MATCHSEG2&gt;&gt;</c>
    /// with one <c>*</c>), of which the Search Reference does not say what it stands for.</summary>
    public static string? WhyNotModelled(ForeachStage stage)
    {
        bool Uses(string placeholder) => placeholder.Length > 0 && stage.Template.Contains(placeholder, StringComparison.Ordinal);
        foreach (var pattern in stage.Patterns)
        {
            var stars = pattern.Count(c => c == '*');
            if (stars != 1 && Uses(stage.MatchPlaceholder))
                return $"the template uses {stage.MatchPlaceholder} with the pattern '{pattern}', which has {(stars == 0 ? "no wildcard" : "several wildcards")}; the Search Reference does not say what it stands for then.";
            for (var k = stars; k < stage.SegmentPlaceholders.Length; k++)
                if (Uses(stage.SegmentPlaceholders[k]))
                    return $"the template uses {stage.SegmentPlaceholders[k]} with the pattern '{pattern}', which has {(stars == 0 ? "no wildcard" : stars == 1 ? "only one wildcard" : $"only {stars} wildcards")}; the Search Reference does not say what it stands for then.";
        }
        return null;
    }

    /// <summary>Stages a foreach template may hold: streaming commands that read and change one row.</summary>
    public static bool IsTemplateStage(Stage stage) => stage switch
    {
        FilterStage or EvalStage or RenameStage or RegexFilterStage or ExtractStage or ConvertStage => true,
        SpathStage or FromJsonStage or ReplaceStage or AddTotalsStage => true,
        ProjectStage p => p.Mode != ProjectMode.Table,
        MakeMultivalueStage => true,
        FillNullStage f => f.Fields.Length > 0,
        BinStage b => b.BinSpan is not null,
        _ => false,
    };

    /// <summary>Why a template stage is refused.</summary>
    public static string NotStreaming(Stage stage) => stage switch
    {
        UnsupportedStage u => $"the template holds '{u.Command}', which is not modelled ({u.Reason})",
        ForeachStage or ForeachValuesStage => "the template holds another foreach; nested foreach commands are not modelled.",
        _ => $"the template holds {StageName(stage)}, which is not a streaming command that reads one row; foreach in multifield mode runs streaming commands only (Search Reference, \"foreach\").",
    };

    /// <summary>The SPL name of a stage, for messages.</summary>
    public static string StageName(Stage stage) => stage switch
    {
        AggregateStage a => a.Command,
        ProjectStage { Mode: ProjectMode.Table } => "table",
        _ => stage.GetType().Name.Replace("Stage", "", StringComparison.Ordinal).ToLowerInvariant(),
    };

    /// <summary>The fields a foreach visits, in order, given the fields present when it starts.</summary>
    public static List<ForeachVisit> Visits(ForeachStage stage, IEnumerable<string> present)
    {
        var sorted = present.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var visits = new List<ForeachVisit>();
        foreach (var pattern in stage.Patterns)
        {
            if (!pattern.Contains('*', StringComparison.Ordinal))
            {
                if (visited.Add(pattern)) visits.Add(new ForeachVisit(pattern, pattern, []));
                continue;
            }
            foreach (var field in sorted)
                if (Match(pattern, field) is { } visit && visited.Add(field)) visits.Add(visit);
        }
        return visits;
    }

    /// <summary>The visit of <paramref name="field"/> by a wildcard pattern, or null when it does not match.</summary>
    public static ForeachVisit? Match(string pattern, string field)
    {
        if (field.StartsWith('_') && !pattern.StartsWith('_')) return null;
        if (!pattern.Contains('*', StringComparison.Ordinal)) return field == pattern ? new ForeachVisit(field, pattern, []) : null;
        var parts = pattern.Split('*');
        var left = Split(parts, field, leftmost: true);
        if (left is null) return null;
        var right = Split(parts, field, leftmost: false)!;
        return new ForeachVisit(field, pattern, left.Value) { Ambiguous = !left.Value.SequenceEqual(right.Value, StringComparer.Ordinal) };
    }

    /// <summary>What each <c>*</c> matched, the literal parts placed leftmost (or rightmost); null when no placing fits.</summary>
    private static ImmutableArray<string>? Split(string[] parts, string field, bool leftmost)
    {
        var first = parts[0];
        var last = parts[^1];
        if (field.Length < first.Length + last.Length || !field.StartsWith(first, StringComparison.Ordinal) || !field.EndsWith(last, StringComparison.Ordinal)) return null;
        var end = field.Length - last.Length;
        var starts = new int[parts.Length];
        starts[0] = 0;
        starts[^1] = end;
        if (leftmost)
        {
            var pos = first.Length;
            for (var i = 1; i < parts.Length - 1; i++)
            {
                var at = field.IndexOf(parts[i], pos, end - pos, StringComparison.Ordinal);
                if (at < 0) return null;
                starts[i] = at;
                pos = at + parts[i].Length;
            }
        }
        else
        {
            var pos = end;
            for (var i = parts.Length - 2; i >= 1; i--)
            {
                var from = first.Length;
                var at = parts[i].Length == 0 ? pos
                    : pos - parts[i].Length < from ? -1
                    : field.LastIndexOf(parts[i], pos - 1, pos - from, StringComparison.Ordinal);
                if (at < 0 || at + parts[i].Length > pos) return null;
                starts[i] = at;
                pos = at;
            }
        }
        var segments = ImmutableArray.CreateBuilder<string>(parts.Length - 1);
        for (var i = 0; i < parts.Length - 1; i++)
            segments.Add(field[(starts[i] + parts[i].Length)..starts[i + 1]]);
        return segments.MoveToImmutable();
    }

    /// <summary>The template with the visit's placeholders replaced.</summary>
    public static (string Text, ImmutableArray<(int From, int To, int TemplateFrom, int TemplateTo)> Regions) Substitute(ForeachStage stage, ForeachVisit visit)
    {
        var values = new List<(string Placeholder, string Value)>
        {
            (stage.FieldPlaceholder, visit.Field),
            (stage.MatchPlaceholder, visit.Segments.Length == 1 ? visit.Segments[0] : string.Concat(visit.Segments)),
        };
        for (var i = 0; i < stage.SegmentPlaceholders.Length; i++)
            values.Add((stage.SegmentPlaceholders[i], i < visit.Segments.Length ? visit.Segments[i] : ""));
        return Substitute(stage.Template, values);
    }

    /// <summary>The template with the placeholders replaced, scanning left to right (the longest placeholder first
    /// where several start at one place; a replacement is never scanned again), and where each replacement went.</summary>
    private static (string Text, ImmutableArray<(int From, int To, int TemplateFrom, int TemplateTo)> Regions) Substitute(string template, IEnumerable<(string Placeholder, string Value)> replacements)
    {
        var values = replacements.Where(v => v.Placeholder.Length > 0).OrderByDescending(v => v.Placeholder.Length).ToList();
        var sb = new StringBuilder(template.Length);
        var regions = ImmutableArray.CreateBuilder<(int, int, int, int)>();
        for (var i = 0; i < template.Length;)
        {
            var hit = values.FindIndex(v => template.AsSpan(i).StartsWith(v.Placeholder, StringComparison.Ordinal));
            if (hit < 0)
            {
                sb.Append(template[i++]);
                continue;
            }
            var (placeholder, value) = values[hit];
            regions.Add((sb.Length, sb.Length + value.Length, i, i + placeholder.Length));
            sb.Append(value);
            i += placeholder.Length;
        }
        return (sb.ToString(), regions.ToImmutable());
    }

    /// <summary>Replaces the visit's placeholders, parses the text as the subsearch it was and lowers it. Errors
    /// (a substituted name that breaks the syntax, a command that is not streaming) are returned, never thrown.</summary>
    public static ForeachIteration Expand(ForeachStage stage, ForeachVisit visit)
    {
        var (text, regions) = Substitute(stage, visit);
        var (stages, errors) = Read(text, regions, stage.TemplateSpans, stage.Span);
        if (errors.IsEmpty && stages.FirstOrDefault(s => !IsTemplateStage(s)) is { } other)
            errors = [DiagnosticFacts.CannotLower(other.Span, NotStreaming(other))];
        return new ForeachIteration(visit, text, errors.IsEmpty ? stages : [], errors);
    }

    /// <summary>A multivalue foreach's template for one value: the eval it runs, or the errors.</summary>
    public static ForeachValueIteration ExpandValue(ForeachValuesStage stage, string value, int index)
    {
        var (text, regions) = Substitute(stage.Template, [(stage.ItemPlaceholder, ValueLiteral(value)), (stage.IterPlaceholder, index.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        var (stages, errors) = Read(text, regions, stage.TemplateSpans, stage.Span);
        if (errors.IsEmpty && stages is not [EvalStage])
            errors = [DiagnosticFacts.CannotLower(stage.Span, "in multivalue mode the template must be one eval command (Search Reference, \"foreach\").")];
        return new ForeachValueIteration(text, errors.IsEmpty ? (EvalStage)stages[0] : null, errors);
    }

    /// <summary>How <c>&lt;&lt;ITEM&gt;&gt;</c> stands for a value: the reference's examples add the values of
    /// <c>mvappend("50", "100", "30")</c> as numbers (a sum of 180) and join <c>split("ABCDE", "")</c>'s letters as
    /// strings (<c>&lt;&lt;ITEM&gt;&gt;.mvindex(nums, &lt;&lt;ITER&gt;&gt;)</c> gives "A0"), so a value that reads as a
    /// decimal number is written as one and any other as a double-quoted string.</summary>
    public static string ValueLiteral(string value) =>
        NumberText().IsMatch(value) ? value : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    [System.Text.RegularExpressions.GeneratedRegex(@"^-?[0-9]+(\.[0-9]+)?\z", System.Text.RegularExpressions.RegexOptions.CultureInvariant, 1000)]
    private static partial System.Text.RegularExpressions.Regex NumberText();

    /// <summary>Parses a substituted template as the subsearch it was and lowers it, spans mapped to the user's text.</summary>
    private static (ImmutableArray<Stage> Stages, ImmutableArray<Diagnostic> Errors) Read(string text, ImmutableArray<(int From, int To, int TemplateFrom, int TemplateTo)> regions, ImmutableArray<TextSpan> spans, TextSpan fallback)
    {
        TextSpan MapSpan(TextSpan span) => ToUserText(spans, fallback, regions, text.Length, span);
        var parse = Spl.Parse(Wrapper + text + "]", ParseOptions.Default);
        var errors = parse.Diagnostics.Where(d => d.IsError).Select(d => d.WithSpan(MapSpan(d.Span))).ToImmutableArray();
        if (!errors.IsEmpty) return ([], errors);
        if (parse.Pipeline.Commands is not [GenericCommand { Arguments: [TokenArgument, SubsearchArgument sub] }])
            return ([], [DiagnosticFacts.CannotLower(fallback, "the substituted template is no longer one subsearch (a replaced value holds a bracket).")]);
        var (stages, diagnostics) = Lowering.LowerTemplate(parse, sub.Subsearch.Pipeline, MapSpan);
        return (stages, diagnostics.Where(d => d.IsError).ToImmutableArray());
    }

    /// <summary>Maps a span of the wrapped, substituted text to the text the user wrote: text a replacement wrote maps
    /// to the placeholder it replaced, the rest to where the template has it.</summary>
    private static TextSpan ToUserText(ImmutableArray<TextSpan> spans, TextSpan fallback, ImmutableArray<(int From, int To, int TemplateFrom, int TemplateTo)> regions, int length, TextSpan span)
    {
        if (spans.IsEmpty) return fallback;
        int Template(int offset, bool end)
        {
            var x = Math.Clamp(offset - Wrapper.Length, 0, length);
            var shift = 0;
            foreach (var (from, to, templateFrom, templateTo) in regions)
            {
                if (end ? x <= from : x < from) break;
                if (end ? x <= to : x < to) return end ? templateTo : templateFrom;
                shift = templateTo - to;
            }
            return Math.Clamp(x + shift, 0, spans.Length);
        }
        var start = Math.Min(Template(span.Start, false), spans.Length - 1);
        var stop = Template(span.End, true);
        return stop <= start ? new TextSpan(spans[start].Start, 0) : TextSpan.FromBounds(spans[start].Start, Math.Max(spans[start].Start, spans[stop - 1].End));
    }

    /// <summary>When one iteration changes a field that another reads or changes, and at least one field was found by
    /// a wildcard (so the order is this model's choice), that field ("*" when a stage may change or read any field);
    /// null otherwise.</summary>
    public static string? OrderDependentField(IReadOnlyList<ForeachIteration> iterations)
    {
        if (iterations.Count < 2 || !iterations.Any(i => i.Visit.FromWildcard)) return null;
        // What the iterations so far changed and read; "any" for a stage that may change or read any field.
        var written = new HashSet<string>(StringComparer.Ordinal);
        var read = new HashSet<string>(StringComparer.Ordinal);
        bool writtenAny = false, readAny = false;
        foreach (var iteration in iterations)
        {
            var (w, r) = (iteration.Writes, iteration.Reads);
            // A change to what an earlier iteration changed or read, or a read of what an earlier one changed.
            var conflict = w is null
                ? (written.Count > 0 || read.Count > 0 || writtenAny || readAny ? "*" : null)
                : Sorted(w).FirstOrDefault(x => written.Contains(x) || read.Contains(x)) ?? (w.Count > 0 && (writtenAny || readAny) ? Sorted(w).First() : null);
            conflict ??= r is null
                ? (written.Count > 0 || writtenAny ? "*" : null)
                : Sorted(r).FirstOrDefault(written.Contains) ?? (r.Count > 0 && writtenAny ? Sorted(r).First() : null);
            if (conflict is not null) return conflict;
            if (w is null) writtenAny = true;
            else written.UnionWith(w);
            if (r is null) readAny = true;
            else read.UnionWith(r);
        }
        return null;

        // Hash sets enumerate in a per-process order: names are compared in ordinal order so messages are stable.
        static IOrderedEnumerable<string> Sorted(ImmutableHashSet<string> names) => names.Order(StringComparer.Ordinal);
    }

    /// <summary>The note for <see cref="OrderDependentField"/>.</summary>
    public static string OrderNote(string field) =>
        $"the fields a wildcard matches are visited in the ordinal order of their names (the Search Reference does not say in which order Splunk visits them), and {(field == "*" ? "some iteration changes fields that another reads or changes" : $"one iteration changes '{field}', which another reads or changes")}, so the result may depend on that order.";

    /// <summary>True when the template uses a MATCHSEG placeholder, which an ambiguous split changes.</summary>
    public static bool UsesSegments(ForeachStage stage) =>
        stage.SegmentPlaceholders.Any(p => p.Length > 0 && stage.Template.Contains(p, StringComparison.Ordinal));

    /// <summary>The note for an ambiguous split of a field name.</summary>
    public static string SplitNote(ForeachVisit visit) =>
        $"the pattern '{visit.Pattern}' can split '{visit.Field}' in more than one way; the template's segments take the leftmost split ({string.Join(", ", visit.Segments.Select(s => "'" + s + "'"))}), and the Search Reference does not say which one Splunk takes.";
}
