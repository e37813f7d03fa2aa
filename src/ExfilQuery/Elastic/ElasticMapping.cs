using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using ExfilQuery.Diagnostics;
using ExfilQuery.Ir;
using ExfilQuery.Mapping;
using ExfilQuery.Text;

namespace ExfilQuery.Elastic;

/// <summary>Where a mapped search reads: the index pattern, the EQL event category (the profile's
/// <c>event.category == X</c> filter; <c>any</c> when there is none) and the remaining fixed filters.</summary>
internal sealed record ElasticSource(string Index, string Category, ImmutableArray<FixedFilter> Filters);

/// <summary>A detection with its field names replaced by the profile's columns, the source it reads and the ECS
/// types of the columns it names.</summary>
internal sealed record MappedDetection(Detection Detection, ElasticSource Source, IReadOnlyDictionary<string, string> ColumnTypes);

/// <summary>Applies a mapping profile (<c>ecs</c>, or a user mapping file over it) to a detection as an IR-to-IR pass
/// shared by the ES|QL and EQL backends. The data model dataset, or the raw source the first filter's
/// <c>sourcetype</c>/<c>source</c>/<c>EventCode</c> conditions select, gives the index pattern and fixed filters (the
/// selecting conditions leave the filter: the index implies them). Every field read while the source's fields are
/// in scope becomes its column (<c>Processes.process_name</c> and, after <c>drop_dm_object_name</c>, <c>process_name</c>
/// → <c>process.name</c>); fields a stage defines keep their names. An unmapped field is kept as written with MAP0020
/// (an error when strict), as in the KQL backend (docs/MAPPING.md).</summary>
internal sealed class ElasticMapper
{
    private readonly MappingProfile _profile;
    private readonly bool _strict;
    private readonly List<Diagnostic> _diagnostics;
    private readonly Func<TextSpan, string, Diagnostic> _unsupported;

    private DatasetMapping? _dataset;
    private string _prefix = "";
    private SourceMapping? _raw;

    /// <summary>True while the source's fields are in scope (before the first grouping aggregation).</summary>
    private bool _open = true;

    /// <summary>Names stages defined or renamed → the column they stand for.</summary>
    private readonly Dictionary<string, string> _bound = new(StringComparer.Ordinal);

    private readonly SortedDictionary<string, string> _columnTypes = new(StringComparer.Ordinal);

    private TextSpan _span;

    private ElasticMapper(MappingProfile profile, bool strict, List<Diagnostic> diagnostics, Func<TextSpan, string, Diagnostic> unsupported)
    {
        _profile = profile;
        _strict = strict;
        _diagnostics = diagnostics;
        _unsupported = unsupported;
    }

    /// <summary>The profile the options name, with the user mapping applied; load diagnostics go to
    /// <paramref name="diagnostics"/>.</summary>
    public static MappingProfile LoadProfile(ElasticOptions options, List<Diagnostic> diagnostics)
    {
        var profile = MappingProfile.LoadElastic(options.Profile, out var loadDiagnostics);
        diagnostics.AddRange(loadDiagnostics);
        if (options.MappingOverridesJson is { } json)
        {
            profile = profile.WithOverrides(json, out var overrideDiagnostics);
            diagnostics.AddRange(overrideDiagnostics);
        }
        return profile;
    }

