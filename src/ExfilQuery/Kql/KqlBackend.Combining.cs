using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using ExfilQuery.Diagnostics;
using ExfilQuery.Ir;

namespace ExfilQuery.Kql;

// join, append, appendpipe, mvexpand, lookup and tail: the stages that combine rows with a subsearch, a lookup table
// or themselves, or that reorder them. A subsearch is translated by its own writer (same options, own source); its
// rows are then renamed to private columns (_rk0, _r0, ...) so that KQL's renaming of duplicate columns (name1)
// never decides which value a field has: the SPL overwrite rules are written out explicitly.
internal sealed partial class KqlWriter
{
    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>A writer for a subsearch: same options, its own source; generated let names continue ours.</summary>
    private KqlWriter SubsearchWriter() => new(options) { PreknownSourceFields = PreknownSourceFields, _letCounter = _letCounter };

    /// <summary>A writer that continues this one's state (appendpipe's sub-pipeline runs over the current rows).</summary>
    private KqlWriter PipelineWriter()
    {
        var sub = new KqlWriter(options)
        {
            PreknownSourceFields = PreknownSourceFields,
            _letCounter = _letCounter,
            _types = new Dictionary<string, KType>(_types, StringComparer.Ordinal),
            _closed = _closed,
            _defaultOrder = _defaultOrder,
            _sorted = _sorted,
            _dataset = _dataset,
            _rawSource = _rawSource,
            _profile = _profile,
            _currentSpan = _currentSpan,
        };
        sub._definedFields.UnionWith(_definedFields);
        sub._wildcardRenames.AddRange(_wildcardRenames);
        return sub;
    }

    /// <summary>Takes over what a subsearch writer found: diagnostics, source columns, let names.</summary>
    private void MergeFrom(KqlWriter sub)
    {
        Diagnostics.AddRange(sub.Diagnostics);
        foreach (var (column, type) in sub.SourceColumns) SourceColumns.TryAdd(column, type);
        RenamedSourceFields.UnionWith(sub.RenamedSourceFields);
        _letCounter = Math.Max(_letCounter, sub._letCounter);
    }

    /// <summary>Writes stages starting from a named table, as <see cref="Write"/> does from a source; lets the
    /// stages need (eventstats) are inlined so that the text can stand inside parentheses.</summary>
    private string WriteStagesFrom(string source, ImmutableArray<Stage> stages)
    {
        var lets = new List<string>();
        var lines = new List<string> { source };
        for (var i = 0; i < stages.Length; i++)
        {
            var stage = stages[i];
            _currentSpan = stage.Span;
            _nextStage = i + 1 < stages.Length ? stages[i + 1] : null;
            var line = WriteStage(stage);
            if (_pendingLet is { } name)
            {
                lets.Add($"let {name} = {string.Join("\n| ", lines)};");
                lines = [name];
                _pendingLet = null;
            }
            if (line is not null) lines.Add(line);
        }
        return InlineLets(string.Concat(lets.Select(l => l + "\n")) + string.Join("\n| ", lines));
    }

    /// <summary>Replaces the leading <c>let _rowsN = ...;</c> statements of a query by their parenthesized bodies,
    /// so that the query is one tabular expression (a join or union operand cannot hold let statements). Literals
    /// never hold a raw newline (KqlSyntax.Quote escapes it), so a let ends at the first line ending with ';'.</summary>
    private static string InlineLets(string query)
    {
        var lines = query.Split('\n');
        var lets = new List<(string Name, string Body)>();
        var i = 0;
        while (i < lines.Length && lines[i].StartsWith("let ", StringComparison.Ordinal))
        {
            var eq = lines[i].IndexOf(" = ", StringComparison.Ordinal);
            var name = lines[i][4..eq];
            var body = new List<string> { lines[i][(eq + 3)..] };
            while (!body[^1].EndsWith(';')) body.Add(lines[++i]);
            body[^1] = body[^1][..^1];
            lets.Add((name, string.Join("\n", body)));
            i++;
        }
        var text = string.Join("\n", lines.Skip(i));
        // A later let may read an earlier one: substitute the last first, so earlier names it brings in are replaced next.
        for (var k = lets.Count - 1; k >= 0; k--)
        {
            var body = "(" + lets[k].Body + ")";
            text = Regex.Replace(text, @"(?<![\w'])" + Regex.Escape(lets[k].Name) + @"(?![\w'])", _ => body);
        }
        return text;
    }

