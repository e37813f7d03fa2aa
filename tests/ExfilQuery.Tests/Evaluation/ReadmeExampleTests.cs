using NUnit.Framework;

namespace ExfilQuery.Tests.Evaluation;

/// <summary>The README's CompiledDetection example is the code of <see cref="ReadmeExample"/>, which the compiler
/// checks; this test checks the README shows exactly that code and that it prints what its comments say.</summary>
public class ReadmeExampleTests
{
    [Test]
    public void TheReadmeShowsTheCompiledExample()
    {
        var source = File.ReadAllLines(TestData.Repo("tests", "ExfilQuery.Tests", "Evaluation", "ReadmeExample.cs"));
        var begin = Array.FindIndex(source, l => l.Trim() == "// README:begin");
        var end = Array.FindIndex(source, l => l.Trim() == "// README:end");
        Assert.That(begin, Is.GreaterThan(0).And.LessThan(end));
        var indent = source[begin].Length - source[begin].TrimStart().Length;
        var example = string.Join("\n", source[(begin + 1)..end].Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
        var readme = File.ReadAllText(TestData.Repo("README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.That(readme, Does.Contain("```csharp\nusing ExfilQuery.Evaluation;\nusing ExfilQuery.Macros;\n\n" + example + "\n```"),
            "README.md must show the code between the README markers of ReadmeExample.cs, verbatim");
    }

    [Test]
    public void TheExamplePrintsWhatItsCommentsSay()
    {
        var events = Path.Combine(Path.GetTempPath(), $"exfilq-readme-{Environment.ProcessId}.jsonl");
        File.WriteAllText(events, """
            {"_time":2,"host":"ws3","CommandLine":"CERTUTIL.EXE -URLCACHE -split -f http://y/b.exe"}
            {"_time":1,"host":"ws4","CommandLine":"calc.exe"}
            not json
            """.Replace("\r\n", "\n", StringComparison.Ordinal));
        var output = new StringWriter();
        var cwd = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = TestData.RepoRoot;
            ReadmeExample.Run(output, events);
        }
        finally
        {
            Environment.CurrentDirectory = cwd;
            File.Delete(events);
        }
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.That(lines[0], Is.EqualTo("stream: 1 row-wise stage(s) one event at a time"));
        Assert.That(lines, Does.Contain("host=ws1 count=1 commands=certutil -urlcache -f http://x/a.exe a.exe"));
        Assert.That(lines, Does.Contain("host=ws3 count=1 commands=CERTUTIL.EXE -URLCACHE -split -f http://y/b.exe"));
        Assert.That(lines.Last(), Does.StartWith("info EVL0041 ").And.Contain("2 lines were not parsed"));
    }
}
