using System.Collections.Immutable;
using System.Net;
using ExfilQuery.Ir;

namespace ExfilQuery.Evaluation;

public static partial class DetectionEvaluator
{
    /// <summary>Commands with side effects outside the search (Splunk Search Reference): never executed. The first
    /// three generate rows from outside the events, so a search that starts with one has none.</summary>
    private static readonly ImmutableSortedDictionary<string, bool> SideEffectCommands = new Dictionary<string, bool>
    {
        ["rest"] = true, ["script"] = true, ["run"] = true,
        ["outputlookup"] = false, ["outputcsv"] = false, ["collect"] = false, ["sendemail"] = false, ["sendalert"] = false, ["delete"] = false,
    }.ToImmutableSortedDictionary(StringComparer.Ordinal);

    private sealed partial class Runner
    {
        /// <summary>outputlookup, outputcsv, collect, sendemail, sendalert and delete pass their rows through
        /// unexecuted; rest, script and run give no rows. Null for any other command.</summary>
        private List<Event>? SideEffect(UnsupportedStage u, List<Event> rows)
        {
            if (!SideEffectCommands.TryGetValue(u.Command.ToLowerInvariant(), out var generates)) return null;
            context.Report(EvaluationDiagnostics.SideEffectRefused(u.Span, u.Command, generates
                ? "it reads from outside the events, so the search continues with no rows."
                : "its rows pass through unchanged and nothing is written or sent."));
            return generates ? [] : rows;
        }

        // ------------------------------------------------------------------ lookups

        private LookupTable? FindTable(string name, Text.TextSpan span)
        {
            if (Options.Lookups is null)
            {
                context.Report(EvaluationDiagnostics.LookupMissing(span, name, "no lookup folder or provider was given (EvaluationOptions.Lookups)."));
                return null;
            }
            var table = Options.Lookups.Find(name, out var reason);
            if (table is null) context.Report(EvaluationDiagnostics.LookupMissing(span, name, reason ?? "not found."));
            return table;
        }

        /// <summary>inputlookup: the table's rows, one field per non-empty cell, in file order.</summary>
        private List<Event> InputLookup(LookupTableSource l)
        {
            if (FindTable(l.Table, l.Span) is not { } table) return [];
            var rows = new List<Event>();
            foreach (var cells in table.Rows)
            {
                var row = new Event();
                for (var i = 0; i < table.Columns.Length; i++)
                    if (cells[i].Length > 0) row.Set(table.Columns[i], cells[i]);
                rows.Add(row);
            }
            return rows;
        }

        /// <summary>lookup (Splunk Search Reference, "lookup"): a table row matches when, for every input field, its
        /// cell equals one of the event's values (case-sensitive unless the definition says otherwise; <c>*</c> in
        /// cells of WILDCARD fields). Outputs are the OUTPUT fields, or every other column; several matching rows give
        /// multivalue fields. OUTPUT (or no clause) overwrites, and clears the output fields of an event without a
        /// match; OUTPUTNEW leaves events that already have the output fields alone.</summary>
        private List<Event> Lookup(LookupStage l, List<Event> rows)
        {
            if (LookupTableFor(l, rows) is not { } table) return rows;
            var inputs = l.Inputs.Select(i => (Column: table.IndexOf(i.LookupField), i.EventField)).ToList();
            var missing = l.Inputs.Where((_, i) => inputs[i].Column < 0).Select(i => i.LookupField).ToList();
            if (missing.Count > 0)
            {
                context.Report(EvaluationDiagnostics.LookupMissing(l.Span, l.Table, $"it has no column '{missing[0]}'."));
                return rows;
            }
            var outputs = l.Outputs.Length > 0
                ? l.Outputs.Select(o => (Column: table.IndexOf(o.LookupField), o.EventField)).ToList()
                : table.Columns.Select((c, i) => (Column: i, EventField: c)).Where(c => !l.Inputs.Any(x => x.LookupField == table.Columns[c.Column])).ToList();
            foreach (var o in outputs.Where(o => o.Column < 0))
                context.Report(EvaluationDiagnostics.LookupMissing(l.Span, l.Table, $"it has no output column named for '{o.EventField}'; that output stays empty."));
            var comparison = table.CaseSensitiveMatch ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
            foreach (var row in rows)
            {
                if (l.OutputNew && outputs.Count > 0 && outputs.All(o => row.Has(o.EventField))) continue;
                var matched = table.Rows.Where(cells => inputs.All(i =>
                {
                    var cell = cells[i.Column];
                    var values = row[i.EventField].Values;
                    if (table.WildcardFields.Contains(table.Columns[i.Column]) && cell.Contains('*'))
                        return values.Any(v => Matching.WildcardMatch(v, ValuePattern.FromSearchValue(cell), table.CaseSensitiveMatch));
                    return values.Any(v => string.Equals(v, cell, comparison));
                })).Take(1000).ToList();
                foreach (var (column, field) in outputs)
                {
                    if (l.OutputNew && row.Has(field)) continue;
                    var values = column < 0 ? [] : matched.Select(c => c[column]).Where(v => v.Length > 0).ToList();
                    row.Set(field, values.Count switch
                    {
                        0 => FieldValue.Null,
                        1 => FieldValue.String(values[0]),
                        _ => FieldValue.Multi(values),
                    });
                }
            }
            return rows;
        }

