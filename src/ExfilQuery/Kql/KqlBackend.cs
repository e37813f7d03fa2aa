using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text;
using ExfilQuery.Diagnostics;
using ExfilQuery.Ir;
using ExfilQuery.Text;

namespace ExfilQuery.Kql;

/// <summary>Renders the detection IR as KQL. It only renders: meaning (case, wildcards, missing fields) is in the
/// IR node kinds. Whatever it cannot express exactly is a diagnostic with the SPL span, and the status says
/// full, partial or failed.</summary>
public static class KqlBackend
{
    /// <summary>Parses, lowers and translates one search.</summary>
    public static KqlTranslation Translate(string spl, ParseOptions? parseOptions = null, KqlOptions? options = null)
    {
        var parse = Spl.Parse(spl, parseOptions);
        if (!parse.Ok) return new KqlTranslation(TranslationStatus.Failed, null, parse.Diagnostics);
        var lowered = Lowering.Lower(parse);
        var translation = Translate(lowered.Detection, options);
        var diagnostics = parse.Diagnostics.AddRange(lowered.Diagnostics).AddRange(translation.Diagnostics);
        if (!lowered.Ok) return new KqlTranslation(TranslationStatus.Failed, null, Order(diagnostics));
        return translation with { Diagnostics = Order(diagnostics) };
    }

    /// <summary>Translates a lowered detection.</summary>
    public static KqlTranslation Translate(Detection detection, KqlOptions? options = null)
    {
        options ??= KqlOptions.Default;
        var writer = new KqlWriter(options);
        string query;
        try
        {
            query = writer.Write(detection);
        }
        catch (InsufficientExecutionStackException)
        {
            writer.Diagnostics.Add(DiagnosticFacts.NestingTooDeep(detection.Span, 0));
            query = "";
        }
        var diagnostics = Order(writer.Diagnostics.ToImmutableArray());
        var status = diagnostics.Any(d => d.IsError) ? TranslationStatus.Failed
            : diagnostics.Any(d => d.Code is "KQL0002" or "KQL0003") ? TranslationStatus.Partial
            : TranslationStatus.Full;
        return new KqlTranslation(status, status == TranslationStatus.Failed ? null : query, diagnostics);
    }

    private static ImmutableArray<Diagnostic> Order(ImmutableArray<Diagnostic> diagnostics) =>
        diagnostics.Distinct().OrderBy(d => d.Span.Start).ThenBy(d => d.Code, StringComparer.Ordinal).ThenBy(d => d.Message, StringComparer.Ordinal).ToImmutableArray();
}

/// <summary>KQL value types the writer tracks to pick exact comparisons and conversions.</summary>
internal enum KType
{
    String,
    Long,
    Real,
    Bool,
    DateTime,
    TimeSpan,
    Dynamic,
}

internal sealed partial class KqlWriter(KqlOptions options)
{
    public List<Diagnostic> Diagnostics { get; } = [];

    /// <summary>True while rows are in Splunk's default order (newest first), before any sort or aggregation.</summary>
    private bool _defaultOrder = true;

    /// <summary>Known field types at the current point of the pipeline; other fields are strings.</summary>
    private Dictionary<string, KType> _types = new(StringComparer.Ordinal);

