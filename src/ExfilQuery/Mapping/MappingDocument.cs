using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ExfilQuery.Diagnostics;

namespace ExfilQuery.Mapping;

/// <summary>Where an entry of a mapping document came from: which document (0 = the built-in profile, then each
/// user mapping file in the order applied) and its member path.</summary>
internal abstract class DocumentEntry
{
    public int Document { get; init; }
    public ImmutableArray<string> Path { get; init; } = [];
}

internal sealed class FieldDoc : DocumentEntry
{
    public string? Column { get; set; }
    public string? Transform { get; set; }
    public ImmutableArray<string> Args { get; set; } = [];
    public ImmutableSortedDictionary<string, string>? Values { get; set; }
    public string? Default { get; set; }
    public string? Note { get; set; }
}

internal sealed class FilterDoc : DocumentEntry
{
    public required string Column { get; init; }
    public required string Operator { get; init; }
    public required ImmutableArray<string> Values { get; init; }
}

internal sealed class MatchDoc : DocumentEntry
{
    public required string Field { get; init; }
    public required ImmutableArray<string> Values { get; init; }
}

/// <summary>A dataset or source entry. Members left out of a user mapping file keep the base profile's value.</summary>
internal sealed class TargetDoc : DocumentEntry
{
    public bool TargetSet { get; set; }
    public string? Table { get; set; }
    public string? Function { get; set; }
    public List<FilterDoc>? Filters { get; set; }
    public bool NoteSet { get; set; }
    public string? Note { get; set; }
    public Dictionary<string, FieldDoc> Fields { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, FieldDoc> Prefixes { get; } = new(StringComparer.Ordinal);
    public List<MatchDoc>? Selectors { get; set; }
    public List<MatchDoc>? Match { get; set; }
    public bool MacroSet { get; set; }
    public string? Macro { get; set; }

    /// <summary>The document that last set the table or function.</summary>
    public int TargetDocument { get; set; }
}

internal sealed class ProfileDoc
{
    public string? Name { get; set; }
    public bool? Identity { get; set; }
    public string? DefaultTable { get; set; }
    /// <summary>The schema the columns are checked against: "kusto" (the default) or "ecs".</summary>
    public string? Schema { get; set; }
    public Dictionary<string, TargetDoc> Datasets { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, TargetDoc> Sources { get; } = new(StringComparer.Ordinal);
    public string? SourceNote { get; set; }
}

/// <summary>Reads a profile or user mapping file into a <see cref="ProfileDoc"/>, checking its shape and the parts
/// that need no schema (transform names and arguments, filter operators). Never throws on bad input.</summary>
internal sealed class MappingDocumentReader
{
    private static readonly string[] TopMembers = ["name", "identity", "defaultTable", "schema", "datasets", "sources"];
    private static readonly string[] DatasetMembers = ["table", "function", "filters", "note", "fields"];
    private static readonly string[] SourceMembers = ["macro", "selectors", "match", "table", "function", "filters", "note", "fields", "prefixes"];
    private static readonly string[] FieldMembers = ["column", "transform", "args", "values", "default", "note"];
    private static readonly string[] FilterMembers = ["column", "op", "values"];
    private static readonly string[] MatchMembers = ["field", "values"];

    private readonly int _document;
    private readonly CimCatalog _catalog;
    private readonly ImmutableArray<Diagnostic>.Builder _diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
    private JsonLocator? _locator;

    private MappingDocumentReader(int document, CimCatalog catalog)
    {
        _document = document;
        _catalog = catalog;
    }

    /// <summary>Reads <paramref name="json"/>; returns null (with MAP0002) when it is not JSON at all.</summary>
    public static ProfileDoc? Read(string json, int document, CimCatalog catalog, out ImmutableArray<Diagnostic> diagnostics, out JsonLocator? locator)
    {
        var reader = new MappingDocumentReader(document, catalog);
        var doc = reader.ReadDocument(json);
        diagnostics = reader._diagnostics.ToImmutable();
        locator = reader._locator;
        return doc;
    }