        // ------------------------------------------------------------------ top / rare

        /// <summary>top/rare (Splunk Search Reference, "top", "rare"): per by group, the combinations of the fields'
        /// values ordered by count (descending for top, ascending for rare; ties by value), the first <c>limit</c>
        /// (0: all) with count and percent of the group's rows that have the fields; useother adds the rest as one
        /// row. Rows missing a field or a by field are not counted.</summary>
        private List<Event> Top(TopStage t, List<Event> rows)
        {
            var groups = new Dictionary<string, (List<string> By, Dictionary<string, (List<string> Values, int Count)> Counts, int Total)>(StringComparer.Ordinal);
            var order = new List<string>();
            foreach (var row in rows)
            {
                if (t.By.Concat(t.Fields).Any(f => row[f].IsNull)) continue;
                var by = t.By.Select(f => row[f].AsString()!).ToList();
                var byKey = string.Join("\u0001", by);
                if (!groups.TryGetValue(byKey, out var g))
                {
                    g = (by, new Dictionary<string, (List<string>, int)>(StringComparer.Ordinal), 0);
                    order.Add(byKey);
                }
                foreach (var combination in Combinations(row, t.Fields))
                {
                    var key = string.Join("\u0001", combination);
                    g.Counts[key] = g.Counts.TryGetValue(key, out var c) ? (c.Values, c.Count + 1) : (combination, 1);
                }
                groups[byKey] = (g.By, g.Counts, g.Total + 1);
            }
            var result = new List<Event>();
            foreach (var byKey in order)
            {
                var (by, counts, total) = groups[byKey];
                var ranked = counts.Values.ToList();
                ranked.Sort((x, y) =>
                {
                    var c = t.Rare ? x.Count.CompareTo(y.Count) : y.Count.CompareTo(x.Count);
                    for (var i = 0; c == 0 && i < x.Values.Count; i++) c = Matching.CompareAuto(x.Values[i], y.Values[i]);
                    return c;
                });
                var kept = t.Limit > 0 ? ranked.Take(t.Limit).ToList() : ranked;
                foreach (var (values, count) in kept) result.Add(TopRow(t, by, values, count, total));
                if (t.UseOther && kept.Count < ranked.Count)
                    result.Add(TopRow(t, by, t.Fields.Select(_ => t.OtherValue).ToList(), ranked.Skip(kept.Count).Sum(x => x.Count), total));
            }
            return result;
        }

        private static IEnumerable<List<string>> Combinations(Event row, ImmutableArray<string> fields)
        {
            IEnumerable<List<string>> result = [[]];
            foreach (var f in fields)
            {
                var values = row[f].Values.Distinct(StringComparer.Ordinal).ToList();
                result = result.SelectMany(prefix => values.Select(v => new List<string>(prefix) { v })).ToList();
            }
            return result;
        }

        private static Event TopRow(TopStage t, List<string> by, List<string> values, int count, int total)
        {
            var row = new Event();
            for (var i = 0; i < t.By.Length; i++) row.Set(t.By[i], by[i]);
            for (var i = 0; i < t.Fields.Length; i++) row.Set(t.Fields[i], values[i]);
            if (t.ShowCount) row.Set(t.CountField, FieldValue.Number(count));
            if (t.ShowPercent) row.Set(t.PercentField, FieldValue.Number(total == 0 ? 0 : 100.0 * count / total));
            return row;
        }

        // ------------------------------------------------------------------ makemv