    /// <summary>The mapped detection, or null when the profile is the identity (fields and the index as given) or
    /// the detection does not read events (the backends report that). <paramref name="unsupported"/> makes the
    /// backend's error diagnostic.</summary>
    public static MappedDetection? Map(Detection detection, MappingProfile profile, ElasticOptions options, List<Diagnostic> diagnostics,
        Func<TextSpan, string, Diagnostic> unsupported)
    {
        if (detection.Source is not (EventsSource or DataModelSource)) return null;
        if (profile.IsIdentity)
        {
            if (profile.Datasets.Count > 0 || profile.Sources.Count > 0)
                diagnostics.Add(unsupported(detection.Source.Span, "A mapping file that lists datasets or sources applies to profile 'ecs' in the Elastic backends; profile 'none' keeps every field and reads --index."));
            return null;
        }
        var mapper = new ElasticMapper(profile, options.Strict, diagnostics, unsupported);
        var stages = detection.Stages;
        KqlSource? target;
        ImmutableArray<FixedFilter> filters;
        if (detection.Source is DataModelSource d)
        {
            if (!profile.TryGetDataset(d.Name, out var dataset))
            {
                diagnostics.Add(MappingDiagnostics.UnmappedDataset(d.Span, d.Name, profile.Name, profile.GetUnmappedDatasetNote(d.Name)));
                return null;
            }
            mapper._dataset = dataset;
            var dot = dataset.Dataset.LastIndexOf('.');
            mapper._prefix = dot < 0 ? dataset.Dataset : dataset.Dataset[(dot + 1)..];
            target = dataset.Source;
            filters = dataset.Filters;
        }
        else
        {
            var first = stages.FirstOrDefault() as FilterStage;
            if (RawSourceSelector.Select(profile.Sources, first?.Predicate, s => s.Selectors, s => s.Match) is not { } selected)
            {
                if (RawSourceSelector.Select(profile.UnmappedSources, first?.Predicate, s => s.Selectors, s => s.Match) is { } unmapped)
                    diagnostics.Add(MappingDiagnostics.UnmappedSource(detection.Source.Span, unmapped.Source.Name, profile.Name, unmapped.Source.Note));
                else
                    diagnostics.Add(unsupported(detection.Source.Span,
                        $"The search's source conditions (sourcetype, source, EventCode) do not select exactly one source that profile '{profile.Name}' maps to an index; translate it with profile 'none', or see docs/MAPPING.md for the mapped sources."));
                return null;
            }
            mapper._raw = selected.Source;
            target = selected.Source.Source;
            filters = selected.Source.Filters;
            stages = selected.Remaining is null
                ? stages.RemoveAt(0)
                : stages.SetItem(0, first! with { Predicate = selected.Remaining });
        }
        var category = "any";
        var categoryFilter = filters.FirstOrDefault(f => f is { Column: "event.category", Operator: "==" } && f.Values.Length == 1);
        if (categoryFilter is not null)
        {
            category = categoryFilter.Values[0];
            filters = filters.Remove(categoryFilter);
        }
        foreach (var f in filters) mapper.NoteColumn(f.Column);
        if (categoryFilter is not null) mapper.NoteColumn("event.category");
        var index = options.Index ?? target.Table;
        var mapped = detection with { Stages = [.. stages.Select(mapper.Stage)] };
        return new MappedDetection(mapped, new ElasticSource(index, category, filters), mapper._columnTypes);
    }

    private void NoteColumn(string column)
    {
        if (EcsFields.Types.TryGetValue(column, out var type)) _columnTypes[column] = type;
    }

    // ------------------------------------------------------------------ fields

    /// <summary>The column a field read here stands for.</summary>
    private string Read(string field)
    {
        if (field == "_time" || field.Contains('*', StringComparison.Ordinal)) return field;
        if (_bound.TryGetValue(field, out var bound)) return bound;
        if (!_open) return field;
        if (!TryGetSourceField(field, out var mapping, out var listed))
        {
            if (listed) Unmapped(field, mapping?.Note);
            return field;
        }
        return Column(field, mapping);
    }

    /// <summary>The name a stage gives a field it defines: the field's column when the source maps it (the stage
    /// overwrites that column, as it overwrites the field in Splunk), else the name itself.</summary>
    private string Define(string field)
    {
        if (field == "_time" || field.Contains('*', StringComparison.Ordinal)) return field;
        var target = _bound.TryGetValue(field, out var bound) ? bound
            : _open && TryGetSourceField(field, out var mapping, out _) ? Column(field, mapping)
            : field;
        _bound[field] = target;
        return target;
    }

    /// <summary>The source's mapping of a field. <paramref name="listed"/> says whether the field is the source's at
    /// all (a raw source owns every field it does not define; a dataset owns its CIM fields, prefixed or not).</summary>
    private bool TryGetSourceField(string field, out FieldMapping? mapping, out bool listed)
    {
        mapping = null;
        listed = false;
        if (_raw is not null)
        {
            listed = true;
            return _raw.TryGetField(field, out mapping) && mapping.IsMapped;
        }
        if (_dataset is null) return false;
        var prefixed = field.StartsWith(_prefix + ".", StringComparison.Ordinal);
        var cim = prefixed ? field[(_prefix.Length + 1)..] : field;
        listed = prefixed || _dataset.Fields.ContainsKey(cim);
        return _dataset.TryGetField(cim, out mapping) && mapping.IsMapped;
    }