    /// <summary>The value a field has in the current rows, or null when the rows cannot have it (a closed set of
    /// columns without it, or a source field the profile does not map). No diagnostics for unmapped fields.</summary>
    private Typed? CurrentValue(string field)
    {
        if (_types.ContainsKey(field)) return new Typed(Column(field), TypeOf(field));
        if (_closed || _definedFields.Contains(field)) return null;
        if (_dataset is null && _rawSource is null) return new Typed(Column(field), KType.String);
        var count = Diagnostics.Count;
        var mapped = MappedSourceField(field);
        if (Diagnostics.Count > count)
        {
            Diagnostics.RemoveRange(count, Diagnostics.Count - count);
            return null;
        }
        return mapped is { } m ? new Typed(m.Text, m.Type) : null;
    }

    /// <summary>The fields a subsearch's rows are known to have.</summary>
    private static List<string> KnownFields(KqlWriter sub)
    {
        var fields = new SortedSet<string>(sub._types.Keys, StringComparer.Ordinal);
        if (!sub._closed && sub._dataset is null && sub._rawSource is null) fields.UnionWith(sub.SourceColumns.Keys);
        return [.. fields];
    }

    /// <summary>The fields a subsearch's rows are unique by (a stats/dedup followed only by stages that keep at most
    /// one row per key and do not change the keys), or null when they are not known to be unique.</summary>
    private static HashSet<string>? UniqueBy(ImmutableArray<Stage> stages)
    {
        HashSet<string>? keys = null;
        // All fields of the rows, when known (after stats): a wildcard rename can then be followed exactly.
        HashSet<string>? all = null;
        foreach (var stage in stages)
        {
            switch (stage)
            {
                case AggregateStage { Mode: AggregateMode.Group } a:
                    keys = new HashSet<string>(a.GroupBy, StringComparer.Ordinal);
                    all = new HashSet<string>(a.GroupBy.Concat(a.Aggregations.Select(x => x.OutputName)), StringComparer.Ordinal);
                    break;
                case DedupStage { Count: 1, Consecutive: false } d:
                    keys = new HashSet<string>(d.Fields, StringComparer.Ordinal);
                    all = null;
                    break;
                case FilterStage or SortStage or LimitStage or RegexFilterStage or FillNullStage:
                    break;
                case AggregateStage { Mode: AggregateMode.Window } a:
                    if (keys is not null && a.Aggregations.Any(x => keys.Contains(x.OutputName))) keys = null;
                    all?.UnionWith(a.Aggregations.Select(x => x.OutputName));
                    break;
                case EvalStage e:
                    if (keys is not null && e.Assignments.Any(x => keys.Contains(x.Field))) keys = null;
                    all?.UnionWith(e.Assignments.Select(x => x.Field));
                    break;
                case ConvertStage c:
                    if (keys is not null && c.Conversions.Any(x => keys.Contains(x.Output))) keys = null;
                    all?.UnionWith(c.Conversions.Select(x => x.Output));
                    break;
                case RenameStage r:
                    foreach (var (from, to) in r.Pairs)
                    {
                        if (keys is null) break;
                        if (from.Contains('*') || to.Contains('*'))
                        {
                            // `rename P.* AS *` (drop_dm_object_name): every known field with the prefix.
                            if (all is null || !from.EndsWith('*') || from.IndexOf('*') != from.Length - 1 || to != "*" && (!to.EndsWith('*') || to.IndexOf('*') != to.Length - 1))
                            {
                                keys = null;
                                break;
                            }
                            var prefix = from[..^1];
                            var newPrefix = to[..^1];
                            foreach (var f in all.Where(f => f.StartsWith(prefix, StringComparison.Ordinal)).ToList())
                                Rename(f, newPrefix + f[prefix.Length..]);
                            continue;
                        }
                        Rename(from, to);
                    }
                    break;
                case ProjectStage p:
                    if (p.Fields.Any(f => f.Contains('*')))
                    {
                        keys = null;
                        all = null;
                    }
                    else if (p.Mode == ProjectMode.Remove)
                    {
                        if (keys is not null && p.Fields.Any(keys.Contains)) keys = null;
                        all?.ExceptWith(p.Fields);
                    }
                    else
                    {
                        if (keys is not null && !keys.All(p.Fields.Contains)) keys = null;
                        all = new HashSet<string>(p.Fields, StringComparer.Ordinal);
                    }
                    break;
                default:
                    keys = null;
                    all = null;
                    break;
            }
        }
        return keys;

        void Rename(string from, string to)
        {
            if (keys is null || from == to) return;
            // Renaming onto a key overwrites it with another field's values.
            if (keys.Contains(to) && (all is null || all.Contains(from))) { keys = null; return; }
            if (keys.Remove(from)) keys.Add(to);
            if (all is not null && all.Remove(from)) all.Add(to);
        }
    }