        /// <summary>makemv (Splunk Search Reference, "makemv"): a single value is split on every occurrence of the
        /// delimiter (default a space), or becomes the first capturing group of every match of the tokenizer (the
        /// whole match when it has no group); empty values are dropped unless allowempty=true. A field without a value
        /// or already multivalue is left as it is.</summary>
        private void MakeMultivalue(MakeMultivalueStage m, List<Event> rows)
        {
            var tokenizer = m.Tokenizer is null ? null : context.Regex(m.Tokenizer, m.Span);
            if (m.Tokenizer is not null && tokenizer is null) return;
            foreach (var row in rows)
            {
                var value = row[m.Field];
                if (value.Kind == FieldValueKind.Multi || value.AsString() is not { } text) continue;
                IEnumerable<string> parts;
                if (tokenizer is not null)
                {
                    var found = new List<string>();
                    var match = context.Match(tokenizer, text, m.Span);
                    while (match is { Success: true })
                    {
                        found.Add(match.Groups.Count > 1 ? match.Groups[1].Value : match.Value);
                        match = context.Next(match, tokenizer, m.Span);
                    }
                    parts = found;
                }
                else parts = string.IsNullOrEmpty(m.Delimiter) ? [text] : text.Split(m.Delimiter);
                var values = parts.Where(p => m.AllowEmpty || p.Length > 0).ToList();
                if (values.Count == 0) row.Remove(m.Field);
                else row.Set(m.Field, values.Count == 1 ? FieldValue.String(values[0]) : FieldValue.Multi(values));
            }
        }

        // ------------------------------------------------------------------ transaction

        /// <summary>transaction (Splunk Search Reference, "transaction"): events with the same values of the fields,
        /// taken in time order, form a transaction while they span less than maxspan (first to last event) and no pause
        /// between two events exceeds maxpause, an event meets startswith (it opens a new one), an event meets endswith (it
        /// closes this one) or maxevents is reached. A transaction that did not open with startswith or close with
        /// endswith (when given) is evicted: returned only with keepevicted=true (closed_txn=0). Each transaction row
        /// has _time (first event), duration, eventcount, _raw (the events' lines in time order) and every other
        /// field as the sorted set of its values (mvlist=false); newest transaction first.</summary>
        private List<Event> Transaction(TransactionStage t, List<Event> rows)
        {
            double? Span(string? text, string option)
            {
                if (text is null || text == "-1") return null;
                if (Spans.Seconds(text) is { } s) return s;
                context.Report(EvaluationDiagnostics.UnsupportedStage(t.Span, "transaction", $"{option}={text} is not read; it is ignored"));
                return null;
            }
            var maxSpan = Span(t.MaxSpan, "maxspan");
            var maxPause = Span(t.MaxPause, "maxpause");
            var ordered = rows.Select((r, i) => (Row: r, Index: i)).OrderBy(x => x.Row.Time ?? double.MinValue).ThenByDescending(x => x.Index).Select(x => x.Row).ToList();
            if (t.Fields.Length > 0 && ordered.Any(r => t.Fields.Any(f => r[f].IsNull)))
                context.Report(EvaluationDiagnostics.UnsupportedStage(t.Span, "transaction", "events missing one of the fields are left out; Splunk can join them to a transaction transitively (connected, unifyends)"));
            var open = new Dictionary<string, (List<Event> Events, bool Started)>(StringComparer.Ordinal);
            var closed = new List<(List<Event> Events, bool Complete)>();
            foreach (var row in ordered)
            {
                if (t.Fields.Any(f => row[f].IsNull)) continue;
                var key = string.Join("\u0001", t.Fields.Select(f => string.Join("\u0002", row[f].Values)));
                var time = row.Time ?? 0;
                var starts = t.StartsWith is not null && Test(t.StartsWith, row);
                if (open.TryGetValue(key, out var current))
                {
                    var first = current.Events[0].Time ?? 0;
                    var last = current.Events[^1].Time ?? 0;
                    // "The events in the transaction must span less than the integer specified for maxspan"
                    // (transactiontypes.conf.spec), while the pause "cannot be greater than" maxpause.
                    if ((maxSpan is { } ms && time - first >= ms) || (maxPause is { } mp && time - last > mp) || starts)
                    {
                        closed.Add((current.Events, current.Started && t.EndsWith is null));
                        open.Remove(key);
                    }
                }
                if (!open.TryGetValue(key, out current)) current = ([], t.StartsWith is null || starts);
                current.Events.Add(row);
                open[key] = current;
                if ((t.EndsWith is not null && Test(t.EndsWith, row)) || current.Events.Count >= t.MaxEvents)
                {
                    closed.Add((current.Events, current.Started && (t.EndsWith is null || Test(t.EndsWith, row))));
                    open.Remove(key);
                }
            }
            closed.AddRange(open.Values.Select(o => (o.Events, o.Started && t.EndsWith is null)));
            var result = new List<Event>();
            foreach (var (events, complete) in closed)
            {
                if (!complete && !t.KeepEvicted) continue;
                result.Add(TransactionRow(events, t.KeepEvicted ? complete : null));
            }
            return result.OrderByDescending(r => r.Time ?? double.MinValue).ToList();
        }

