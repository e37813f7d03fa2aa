using System.Collections.Immutable;
using ExfilQuery.Ir;

namespace ExfilQuery.Evaluation;

// A subsearch used as a search term (`... [search ... | fields a b]`). Splunk runs the subsearch first and applies
// the format command to its results (Search Manual, "Change the format of subsearch results"; SPL Search Reference,
// "format"): every result row becomes `(a="v1" AND b="v2")`, the rows are joined with OR, a multivalue field's
// values are joined with OR (format's mvsep default), fields whose names begin with an underscore are ignored, and
// no results give `NOT ( )`, which matches nothing. The values are quoted search values, so they compare
// case-insensitively and a `*` in a value is a wildcard. A subsearch returns at most 10,000 results by default
// (SPL Search Reference, "append": "By default, subsearches return a maximum of 10,000 results"; limits.conf
// [subsearch] maxout). The fields `search` and `query` are inserted as raw search text by format; the evaluator does
// not parse them (EVL0008).
public static partial class DetectionEvaluator
{
    private sealed partial class Runner
    {
        /// <summary>Splunk's default limit on the results a subsearch returns (limits.conf [subsearch] maxout).</summary>
        private const int SubsearchMaxResults = 10000;

        /// <summary>Each subsearch's formatted condition, computed once per evaluation.</summary>
        private readonly Dictionary<SubsearchPredicate, Predicate> _subsearchConditions = new(ReferenceEqualityComparer.Instance);

        private bool SubsearchMatches(SubsearchPredicate s, Event row)
        {
            if (!_subsearchConditions.TryGetValue(s, out var condition))
            {
                condition = Format(s, Run(s.Subsearch, _events ?? []));
                _subsearchConditions[s] = condition;
            }
            return Test(condition, row);
        }

        /// <summary>The search condition the format command makes of a subsearch's results.</summary>
        private Predicate Format(SubsearchPredicate s, List<Event> results)
        {
            var rows = ImmutableArray.CreateBuilder<Predicate>();
            foreach (var result in results.Take(SubsearchMaxResults))
            {
                var fields = ImmutableArray.CreateBuilder<Predicate>();
                foreach (var field in result.Fields)
                {
                    if (field.StartsWith('_')) continue;
                    if (field is "search" or "query")
                    {
                        context.Report(EvaluationDiagnostics.UnsupportedPredicate(s.Span,
                            $"A subsearch field named '{field}' is inserted as search text by Splunk; the evaluator does not parse it, so the subsearch is treated as true."));
                        return new TruePredicate { Span = s.Span };
                    }
                    var values = result[field].Values;
                    if (values.Length == 0) continue;
                    var any = values.Select(v => (Predicate)new FieldMatchPredicate(field, new ValuePattern(v, [.. v.Split('*')]), CaseSensitive: false) { Span = s.Span }).ToImmutableArray();
                    fields.Add(any.Length == 1 ? any[0] : new OrPredicate(any) { Span = s.Span });
                }
                if (fields.Count > 0) rows.Add(new AndPredicate(fields.ToImmutable()) { Span = s.Span });
            }
            // No rows: `NOT ( )` matches nothing; an empty OR is false.
            return new OrPredicate(rows.ToImmutable()) { Span = s.Span };
        }
    }
}
