using ExfilQuery.Ir;

namespace ExfilQuery.Evaluation;

public static partial class DetectionEvaluator
{
    private sealed partial class Runner
    {
        /// <summary>The table <c>lookup</c> reads: the lookup provider's, else the table a known external lookup's
        /// script returns for the rows' input values (<see cref="ExternalLookups"/>), else null with EVL0012.</summary>
        private LookupTable? LookupTableFor(LookupStage l, List<Event> rows)
        {
            if (Options.Lookups?.Find(l.Table, out _) is { } provided) return provided;
            if (ExternalLookups.InputField(l.Table) is not { } input) return FindTable(l.Table, l.Span);
            if (l.Inputs.Length != 1 || l.Inputs[0].LookupField != input)
            {
                context.Report(EvaluationDiagnostics.LookupMissing(l.Span, l.Table, $"its script takes one input field, '{input}'."));
                return null;
            }
            var field = l.Inputs[0].EventField;
            if (rows.Any(r => r[field].Values.Length > 1)) context.Report(EvaluationDiagnostics.ExternalLookupMultivalue(l.Span, l.Table, field));
            return ExternalLookups.TableFor(l.Table, rows.SelectMany(r => r[field].Values));
        }

        /// <summary>outlier (Splunk Search Reference, "outlier", Usage: "If a field value in an event is less than
        /// (25th percentile) - param*IQR or greater than (75th percentile) + param*IQR, that field is transformed or
        /// that event is removed based on the action parameter"; values below are outliers only with uselower).
        /// Each field's quartiles are taken over the single numeric values it has in all the rows (a multivalue or
        /// non-numeric value is not a number here and is left alone); with no field list, every field is examined,
        /// as the reference says. The percentiles interpolate between the closest ranks, as exactperc does; the
        /// reference does not name a method, so EVL0019 reports when the nearest-rank method would judge a value
        /// differently.</summary>
        private List<Event> Outlier(OutlierStage o, List<Event> rows)
        {
            var fields = o.Fields.Length > 0 ? o.Fields.ToList() : rows.SelectMany(r => r.Fields).Distinct(StringComparer.Ordinal).ToList();
            var removed = new HashSet<Event>(ReferenceEqualityComparer.Instance);
            foreach (var field in fields)
            {
                var numbers = new List<(Event Row, double Value)>();
                foreach (var row in rows)
                    if (row[field] is { Kind: not FieldValueKind.Multi } v && v.AsNumber() is { } n) numbers.Add((row, n));
                if (numbers.Count == 0) continue;
                var sorted = numbers.Select(x => x.Value).Order().ToArray();
                var (low, high) = OutlierBounds(sorted, o, interpolate: true);
                var (nearestLow, nearestHigh) = OutlierBounds(sorted, o, interpolate: false);
                bool IsOutlier(double v, double lo, double hi) => v > hi || (o.UseLower && v < lo);
                var disagreements = numbers.Count(x => IsOutlier(x.Value, low, high) != IsOutlier(x.Value, nearestLow, nearestHigh));
                if (disagreements > 0) context.Report(EvaluationDiagnostics.OutlierQuartiles(o.Span, field, disagreements));
                foreach (var (row, value) in numbers)
                {
                    if (!IsOutlier(value, low, high)) continue;
                    if (o.Remove)
                    {
                        removed.Add(row);
                        continue;
                    }
                    var threshold = value > high ? high : low;
                    row.Set(field, o.Mark ? FieldValue.String("000" + FieldValue.FormatNumber(threshold)) : FieldValue.Number(threshold));
                }
            }
            return removed.Count == 0 ? rows : rows.Where(r => !removed.Contains(r)).ToList();
        }

        /// <summary>[Q1 - param*IQR, Q3 + param*IQR] over sorted values, with the 25th and 75th percentiles either
        /// interpolated between the closest ranks (rank p*(n-1), from 0) or taken at the nearest rank (the
        /// ceil(p*n)-th value, from 1).</summary>
        private static (double Low, double High) OutlierBounds(double[] sorted, OutlierStage o, bool interpolate)
        {
            double Quartile(double p)
            {
                if (!interpolate) return sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];
                var rank = p * (sorted.Length - 1);
                var below = (int)Math.Floor(rank);
                return below + 1 < sorted.Length ? sorted[below] + (sorted[below + 1] - sorted[below]) * (rank - below) : sorted[below];
            }
            var (q1, q3) = (Quartile(0.25), Quartile(0.75));
            return (q1 - o.Param * (q3 - q1), q3 + o.Param * (q3 - q1));
        }
    }
}
