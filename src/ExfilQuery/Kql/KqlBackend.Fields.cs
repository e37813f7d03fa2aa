using System.Collections.Immutable;
using System.Text;
using ExfilQuery.Diagnostics;
using ExfilQuery.Ir;

namespace ExfilQuery.Kql;

// bin, fillnull and rex.
internal sealed partial class KqlWriter
{
    private string? WriteBin(BinStage b)
    {
        if (b.Bins is not null || b.BinSpan is null)
        {
            Diagnostics.Add(DiagnosticFacts.KqlUnsupported(b.Span, "bin without span= (bins= or automatic bins) depends on the data's range; KQL needs a fixed span."));
            return null;
        }
        var type = TypeOf(b.Field);
        string text;
        if (type == KType.DateTime)
        {
            var span = KqlSpan(b.BinSpan);
            if (span is null)
            {
                Diagnostics.Add(DiagnosticFacts.KqlUnsupported(b.Span, $"The span '{b.BinSpan}' has no fixed length in KQL (months and years vary)."));
                return null;
            }
            text = $"bin({Column(b.Field)}, {span})";
            return $"extend {Target(b.OutputField, KType.DateTime)} = {text}";
        }
        if (double.TryParse(b.BinSpan, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            text = $"bin({Numeric(new Typed(Column(b.Field), type)).Text}, {KqlSyntax.Number(b.BinSpan)})";
            return $"extend {Target(b.OutputField, KType.Real)} = {text}";
        }
        Diagnostics.Add(DiagnosticFacts.KqlUnsupported(b.Span, $"bin span={b.BinSpan} on a field that is not a time is not translated."));
        return null;
    }

    private string? WriteFillNull(FillNullStage f)
    {
        var fields = f.Fields;
        if (fields.IsEmpty)
        {
            // Without a list fillnull fills every field of each result; after stats or table those are known.
            if (!_closed)
            {
                if (StageReads.OnlyFieldsReadBy(_nextStage) is { } read) return WriteFillNullOfPresentFields(f, read);
                Diagnostics.Add(DiagnosticFacts.KqlUnsupported(f.Span, "fillnull without a field list fills every field of the raw events, which KQL cannot enumerate; name the fields to translate it."));
                return null;
            }
            fields = _types.Keys.Order(StringComparer.Ordinal).ToImmutableArray();
        }
        var parts = new List<string>();
        foreach (var field in fields)
        {
            if (FillNullValue(f, field, null) is { } value) parts.Add($"{Column(field)} = {value}");
        }
        return parts.Count == 0 ? null : "extend " + string.Join(", ", parts);
    }

    /// <summary>The field filled with fillnull's value where it has none: coalesce for a number
    /// column and a numeric value, an empty test for a string column (KQL's missing string is empty). With
    /// <paramref name="onlyIf"/>, the fill applies only where that condition holds. Null when nothing is written:
    /// a list or time column after stats (always set), or a fill that would change the column's type
    /// (diagnostic).</summary>
    private string? FillNullValue(FillNullStage f, string field, string? onlyIf)
    {
        var type = TypeOf(field);
        var column = Column(field);
        var isNumber = double.TryParse(f.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);
        if (IsNumeric(type) && isNumber)
        {
            var filled = $"coalesce({column}, {KqlSyntax.Number(f.Value)})";
            return onlyIf is null ? filled : $"iff({onlyIf}, {filled}, {column})";
        }
        if (type == KType.String)
            return $"iff(isempty({column}){(onlyIf is null ? "" : " and " + onlyIf)}, {KqlSyntax.Quote(f.Value)}, {column})";
        if (f.Fields.IsEmpty && _closed && type is KType.Dynamic or KType.DateTime or KType.Bool or KType.TimeSpan)
            return null; // aggregated lists and times always have a value here
        Diagnostics.Add(DiagnosticFacts.KqlUnsupported(f.Span, $"fillnull value={f.Value} on '{field}' would change the column's type in KQL."));
        return null;
    }

    /// <summary>fillnull without a field list before the columns are known, followed by a stage that reads only the
    /// fields it names (stats, table, fields; <see cref="StageReads.OnlyFieldsReadBy"/>): filling the other fields
    /// changes nothing that stage returns. Splunk fills only the fields that have a value in at least one result
    /// (Search Reference, "fillnull": "Fields in the event set should have at least one non-null value"), so each
    /// field's values are counted over all rows as eventstats without by does (a join with a one-row summarize), and
    /// the fill applies only where that count is above zero.</summary>
    private string? WriteFillNullOfPresentFields(FillNullStage f, List<string> fields)
    {
        if (fields.Count == 0) return null;
        var counts = fields.Select((x, k) => (Field: x, Count: "_fillnull_" + k.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
        var window = new AggregateStage(AggregateMode.Window,
            [.. counts.Select(c => new Aggregation("count", new FieldRef(c.Field) { Span = f.Span }, c.Count) { Span = f.Span })], [], null, "fillnull") { Span = f.Span };
        var join = WriteAggregate(window);
        var parts = new List<string>();
        foreach (var (field, count) in counts)
        {
            // The filled field keeps its SPL name, so the next stage reads it whatever column it maps to.
            var type = TypeOf(field);
            if (FillNullValue(f, field, count + " > 0") is { } value) parts.Add($"{Target(field, type)} = {value}");
        }
        foreach (var c in counts) _types.Remove(c.Count);
        return join + (parts.Count == 0 ? "" : "\n| extend " + string.Join(", ", parts)) + "\n| project-away " + string.Join(", ", counts.Select(c => c.Count));
    }

    /// <summary>iplocation (Splunk Search Reference, "iplocation": City, Country, Region, lat, lon; allfields adds
    /// Continent, MetroCode, Timezone) is KQL's geo_info_from_ip_address() (country, state, city, latitude,
    /// longitude). Both read MaxMind's GeoLite2-City data, each its own copy, so the translation is partial.</summary>
    private string? WriteIpLocation(IpLocationStage i)
    {
        if (i.AllFields)
        {
            Diagnostics.Add(DiagnosticFacts.KqlUnsupported(i.Span, "iplocation allfields=true also adds Continent, MetroCode and Timezone, which geo_info_from_ip_address() does not return."));
            return null;
        }
        Diagnostics.Add(DiagnosticFacts.KqlApproximation(i.Span, "iplocation is geo_info_from_ip_address(): Splunk and Kusto both read MaxMind's GeoLite2-City data, but each its own copy (Splunk's ships with its release), so a location can differ; an address without a location gets empty fields, where Splunk adds none and keeps a field of the same name."));
        var geo = $"geo_info_from_ip_address({Str(new Typed(Column(i.Field), TypeOf(i.Field))).Text})";
        var fields = new (string Name, string Member, KType Type)[]
        {
            ("City", "city", KType.String), ("Country", "country", KType.String), ("Region", "state", KType.String),
            ("lat", "latitude", KType.Real), ("lon", "longitude", KType.Real),
        };
        return "extend " + string.Join(", ", fields.Select(f =>
            $"{Target(i.Prefix + f.Name, f.Type)} = {(f.Type == KType.Real ? "todouble" : "tostring")}({geo}.{f.Member})"));
    }

    private string? WriteExtract(ExtractStage e)
    {
        if (e.SedMode) return WriteSed(e);
        var groups = RegexGroups.Named(e.Regex, out var re2);
        if (e.MaxMatch != 1 && groups is { Count: 1 } && RegexGroups.CaptureCount(re2) == 1)
        {
            // max_match=N (0: all) collects every match as a multivalue field; with one capturing group
            // extract_all returns exactly those values.
            var all = $"extract_all({KqlSyntax.Quote(re2)}, {Str(new Typed(Column(e.Field), TypeOf(e.Field))).Text})";
            if (e.MaxMatch > 1) all = $"array_slice({all}, 0, {e.MaxMatch - 1})";
            return $"extend {Target(groups[0].Name, KType.Dynamic)} = {all}";
        }
        if (e.MaxMatch != 1)
        {
            Diagnostics.Add(DiagnosticFacts.KqlUnsupported(e.Span, "rex max_match other than 1 with several capture groups is not translated yet."));
            return null;
        }
        if (groups is null)
        {
            Diagnostics.Add(DiagnosticFacts.KqlUnsupported(e.Span, "This regular expression uses syntax outside what the KQL backend can translate to RE2 exactly (lookaround, backreferences or atomic groups)."));
            return null;
        }
        if (groups.Count == 0) return null;
        var source = Str(new Typed(Column(e.Field), TypeOf(e.Field))).Text;
        var regex = KqlSyntax.Quote(re2);
        var parts = new List<string>();
        foreach (var (name, index) in groups)
        {
            var extract = $"extract({regex}, {index}, {source})";
            // rex leaves a field untouched when the regex does not match.
            parts.Add(_types.ContainsKey(name)
                ? $"{Column(name)} = iff({source} matches regex {regex}, {extract}, {Str(new Typed(Column(name), TypeOf(name))).Text})"
                : $"{KqlSyntax.Identifier(name)} = {extract}");
        }
        foreach (var (name, _) in groups) Target(name, KType.String);
        return "extend " + string.Join(", ", parts);
    }

    private string? WriteSed(ExtractStage e)
    {
        // s/regex/replacement/flags with any delimiter; only the global form maps to replace_regex exactly.
        var text = e.Regex;
        if (text.Length < 4 || text[0] != 's')
        {
            Diagnostics.Add(DiagnosticFacts.KqlUnsupported(e.Span, "rex mode=sed expects s/regex/replacement/flags."));
            return null;
        }
        var parts = text[2..].Split(text[1]);
        if (parts.Length != 3 || parts[2] != "g" || RegexGroups.Named(parts[0], out var re2) is null)
        {
            Diagnostics.Add(DiagnosticFacts.KqlUnsupported(e.Span, "Only rex mode=sed \"s/regex/replacement/g\" (replace every match) is translated."));
            return null;
        }
        var field = Column(e.Field);
        return $"extend {field} = replace_regex({Str(new Typed(field, TypeOf(e.Field))).Text}, {KqlSyntax.Quote(re2)}, {KqlSyntax.Quote(parts[1])})";
    }
}

/// <summary>Finds the capturing groups of a PCRE-style regular expression (as Splunk's rex writes them) and
/// rewrites it for RE2: <c>(?&lt;name&gt;...)</c> becomes <c>(?P&lt;name&gt;...)</c>. Returns null for constructs RE2
/// lacks (lookaround, backreferences, atomic groups, possessive quantifiers).</summary>
internal static class RegexGroups
{
    /// <summary>The number of capturing groups (named or not) in an RE2 pattern.</summary>
    public static int CaptureCount(string re2)
    {
        var count = 0;
        var inClass = false;
        for (var i = 0; i < re2.Length; i++)
        {
            var c = re2[i];
            if (c == '\\') { i++; continue; }
            if (inClass) { if (c == ']') inClass = false; continue; }
            if (c == '[') { inClass = true; continue; }
            if (c == '(' && (i + 1 >= re2.Length || re2[i + 1] != '?' || re2.AsSpan(i + 1).StartsWith("?P<"))) count++;
        }
        return count;
    }

    public static List<(string Name, int Index)>? Named(string regex, out string re2)
    {
        var groups = new List<(string, int)>();
        var sb = new StringBuilder(regex.Length + 8);
        var index = 0;
        var inClass = false;
        re2 = regex;
        for (var i = 0; i < regex.Length; i++)
        {
            var c = regex[i];
            if (c == '\\' && i + 1 < regex.Length)
            {
                var next = regex[i + 1];
                if (!inClass && char.IsAsciiDigit(next) && next != '0') return null; // backreference
                if (!inClass && next is 'k' or 'g') return null;
                sb.Append(c).Append(next);
                i++;
                continue;
            }
            if (inClass)
            {
                if (c == ']') inClass = false;
                sb.Append(c);
                continue;
            }
            if (c == '[')
            {
                inClass = true;
                sb.Append(c);
                if (i + 1 < regex.Length && regex[i + 1] == '^') { sb.Append('^'); i++; }
                if (i + 1 < regex.Length && regex[i + 1] == ']') { sb.Append(']'); i++; }
                continue;
            }
            if ((c == '+' || c == '*' || c == '?' || c == '}') && i + 1 < regex.Length && regex[i + 1] == '+') return null; // possessive
            if (c != '(')
            {
                sb.Append(c);
                continue;
            }
            if (i + 1 < regex.Length && regex[i + 1] == '?')
            {
                var rest = regex.AsSpan(i + 2);
                if (rest.StartsWith("<") && !rest.StartsWith("<=") && !rest.StartsWith("<!") || rest.StartsWith("P<"))
                {
                    var start = i + 2 + (rest[0] == 'P' ? 2 : 1);
                    var end = regex.IndexOf('>', start);
                    if (end < 0) return null;
                    index++;
                    groups.Add((regex[start..end], index));
                    sb.Append("(?P<").Append(regex[start..end]).Append('>');
                    i = end;
                    continue;
                }
                if (rest.StartsWith("=") || rest.StartsWith("!") || rest.StartsWith("<=") || rest.StartsWith("<!") || rest.StartsWith(">")) return null;
                sb.Append(c);
                continue;
            }
            index++;
            sb.Append(c);
        }
        re2 = sb.ToString();
        return groups;
    }
}
