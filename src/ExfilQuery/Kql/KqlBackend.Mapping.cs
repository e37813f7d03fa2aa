using System.Collections.Immutable;
using System.Globalization;
using ExfilQuery.Diagnostics;
using ExfilQuery.Ir;
using ExfilQuery.Mapping;

namespace ExfilQuery.Kql;

// Field and table mapping: a data model dataset read by tstats becomes the profile's table (or ASIM function) with
// its fixed filters, and `Processes.process_name` becomes the mapped column. The mapping is data (Mapping/Data).
internal sealed partial class KqlWriter
{
    private MappingProfile? _profile;

    /// <summary>The dataset read by the query (profiles other than none), and its field prefix (`Processes`).</summary>
    private (DatasetMapping Mapping, string Prefix)? _dataset;

    private MappingProfile Profile
    {
        get
        {
            if (_profile is not null) return _profile;
            var profile = MappingProfile.Load(options.Profile, out var diagnostics);
            Diagnostics.AddRange(diagnostics);
            if (options.MappingOverridesJson is { } json)
            {
                profile = profile.WithOverrides(json, out var overrideDiagnostics);
                Diagnostics.AddRange(overrideDiagnostics);
            }
            return _profile = profile;
        }
    }

    private string? WriteMappedDataModel(DataModelSource d, List<string> filters)
    {
        if (!Profile.TryGetDataset(d.Name, out var mapping))
        {
            var note = Profile.GetUnmappedDatasetNote(d.Name);
            Diagnostics.Add(DiagnosticFacts.KqlUnsupported(d.Span, $"Profile '{Profile.Name}' has no table for the data model '{d.Name}'{(note is null ? "." : ": " + note)}"));
            return null;
        }
        _types.Remove("_time"); // the profile maps _time (Timestamp, TimeGenerated)
        SourceColumns.Clear();
        var dot = mapping.Dataset.LastIndexOf('.');
        _dataset = (mapping, dot < 0 ? mapping.Dataset : mapping.Dataset[(dot + 1)..]);
        foreach (var f in mapping.Filters) filters.Add(FixedFilterText(f));
        return mapping.Source.FunctionCall ?? KqlSyntax.Identifier(mapping.Source.Table);
    }

    private static string FixedFilterText(FixedFilter f)
    {
        var numeric = f.ColumnType is "int" or "long" or "real" or "decimal";
        string Value(string v) => numeric ? KqlSyntax.Number(v) : KqlSyntax.Quote(v);
        var column = KqlSyntax.Identifier(f.Column);
        return f.Operator switch
        {
            "in" => $"{column} in ({string.Join(", ", f.Values.Select(Value))})",
            "!=" => $"{column} != {Value(f.Values[0])}",
            "matches" => $"{column} matches regex {KqlSyntax.Quote(f.Values[0])}",
            _ => $"{column} == {Value(f.Values[0])}",
        };
    }

    /// <summary>The KQL for a source field under the dataset mapping, or null when the field is not a dataset field.</summary>
    private (string Text, KType Type)? MappedSourceField(string field)
    {
        if (field == "_time" && (_rawSource?.Source ?? _dataset?.Mapping.Source) is { } table
            && !((_rawSource?.Fields ?? _dataset!.Value.Mapping.Fields).TryGetValue("_time", out var timeMapping) && timeMapping.IsMapped))
        {
            // Every Defender table has Timestamp; Sentinel tables and the ASIM parsers have TimeGenerated.
            var column = Profile.Schema.TryGetColumnType(table.Table, "Timestamp", out var t) && t == "datetime" ? "Timestamp" : "TimeGenerated";
            return (column, KType.DateTime);
        }
        if (_rawSource is { } raw)
        {
            if (raw.TryGetField(field, out var rawField) && rawField.IsMapped) return Render(field, rawField);
            Diagnostics.Add(DiagnosticFacts.KqlUnmappedField(_currentSpan, field, Profile.Name, options.Strict) with
            {
                Message = $"Field '{field}' has no mapping for source '{raw.Name}' in profile '{Profile.Name}'{(rawField?.Note is { } n ? " (" + n + ")" : "")}; it is kept as written.",
            });
            return (KqlSyntax.Identifier(field), KType.String);
        }
        if (_dataset is not { } ds) return null;
        string cim;
        if (field == "_time") cim = "_time";
        else if (field.StartsWith(ds.Prefix + ".", StringComparison.Ordinal)) cim = field[(ds.Prefix.Length + 1)..];
        else cim = field;
        if (!ds.Mapping.Fields.TryGetValue(cim, out var fm) || !fm.IsMapped)
        {
            var note = fm?.Note is { } n ? " (" + n + ")" : "";
            Diagnostics.Add(DiagnosticFacts.KqlUnmappedField(_currentSpan, field, Profile.Name, options.Strict) with
            {
                Message = $"Field '{field}' has no mapping in profile '{Profile.Name}'{note}; it is kept as written.",
            });
            return (KqlSyntax.Identifier(field), KType.String);
        }
        return Render(field, fm);
    }