    public string Write(Detection detection)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        var lets = new List<string>();
        var lines = new List<string> { WriteSource(detection.Source) };
        foreach (var stage in detection.Stages)
        {
            var line = WriteStage(stage);
            if (_pendingLet is { } name)
            {
                // The stage reads the rows so far twice (eventstats): name them with let.
                lets.Add($"let {name} = {string.Join("\n| ", lines)};");
                lines = [name];
                _pendingLet = null;
            }
            if (line is not null) lines.Add(line);
        }
        return string.Concat(lets.Select(l => l + "\n")) + string.Join("\n| ", lines);
    }

    private string WriteSource(DataSource source)
    {
        _types = new Dictionary<string, KType>(StringComparer.Ordinal) { ["_time"] = KType.DateTime };
        switch (source)
        {
            case EventsSource:
            case DataModelSource:
                return KqlSyntax.Identifier(options.Table);
            case LookupTableSource l:
                Diagnostics.Add(DiagnosticFacts.KqlApproximation(l.Span, $"The lookup '{l.Table}' is read as a table (or watchlist) of that name, which must exist in the workspace."));
                return KqlSyntax.Identifier(l.Table);
            default:
                Diagnostics.Add(DiagnosticFacts.KqlUnsupported(source.Span, "This search starts with a command that generates rows; KQL has no equivalent source."));
                return "print x=1";
        }
    }

    private string Column(string field) => KqlSyntax.Identifier(field);

    private KType TypeOf(string field) => _types.TryGetValue(field, out var t) ? t : KType.String;

    // ------------------------------------------------------------------ stages

    private string? WriteStage(Stage stage)
    {
        switch (stage)
        {
            case FilterStage { Predicate: TruePredicate }:
                return null;
            case FilterStage f:
                return "where " + Predicate(f.Predicate);
            case EvalStage e:
                return WriteEval(e);
            case AggregateStage a:
                return WriteAggregate(a);
            case RenameStage r:
                return WriteRename(r);
            case ProjectStage p:
                return WriteProject(p);
            case SortStage s:
                return WriteSort(s);
            case LimitStage { FromEnd: false } l:
                return "take " + l.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            case ConvertStage c:
                return WriteConvert(c);
            case DedupStage d:
                return WriteDedup(d);
            case BinStage b:
                return WriteBin(b);
            case FillNullStage f:
                return WriteFillNull(f);
            case ExtractStage e:
                return WriteExtract(e);
            case RegexFilterStage r:
                return RegexGroups.Named(r.Regex, out var re2) is null
                    ? Unsupported(r, "This regular expression uses syntax RE2 lacks (lookaround, backreferences, atomic groups).")
                    : $"where {(r.Negated ? "not(" : "")}{Str(new Typed(Column(r.Field), TypeOf(r.Field))).Text} matches regex {KqlSyntax.Quote(re2)}{(r.Negated ? ")" : "")}";
            default:
                Diagnostics.Add(DiagnosticFacts.KqlUnsupported(stage.Span, stage is UnsupportedStage u
                    ? $"'{u.Command}' cannot be translated: {u.Reason}"
                    : $"The KQL backend does not translate {StageName(stage)} yet."));
                return null;
        }
    }

    private string? Unsupported(Stage stage, string detail)
    {
        Diagnostics.Add(DiagnosticFacts.KqlUnsupported(stage.Span, detail));
        return null;
    }

    private static string StageName(Stage stage) => stage switch
    {
        LimitStage { FromEnd: true } => "'tail'",
        BinStage => "'bin'",
        FillNullStage => "'fillnull'",
        ExtractStage => "'rex'",
        RegexFilterStage => "'regex'",
        LookupStage => "'lookup'",
        JoinStage => "'join'",
        AppendStage => "'append'",
        ExpandStage => "'mvexpand'",
        MakeMultivalueStage => "'makemv'",
        _ => stage.GetType().Name,
    };

    private string WriteEval(EvalStage e)
    {
        var parts = new List<string>();
        foreach (var a in e.Assignments)
        {
            var (text, type) = Expr(a.Value);
            parts.Add(Column(a.Field) + " = " + text);
            _types[a.Field] = type;
        }
        return "extend " + string.Join(", ", parts);
    }

    private string? WriteRename(RenameStage r)
    {
        var parts = new List<string>();
        foreach (var (from, to) in r.Pairs)
        {
            if (from.Contains('*') || to.Contains('*'))
            {
                // `rename Processes.* AS *` (drop_dm_object_name): rename every known field with the prefix.
                var prefix = from.TrimEnd('*');
                if (!from.EndsWith('*') || from.IndexOf('*') != from.Length - 1 || to != "*" && (!to.EndsWith('*') || to.IndexOf('*') != to.Length - 1))
                {
                    Diagnostics.Add(DiagnosticFacts.KqlUnsupported(r.Span, $"The wildcard rename '{from} AS {to}' has no KQL equivalent."));
                    continue;
                }
                var newPrefix = to.TrimEnd('*');
                foreach (var field in _types.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList())
                    parts.Add(RenameOne(field, newPrefix + field[prefix.Length..]));
                continue;
            }
            parts.Add(RenameOne(from, to));
        }
        return parts.Count == 0 ? null : "project-rename " + string.Join(", ", parts);
    }

    private string RenameOne(string from, string to)
    {
        var type = TypeOf(from);
        _types.Remove(from);
        _types[to] = type;
        return Column(to) + " = " + Column(from);
    }

    private string WriteProject(ProjectStage p)
    {
        if (p.Fields.Any(f => f.Contains('*')))
        {
            var columns = string.Join(", ", p.Fields.Select(f => f.Contains('*') ? f : Column(f)));
            return p.Mode == ProjectMode.Remove ? "project-away " + columns : "project " + columns;
        }
        var list = string.Join(", ", p.Fields.Select(Column));
        switch (p.Mode)
        {
            case ProjectMode.Remove:
                foreach (var f in p.Fields) _types.Remove(f);
                return "project-away " + list;
            default:
                _types = p.Fields.ToDictionary(f => f, TypeOf, StringComparer.Ordinal);
                return "project " + list;
        }
    }

    private string WriteSort(SortStage s)
    {
        _defaultOrder = false;
        var keys = string.Join(", ", s.Keys.Select(k => SortKey(k) + (k.Descending ? " desc" : " asc")));
        // SPL sort returns at most 10,000 rows unless a count is given (0 = all).
        var limit = s.Limit ?? 10000;
        return limit == 0 ? "sort by " + keys : $"top {limit.ToString(System.Globalization.CultureInfo.InvariantCulture)} by {keys}";
    }

    private string SortKey(SortKeySpec k) => k.Conversion switch
    {
        "num" => "todouble(" + Column(k.Field) + ")",
        "str" => "tostring(" + Column(k.Field) + ")",
        "ip" => "parse_ipv4(" + Column(k.Field) + ")",
        _ => Column(k.Field),
    };

    private string? WriteDedup(DedupStage d)
    {
        if (d.Count != 1 || d.Consecutive || !d.SortBy.IsEmpty || d.KeepEmpty)
        {
            Diagnostics.Add(DiagnosticFacts.KqlUnsupported(d.Span, "Only 'dedup field ...' (first row per combination) is translated; counts, consecutive=, keepempty= and sortby are not yet."));
            return null;
        }
        // dedup keeps the first row per combination in the current order and drops rows missing any field. In
        // Splunk's default order (newest first) the first row is the latest: arg_max(_time, *) is exact.
        var exists = string.Join(" and ", d.Fields.Select(f => "isnotempty(" + Column(f) + ")"));
        var by = string.Join(", ", d.Fields.Select(Column));
        if (!_defaultOrder || !_types.ContainsKey("_time"))
            Diagnostics.Add(DiagnosticFacts.KqlApproximation(d.Span, "dedup after a sort or aggregation keeps the first row in that order; KQL keeps the latest by _time (or any row) per combination."));
        return $"where {exists}\n| summarize arg_max({Column("_time")}, *) by {by}";
    }

    private string? WriteConvert(ConvertStage c)
    {
        var parts = new List<string>();
        foreach (var (function, field, output) in c.Conversions)
        {
            if (function != "ctime")
            {
                Diagnostics.Add(DiagnosticFacts.KqlUnsupported(c.Span, $"convert {function}() is not translated yet."));
                continue;
            }
            var format = c.TimeFormat ?? "%m/%d/%Y %H:%M:%S";
            var source = Column(field);
            var value = TypeOf(field) == KType.DateTime ? source : $"unixtime_seconds_todatetime(todouble({source}))";
            if (KqlTimeFormat.Format(value, format) is not { } formatted)
            {
                Diagnostics.Add(DiagnosticFacts.KqlUnsupported(c.Span, $"The time format '{format}' has no exact KQL format_datetime equivalent."));
                continue;
            }
            parts.Add($"{Column(output)} = {formatted}");
            _types[output] = KType.String;
        }
        return parts.Count == 0 ? null : "extend " + string.Join(", ", parts);
    }
}
