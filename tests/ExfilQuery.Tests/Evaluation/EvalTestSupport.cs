using ExfilQuery.Evaluation;
using ExfilQuery.Ir;
using NUnit.Framework;

namespace ExfilQuery.Tests.Evaluation;

/// <summary>Helpers: parse, lower and evaluate a search over events written as JSON Lines.</summary>
internal static class EvalTestSupport
{
    public static List<Event> Json(params string[] lines)
    {
        var read = EventReaders.ReadJsonLines(new StringReader(string.Join("\n", lines)), "test.jsonl");
        Assert.That(read.Malformed, Is.Empty, "test events must be valid JSON");
        return read.Events.ToList();
    }

    public static Detection Lower(string search, bool macros = false)
    {
        var parse = Spl.Parse(search, macros ? TestData.WithSplunkMacros : null);
        var lowered = Lowering.Lower(parse);
        Assert.That(parse.Diagnostics.Where(d => d.IsError).Concat(lowered.Diagnostics.Where(d => d.IsError)), Is.Empty, "the search parses and lowers: " + search);
        return lowered.Detection;
    }

    public static EvaluationResult Run(string search, IEnumerable<Event> events, EvaluationOptions? options = null, bool macros = false) =>
        DetectionEvaluator.Evaluate(Lower(search, macros), events, options);

    /// <summary>A raw Windows XML event of <paramref name="source"/> (sourcetype XmlWinEventLog, host h, _time 1000)
    /// with the given extracted fields.</summary>
    public static Event Raw(string source, params (string Field, string Value)[] fields)
    {
        var e = new Event { Source = source, SourceType = "XmlWinEventLog", Host = "h" };
        e.Time = 1000;
        foreach (var (f, v) in fields) e.Set(f, v);
        return e;
    }

    /// <summary>The <c>id</c> values of the rows, sorted (order-independent comparison).</summary>
    public static List<string> Ids(EvaluationResult result) =>
        result.Rows.Select(r => r["id"].AsString() ?? "?").Order(StringComparer.Ordinal).ToList();
}
