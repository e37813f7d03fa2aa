using System.Text;
using System.Text.RegularExpressions;
using ExfilQuery.Ir;

namespace ExfilQuery.Evaluation;

public static partial class DetectionEvaluator
{
    private sealed partial class Runner
    {
        /// <summary>Stages beyond the first slice: combining (join, append, appendpipe, map), lookup, top/rare,
        /// transaction, iplocation, xmlkv, outlier and foreach, then spath, fromjson, replace and addtotals; null for a stage neither file knows.</summary>
        private List<Event>? ApplyMore(Stage stage, List<Event> rows) => stage switch
        {
            JoinStage j => Join(j, rows),
            AppendStage { OverCurrentRows: false } a => [.. rows, .. Subsearch(a.Subsearch, "append", a.Span)],
            AppendStage a => [.. rows, .. RunStages(a.Subsearch, rows.Select(r => new Event(r)).ToList())],
            MapStage m => MapRows(m, rows),
            LookupStage l => Lookup(l, rows),
            TopStage t => Top(t, rows),
            TransactionStage t => Transaction(t, rows),
            IpLocationStage i => IpLocation(i, rows),
            XmlKvStage x => XmlKv(x, rows),
            OutlierStage o => Outlier(o, rows),
            ForeachStage f => Foreach(f, rows),
            ForeachValuesStage f => ForeachValues(f, rows),
            _ => ApplyJson(stage, rows),
        };

        /// <summary>The rows of a subsearch over the same events, cut at <see cref="EvaluationOptions.MaxSubsearchRows"/>.</summary>
        private List<Event> Subsearch(Detection subsearch, string command, Text.TextSpan span)
        {
            var rows = Run(subsearch, _events!);
            if (rows.Count <= Options.MaxSubsearchRows) return rows;
            context.Report(EvaluationDiagnostics.SubsearchLimit(span, command, Options.MaxSubsearchRows));
            return rows.Take(Options.MaxSubsearchRows).ToList();
        }

        /// <summary>join (Splunk Search Reference, "join"): each main row is combined with up to <c>max</c>
        /// subsearch rows (0: all) that have the same values of the join fields (all fields the two share when none
        /// are listed); subsearch values overwrite (overwrite=true by default). Values compare exactly, case-sensitive.
        /// A main row without a match, or missing a join field, is dropped by type=inner and kept by outer/left.</summary>
        private List<Event> Join(JoinStage j, List<Event> rows)
        {
            var type = j.Type.ToLowerInvariant();
            if (type is not ("inner" or "outer" or "left"))
            {
                context.Report(EvaluationDiagnostics.UnsupportedStage(j.Span, "join", $"type={j.Type} is not a join type"));
                return rows;
            }
            var sub = Subsearch(j.Subsearch, "join", j.Span);
            var index = new Dictionary<string, List<Event>>(StringComparer.Ordinal);
            var subFields = sub.SelectMany(s => s.Fields).ToHashSet(StringComparer.Ordinal);
            var fieldsFor = new Func<Event, IReadOnlyList<string>>(row => j.Fields.Length > 0 ? j.Fields : row.Fields.Where(subFields.Contains).ToList());
            var result = new List<Event>();
            if (j.Fields.Length > 0)
                foreach (var s in sub)
                    if (JoinKey(s, j.Fields) is { } key)
                    {
                        if (!index.TryGetValue(key, out var list)) index[key] = list = [];
                        list.Add(s);
                    }
            foreach (var row in rows)
            {
                var fields = fieldsFor(row);
                var key = fields.Count == 0 ? null : JoinKey(row, fields);
                List<Event> matches;
                if (key is null) matches = [];
                else if (j.Fields.Length > 0) matches = index.TryGetValue(key, out var found) ? found : [];
                else matches = sub.Where(s => JoinKey(s, fields) == key).ToList();
                if (matches.Count == 0)
                {
                    if (type != "inner") result.Add(row);
                    continue;
                }
                foreach (var match in j.Max > 0 ? matches.Take(j.Max) : matches)
                {
                    var combined = new Event(row);
                    foreach (var (field, value) in match) combined.Set(field, value);
                    result.Add(combined);
                }
            }
            return result;
        }

        private static string? JoinKey(Event row, IReadOnlyList<string> fields)
        {
            var sb = new StringBuilder();
            foreach (var f in fields)
            {
                var v = row[f];
                if (v.IsNull) return null;
                sb.Append(string.Join("\u0002", v.Values)).Append('\u0001');
            }
            return sb.ToString();
        }

        /// <summary>map (Splunk Search Reference, "map"): for each input row, up to maxsearches, the search with every
        /// <c>$field$</c> replaced by the row's value (a missing field gives an empty value) is parsed, with the
        /// evaluation's macros, and run over the events; the result is the rows of all runs in order.</summary>
        private List<Event> MapRows(MapStage m, List<Event> rows)
        {
            if (rows.Count > m.MaxSearches) context.Report(EvaluationDiagnostics.MapLimit(m.Span, m.MaxSearches, rows.Count));
            var result = new List<Event>();
            foreach (var row in rows.Take(Math.Max(0, m.MaxSearches)))
            {
                var text = Regex.Replace(m.Search, @"\$([^$\s]+)\$", x => string.Join(" ", row[x.Groups[1].Value].Values), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
                var parse = Spl.Parse(text, ParseOptions.Default.WithMacros(Options.Macros));
                var lowered = Lowering.Lower(parse);
                var errors = parse.Diagnostics.Concat(lowered.Diagnostics).Where(d => d.IsError).ToList();
                if (errors.Count > 0)
                {
                    context.Report(EvaluationDiagnostics.InnerSearch(m.Span, text, $"does not parse: {errors[0].Code} {errors[0].Message}"));
                    continue;
                }
                var inner = new EvaluationContext(Options);
                var runner = new Runner(inner);
                result.AddRange(runner.Run(lowered.Detection, _events!));
                foreach (var d in inner.Diagnostics) context.Report(EvaluationDiagnostics.InnerDiagnostic(m.Span, d));
            }
            return result;
        }
    }
}