    private (string Text, KType Type) Render(string field, FieldMapping fm)
    {
        var column = KqlSyntax.Identifier(fm.Column!);
        var type = KustoType(fm.ResultType ?? fm.ColumnType);
        switch (fm.Transform)
        {
            case null:
                return (column, type);
            case "lower":
                return ($"tolower({column})", KType.String);
            case "tostring":
                return ($"tostring({column})", KType.String);
            case "tolong":
                return ($"tolong({column})", KType.Long);
            case "basename":
                return ($"tostring(split(replace_string({column}, \"/\", \"\\\\\"), \"\\\\\")[-1])", KType.String);
            case "path_join" when fm.TransformArguments.Length == 1:
            {
                var other = KqlSyntax.Identifier(fm.TransformArguments[0]);
                return ($"iff(isempty({other}), {column}, strcat({column}, \"\\\\\", {other}))", KType.String);
            }
            case "value_map":
            {
                var cases = string.Join(", ", fm.ValueMap.Select(kv => $"{column} == {KqlSyntax.Quote(kv.Key)}, {KqlSyntax.Quote(kv.Value)}"));
                var otherwise = fm.ValueMapDefault is { } d ? KqlSyntax.Quote(d) : $"tostring({column})";
                return (fm.ValueMap.IsEmpty ? otherwise : $"case({cases}, {otherwise})", KType.String);
            }
            case "json_path" when fm.TransformArguments.Length == 1:
            {
                // a.b.c → parse_json(Column)["a"]["b"]["c"]; `{}` marks an array (any element in Splunk), which is
                // a multivalue field and not a member path.
                var path = fm.TransformArguments[0];
                if (path.Contains("{}", StringComparison.Ordinal) || path.Length == 0)
                {
                    Diagnostics.Add(DiagnosticFacts.KqlUnsupported(_currentSpan, $"'{field}' names every element of a JSON array (a multivalue field in Splunk); this is not translated yet."));
                    return (column, KType.String);
                }
                var members = string.Concat(path.Split('.').Select(m => "[" + KqlSyntax.Quote(m) + "]"));
                return ($"tostring(parse_json({column}){members})", KType.String);
            }
            case "hex_to_long":
                // KQL documents no conversion from hexadecimal text; the ID stays as written ("0x1a4"), which
                // groups and joins the same but shows and compares differently from Splunk's decimal number.
                Diagnostics.Add(DiagnosticFacts.KqlApproximation(_currentSpan, $"'{field}' is hexadecimal text in this table ({fm.Column}); it is kept as text, so it is shown and compared as '0x…' rather than as Splunk's number."));
                return (column, KType.String);
            case "regex_extract" when fm.TransformArguments.Length == 2:
                return ($"extract({KqlSyntax.Quote(fm.TransformArguments[0])}, {fm.TransformArguments[1]}, {column})", KType.String);
            default:
                Diagnostics.Add(DiagnosticFacts.KqlUnsupported(_currentSpan, $"The mapping transform '{fm.Transform}' for '{field}' is not rendered by the KQL backend yet."));
                return (column, type);
        }
    }

    private static KType KustoType(string? type) => type switch
    {
        "int" or "long" => KType.Long,
        "real" or "double" or "decimal" => KType.Real,
        "datetime" => KType.DateTime,
        "timespan" => KType.TimeSpan,
        "bool" or "boolean" => KType.Bool,
        "dynamic" => KType.Dynamic,
        _ => KType.String,
    };

    /// <summary>The span of the stage being written, for diagnostics raised while resolving fields.</summary>
    private Text.TextSpan _currentSpan;
}
