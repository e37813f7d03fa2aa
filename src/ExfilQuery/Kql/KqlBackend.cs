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
            if (writer.RenamedSourceFields.Count > 0)
            {
                // A wildcard rename (rename object.* AS *) renamed source fields only a later stage names:
                // translate again with those source fields declared so the rename covers them.
                writer = new KqlWriter(options) { PreknownSourceFields = writer.RenamedSourceFields };
                query = writer.Write(detection);
            }
        }
        catch (InsufficientExecutionStackException)
        {
            writer.Diagnostics.Add(DiagnosticFacts.NestingTooDeep(detection.Span, 0));
            query = "";
        }
        var diagnostics = Order(writer.Diagnostics.ToImmutableArray());
        var status = diagnostics.Any(d => d.IsError) ? TranslationStatus.Failed
            : diagnostics.Any(d => d.Code is "KQL0002" or "KQL0003" or "KQL0006" or "KQL0012") ? TranslationStatus.Partial
            : TranslationStatus.Full;
        return new KqlTranslation(status, status == TranslationStatus.Failed ? null : query, diagnostics)
        {
            SourceColumns = writer.SourceColumns.ToImmutableSortedDictionary(StringComparer.Ordinal, StringComparer.Ordinal),
        };
    }

    private static ImmutableArray<Diagnostic> Order(IEnumerable<Diagnostic> diagnostics) => DiagnosticCatalog.InReportOrder(diagnostics);
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
        var sourceFilters = new List<string>();
        _currentSpan = detection.Source.Span;
        // foreach becomes the stages it runs where its fields are known; elsewhere it stays and is refused here.
        var stages = ForeachStatic.Expand(detection.Stages,
            (f, why) => Diagnostics.Add(DiagnosticFacts.KqlForeachNotExpanded(f.Span, why)),
            (f, note) => Diagnostics.Add(DiagnosticFacts.KqlForeachChoice(f.Span, note)));
        string sourceText;
        if (detection.Source is EventsSource && !Profile.IsIdentity)
        {
            // The first filter's source conditions pick the table; what remains of the filter stays.
            var first = stages.FirstOrDefault() as FilterStage;
            if (SelectRawSource(first) is { } selected)
            {
                sourceText = WriteRawSource(selected.Source, sourceFilters);
                stages = selected.Remaining is null ? stages.RemoveAt(0) : stages.SetItem(0, first! with { Predicate = selected.Remaining });
            }
            else
            {
                sourceText = UnselectedRawSource(detection.Source, first);
            }
        }
        else
        {
            sourceText = WriteSource(detection.Source, sourceFilters);
        }
        var lines = new List<string> { sourceText };
        lines.AddRange(sourceFilters.Select(f => "where " + f));
        for (var i = 0; i < stages.Length; i++)
        {
            var stage = stages[i];
            _currentSpan = stage.Span;
            _nextStage = i + 1 < stages.Length ? stages[i + 1] : null;
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

    private string WriteSource(DataSource source, List<string> filters)
    {
        _types = new Dictionary<string, KType>(StringComparer.Ordinal) { ["_time"] = KType.DateTime };
        SourceColumns["_time"] = "datetime";
        foreach (var f in PreknownSourceFields)
        {
            _types.TryAdd(f, KType.String);
            SourceColumns.TryAdd(f, "string");
        }
        switch (source)
        {
            case DataModelSource d when !Profile.IsIdentity:
                return WriteMappedDataModel(d, filters) ?? "print x=1";
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

    /// <summary>Fields read before any stage defined them: the source table's columns.</summary>
    public SortedDictionary<string, string> SourceColumns { get; } = new(StringComparer.Ordinal);

    private string Column(string field)
    {
        if (_columnOverrides.TryGetValue(field, out var overridden)) return overridden;
        if (!_types.ContainsKey(field))
        {
            // After an aggregation or projection the columns are known: a missing field is null in SPL, and
            // naming it in KQL would be an error. "" is KQL's empty (missing) string.
            if (_closed) return "\"\"";
            if (!_definedFields.Contains(field) && MappedSourceField(field) is { } mapped) return mapped.Text;
            if (!_definedFields.Contains(field))
            {
                SourceColumns.TryAdd(field, "string");
                foreach (var (from, to) in _wildcardRenames)
                    if (field.StartsWith(to, StringComparison.Ordinal)) RenamedSourceFields.Add(from + field[to.Length..]);
            }
        }
        return KqlSyntax.Identifier(field);
    }

    /// <summary>The stage after the one being written (null at the end): fillnull without a field list needs only the
    /// fields it reads.</summary>
    private Stage? _nextStage;

    /// <summary>True once the set of columns is known exactly (after summarize or project).</summary>
    private bool _closed;

    /// <summary>Wildcard renames seen so far, as (from prefix, to prefix).</summary>
    private readonly List<(string From, string To)> _wildcardRenames = [];

    /// <summary>Source fields a wildcard rename must have renamed for a later reference to exist: a second pass
    /// declares them up front so that the rename names them.</summary>
    public SortedSet<string> RenamedSourceFields { get; } = new(StringComparer.Ordinal);

    /// <summary>Source fields known before the first stage (from a first pass).</summary>
    public IEnumerable<string> PreknownSourceFields { get; init; } = [];

    /// <summary>The name of a field a stage assigns, which from now on has this type.</summary>
    private string Target(string field, KType type)
    {
        _types[field] = type;
        _definedFields.Add(field);
        return KqlSyntax.Identifier(field);
    }

    /// <summary>Fields some stage has produced (so not source columns even after a projection drops them).</summary>
    private readonly HashSet<string> _definedFields = new(StringComparer.Ordinal);

    private KType TypeOf(string field) =>
        _types.TryGetValue(field, out var t) ? t
        : !_closed && !_definedFields.Contains(field) && (_dataset is not null || _rawSource is not null) && MappedSourceFieldQuiet(field) is { } type ? type
        : KType.String;

    private KType? MappedSourceFieldQuiet(string field)
    {
        var count = Diagnostics.Count;
        var mapped = MappedSourceField(field);
        if (Diagnostics.Count > count) Diagnostics.RemoveRange(count, Diagnostics.Count - count);
        return mapped?.Type;
    }

    // ------------------------------------------------------------------ stages

    private string? WriteStage(Stage stage)
    {
        var line = WriteStageCore(stage);
        // Filters, evals and renames keep a sorted order in KQL; other stages do not promise to.
        _sorted = stage is SortStage || !_orderLost && _sorted && stage is FilterStage or EvalStage or RenameStage or ConvertStage or LimitStage;
        _orderLost = false;
        return line;
    }

    private string? WriteStageCore(Stage stage)
    {
        switch (stage)
        {
            case FilterStage { Predicate: TruePredicate }:
                return null;
            case FilterStage f:
                return WriteFilter(f);
            case EvalStage e:
                return WriteEval(e);
            case AggregateStage a:
                return WriteAggregate(a);
            case ChartStage c:
                return WriteChart(c);
            case RenameStage r:
                return WriteRename(r);
            case ProjectStage p:
                return WriteProject(p);
            case SortStage s:
                return WriteSort(s);
            case LimitStage { FromEnd: false } l:
                return WriteHead(l);
            case LimitStage l:
                return WriteTail(l);
            case JoinStage j:
                return WriteJoin(j);
            case AppendStage a:
                return WriteAppend(a);
            case ExpandStage e:
                return WriteExpand(e);
            case LookupStage l:
                return WriteLookup(l);
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
            case SpathStage s:
                return WriteSpath(s);
            case ReplaceStage r:
                return WriteReplace(r);
            case AddTotalsStage a:
                return WriteAddTotals(a);
            case IpLocationStage i:
                return WriteIpLocation(i);
            case ForeachStage or ForeachValuesStage:
                // Not expanded (ForeachStatic said why, KQL0011): the translation fails.
                return null;
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

    /// <summary>True right after a sort: KQL keeps a sorted order through take.</summary>
    private bool _sorted;

    private string WriteHead(LimitStage l)
    {
        var count = l.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // head keeps the first rows in the current order. In Splunk's default order that is the newest events;
        // after a sort, KQL's take keeps the sorted order; after stats (rows sorted by the group keys in Splunk)
        // KQL has no defined order.
        if (_defaultOrder && TypeOf("_time") == KType.DateTime) return $"top {count} by {Column("_time")} desc";
        if (!_sorted)
            Diagnostics.Add(DiagnosticFacts.KqlApproximation(l.Span, "head after an aggregation keeps the first rows in Splunk's order (by the group keys); KQL's take keeps any rows."));
        return "take " + count;
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
        OutlierStage => "'outlier'",
        FromJsonStage => "'fromjson'",
        _ => stage.GetType().Name,
    };

    private string WriteEval(EvalStage e)
    {
        var parts = new List<string>();
        foreach (var a in e.Assignments)
        {
            var (text, type) = Expr(a.Value);
            parts.Add(Target(a.Field, type) + " = " + text);
        }
        return "extend " + string.Join(", ", parts);
    }

    private string? WriteRename(RenameStage r)
    {
        // SPL rename overwrites an existing destination field, so each rename is an extend (which replaces a
        // column of that name) followed by dropping the source columns; renames apply left to right.
        var assignments = new List<string>();
        var sources = new List<string>();
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
                if (!_closed) _wildcardRenames.Add((prefix, newPrefix));
                foreach (var field in _types.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList())
                    RenameOne(field, newPrefix + field[prefix.Length..], assignments, sources);
                continue;
            }
            RenameOne(from, to, assignments, sources);
        }
        if (assignments.Count == 0) return null;
        var destinations = new HashSet<string>(r.Pairs.Select(p => KqlSyntax.Identifier(p.To)), StringComparer.Ordinal);
        var away = sources.Where(s => !destinations.Contains(s) && !_types.ContainsKey(Unbracket(s))).Distinct().ToList();
        return "extend " + string.Join(", ", assignments) + (away.Count > 0 ? "\n| project-away " + string.Join(", ", away) : "");
    }

    private static bool IsColumnName(string text) =>
        text.StartsWith("['", StringComparison.Ordinal) && text.EndsWith("']", StringComparison.Ordinal)
        || text.Length > 0 && (char.IsAsciiLetter(text[0]) || text[0] == '_') && text.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static string Unbracket(string identifier) =>
        identifier.StartsWith("['", StringComparison.Ordinal) ? identifier[2..^2].Replace("\\'", "'", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal) : identifier;

    private void RenameOne(string from, string to, List<string> assignments, List<string> sources)
    {
        if (_closed && !_types.ContainsKey(from)) return; // renaming a missing field does nothing
        if (from == to) return;
        var type = TypeOf(from);
        var source = Column(from);
        _types.Remove(from);
        assignments.Add(Target(to, type) + " = " + source);
        // A mapped field can be an expression over columns (path_join, value_map): nothing to drop then.
        if (IsColumnName(source)) sources.Add(source);
    }

    private string? WriteProject(ProjectStage p)
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
            {
                var present = p.Fields.Where(f => !_closed || _types.ContainsKey(f)).ToList();
                var columns = present.Select(Column).Where(IsColumnName).ToList();
                foreach (var f in present) _types.Remove(f);
                return columns.Count == 0 ? null : "project-away " + string.Join(", ", columns);
            }
            default:
            {
                // table/fields keep only existing fields; a missing one yields no column in SPL (table shows it
                // empty, which an empty string column reproduces).
                var columns = p.Fields.Select(f => _closed && !_types.ContainsKey(f) ? $"{KqlSyntax.Identifier(f)} = \"\"" : Column(f)).ToList();
                _types = p.Fields.ToDictionary(f => f, TypeOf, StringComparer.Ordinal);
                _closed = true;
                return "project " + string.Join(", ", columns);
            }
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
            if (_closed && !_types.ContainsKey(field)) continue; // converting a missing field does nothing
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
            parts.Add($"{Target(output, KType.String)} = {formatted}");
        }
        return parts.Count == 0 ? null : "extend " + string.Join(", ", parts);
    }
}
