using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using ExfilQuery.Ir;

namespace ExfilQuery.Evaluation;

public static partial class DetectionEvaluator
{
    private sealed partial class Runner
    {
        /// <summary>limits.conf [spath] extraction_cutoff: spath without a path reads this many bytes of its input.</summary>
        private const int SpathExtractionCutoff = 5000;

        /// <summary>Documents nested deeper are not read (System.Text.Json's default limit, applied to XML too), so
        /// that no input can exhaust the stack or build quadratically long names.</summary>
        private const int MaxDocumentDepth = 64;

        private static readonly XmlReaderSettings XmlSettings = new()
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            MaxCharactersInDocument = 10_000_000,
        };

        /// <summary>spath, fromjson, replace and addtotals; null for another stage.</summary>
        private List<Event>? ApplyJson(Stage stage, List<Event> rows)
        {
            switch (stage)
            {
                case SpathStage s:
                {
                    List<SpathStep>? steps = null;
                    if (s.Path.Length > 0 && (steps = SpathStep.Parse(s.Path)) is null)
                    {
                        context.Report(EvaluationDiagnostics.UnsupportedStage(s.Span, "spath", $"the path '{s.Path}' is not a spath location path"));
                        return rows;
                    }
                    if (steps is not null && steps.Any(x => x.Index is not null))
                        context.Report(EvaluationDiagnostics.SpathIndex(s.Span, s.Path));
                    foreach (var row in rows) Spath(s, steps, row);
                    return rows;
                }
                case FromJsonStage f:
                    foreach (var row in rows) FromJson(f, row);
                    return rows;
                case ReplaceStage r:
                    Replace(r, rows);
                    return rows;
                case AddTotalsStage a:
                    foreach (var row in rows) AddTotals(a, row);
                    return rows;
                default:
                    return null;
            }
        }

        // ------------------------------------------------------------------ spath

        /// <summary>The values of <paramref name="field"/> to read as JSON or XML; several values are read one by one
        /// (with EVL0026).</summary>
        private IEnumerable<string> StructuredInputs(Event row, string field, string command, Text.TextSpan span)
        {
            var values = row[field].Values;
            if (values.Length > 1)
                context.Report(EvaluationDiagnostics.StructuredInput(span, command, field, "has several values in some rows; each value is read as its own document and the results are combined. How Splunk reads a multivalue input was not verified."));
            return values;
        }

        private void Malformed(Text.TextSpan span, string command, string field, string kind) =>
            context.Report(EvaluationDiagnostics.StructuredInput(span, command, field, $"holds text that starts as {kind} but does not parse, or nests deeper than {MaxDocumentDepth} levels, in some rows; nothing is extracted from it. Splunk may extract what it read before the error."));

        /// <summary>spath (Splunk Search Reference, "spath"): input (default _raw) read as JSON when it starts with
        /// <c>{</c> or <c>[</c>, as XML when it starts with <c>&lt;</c>, otherwise nothing is extracted. With a path the
        /// values found go to the output field (several: multivalue; none: the field is left as it was); without one
        /// every field of the first 5000 bytes is extracted. <paramref name="steps"/> is the parsed path, null without
        /// one.</summary>
        private void Spath(SpathStage s, List<SpathStep>? steps, Event row)
        {
            var found = new List<string>();
            var extracted = new Event();
            foreach (var text in StructuredInputs(row, s.Input, "spath", s.Span))
            {
                var start = text.AsSpan().TrimStart();
                if (start.IsEmpty || start[0] is not ('{' or '[' or '<')) continue;
                var xml = start[0] == '<';
                bool ok;
                if (steps is null) ok = xml ? SpathAllXml(text, extracted, s) : SpathAllJson(text, extracted, s);
                else if (!xml) ok = SpathJson(text, steps, found);
                else
                {
                    ok = SpathXml(text, steps, found, out var innerXml);
                    if (innerXml) context.Report(EvaluationDiagnostics.SpathInnerXml(s.Span, s.Path));
                }
                if (!ok) Malformed(s.Span, "spath", s.Input, xml ? "XML" : "JSON");
            }
            if (steps is not null)
            {
                if (found.Count > 0) row.Set(s.Output, FieldValue.Multi(found));
                return;
            }
            foreach (var (name, value) in extracted) row.Set(name, value);
        }