        private static Event TransactionRow(List<Event> events, bool? closedTxn)
        {
            var row = new Event();
            var first = events[0].Time;
            if (first is { } f) row.Time = f;
            foreach (var name in events.SelectMany(e => e.Fields).Distinct(StringComparer.Ordinal))
            {
                if (name is "_time" or "_raw") continue;
                var values = events.SelectMany(e => e[name].Values).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                row.Set(name, values.Count == 1 ? FieldValue.String(values[0]) : FieldValue.Multi(values));
            }
            var raws = events.Select(e => e.Raw).Where(r => r is not null).ToList();
            if (raws.Count > 0) row.Raw = string.Join("\n", raws);
            row.Set("duration", FieldValue.Number((events[^1].Time ?? 0) - (first ?? 0)));
            row.Set("eventcount", FieldValue.Number(events.Count));
            if (closedTxn is { } c) row.Set("closed_txn", c ? "1" : "0");
            return row;
        }

        // ------------------------------------------------------------------ iplocation, xmlkv

        /// <summary>iplocation (Splunk Search Reference, "iplocation"): City, Country, Region, lat, lon (and with
        /// allfields=true Continent, MetroCode, Timezone), prefixed, from the caller's <see cref="IpLocationTable"/>;
        /// an address not in it gets no fields. Without a table nothing is added (EVL0014).</summary>
        private List<Event> IpLocation(IpLocationStage i, List<Event> rows)
        {
            if (Options.IpLocations is not { } table)
            {
                context.Report(EvaluationDiagnostics.IpLocationMissing(i.Span));
                return rows;
            }
            foreach (var row in rows)
            {
                if (row[i.Field].AsString() is not { } ip || table.Find(ip) is not { } loc) continue;
                void Put(string name, string value)
                {
                    if (value.Length > 0) row.Set(i.Prefix + name, value);
                }
                Put("City", loc.City);
                Put("Country", loc.Country);
                Put("Region", loc.Region);
                Put("lat", loc.Lat);
                Put("lon", loc.Lon);
                if (!i.AllFields) continue;
                Put("Continent", loc.Continent);
                Put("MetroCode", loc.MetroCode);
                Put("Timezone", loc.Timezone);
            }
            return rows;
        }

        /// <summary>xmlkv (Splunk Search Reference, "xmlkv"): every element <c>&lt;name&gt;value&lt;/name&gt;</c> without
        /// child elements in the field (default _raw) becomes field name = value (entities decoded; a repeated name is
        /// multivalue), for the first maxinputs rows.</summary>
        private List<Event> XmlKv(XmlKvStage x, List<Event> rows)
        {
            if (context.Regex(@"<([A-Za-z_][\w.:-]*)(?:\s[^<>]*)?>([^<]*)</\1\s*>", x.Span) is not { } regex) return rows;
            foreach (var row in rows.Take(x.MaxInputs))
            {
                if (row[x.Field].AsString() is not { } text) continue;
                var found = new Dictionary<string, List<string>>(StringComparer.Ordinal);
                var order = new List<string>();
                var m = context.Match(regex, text, x.Span);
                while (m is { Success: true })
                {
                    var name = m.Groups[1].Value;
                    if (!found.TryGetValue(name, out var list))
                    {
                        found[name] = list = [];
                        order.Add(name);
                    }
                    list.Add(WebUtility.HtmlDecode(m.Groups[2].Value));
                    m = context.Next(m, regex, x.Span);
                }
                foreach (var name in order)
                    row.Set(name, found[name].Count == 1 ? FieldValue.String(found[name][0]) : FieldValue.Multi(found[name]));
            }
            return rows;
        }
    }
}