    // ------------------------------------------------------------------ join

    /// <summary>A field of the current rows as a string join key. Under a mapping profile the tracked type of a
    /// mapped column can be unknown (string), so the value is converted whatever it is: KQL's join and lookup need
    /// keys of one type.</summary>
    private string LeftKey(string field)
    {
        var key = Str(new Typed(Column(field), TypeOf(field))).Text;
        var mapped = _dataset is not null || _rawSource is not null;
        return mapped && !key.StartsWith("tostring(", StringComparison.Ordinal) && key != "\"\"" ? $"tostring({key})" : key;
    }

    private string? WriteJoin(JoinStage j)
    {
        _defaultOrder = false;
        var kind = j.Type switch
        {
            "inner" => "inner",
            "left" or "outer" => "leftouter",
            _ => null,
        };
        if (kind is null) return Unsupported(j, $"join type={j.Type} is not translated; only inner, left and outer are.");
        if (j.Fields.IsEmpty) return Unsupported(j, "join without field names joins on every field the two result sets share, which the translation cannot know; name the join fields.");
        if (j.Max < 0) return Unsupported(j, $"join max={Num(j.Max)} is not a valid limit.");

        var right = SubsearchWriter();
        var rightText = InlineLets(right.Write(j.Subsearch));
        right._currentSpan = j.Span;

        foreach (var f in j.Fields.Where(f => TypeOf(f) == KType.Dynamic || right.TypeOf(f) == KType.Dynamic))
        {
            MergeFrom(right);
            return Unsupported(j, $"Joining on '{f}', which holds several values here, matches any of them in Splunk; this is not translated.");
        }

        // Right side: string keys (_rk0...) and the subsearch's other fields as _r0..., one row per key when max=1.
        var rightLines = new List<string> { rightText };
        var rightKeys = j.Fields.Select((f, i) => $"_rk{Num(i)} = {Str(new Typed(right.Column(f), right.TypeOf(f))).Text}").ToList();
        rightLines.Add("extend " + string.Join(", ", rightKeys));
        // A row without a join field matches nothing (KQL would match empty with empty).
        rightLines.Add("where " + string.Join(" and ", j.Fields.Select((_, i) => $"isnotempty(_rk{Num(i)})")));
        var keyNames = string.Join(", ", j.Fields.Select((_, i) => "_rk" + Num(i)));
        var unique = UniqueBy(j.Subsearch.Stages) is { } u && u.All(j.Fields.Contains);
        if (!unique && j.Max != 0)
        {
            if (j.Max != 1)
            {
                MergeFrom(right);
                return Unsupported(j, $"join max={Num(j.Max)} joins each row with up to {Num(j.Max)} matching subsearch rows; only max=1 and max=0 (all) are translated.");
            }
            // max=1: the first matching subsearch row in the subsearch's order; in Splunk's default order (newest
            // first) that is the latest by _time.
            var hasTime = right.TypeOf("_time") == KType.DateTime;
            if (!right._defaultOrder || !hasTime)
                Diagnostics.Add(DiagnosticFacts.KqlApproximation(j.Span, "join max=1 joins each row with the first matching subsearch row in the subsearch's order; after a sort or aggregation in the subsearch, KQL takes the latest matching row by _time (or any matching row)."));
            rightLines.Add(hasTime ? $"summarize arg_max({right.Column("_time")}, *) by {keyNames}" : $"summarize take_any(*) by {keyNames}");
        }

        var fields = KnownFields(right).Where(f => !j.Fields.Contains(f)).ToList();
        if (!right._closed)
            Diagnostics.Add(DiagnosticFacts.KqlApproximation(j.Span, "The subsearch returns events: in Splunk every field of the matching event is joined (and overwrites the row's field of the same name); the KQL query joins only the fields the subsearch names" + (fields.Count == 0 ? "." : ": " + string.Join(", ", fields) + ".")));
        var rightValues = fields.Select((f, i) => (Field: f, Name: "_r" + Num(i), Type: right.TypeOf(f), Text: right.Column(f))).ToList();
        rightLines.Add("project " + string.Join(", ", j.Fields.Select((_, i) => "_rk" + Num(i)).Concat(rightValues.Select(v => $"{v.Name} = {v.Text}"))));
        MergeFrom(right);

        // Left side: the key as a string column.
        var lines = new List<string>();
        var leftKeys = new List<string>();
        var away = new List<string>();
        var leftExtends = new List<string>();
        for (var i = 0; i < j.Fields.Length; i++)
        {
            var key = LeftKey(j.Fields[i]);
            if (key == KqlSyntax.Identifier(j.Fields[i]) && IsColumnName(key))
            {
                leftKeys.Add(key);
                continue;
            }
            leftExtends.Add($"_lk{Num(i)} = {key}");
            leftKeys.Add("_lk" + Num(i));
            away.Add("_lk" + Num(i));
        }
        if (leftExtends.Count > 0) lines.Add("extend " + string.Join(", ", leftExtends));
        var on = string.Join(" and ", leftKeys.Select((k, i) => $"$left.{k} == $right._rk{Num(i)}"));
        lines.Add($"join kind={kind} ({string.Join("\n| ", rightLines)}) on {on}");

        // SPL's join overwrites the row's fields with the subsearch row's (overwrite=true, the default); a field the
        // subsearch row lacks keeps the row's value, and an unmatched row (type=left) keeps all of its values.
        var assignments = new List<string>();
        foreach (var v in rightValues)
        {
            var current = CurrentValue(v.Field);
            string text;
            KType type;
            if (current is null)
            {
                (text, type) = (v.Name, v.Type);
            }
            else if (current.Value.Type == v.Type)
            {
                text = v.Type == KType.String ? $"iff(isempty({v.Name}), {current.Value.Text}, {v.Name})" : $"iff(isnull({v.Name}), {current.Value.Text}, {v.Name})";
                type = v.Type;
            }
            else
            {
                var r = Str(new Typed(v.Name, v.Type)).Text;
                text = $"iff(isempty({r}), {Str(current.Value).Text}, {r})";
                type = KType.String;
            }
            assignments.Add($"{Target(v.Field, type)} = {text}");
        }
        if (assignments.Count > 0) lines.Add("extend " + string.Join(", ", assignments));
        away.AddRange(j.Fields.Select((_, i) => "_rk" + Num(i)));
        away.AddRange(rightValues.Select(v => v.Name));
        lines.Add("project-away " + string.Join(", ", away));
        return string.Join("\n| ", lines);
    }