        /// <summary>Every JSON value of the first 5000 bytes under spath's names: members joined by dots, <c>{}</c>
        /// after an array's name for each element (a top-level array gives <c>{}</c>, <c>{}.name</c>); strings
        /// unescaped, numbers and booleans as written, null as the text <c>null</c> (as the JSON event readers name
        /// them). False when the text is not JSON.</summary>
        private bool SpathAllJson(string text, Event extracted, SpathStage s)
        {
            var bytes = HeadBytes(text);
            var complete = bytes.Length <= SpathExtractionCutoff;
            if (!complete) context.Report(EvaluationDiagnostics.SpathCutoff(s.Span, s.Input));
            var reader = new Utf8JsonReader(complete ? bytes : bytes.AsSpan(0, SpathExtractionCutoff), complete, default);
            var containers = new Stack<(string Prefix, bool IsArray)>();
            var values = new List<(string Name, string Value)>();
            string property = "";
            try
            {
                while (reader.Read())
                {
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.StartObject:
                        case JsonTokenType.StartArray:
                            containers.Push((JsonName(containers, property), reader.TokenType == JsonTokenType.StartArray));
                            break;
                        case JsonTokenType.EndObject:
                        case JsonTokenType.EndArray:
                            containers.Pop();
                            break;
                        case JsonTokenType.PropertyName:
                            property = reader.GetString()!;
                            break;
                        case JsonTokenType.String:
                            values.Add((JsonName(containers, property), reader.GetString()!));
                            break;
                        case JsonTokenType.Null:
                            values.Add((JsonName(containers, property), "null"));
                            break;
                        default:
                            values.Add((JsonName(containers, property), Encoding.UTF8.GetString(reader.ValueSpan)));
                            break;
                    }
                }
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException)
            {
                return false;
            }
            foreach (var (name, value) in values) extracted.Append(name, value);
            return true;
        }

        /// <summary>The UTF-8 bytes of the text, or of its first 5001 characters when it is longer: enough to hold
        /// the first 5000 bytes and to tell that there are more.</summary>
        private static byte[] HeadBytes(string text) =>
            Encoding.UTF8.GetBytes(text.Length > SpathExtractionCutoff ? text[..(SpathExtractionCutoff + 1)] : text);

        private static string JsonName(Stack<(string Prefix, bool IsArray)> containers, string property)
        {
            if (containers.Count == 0) return "";
            var (prefix, isArray) = containers.Peek();
            return isArray ? prefix + "{}" : prefix.Length == 0 ? property : prefix + "." + property;
        }

        /// <summary>Every XML text and attribute of the first 5000 bytes: element names joined by dots from the root
        /// (<c>Event.System.EventID</c>), attributes as <c>path{@name}</c>; a repeated name is multivalue. False when
        /// the text is not XML.</summary>
        private bool SpathAllXml(string text, Event extracted, SpathStage s)
        {
            var bytes = HeadBytes(text);
            var complete = bytes.Length <= SpathExtractionCutoff;
            if (!complete)
            {
                context.Report(EvaluationDiagnostics.SpathCutoff(s.Span, s.Input));
                // The longest prefix of whole characters within the limit.
                text = Encoding.UTF8.GetString(bytes, 0, SpathExtractionCutoff).TrimEnd('\uFFFD');
            }
            var names = new Stack<string>();
            var values = new List<(string Name, string Value)>();
            // A text read last, when the document then ends at the cutoff, may be cut: it is left out, as in JSON.
            var lastIsText = false;
            try
            {
                using var reader = XmlReader.Create(new StringReader(text), XmlSettings);
                while (reader.Read())
                {
                    if (reader.Depth > MaxDocumentDepth) return false;
                    lastIsText = reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA && names.Count > 0;
                    switch (reader.NodeType)
                    {
                        case XmlNodeType.Element:
                        {
                            var path = names.Count == 0 ? reader.Name : names.Peek() + "." + reader.Name;
                            if (reader.MoveToFirstAttribute())
                            {
                                do values.Add((path + "{@" + reader.Name + "}", reader.Value));
                                while (reader.MoveToNextAttribute());
                                reader.MoveToElement();
                            }
                            if (!reader.IsEmptyElement) names.Push(path);
                            break;
                        }
                        case XmlNodeType.EndElement:
                            names.Pop();
                            break;
                        case XmlNodeType.Text or XmlNodeType.CDATA when names.Count > 0:
                            values.Add((names.Peek(), reader.Value));
                            break;
                    }
                }
            }
            catch (XmlException) when (!complete)
            {
                // The document ends at the cutoff: what was read before it stands.
                if (lastIsText) values.RemoveAt(values.Count - 1);
            }
            catch (XmlException)
            {
                return false;
            }
            foreach (var (name, value) in values) extracted.Append(name, value);
            return true;
        }

        /// <summary>The values at a path of a JSON document: a named step reads that member of objects, <c>{}</c>
        /// every element of arrays, <c>{N}</c> the element N (from 0). Strings unescaped, null as <c>null</c>, other
        /// values as written in the input (objects and arrays as their JSON text).</summary>
        private static bool SpathJson(string text, List<SpathStep> steps, List<string> found)
        {
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(text);
            }
            catch (JsonException)
            {
                return false;
            }
            using (doc)
            {
                IEnumerable<JsonElement> current = [doc.RootElement];
                foreach (var step in steps)
                {
                    if (step.Name.Length > 0)
                        current = current.Where(e => e.ValueKind == JsonValueKind.Object).SelectMany(e => e.EnumerateObject().Where(p => p.Name == step.Name).Take(1).Select(p => p.Value));
                    if (step.Attribute is not null) return true;
                    if (step.All) current = current.Where(e => e.ValueKind == JsonValueKind.Array).SelectMany(e => e.EnumerateArray());
                    else if (step.Index is { } i)
                        current = current.Where(e => e.ValueKind == JsonValueKind.Array && i >= 0 && i < e.GetArrayLength()).Select(e => e[i]);
                }
                try
                {
                    found.AddRange(current.Select(e => e.ValueKind switch
                    {
                        JsonValueKind.String => e.GetString()!,
                        JsonValueKind.Null => "null",
                        _ => e.GetRawText(),
                    }).ToList());
                }
                catch (InvalidOperationException)
                {
                    return false;
                }
            }
            return true;
        }

        /// <summary>The values at a path of an XML document: the first step names the root element, each next one
        /// the child elements of that name (all of them, or with <c>{N}</c> the Nth, from 1), <c>{@name}</c> an
        /// attribute. An element's value is its text, or its inner XML when it has child elements (then
        /// <paramref name="innerXml"/> is true: EVL0027).</summary>
        private static bool SpathXml(string text, List<SpathStep> steps, List<string> found, out bool innerXml)
        {
            innerXml = false;
            XDocument doc;
            try
            {
                using (var depth = XmlReader.Create(new StringReader(text), XmlSettings))
                    while (depth.Read())
                        if (depth.Depth > MaxDocumentDepth) return false;
                using var reader = XmlReader.Create(new StringReader(text), XmlSettings);
                doc = XDocument.Load(reader);
            }
            catch (XmlException)
            {
                return false;
            }
            if (doc.Root is not { } root) return true;
            IEnumerable<XElement> current = [];
            for (var i = 0; i < steps.Count; i++)
            {
                var step = steps[i];
                var named = i == 0
                    ? (root.Name.LocalName == step.Name || XmlName(root) == step.Name ? [root] : [])
                    : current.SelectMany(e => e.Elements().Where(c => XmlName(c) == step.Name)).ToList();
                current = step.Index is { } n ? named.Skip(n - 1).Take(n >= 1 ? 1 : 0) : named;
                if (step.Attribute is { } attribute)
                {
                    found.AddRange(current.SelectMany(e => e.Attributes().Where(a => XmlName(a) == attribute).Select(a => a.Value)));
                    return true;
                }
            }
            var elements = current.ToList();
            innerXml = elements.Any(e => e.HasElements);
            found.AddRange(elements.Select(e => e.HasElements ? string.Concat(e.Nodes().Select(n => n.ToString(SaveOptions.DisableFormatting))) : e.Value));
            return true;
        }

        /// <summary>An element's or attribute's name as written: prefix:local, or local.</summary>
        private static string XmlName(XElement e) => e.GetPrefixOfNamespace(e.Name.Namespace) is { Length: > 0 } p ? p + ":" + e.Name.LocalName : e.Name.LocalName;

        private static string XmlName(XAttribute a) =>
            a.IsNamespaceDeclaration ? (a.Name.Namespace == XNamespace.None ? "xmlns" : "xmlns:" + a.Name.LocalName)
            : a.Parent?.GetPrefixOfNamespace(a.Name.Namespace) is { Length: > 0 } p ? p + ":" + a.Name.LocalName : a.Name.LocalName;

        /// <summary>One location step of a spath path: a name, then optionally <c>{}</c> (every element),
        /// <c>{N}</c> (one element) or <c>{@name}</c> (an XML attribute).</summary>
        private sealed record SpathStep(string Name, bool All, int? Index, string? Attribute)
        {
            /// <summary>The steps of a path, or null when it is not one.</summary>
            public static List<SpathStep>? Parse(string path)
            {
                var steps = new List<SpathStep>();
                var i = 0;
                while (i <= path.Length)
                {
                    var nameEnd = i;
                    while (nameEnd < path.Length && path[nameEnd] is not ('.' or '{' or '}')) nameEnd++;
                    var name = path[i..nameEnd];
                    i = nameEnd;
                    if (i < path.Length && path[i] == '}') return null;
                    var step = new SpathStep(name, false, null, null);
                    while (i < path.Length && path[i] == '{')
                    {
                        var close = path.IndexOf('}', i);
                        if (close < 0) return null;
                        var inner = path[(i + 1)..close];
                        if (inner.Length == 0) step = step with { All = true };
                        else if (inner[0] == '@' && inner.Length > 1) step = step with { Attribute = inner[1..] };
                        else if (int.TryParse(inner, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)) step = step with { Index = n };
                        else return null;
                        i = close + 1;
                        // Several braces on one step ({}{} for an array of arrays) are read as several steps.
                        if (i < path.Length && path[i] == '{')
                        {
                            steps.Add(step);
                            step = new SpathStep("", false, null, null);
                        }
                    }
                    if (step.Name.Length == 0 && !step.All && step.Index is null && step.Attribute is null) return null;
                    steps.Add(step);
                    if (i == path.Length) break;
                    if (path[i] != '.') return null;
                    i++;
                    if (i == path.Length) return null;
                }
                return steps.Count == 0 || steps.SkipLast(1).Any(x => x.Attribute is not null) ? null : steps;
            }
        }

        // ------------------------------------------------------------------ fromjson

        /// <summary>fromjson (Splunk Search Reference 9.x, "fromjson"): each top-level key of the JSON object becomes a
        /// field (prefix + key) with its value: strings unescaped, numbers and booleans as written, an array as a
        /// multivalue field (one value per element, nested objects and arrays as their JSON text), an object as its
        /// JSON text; a null value or an empty array sets nothing. Input that is not a JSON object adds nothing.</summary>
        private void FromJson(FromJsonStage f, Event row)
        {
            foreach (var text in StructuredInputs(row, f.Field, "fromjson", f.Span))
            {
                if (!text.AsSpan().TrimStart().StartsWith("{", StringComparison.Ordinal)) continue;
                try
                {
                    using var doc = JsonDocument.Parse(text);
                    foreach (var p in doc.RootElement.EnumerateObject())
                    {
                        var value = p.Value.ValueKind switch
                        {
                            JsonValueKind.Null => FieldValue.Null,
                            JsonValueKind.Array => FieldValue.Multi(p.Value.EnumerateArray().Where(e => e.ValueKind != JsonValueKind.Null).Select(JsonText)),
                            _ => FieldValue.String(JsonText(p.Value)),
                        };
                        if (!value.IsNull) row.Set(f.Prefix + p.Name, value);
                    }
                }
                catch (Exception ex) when (ex is JsonException or InvalidOperationException)
                {
                    Malformed(f.Span, "fromjson", f.Field, "a JSON object");
                }
            }
        }

        private static string JsonText(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();

        // ------------------------------------------------------------------ replace

        /// <summary>One <c>pattern WITH replacement</c> of replace, compiled.</summary>
        private sealed record ReplaceRule(string Pattern, string Replacement, Regex? Greedy, Regex? Lazy, Regex? IgnoringCase)
        {
            /// <summary>The literal characters of the pattern: the fuller match wins.</summary>
            public int Literal => Pattern.Length - Stars;

            public int Stars => Pattern.Count(c => c == '*');
        }

        /// <summary>replace (Splunk Search Reference, "replace"): a value is replaced when it matches a pattern whole,
        /// case-sensitively (<c>*</c> matches any text, also none); of the literal patterns that match, the last one
        /// written wins; otherwise of the wildcard patterns the fuller match (more literal characters) wins. A
        /// replacement's <c>*</c>s take what the pattern's <c>*</c>s matched, in order. Each value of a multivalue
        /// field is replaced on its own. Without IN every field not starting with <c>_</c> is read.</summary>
        private void Replace(ReplaceStage r, List<Event> rows)
        {
            Regex Wildcard(string pattern, string group, RegexOptions options) =>
                new("^" + string.Join(group, pattern.Split('*').Select(Regex.Escape)) + "$", RegexOptions.CultureInvariant | RegexOptions.Singleline | options, Options.RegexTimeout);
            var rules = r.Pairs.Select(p => p.Pattern.Contains('*', StringComparison.Ordinal)
                ? new ReplaceRule(p.Pattern, p.Replacement, Wildcard(p.Pattern, "(.*)", RegexOptions.None), Wildcard(p.Pattern, "(.*?)", RegexOptions.None), Wildcard(p.Pattern, "(.*)", RegexOptions.IgnoreCase))
                : new ReplaceRule(p.Pattern, p.Replacement, null, null, null)).ToList();
            if (r.Fields.Length == 0)
                context.Report(EvaluationDiagnostics.ReplaceUnverified(r.Span, "replace without IN: the evaluator replaces values in every field whose name does not start with '_'; Splunk also leaves alone the fields that stats or eval made, which the evaluator does not track."));
            foreach (var row in rows)
            {
                var fields = r.Fields.Length > 0 ? Matches(row, r.Fields) : row.Fields.Where(f => !f.StartsWith('_')).ToList();
                foreach (var field in fields)
                {
                    var value = row[field];
                    if (value.IsNull) continue;
                    var values = value.Values;
                    var replaced = values.Select(v => ReplaceValue(rules, v, r.Span) ?? v).ToList();
                    if (!replaced.SequenceEqual(values, StringComparer.Ordinal))
                        row.Set(field, value.Kind == FieldValueKind.Multi ? FieldValue.Multi(replaced) : FieldValue.String(replaced[0]));
                }
            }
        }

        /// <summary>The replacement of one value, or null when no pattern matches it.</summary>
        private string? ReplaceValue(List<ReplaceRule> rules, string value, Text.TextSpan span)
        {
            if (rules.LastOrDefault(x => x.Greedy is null && x.Pattern == value) is { } exact) return exact.Replacement;
            (ReplaceRule Rule, Match Match)? best = null;
            var tie = false;
            foreach (var rule in rules)
            {
                if (rule.Greedy is null || context.Match(rule.Greedy, value, span) is not { Success: true } m) continue;
                if (best is null || rule.Literal > best.Value.Rule.Literal) (best, tie) = ((rule, m), false);
                else if (rule.Literal == best.Value.Rule.Literal) tie = true;
            }
            if (best is not { } chosen)
            {
                if (rules.Any(x => x.IgnoringCase is null ? x.Pattern.Equals(value, StringComparison.OrdinalIgnoreCase) : context.Match(x.IgnoringCase, value, span)?.Success == true))
                    context.Report(EvaluationDiagnostics.ReplaceUnverified(span, "Some values match a pattern of replace only when case is ignored; the evaluator compares case-sensitively and leaves them, and Splunk's reference does not say how replace compares case."));
                return null;
            }
            if (tie)
                context.Report(EvaluationDiagnostics.ReplaceUnverified(span, "Some values match two wildcard patterns of replace that are equally full; the evaluator takes the first written, a choice Splunk's reference leaves open."));
            var groups = chosen.Match.Groups;
            if (chosen.Rule.Stars > 1 && context.Match(chosen.Rule.Lazy!, value, span) is { Success: true } lazy
                && Enumerable.Range(1, groups.Count - 1).Any(g => groups[g].Value != lazy.Groups[g].Value))
                context.Report(EvaluationDiagnostics.ReplaceUnverified(span, "Some values can be split between the wildcards of a replace pattern in more than one way; the evaluator lets each '*' match as much as it can, from the left, which Splunk's reference does not state."));
            if (!chosen.Rule.Replacement.Contains('*', StringComparison.Ordinal)) return chosen.Rule.Replacement;
            var parts = chosen.Rule.Replacement.Split('*');
            var sb = new StringBuilder(parts[0]);
            for (var i = 1; i < parts.Length; i++) sb.Append(groups[i].Value).Append(parts[i]);
            return sb.ToString();
        }

        // ------------------------------------------------------------------ addtotals

        /// <summary>addtotals (Splunk Search Reference, "addtotals"): the sum of the numeric values of the listed fields
        /// (wildcards allowed), or of every numeric field not starting with <c>_</c> when none is listed, in
        /// <c>fieldname</c> (default Total). Missing, non-numeric and multivalue fields add nothing; a row with no
        /// numeric value gets no total (EVL0029).</summary>
        private void AddTotals(AddTotalsStage a, Event row)
        {
            var fields = a.Fields.Length > 0 ? Matches(row, a.Fields) : row.Fields.Where(f => !f.StartsWith('_') && f != a.FieldName).ToList();
            var sum = 0.0;
            var any = false;
            foreach (var field in fields)
            {
                var value = row[field];
                if (value.Kind is FieldValueKind.String or FieldValueKind.Number && value.TryGetNumber(out var n))
                {
                    sum += n;
                    any = true;
                }
            }
            if (any) row.Set(a.FieldName, FieldValue.Number(sum));
            else context.Report(EvaluationDiagnostics.AddTotalsNoNumber(a.Span, a.FieldName));
        }
    }
}