    private string Column(string field, FieldMapping? mapping)
    {
        var column = mapping!.Column!;
        if (mapping.Transform is not null)
            _diagnostics.Add(_unsupported(_span, $"The mapping of '{field}' uses the transform '{mapping.Transform}', which the Elastic backends do not render; map it to a column as it is."));
        NoteColumn(column);
        return column;
    }

    private void Unmapped(string field, string? note) =>
        _diagnostics.Add(MappingDiagnostics.UnmappedField(_span, field, _profile.Name, note, _strict));

    // ------------------------------------------------------------------ stages

    private Stage Stage(Stage stage)
    {
        _span = stage.Span;
        switch (stage)
        {
            case FilterStage f:
                return f with { Predicate = Predicate(f.Predicate) };
            case EvalStage e:
                return e with { Assignments = [.. e.Assignments.Select(a => a with { Value = Expr(a.Value), Field = Define(a.Field) })] };
            case AggregateStage a:
            {
                // Two fields the profile maps to one column (host and dest → host.name) group as one.
                var columns = a.GroupBy.Select(Read).ToImmutableArray();
                var groupBy = columns.Distinct().ToImmutableArray();
                var aggregations = a.Aggregations.Select(x => x with { Argument = x.Argument is null ? null : Expr(x.Argument) }).ToImmutableArray();
                if (a.Mode == AggregateMode.Group)
                {
                    _open = false;
                    _bound.Clear();
                    for (var i = 0; i < a.GroupBy.Length; i++) _bound[a.GroupBy[i]] = columns[i];
                }
                foreach (var x in a.Aggregations) _bound[x.OutputName] = x.OutputName;
                return a with { GroupBy = groupBy, Aggregations = aggregations };
            }
            case ChartStage c:
            {
                // As a stats by the row field; the split field's values become columns the profile does not know.
                var row = c.RowField is null ? null : Read(c.RowField);
                var split = c.SplitField is null ? null : Read(c.SplitField);
                var aggregations = c.Aggregations.Select(x => x with { Argument = x.Argument is null ? null : Expr(x.Argument) }).ToImmutableArray();
                _open = false;
                _bound.Clear();
                if (c.RowField is not null) _bound[c.RowField] = row!;
                foreach (var x in c.Aggregations) _bound[x.OutputName] = x.OutputName;
                return c with { RowField = row, SplitField = split, Aggregations = aggregations };
            }
            case RenameStage r:
                return Rename(r);
            case ProjectStage p:
                return p with { Fields = [.. p.Fields.Select(Read)] };
            case DedupStage d:
                return d with { Fields = [.. d.Fields.Select(Read)], SortBy = [.. d.SortBy.Select(k => k with { Field = Read(k.Field) })] };
            case SortStage s:
                return s with { Keys = [.. s.Keys.Select(k => k with { Field = Read(k.Field) })] };
            case BinStage b:
            {
                var field = Read(b.Field);
                return b with { Field = field, OutputField = Define(b.OutputField) };
            }
            case FillNullStage f:
                return f with { Fields = [.. f.Fields.Select(Define)] };
            case ExtractStage x:
            {
                var field = Read(x.Field);
                foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(x.Regex, @"\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>"))
                    _bound[m.Groups[1].Value] = m.Groups[1].Value;
                return x with { Field = field };
            }
            case RegexFilterStage r:
                return r with { Field = Read(r.Field) };
            case LookupStage l:
            {
                var inputs = l.Inputs.Select(i => (i.LookupField, Read(i.EventField))).ToImmutableArray();
                foreach (var o in l.Outputs) _bound[o.EventField] = o.EventField;
                return l with { Inputs = inputs };
            }
            case ExpandStage e:
                return e with { Field = Read(e.Field) };
            case MakeMultivalueStage m:
                return m with { Field = Define(m.Field) };
            case ConvertStage c:
                return c with { Conversions = [.. c.Conversions.Select(x => (x.Function, Read(x.Field), Define(x.Output)))] };
            case SpathStage { Path.Length: > 0 } s:
                return s with { Input = Read(s.Input), Output = Define(s.Output) };
            case ReplaceStage r:
                return r with { Fields = [.. r.Fields.Select(Read)] };
            case AddTotalsStage a:
                return a with { Fields = [.. a.Fields.Select(Read)], FieldName = Define(a.FieldName) };
            case TransactionStage t:
            {
                // The key fields and the start/end conditions read the source's fields; the merged event's duration,
                // eventcount and closed_txn are the transaction's own (EQL renders it as a sequence of the events).
                var mappedStage = t with
                {
                    Fields = [.. t.Fields.Select(Read).Distinct()],
                    StartsWith = t.StartsWith is null ? null : Predicate(t.StartsWith),
                    EndsWith = t.EndsWith is null ? null : Predicate(t.EndsWith),
                };
                foreach (var name in new[] { "duration", "eventcount", "closed_txn" }) _bound[name] = name;
                return mappedStage;
            }
            default:
                return stage;
        }
    }

    /// <summary>A rename of a mapped field binds the new name to the field's column (no rename is needed in the
    /// target); other renames stay. A wildcard rename (<c>Processes.* AS *</c>) also rebinds the names it matches.</summary>
    private Stage Rename(RenameStage r)
    {
        var pairs = ImmutableArray.CreateBuilder<(string, string)>();
        foreach (var (from, to) in r.Pairs)
        {
            if (from.Contains('*', StringComparison.Ordinal) || to.Contains('*', StringComparison.Ordinal))
            {
                var fs = from.Split('*');
                var ts = to.Split('*');
                if (fs.Length == 2 && ts.Length == 2)
                {
                    foreach (var (name, column) in _bound.ToList())
                    {
                        if (name.Length < fs[0].Length + fs[1].Length || !name.StartsWith(fs[0], StringComparison.Ordinal) || !name.EndsWith(fs[1], StringComparison.Ordinal)) continue;
                        _bound.Remove(name);
                        _bound[ts[0] + name[fs[0].Length..(name.Length - fs[1].Length)] + ts[1]] = column;
                    }
                }
                pairs.Add((from, to));
                continue;
            }
            var source = Read(from);
            _bound.Remove(from);
            if (source != from)
            {
                _bound[to] = source;
                continue;
            }
            _bound[to] = to;
            pairs.Add((from, to));
        }
        return r with { Pairs = pairs.ToImmutable() };
    }

    // ------------------------------------------------------------------ predicates and expressions

    private Predicate Predicate(Predicate p)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        var outer = _span;
        if (p.Span.Length > 0) _span = p.Span;
        try
        {
            return p switch
            {
                AndPredicate a => a with { Operands = [.. a.Operands.Select(Predicate)] },
                OrPredicate o => o with { Operands = [.. o.Operands.Select(Predicate)] },
                NotPredicate n => n with { Operand = Predicate(n.Operand) },
                FieldMatchPredicate m => m with { Field = Read(m.Field) },
                FieldNotMatchPredicate m => m with { Field = Read(m.Field) },
                FieldCompareRangePredicate r => r with { Field = Read(r.Field) },
                CidrPredicate c => c with { Field = Read(c.Field) },
                FieldExistsPredicate e => e with { Field = Read(e.Field) },
                ExpressionPredicate e => e with { Expression = Expr(e.Expression) },
                _ => p,
            };
        }
        finally
        {
            _span = outer;
        }
    }

    private Expr Expr(Expr e)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        return e switch
        {
            FieldRef f => f with { Name = Read(f.Name) },
            CallExpr c => c with { Arguments = [.. c.Arguments.Select(Expr)] },
            BinaryExpr b => b with { Left = Expr(b.Left), Right = Expr(b.Right) },
            UnaryExpr u => u with { Operand = Expr(u.Operand) },
            LikeExpr l => l with { Value = Expr(l.Value), Pattern = Expr(l.Pattern) },
            InExpr i => i with { Value = Expr(i.Value), Items = [.. i.Items.Select(Expr)] },
            _ => e,
        };
    }
}