    // ------------------------------------------------------------------ append / appendpipe

    private string? WriteAppend(AppendStage a)
    {
        // Splunk puts the appended rows after the current ones; KQL's union has no order.
        _defaultOrder = false;
        if (a.OverCurrentRows) return WriteAppendPipe(a);
        var right = SubsearchWriter();
        var rightText = InlineLets(right.Write(a.Subsearch));
        right._currentSpan = a.Span;
        var (leftFix, rightFix) = AlignTypes(right);
        MergeFrom(right);
        return (leftFix is null ? "" : leftFix + "\n| ") + $"union ({rightText}{(rightFix is null ? "" : "\n| " + rightFix)})";
    }

    private string? WriteAppendPipe(AppendStage a)
    {
        if (a.Subsearch.Source is not EventsSource)
            return Unsupported(a, "appendpipe's sub-pipeline starts with a command that generates rows; it is not translated.");
        // The sub-pipeline reads the rows so far: name them (let) and union them with the sub-pipeline over them.
        var name = "_rows" + Num(++_letCounter);
        _pendingLet = name;
        var pipe = PipelineWriter();
        var pipeText = pipe.WriteStagesFrom(name, a.Subsearch.Stages);
        pipe._currentSpan = a.Span;
        var (leftFix, rightFix) = AlignTypes(pipe);
        MergeFrom(pipe);
        return (leftFix is null ? "" : leftFix + "\n| ") + $"union ({pipeText}{(rightFix is null ? "" : "\n| " + rightFix)})";
    }

    /// <summary>Makes a field that both row sets have one type (KQL's union would otherwise make a column per type,
    /// name_string and name_long), then adopts the other rows' fields.</summary>
    private (string? Left, string? Right) AlignTypes(KqlWriter other)
    {
        var left = new List<string>();
        var right = new List<string>();
        foreach (var (field, type) in other._types.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (_types.TryGetValue(field, out var mine) && mine != type)
            {
                // Numbers stay numbers (long and real meet as real); anything else meets as a string.
                var numeric = IsNumeric(mine) && IsNumeric(type);
                string Convert(string text, KType t) => numeric ? (t == KType.Real ? text : $"toreal({text})") : Str(new Typed(text, t)).Text;
                if (!numeric || mine != KType.Real) left.Add($"{KqlSyntax.Identifier(field)} = {Convert(Column(field), mine)}");
                if (!numeric || type != KType.Real) right.Add($"{KqlSyntax.Identifier(field)} = {Convert(other.Column(field), type)}");
                Target(field, numeric ? KType.Real : KType.String);
            }
            else if (!_types.ContainsKey(field))
            {
                Target(field, type);
            }
        }
        _closed = _closed && other._closed;
        return (left.Count == 0 ? null : "extend " + string.Join(", ", left), right.Count == 0 ? null : "extend " + string.Join(", ", right));
    }