    private ProfileDoc? ReadDocument(string json)
    {
        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(json, JsonLocator.DocumentOptions);
        }
        catch (JsonException e)
        {
            var detail = e.Message;
            var cut = detail.IndexOf(" Path:", StringComparison.Ordinal);
            if (cut > 0) detail = detail[..cut];
            _diagnostics.Add(MappingDiagnostics.InvalidJson(JsonLocator.SpanOfError(json, e.LineNumber, e.BytePositionInLine), detail));
            return null;
        }
        catch (ArgumentException)
        {
            // The text cannot be encoded as UTF-8: it holds a UTF-16 surrogate without its pair.
            var at = 0;
            while (at < json.Length && !(char.IsSurrogate(json[at]) && !(char.IsHighSurrogate(json[at]) && at + 1 < json.Length && char.IsLowSurrogate(json[at + 1]))))
                at += char.IsHighSurrogate(json[at]) ? 2 : 1;
            _diagnostics.Add(MappingDiagnostics.InvalidJson(new Text.TextSpan(Math.Min(at, json.Length), at < json.Length ? 1 : 0), "the text holds an unpaired UTF-16 surrogate."));
            return null;
        }
        using (parsed)
        {
            _locator = JsonLocator.Build(json);
            var root = parsed.RootElement;
            var doc = new ProfileDoc();
            if (root.ValueKind != JsonValueKind.Object)
            {
                Invalid([], "expected a JSON object with \"datasets\" and/or \"sources\".");
                return doc;
            }
            CheckMembers(root, [], TopMembers);
            if (root.TryGetProperty("name", out var name)) doc.Name = ReadString(name, ["name"], allowNull: false);
            if (root.TryGetProperty("identity", out var identity))
            {
                if (identity.ValueKind is JsonValueKind.True or JsonValueKind.False) doc.Identity = identity.GetBoolean();
                else Invalid(["identity"], "expected true or false.");
            }
            if (root.TryGetProperty("defaultTable", out var defaultTable)) doc.DefaultTable = ReadString(defaultTable, ["defaultTable"], allowNull: false);
            if (root.TryGetProperty("schema", out var schema))
            {
                doc.Schema = ReadString(schema, ["schema"], allowNull: false);
                if (doc.Schema is not null and not ("kusto" or "ecs"))
                {
                    Invalid(["schema"], "expected \"kusto\" or \"ecs\".");
                    doc.Schema = null;
                }
            }
            if (root.TryGetProperty("$source", out var source) && source.ValueKind == JsonValueKind.String) doc.SourceNote = source.GetString();
            if (root.TryGetProperty("datasets", out var datasets))
            {
                foreach (var (key, value) in Members(datasets, ["datasets"]))
                {
                    var canonical = _catalog.Canonicalize(key) ?? key;
                    var entry = ReadTarget(value, ["datasets", key], isSource: false);
                    if (entry is not null) doc.Datasets[canonical] = entry;
                }
            }
            if (root.TryGetProperty("sources", out var sources))
            {
                foreach (var (key, value) in Members(sources, ["sources"]))
                {
                    var entry = ReadTarget(value, ["sources", key], isSource: true);
                    if (entry is not null) doc.Sources[key] = entry;
                }
            }
            return doc;
        }
    }

