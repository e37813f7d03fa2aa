using System.Text.RegularExpressions;

namespace ExfilQuery.Tests;

/// <summary>How the corpus reports (KQL, Elastic, evaluator) group diagnostics into reasons.</summary>
internal static class CorpusReason
{
    /// <summary>The message without the quoted parts that name one detection's fields or lookups, so reasons group;
    /// with <paramref name="keepFirstQuoted"/> the first quoted part stays (what is not evaluated, which data model
    /// has no source). Cut at 110 characters.</summary>
    public static string Of(string message, bool keepFirstQuoted = false)
    {
        var kept = 0;
        var text = Regex.Replace(message, @"'[^'\s]*'", m => keepFirstQuoted && kept++ == 0 ? m.Value : "'…'");
        return text.Length > 110 ? text[..110] + "…" : text;
    }
}
