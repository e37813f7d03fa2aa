using ExfilQuery.Ir;
using ExfilQuery.Mapping;

namespace ExfilQuery.Evaluation;

public static partial class DetectionEvaluator
{
    private sealed partial class Runner
    {
        /// <summary>The rows of a data model dataset for tstats. An event that already carries the dataset's field
        /// names (<c>Processes.process_name</c>) is taken as it is (EVL0002); any other event is mapped through the
        /// CIM source mapping (the first source of the dataset whose conditions it meets) into a row with the base
        /// fields (<c>_time</c>, <c>host</c>, <c>source</c>, <c>sourcetype</c>) and <c>Dataset.field</c> for each
        /// derived field; events no source takes are not in the dataset. Every row also gets <c>nodename</c>: the
        /// dataset and each child node whose constraint it meets, which is what <c>where nodename=...</c> tests.</summary>
        private List<Event> DataModelRows(DataModelSource d, List<Event> events, Detection detection)
        {
            var mapping = Options.CimSources ?? CimSourceMapping.Default;
            var canonical = CimCatalog.Default.Canonicalize(d.Name) ?? d.Name;
            var datasetName = canonical[(canonical.IndexOf('.') + 1)..];
            var prefix = datasetName + ".";
            var nodes = mapping.Nodes.Values.Where(n => n.Dataset == canonical).ToList();
            CheckNodeNames(detection, datasetName, canonical, nodes);

            var hasSources = mapping.TryGetSources(canonical, out _);
            var premapped = false;
            var rows = new List<Event>();
            foreach (var e in events)
            {
                Event row;
                if (e.Fields.Any(f => f.StartsWith(prefix, StringComparison.Ordinal)))
                {
                    premapped = true;
                    row = e;
                }
                else
                {
                    IReadOnlyList<string> Raw(string field) => e[field].Values;
                    if (mapping.Select(canonical, Raw) is not { } source) continue;
                    row = new Event();
                    foreach (var baseField in new[] { "_time", "host", "source", "sourcetype" })
                        if (e.Has(baseField)) row.Set(baseField, e[baseField]);
                    foreach (var (name, rule) in source.Fields)
                    {
                        var values = rule.Apply(Raw);
                        if (values.Count > 0) row.Set(prefix + name, values.Count == 1 ? FieldValue.String(values[0]) : FieldValue.Multi(values));
                    }
                }
                IReadOnlyList<string> Cim(string field) => row[prefix + field].Values;
                var names = new List<string> { datasetName };
                names.AddRange(nodes.Where(n => n.Constraint.All(c => c.Holds(Cim))).Select(n => n.Path));
                row.Set("nodename", FieldValue.Multi(names));
                rows.Add(row);
            }
            if (premapped) context.Report(EvaluationDiagnostics.DataModelPremapped(d.Span, d.Name));
            else if (!hasSources) context.Report(EvaluationDiagnostics.DataModelUnmapped(d.Span, canonical));
            return rows;
        }

        /// <summary>Search-time add-on fields for raw searches (<see cref="EvaluationOptions.AddOnFields"/>): the
        /// first source of any dataset that takes the event adds its derived CIM fields without the dataset prefix,
        /// then every source of <see cref="AddOnFieldMapping.Default"/> that takes it adds its add-on fields
        /// (<c>Logon_ID</c>, ...). A field the event already has is kept.</summary>
        private void AddOnFields(List<Event> rows)
        {
            var mapping = Options.CimSources ?? CimSourceMapping.Default;
            var addOn = AddOnFieldMapping.Default;
            foreach (var row in rows)
            {
                IReadOnlyList<string> Raw(string field) => row[field].Values;
                var source = mapping.Datasets.Keys.Select(d => mapping.Select(d, Raw)).FirstOrDefault(s => s is not null);
                if (source is not null) AddFields(row, source, Raw);
                foreach (var extra in addOn.Sources.Where(s => s.Matches(Raw)).ToList()) AddFields(row, extra, Raw);
            }
        }

        private static void AddFields(Event row, CimSourceRule source, Func<string, IReadOnlyList<string>> raw)
        {
            foreach (var (name, rule) in source.Fields)
            {
                if (row.Has(name)) continue;
                var values = rule.Apply(raw);
                if (values.Count > 0) row.Set(name, values.Count == 1 ? FieldValue.String(values[0]) : FieldValue.Multi(values));
            }
        }

        /// <summary><c>nodename=X</c> in the tstats where clause must name the dataset or a node the mapping knows
        /// (its constraint is data); any other is EVL0011 and matches nothing.</summary>
        private void CheckNodeNames(Detection detection, string datasetName, string canonical, List<CimNode> nodes)
        {
            foreach (var predicate in detection.Stages.OfType<FilterStage>().Take(1).SelectMany(f => Flatten(f.Predicate)))
            {
                if (predicate is not FieldMatchPredicate { Field: "nodename" } m) continue;
                var name = m.Pattern.Literal;
                if (!name.Equals(datasetName, StringComparison.OrdinalIgnoreCase) && !nodes.Any(n => n.Path.Equals(name, StringComparison.OrdinalIgnoreCase)))
                    context.Report(EvaluationDiagnostics.UnknownNode(m.Span, name, canonical));
            }
        }

        private static IEnumerable<Predicate> Flatten(Predicate p) => p switch
        {
            AndPredicate a => a.Operands.SelectMany(Flatten),
            OrPredicate o => o.Operands.SelectMany(Flatten),
            NotPredicate n => Flatten(n.Operand),
            _ => [p],
        };
    }
}
