using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ExfilQuery.Cli;
using NUnit.Framework;

namespace ExfilQuery.Tests.Cli;

/// <summary>Runs <c>exfilq</c> in-process with string streams, and makes temporary files.</summary>
internal static class CliTestSupport
{
    internal sealed record CliRun(int ExitCode, string Stdout, string Stderr);

    /// <summary>Runs the tool with these arguments and this standard input.</summary>
    public static CliRun RunIn(string stdin, string currentDirectory, params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var code = Program.Run(args, new StringReader(stdin), stdout, stderr, currentDirectory);
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs the tool with empty standard input in the test's temporary directory.</summary>
    public static CliRun Exfilq(params string[] args) => RunIn(string.Empty, TempDirectory(), args);

    /// <summary>The folder of this test run's temporary files; <see cref="CliTestCleanup"/> deletes it.</summary>
    internal static readonly string TempRoot = Path.Combine(Path.GetTempPath(), "exfilq-cli-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>A new empty directory under <see cref="TempRoot"/>.</summary>
    public static string TempDirectory()
    {
        var path = Path.Combine(TempRoot, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8, no BOM, exactly as given) to a new temporary file.</summary>
    public static string TempFile(string name, string text)
    {
        var path = Path.Combine(TempDirectory(), name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    /// <summary>The expected batch output line for a search, built from <see cref="Spl.Parse"/> by hand (not through
    /// the tool's JSON writer), so that tests pin the line format while the parser's messages evolve.</summary>
    public static string ExpectedBatchLine(string idJson, string search, ParseOptions? options = null)
    {
        var result = Spl.Parse(search, options);
        var sb = new StringBuilder();
        sb.Append("{\"id\":").Append(idJson).Append(",\"ok\":").Append(result.Ok ? "true" : "false").Append(",\"diagnostics\":[");
        var first = true;
        foreach (var d in result.Diagnostics)
        {
            if (!first) sb.Append(',');
            first = false;
            var p = result.Source.GetLinePosition(d.Span.Start);
            sb.Append("{\"code\":").Append(JsonString(d.Code))
                .Append(",\"severity\":").Append(JsonString(d.SeverityName))
                .Append(",\"message\":").Append(JsonString(d.Message))
                .Append(",\"line\":").Append(p.Line.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Append(",\"column\":").Append(p.Column.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Append('}');
        }
        return sb.Append("]}").ToString();
    }

    private static readonly JsonSerializerOptions s_relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string JsonString(string value) => JsonSerializer.Serialize(value, s_relaxed);

    /// <summary>Output split into lines; the text must end with "\n" and contain no "\r".</summary>
    public static string[] Lines(string output)
    {
        Assert.That(output, Does.Not.Contain("\r"));
        if (output.Length == 0) return [];
        Assert.That(output, Does.EndWith("\n"));
        return output[..^1].Split('\n');
    }

    /// <summary>The repository root (the folder holding ExfilQuery.sln) above the test binaries.</summary>
    public static string RepositoryRoot() => TestData.RepoRoot;
}

/// <summary>Deletes the temporary files of the CLI tests after they have run.</summary>
[SetUpFixture]
public sealed class CliTestCleanup
{
    [OneTimeTearDown]
    public void DeleteTemporaryFiles()
    {
        if (Directory.Exists(CliTestSupport.TempRoot)) Directory.Delete(CliTestSupport.TempRoot, recursive: true);
    }
}
