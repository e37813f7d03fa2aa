using System.Collections.Immutable;
using ExfilQuery.Evaluation;
using ExfilQuery.Macros;
using NUnit.Framework;

namespace ExfilQuery.Tests.Evaluation;

/// <summary>The searches <c>map</c> runs are parsed when they run, and Splunk expands the macros in them then
/// (Search Reference, "map": the search is a saved search or a literal search with $field$ tokens). A detection
/// compiled with macros gives them to those searches unless the caller set <see cref="EvaluationOptions.Macros"/>.</summary>
public class CompileMacrosTests
{
    private static readonly MacroLibrary Macros = MacroLibrary.FromDefinitions(
        [new MacroDefinition("logons", ImmutableArray<string>.Empty, "kind=logon", "test")]);

    private static IEnumerable<Event> Events() => EventReaders.ReadJsonLines(new StringReader(
        "{\"_time\":2,\"id\":\"a\",\"user\":\"u1\"}\n{\"_time\":1,\"kind\":\"logon\",\"user\":\"u1\",\"src\":\"10.0.0.1\"}\n"), "events.jsonl").Events;

    private const string Search = "id=a | map search=\"search `logons` user=$user$ | table src\"";

    [Test]
    public void MapSearchesUseTheCompileMacros()
    {
        var result = CompiledDetection.Compile(Search, new CompileOptions { Macros = Macros }).Run(Events());
        Assert.That(result.Rows.Select(r => r["src"].AsString()), Is.EqualTo(new[] { "10.0.0.1" }), string.Join("; ", result.Diagnostics));
    }

    [Test]
    public void CallerGivenEvaluationMacrosWin()
    {
        var other = MacroLibrary.FromDefinitions([new MacroDefinition("logons", ImmutableArray<string>.Empty, "kind=none", "test")]);
        var options = new CompileOptions { Macros = Macros, Evaluation = EvaluationOptions.Default with { Macros = other } };
        Assert.That(CompiledDetection.Compile(Search, options).Run(Events()).Rows, Is.Empty);
    }
}