    // ------------------------------------------------------------------ mvexpand

    private string? WriteExpand(ExpandStage e)
    {
        var type = TypeOf(e.Field);
        var column = Column(e.Field);
        if (type != KType.Dynamic)
        {
            // A single value expands to itself; a row without the field yields no row.
            return type == KType.String ? $"where isnotempty({column})" : $"where isnotnull({column})";
        }
        // One row per value, as a string (mv-expand's `to typeof(string)` would null numbers, not convert them);
        // limit= caps the values used per row; a row without values yields no row.
        var limit = e.Limit is > 0 ? " limit " + Num(e.Limit.Value) : "";
        var target = Target(e.Field, KType.String);
        return $"mv-expand {column}{limit}\n| extend {target} = tostring({column})\n| where isnotempty({target})";
    }

    // ------------------------------------------------------------------ lookup

    private string? WriteLookup(LookupStage l)
    {
        if (l.Outputs.IsEmpty)
            return Unsupported(l, "lookup without OUTPUT or OUTPUTNEW adds every column of the lookup table, which the translation cannot know; name the output fields.");
        foreach (var (_, eventField) in l.Inputs.Where(i => TypeOf(i.EventField) == KType.Dynamic))
            return Unsupported(l, $"lookup of '{eventField}', which holds several values here, looks up each value in Splunk; this is not translated.");
        var table = l.Table.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? l.Table[..^4] : l.Table;
        Diagnostics.Add(DiagnosticFacts.KqlApproximation(l.Span,
            $"The lookup '{l.Table}' is read from the Microsoft Sentinel watchlist '{table}' (_GetWatchlist), which must be created with the lookup's columns. "
            + "Values match exactly and case-sensitively, as with Splunk's default case_sensitive_match=true; a lookup defined with case_sensitive_match=false or a WILDCARD/CIDR match_type matches differently, "
            + "and several matching rows give one multivalue field in Splunk but several rows in KQL."));

        var lines = new List<string>();
        var leftExtends = new List<string>();
        var right = new List<string>();
        var on = new List<string>();
        for (var i = 0; i < l.Inputs.Length; i++)
        {
            var (lookupField, eventField) = l.Inputs[i];
            leftExtends.Add($"_lk{Num(i)} = {LeftKey(eventField)}");
            right.Add($"_wk{Num(i)} = tostring({KqlSyntax.Identifier(lookupField)})");
            on.Add($"$left._lk{Num(i)} == $right._wk{Num(i)}");
        }
        for (var i = 0; i < l.Outputs.Length; i++)
            right.Add($"_wo{Num(i)} = tostring({KqlSyntax.Identifier(l.Outputs[i].LookupField)})");
        lines.Add("extend " + string.Join(", ", leftExtends));
        lines.Add($"lookup kind=leftouter (_GetWatchlist({KqlSyntax.Quote(table)})\n| project {string.Join(", ", right)}) on {string.Join(", ", on)}");
        // OUTPUT replaces the fields (empty when no row matches); OUTPUTNEW fills only fields the row lacks.
        var assignments = new List<string>();
        for (var i = 0; i < l.Outputs.Length; i++)
        {
            var field = l.Outputs[i].EventField;
            var value = "_wo" + Num(i);
            if (l.OutputNew && CurrentValue(field) is { } current)
            {
                var existing = Str(current).Text;
                value = $"iff(isempty({existing}), {value}, {existing})";
            }
            assignments.Add($"{Target(field, KType.String)} = {value}");
        }
        lines.Add("extend " + string.Join(", ", assignments));
        lines.Add("project-away " + string.Join(", ", l.Inputs.Select((_, i) => "_lk" + Num(i)).Concat(l.Outputs.Select((_, i) => "_wo" + Num(i)))));
        return string.Join("\n| ", lines);
    }

    // ------------------------------------------------------------------ tail

    private string? WriteTail(LimitStage l)
    {
        // tail returns the last rows in reverse order. In Splunk's default order (newest first) those are the
        // oldest events, oldest first.
        if (_defaultOrder && TypeOf("_time") == KType.DateTime)
        {
            _defaultOrder = false;
            return $"top {Num(l.Count)} by {Column("_time")} asc";
        }
        return Unsupported(l, "tail after a sort or aggregation returns the last rows of that order, reversed; the KQL rows have no order to take them from.");
    }
}
