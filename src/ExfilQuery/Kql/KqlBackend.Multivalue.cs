using System.Globalization;
using ExfilQuery.Ir;

namespace ExfilQuery.Kql;

// Search conditions on a field that holds several values (a dynamic array after rex max_match, makemv, split or
// values()): `f=v` holds when any value matches, `f!=v` when the field has values and none matches, as the IR
// defines them (FieldMatchPredicate, FieldNotMatchPredicate; Splunk Search Manual, "Difference between NOT and !=").
// KQL has no per-element string match in an expression, so the filter counts the matching values with
// mv-apply first and tests the count:
//
//   extend __mv1 = case(array_length(f) > 0, f, isnull(f) or array_length(f) == 0, dynamic([null]), pack_array(f))
//   | mv-apply __mv1 on (summarize __any1 = countif(isnotnull(__mv1) and tostring(__mv1) =~ "v"))
//   | where __any1 > 0
//   | project-away __any1
//
// The padding keeps rows whose field is missing or empty (mv-expand leaves no row for an empty array, and the
// subquery would never run): they count no value, so `NOT f=v` stays true for them as in Splunk. Elements stay
// dynamic and are read with tostring(), since mv-apply's `to typeof(string)` nulls numbers instead of converting
// them (the mv-apply and mv-expand operator pages of the Kusto reference).
internal sealed partial class KqlWriter
{
    private int _multivalueCounter;

    /// <summary>Lines to run before the filter being written (extend + mv-apply per multivalue condition).</summary>
    private readonly List<string> _multivalueLines = [];

    /// <summary>Count columns the filter's conditions read; removed right after the filter.</summary>
    private readonly List<string> _multivalueColumns = [];

    /// <summary>True while a filter stage is written: only there can conditions add lines before it.</summary>
    private bool _inFilter;

    /// <summary>Element columns whose KQL text is not their name (tostring of a dynamic element).</summary>
    private readonly Dictionary<string, string> _columnOverrides = new(StringComparer.Ordinal);

    /// <summary>Counts, per row, the values of multivalue <paramref name="field"/> for which <paramref name="condition"/>
    /// (written for one string value) holds; returns the count column and the column counting all values.</summary>
    private (string Matching, string Values)? CountValues(string field, Func<string, string> condition, bool needValues)
    {
        if (!_inFilter) return null;
        var n = (++_multivalueCounter).ToString(CultureInfo.InvariantCulture);
        var element = "__mv" + n;
        var column = Column(field);
        _types[element] = KType.String;
        _columnOverrides[element] = $"tostring({element})";
        var text = condition(element);
        _types.Remove(element);
        _columnOverrides.Remove(element);
        var matching = "__any" + n;
        var values = "__values" + n;
        var aggregates = $"{matching} = countif(isnotnull({element}) and {text})" + (needValues ? $", {values} = countif(isnotnull({element}))" : "");
        _multivalueLines.Add($"extend {element} = case(array_length({column}) > 0, {column}, isnull({column}) or array_length({column}) == 0, dynamic([null]), pack_array({column}))");
        _multivalueLines.Add($"mv-apply {element} on (summarize {aggregates})");
        _multivalueColumns.Add(matching);
        if (needValues) _multivalueColumns.Add(values);
        return (matching, values);
    }

    /// <summary>A filter stage: its condition, preceded by the lines its multivalue conditions need.</summary>
    private string WriteFilter(FilterStage f)
    {
        _inFilter = true;
        string condition;
        try
        {
            condition = Predicate(f.Predicate);
        }
        finally
        {
            _inFilter = false;
        }
        if (_multivalueLines.Count == 0) return "where " + condition;
        var lines = new List<string>(_multivalueLines) { "where " + condition, "project-away " + string.Join(", ", _multivalueColumns) };
        _multivalueLines.Clear();
        _multivalueColumns.Clear();
        // mv-apply returns the union of its subquery results: no row order is promised after it.
        _orderLost = true;
        return string.Join("\n| ", lines);
    }

    /// <summary>Set by a stage whose KQL does not keep the row order; read once by WriteStage.</summary>
    private bool _orderLost;
}
