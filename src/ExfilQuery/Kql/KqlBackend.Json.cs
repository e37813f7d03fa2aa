using System.Text;
using ExfilQuery.Diagnostics;
using ExfilQuery.Ir;

namespace ExfilQuery.Kql;

// spath, replace and addtotals; the meaning is the evaluator's (DetectionEvaluator.Json.cs).
internal sealed partial class KqlWriter
{
    /// <summary>spath with a path of member names and <c>{N}</c> indexes is a parse_json member chain; one
    /// <c>{}</c> (every element of an array, then an optional member chain) is an mv-apply that collects the values
    /// found as a multivalue (dynamic array) field. XML attributes, several <c>{}</c> and extraction without a path
    /// are not translated. A path that finds nothing leaves an output field that already exists as it was.</summary>
    private string? WriteSpath(SpathStage s)
    {
        if (s.Path.Length == 0)
            return Unsupported(s, "spath without a path extracts every field of the document under names only the data tells; this is not translated.");
        var before = new StringBuilder();
        StringBuilder? after = null;
        foreach (var step in s.Path.Split('.'))
        {
            var members = after ?? before;
            var brace = step.IndexOf('{', StringComparison.Ordinal);
            var name = brace < 0 ? step : step[..brace];
            var index = brace < 0 ? "" : step[brace..];
            if (name.Contains('}', StringComparison.Ordinal) || name.Length == 0 && index.Length == 0)
                return Unsupported(s, $"spath path={s.Path} is not a spath location path.");
            if (name.Length > 0) members.Append('[').Append(KqlSyntax.Quote(name)).Append(']');
            if (index.Length == 0) continue;
            if (index == "{}" && after is null)
            {
                after = new StringBuilder();
                continue;
            }
            if (index.Contains("{}", StringComparison.Ordinal))
                return Unsupported(s, $"spath path={s.Path} reads the elements of arrays inside arrays; only one {{}} is translated.");
            if (index.Length < 3 || index[^1] != '}' || !int.TryParse(index[1..^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
                return Unsupported(s, $"spath path={s.Path} reads an XML attribute or a step KQL's JSON access has no form for.");
            members.Append('[').Append(n.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(']');
        }
        if (before.Length == 0 && after is null) return Unsupported(s, $"spath path={s.Path} is not a member path.");
        var value = $"parse_json({Str(new Typed(Column(s.Input), TypeOf(s.Input))).Text}){before}";
        if (after is not null) return WriteSpathArray(s, value, after.ToString());
        Diagnostics.Add(DiagnosticFacts.KqlApproximation(s.Span, "spath also reads XML; the translation reads the input as JSON only, with parse_json, which rewrites numbers (1.50 becomes 1.5) and re-serialises objects and arrays, and gives JSON null as an empty value where Splunk writes 'null'; an index {N} counts from 0, which Splunk's SPL reference does not state."));
        var existing = _types.ContainsKey(s.Output) ? Str(new Typed(Column(s.Output), TypeOf(s.Output))).Text : null;
        var target = Target(s.Output, KType.String);
        return existing is null
            ? $"extend {target} = tostring({value})"
            : $"extend {target} = iff(isnull({value}), {existing}, tostring({value}))";
    }

    /// <summary>spath <c>a{}.b</c>: each element of the array at <paramref name="array"/> (padded to one null element
    /// when it is missing, empty or not an array, so the row stays), its <paramref name="member"/> chain when that
    /// exists, as text, collected in the element order.</summary>
    private string? WriteSpathArray(SpathStage s, string array, string member)
    {
        if (_types.ContainsKey(s.Output))
            return Unsupported(s, $"spath path={s.Path} into '{s.Output}', a field that already exists (kept by Splunk when the path finds nothing), is not translated.");
        Diagnostics.Add(DiagnosticFacts.KqlApproximation(s.Span, "spath also reads XML; the translation reads the input as JSON only, with parse_json, which rewrites numbers (1.50 becomes 1.5) and re-serialises objects, and leaves out JSON null values where Splunk writes 'null'; the values are a dynamic array, also when there is one (Splunk: a plain value) or none (Splunk: no field)."));
        var n = (++_multivalueCounter).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var element = "__mv" + n;
        var collected = "__spath" + n;
        var value = element + member;
        _orderLost = true;
        return $"extend {element} = iff(array_length({array}) > 0, {array}, dynamic([null]))\n"
            + $"| mv-apply {element} on (summarize {collected} = make_list_if(tostring({value}), isnotnull({value})))\n"
            + $"| extend {Target(s.Output, KType.Dynamic)} = {collected}\n"
            + $"| project-away {collected}";
    }

    /// <summary>replace IN fields: per field a case() over the patterns in the evaluator's order of precedence (the
    /// last literal pattern that equals the value, then the fullest wildcard pattern, the first written on a tie),
    /// each wildcard pattern an anchored, case-sensitive RE2 regex whose groups replace_regex writes back.</summary>
    private string? WriteReplace(ReplaceStage r)
    {
        if (r.Fields.Length == 0)
            return Unsupported(r, "replace without IN changes every field (but those stats or eval made); KQL must name the columns.");
        if (r.Fields.Any(f => f.Contains('*', StringComparison.Ordinal)))
            return Unsupported(r, "replace IN with wildcard field names is not translated.");
        var literals = r.Pairs.Where(p => !p.Pattern.Contains('*', StringComparison.Ordinal)).Reverse();
        var wildcards = r.Pairs.Where(p => p.Pattern.Contains('*', StringComparison.Ordinal))
            .OrderByDescending(p => p.Pattern.Length - p.Pattern.Count(c => c == '*'));
        if (r.Pairs.Any(p => p.Pattern.All(c => c == '*')))
            Diagnostics.Add(DiagnosticFacts.KqlApproximation(r.Span, "A replace pattern matches the empty value: KQL cannot tell an empty field from a missing one, so missing fields get the replacement too, where Splunk leaves them missing."));
        var parts = new List<string>();
        foreach (var field in r.Fields.Distinct(StringComparer.Ordinal))
        {
            var type = TypeOf(field);
            if (type != KType.String)
                return Unsupported(r, $"replace on '{field}', a {type} column (a multivalue or typed field), is not translated.");
            var source = Column(field);
            var cases = new List<string>();
            foreach (var (pattern, replacement) in literals)
                cases.Add($"{source} == {KqlSyntax.Quote(pattern)}, {KqlSyntax.Quote(replacement)}");
            foreach (var (pattern, replacement) in wildcards)
            {
                var regex = KqlSyntax.Quote("(?s)^" + string.Join("(.*)", pattern.Split('*').Select(KqlSyntax.RegexEscape)) + "$");
                var pieces = replacement.Split('*').Select(x => x.Replace("\\", "\\\\", StringComparison.Ordinal)).ToList();
                var rewrite = new StringBuilder(pieces[0]);
                for (var i = 1; i < pieces.Count; i++) rewrite.Append('\\').Append(i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(pieces[i]);
                cases.Add($"{source} matches regex {regex}, replace_regex({source}, {regex}, {KqlSyntax.Quote(rewrite.ToString())})");
            }
            parts.Add($"{Target(field, KType.String)} = case({string.Join(", ", cases)}, {source})");
        }
        return "extend " + string.Join(", ", parts);
    }

    /// <summary>addtotals over listed fields: each value that reads as a number by the evaluator's rule (invariant
    /// decimal or exponent form, no spaces, finite) is added; with none the total stays empty, as the evaluator
    /// writes none.</summary>
    private string? WriteAddTotals(AddTotalsStage a)
    {
        if (a.Fields.Length == 0 || a.Fields.Any(f => f.Contains('*', StringComparison.Ordinal)))
            return Unsupported(a, "addtotals without a field list, or with wildcards, sums fields only the data tells; KQL must name the columns.");
        if (_types.ContainsKey(a.FieldName))
            return Unsupported(a, $"addtotals into '{a.FieldName}', a field that already exists (kept by Splunk in rows without a number), is not translated.");
        var terms = a.Fields.Distinct(StringComparer.Ordinal).Select(f =>
        {
            var type = TypeOf(f);
            if (IsNumeric(type)) return $"todouble({Column(f)})";
            var text = Str(new Typed(Column(f), type)).Text;
            return $"iff({text} matches regex {KqlSyntax.Quote(@"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$")} and isfinite(todouble({text})), todouble({text}), real(null))";
        }).ToList();
        return $"extend {Target(a.FieldName, KType.Real)} = iff({string.Join(" and ", terms.Select(t => $"isnull({t})"))}, real(null), 0.0 + {string.Join(" + ", terms.Select(t => $"coalesce({t}, 0.0)"))})";
    }
}