    private TargetDoc? ReadTarget(JsonElement element, ImmutableArray<string> path, bool isSource)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            Invalid(path, "expected an object.");
            return null;
        }
        CheckMembers(element, path, isSource ? SourceMembers : DatasetMembers);
        var entry = new TargetDoc { Document = _document, Path = path, TargetDocument = _document };
        var hasTable = element.TryGetProperty("table", out var table);
        var hasFunction = element.TryGetProperty("function", out var function);
        if (hasTable && hasFunction && table.ValueKind != JsonValueKind.Null && function.ValueKind != JsonValueKind.Null)
            Invalid(path, "name either \"table\" or \"function\", not both.");
        else if (hasTable || hasFunction)
        {
            entry.TargetSet = true;
            if (hasTable) entry.Table = ReadString(table, [.. path, "table"], allowNull: true);
            if (hasFunction) entry.Function = ReadString(function, [.. path, "function"], allowNull: true);
        }
        if (element.TryGetProperty("note", out var note))
        {
            entry.NoteSet = true;
            entry.Note = ReadString(note, [.. path, "note"], allowNull: true);
        }
        if (element.TryGetProperty("filters", out var filters)) entry.Filters = ReadFilters(filters, [.. path, "filters"]);
        if (element.TryGetProperty("fields", out var fields))
        {
            foreach (var (key, value) in Members(fields, [.. path, "fields"]))
            {
                var field = ReadField(value, [.. path, "fields", key], isPrefix: false);
                if (field is not null) entry.Fields[key] = field;
            }
        }
        if (isSource)
        {
            if (element.TryGetProperty("prefixes", out var prefixes))
            {
                foreach (var (key, value) in Members(prefixes, [.. path, "prefixes"]))
                {
                    var field = ReadField(value, [.. path, "prefixes", key], isPrefix: true);
                    if (field is not null) entry.Prefixes[key] = field;
                }
            }
            if (element.TryGetProperty("selectors", out var selectors)) entry.Selectors = ReadMatches(selectors, [.. path, "selectors"]);
            if (element.TryGetProperty("match", out var match)) entry.Match = ReadMatches(match, [.. path, "match"]);
            if (element.TryGetProperty("macro", out var macro))
            {
                entry.MacroSet = true;
                entry.Macro = ReadString(macro, [.. path, "macro"], allowNull: true);
            }
        }
        return entry;
    }

    private FieldDoc? ReadField(JsonElement element, ImmutableArray<string> path, bool isPrefix)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            Invalid(path, "expected an object such as {\"column\": \"FileName\"} or {\"column\": null, \"note\": \"why\"}.");
            return null;
        }
        CheckMembers(element, path, FieldMembers);
        if (!element.TryGetProperty("column", out var column))
        {
            Invalid(path, "\"column\" is required (null when the target has no equivalent).");
            return null;
        }
        var field = new FieldDoc { Document = _document, Path = path, Column = ReadString(column, [.. path, "column"], allowNull: true) };
        if (element.TryGetProperty("note", out var note)) field.Note = ReadString(note, [.. path, "note"], allowNull: true);
        if (element.TryGetProperty("transform", out var transform) && transform.ValueKind != JsonValueKind.Null)
            field.Transform = ReadString(transform, [.. path, "transform"], allowNull: false);
        if (element.TryGetProperty("args", out var args))
        {
            if (args.ValueKind == JsonValueKind.Array)
                field.Args = [.. args.EnumerateArray().Select((a, i) => ReadScalar(a, [.. path, "args", i.ToString(CultureInfo.InvariantCulture)]) ?? "")];
            else Invalid([.. path, "args"], "expected an array of strings.");
        }
        if (element.TryGetProperty("values", out var values))
        {
            if (values.ValueKind == JsonValueKind.Object)
            {
                var map = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
                foreach (var v in values.EnumerateObject()) map[v.Name] = ReadScalar(v.Value, [.. path, "values", v.Name]) ?? "";
                field.Values = map.ToImmutable();
            }
            else Invalid([.. path, "values"], "expected an object mapping target values to field values.");
        }
        if (element.TryGetProperty("default", out var dflt)) field.Default = ReadString(dflt, [.. path, "default"], allowNull: false);

        if (field.Transform is not null && field.Column is null)
            Invalid([.. path, "transform"], "a transform needs a column.");
        CheckTransform(field, path, isPrefix);
        return field;
    }

    private void CheckTransform(FieldDoc field, ImmutableArray<string> path, bool isPrefix)
    {
        if (field.Transform is null)
        {
            if (!field.Args.IsEmpty || field.Values is not null || field.Default is not null)
                _diagnostics.Add(MappingDiagnostics.TransformArguments(Span([.. path, "args"]), Readable(path), "(none)", "— \"args\", \"values\" and \"default\" need a transform."));
            return;
        }
        if (!MappingTransforms.TryGet(field.Transform, out var transform))
        {
            _diagnostics.Add(MappingDiagnostics.UnknownTransform(Span([.. path, "transform"]), Readable(path), field.Transform));
            return;
        }
        var expectedArgs = isPrefix && transform == MappingTransforms.JsonPath ? 0 : transform.ArgumentCount;
        if (field.Args.Length != expectedArgs)
            _diagnostics.Add(MappingDiagnostics.TransformArguments(Span([.. path, "args"]), Readable(path), transform.Name,
                $"takes {expectedArgs} argument(s) in \"args\"{(isPrefix && transform == MappingTransforms.JsonPath ? " in a prefix mapping (the member path is the rest of the field name)" : "")}; found {field.Args.Length}."));
        if (transform == MappingTransforms.ValueMap)
        {
            if (field.Values is null || field.Values.IsEmpty)
                _diagnostics.Add(MappingDiagnostics.TransformArguments(Span(path), Readable(path), transform.Name, "needs a non-empty \"values\" object."));
        }
        else if (field.Values is not null || field.Default is not null)
            _diagnostics.Add(MappingDiagnostics.TransformArguments(Span([.. path, "values"]), Readable(path), transform.Name, "takes no \"values\" or \"default\" (only value_map does)."));
        if (transform == MappingTransforms.RegexExtract && field.Args.Length == 2)
        {
            try
            {
                _ = new Regex(field.Args[0], RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException e)
            {
                _diagnostics.Add(MappingDiagnostics.TransformArguments(Span([.. path, "args", "0"]), Readable(path), transform.Name, $"has an invalid regular expression: {e.Message}"));
            }
            if (!int.TryParse(field.Args[1], NumberStyles.None, CultureInfo.InvariantCulture, out _))
                _diagnostics.Add(MappingDiagnostics.TransformArguments(Span([.. path, "args", "1"]), Readable(path), transform.Name, "needs a group number as its second argument."));
        }
    }

    private List<FilterDoc>? ReadFilters(JsonElement element, ImmutableArray<string> path)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            Invalid(path, "expected an array of {\"column\", \"op\", \"values\"} objects.");
            return null;
        }
        var list = new List<FilterDoc>();
        var i = 0;
        foreach (var f in element.EnumerateArray())
        {
            ImmutableArray<string> p = [.. path, (i++).ToString(CultureInfo.InvariantCulture)];
            if (f.ValueKind != JsonValueKind.Object) { Invalid(p, "expected an object."); continue; }
            CheckMembers(f, p, FilterMembers);
            var column = f.TryGetProperty("column", out var c) ? ReadString(c, [.. p, "column"], allowNull: false) : null;
            var op = f.TryGetProperty("op", out var o) ? ReadString(o, [.. p, "op"], allowNull: false) : null;
            var values = f.TryGetProperty("values", out var v) ? ReadValues(v, [.. p, "values"]) : null;
            if (column is null || op is null || values is null)
            {
                Invalid(p, "a filter needs \"column\", \"op\" and \"values\".");
                continue;
            }
            if (!FixedFilter.Operators.Contains(op))
            {
                _diagnostics.Add(MappingDiagnostics.UnknownOperator(Span([.. p, "op"]), Readable(p), op));
                continue;
            }
            var single = op is "==" or "!=" or "matches";
            if (single ? values.Value.Length != 1 : values.Value.IsEmpty)
            {
                Invalid([.. p, "values"], single ? $"operator '{op}' takes exactly one value." : "operator 'in' takes one or more values.");
                continue;
            }
            if (op == "matches")
            {
                try { _ = new Regex(values.Value[0], RegexOptions.None, TimeSpan.FromSeconds(1)); }
                catch (ArgumentException e) { Invalid([.. p, "values"], $"invalid regular expression: {e.Message}"); continue; }
            }
            list.Add(new FilterDoc { Document = _document, Path = p, Column = column, Operator = op, Values = values.Value });
        }
        return list;
    }

    private List<MatchDoc>? ReadMatches(JsonElement element, ImmutableArray<string> path)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            Invalid(path, "expected an array of {\"field\", \"values\"} objects.");
            return null;
        }
        var list = new List<MatchDoc>();
        var i = 0;
        foreach (var m in element.EnumerateArray())
        {
            ImmutableArray<string> p = [.. path, (i++).ToString(CultureInfo.InvariantCulture)];
            if (m.ValueKind != JsonValueKind.Object) { Invalid(p, "expected an object."); continue; }
            CheckMembers(m, p, MatchMembers);
            var field = m.TryGetProperty("field", out var f) ? ReadString(f, [.. p, "field"], allowNull: false) : null;
            var values = m.TryGetProperty("values", out var v) ? ReadValues(v, [.. p, "values"]) : null;
            if (field is null || values is null || values.Value.IsEmpty)
            {
                Invalid(p, "a match needs \"field\" and a non-empty \"values\" array.");
                continue;
            }
            list.Add(new MatchDoc { Document = _document, Path = p, Field = field, Values = values.Value });
        }
        return list;
    }

    private ImmutableArray<string>? ReadValues(JsonElement element, ImmutableArray<string> path)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            Invalid(path, "expected an array of values.");
            return null;
        }
        var values = ImmutableArray.CreateBuilder<string>();
        var i = 0;
        foreach (var v in element.EnumerateArray())
        {
            var s = ReadScalar(v, [.. path, (i++).ToString(CultureInfo.InvariantCulture)]);
            if (s is null) return null;
            values.Add(s);
        }
        return values.ToImmutable();
    }

    private IEnumerable<(string Key, JsonElement Value)> Members(JsonElement element, ImmutableArray<string> path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            Invalid(path, "expected an object.");
            yield break;
        }
        foreach (var p in element.EnumerateObject())
            if (!p.Name.StartsWith('$')) yield return (p.Name, p.Value);
    }

    private void CheckMembers(JsonElement element, ImmutableArray<string> path, string[] known)
    {
        foreach (var p in element.EnumerateObject())
        {
            if (p.Name.StartsWith('$') || known.Contains(p.Name)) continue;
            _diagnostics.Add(MappingDiagnostics.UnknownMember(_locator?.NameSpanOf([.. path, p.Name]) ?? default, Readable(path), p.Name,
                string.Join(", ", known.Select(k => "\"" + k + "\""))));
        }
    }

    private string? ReadString(JsonElement element, ImmutableArray<string> path, bool allowNull)
    {
        if (element.ValueKind == JsonValueKind.String) return element.GetString();
        if (allowNull && element.ValueKind == JsonValueKind.Null) return null;
        Invalid(path, allowNull ? "expected a string or null." : "expected a string.");
        return null;
    }

    /// <summary>A string, number or boolean as invariant text (numbers as written).</summary>
    private string? ReadScalar(JsonElement element, ImmutableArray<string> path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String: return element.GetString();
            case JsonValueKind.Number: return element.GetRawText();
            case JsonValueKind.True: return "true";
            case JsonValueKind.False: return "false";
            default:
                Invalid(path, "expected a string, number or boolean.");
                return null;
        }
    }

    private void Invalid(ImmutableArray<string> path, string detail) =>
        _diagnostics.Add(MappingDiagnostics.InvalidEntry(Span(path), Readable(path), detail));

    private Text.TextSpan Span(ImmutableArray<string> path) => _locator?.SpanOf(path) ?? default;

    /// <summary>A member path as a reader would write it: datasets["Endpoint.Processes"].fields["user"].column.</summary>
    public static string Readable(IReadOnlyList<string> path)
    {
        if (path.Count == 0) return "(top level)";
        var sb = new System.Text.StringBuilder(path[0]);
        foreach (var p in path.Skip(1))
        {
            if (p.All(char.IsAsciiDigit)) sb.Append('[').Append(p).Append(']');
            else if (p.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_') && !char.IsAsciiDigit(p[0])) sb.Append('.').Append(p);
            else sb.Append("[\"").Append(p).Append("\"]");
        }
        return sb.ToString();
    }
}
