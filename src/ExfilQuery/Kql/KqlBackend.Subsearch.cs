using ExfilQuery.Diagnostics;
using ExfilQuery.Ir;

namespace ExfilQuery.Kql;

// A subsearch used as a search term (`... [search ... | fields a b]`). Splunk runs it first and its implicit format
// command turns the result rows into `(a="v1" AND b="v2") OR (...)` (Search Manual, "Change the format of subsearch
// results": fields starting with `_` are ignored, the fields `search` and `query` are inserted as search text;
// SPL Search Reference, "format": no results give `NOT ( )`, which matches nothing). The KQL tests membership in
// the subsearch's values (`in~`, one field) or in its value combinations (several fields, lower-cased):
//
//   where tostring(user) in~ ((Events | where ... | summarize by user) | project _sv = tostring(user) | where isnotempty(_sv))
//
// Two differences stay, and are reported: the values are search values in Splunk, so a `*` in a value is a
// wildcard, while KQL compares them as text; and a subsearch returns at most 10,000 results by default (limits.conf
// [subsearch] maxout; SPL Search Reference, "append"), while KQL reads all of them.
internal sealed partial class KqlWriter
{
    private string SubsearchCondition(SubsearchPredicate s)
    {
        var sub = SubsearchWriter();
        var text = InlineLets(sub.Write(s.Subsearch));
        MergeFrom(sub);
        if (!sub._closed)
            return SubsearchUnsupported(s, "The subsearch returns events: Splunk builds the condition from every field of each event, which the translation cannot know; end the subsearch with fields, table or stats.");
        var fields = KnownFields(sub).Where(f => !f.StartsWith('_')).ToList();
        if (fields.FirstOrDefault(f => f is "search" or "query") is { } special)
            return SubsearchUnsupported(s, $"A subsearch field named '{special}' is inserted into the search as text by Splunk; this is not translated.");
        if (fields.Count == 0)
            return SubsearchUnsupported(s, "The subsearch returns no field that Splunk turns into a condition (fields starting with '_' are ignored).");
        if (fields.FirstOrDefault(f => sub.TypeOf(f) == KType.Dynamic || TypeOf(f) == KType.Dynamic) is { } several)
            return SubsearchUnsupported(s, $"'{several}' holds several values here; a subsearch condition on it is not translated.");
        var approximation = "Values the subsearch returns are search values in Splunk: a '*' in a value is a wildcard, compared here as text; and Splunk uses at most the first 10,000 subsearch results (limits.conf [subsearch] maxout), KQL all of them.";
        string key, subKey;
        if (fields.Count == 1)
        {
            key = Str(new Typed(Column(fields[0]), TypeOf(fields[0]))).Text;
            subKey = Str(new Typed(sub.Column(fields[0]), sub.TypeOf(fields[0]))).Text;
            Diagnostics.Add(DiagnosticFacts.KqlApproximation(s.Span, approximation));
            return $"{key} in~ (({text}) | project _sv = {subKey} | where isnotempty(_sv))";
        }
        // Several fields: a row matches when one subsearch row has all its values (case-insensitively). A
        // subsearch row missing some of the fields is a shorter condition in Splunk; here it matches nothing.
        key = $"tostring(pack_array({string.Join(", ", fields.Select(f => $"tolower({Str(new Typed(Column(f), TypeOf(f))).Text})"))}))";
        subKey = $"tostring(pack_array({string.Join(", ", fields.Select(f => $"tolower({Str(new Typed(sub.Column(f), sub.TypeOf(f))).Text})"))}))";
        var present = string.Join(" and ", fields.Select(f => $"isnotempty({Str(new Typed(sub.Column(f), sub.TypeOf(f))).Text})"));
        Diagnostics.Add(DiagnosticFacts.KqlApproximation(s.Span, approximation
            + " A subsearch row without one of the fields (" + string.Join(", ", fields) + ") is a condition on its other fields in Splunk; here it matches nothing."));
        return $"{key} in (({text}) | where {present} | project _sv = {subKey})";
    }

    private string SubsearchUnsupported(SubsearchPredicate s, string detail)
    {
        Diagnostics.Add(DiagnosticFacts.KqlUnsupported(s.Span, detail));
        return "true";
    }
}
