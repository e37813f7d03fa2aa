using NUnit.Framework;

namespace ExfilQuery.Tests;

/// <summary>Golden-file comparison. Files are reviewed in the diff; set EXFILQ_UPDATE_GOLDEN=1 to rewrite them
/// (the test then fails once, so a rewrite is never silent).</summary>
internal static class Golden
{
    public static void AssertMatches(string path, string actual)
    {
        actual = actual.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (Environment.GetEnvironmentVariable("EXFILQ_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var old = File.Exists(path) ? File.ReadAllText(path) : null;
            if (old != actual)
            {
                File.WriteAllText(path, actual);
                Assert.Fail($"golden file rewritten: {path}; review the diff and run again without EXFILQ_UPDATE_GOLDEN");
            }
            return;
        }
        Assert.That(File.Exists(path), Is.True, $"golden file missing: {path} (run with EXFILQ_UPDATE_GOLDEN=1 to create it)");
        Assert.That(actual, Is.EqualTo(File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal)), path);
    }
}
