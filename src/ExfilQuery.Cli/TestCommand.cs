using System.Diagnostics;
using System.Globalization;
using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;
using ExfilQuery.Testing;

namespace ExfilQuery.Cli;

/// <summary><c>exfilq test [DIR] [--filter PATTERN] [--macros FILE] [--junit FILE] [--year N]</c>: runs every detection fixture
/// under DIR (default fixtures/detections), or those whose name matches PATTERN, and prints a pass/fail table.</summary>
internal static class TestCommand
{
    private static readonly CommandSpec Spec = new("test", [], ["--macros", "--junit", "--filter", "--year"], MaxPositionals: 1);

    private static readonly string DefaultDirectory = Path.Combine("fixtures", "detections");

    /// <summary>Runs the command with the arguments after <c>test</c>.</summary>
    public static int Run(IReadOnlyList<string> args, CliContext context)
    {
        var parsed = CommandLine.Parse(args, Spec);
        if (parsed.Has("--help"))
        {
            context.Out.Write(Usage.Test);
            return ExitCodes.Ok;
        }
        if (parsed.Value("--junit") is { Length: 0 }) throw new UsageException("'test': --junit needs a file name.");
        if (parsed.Value("--filter") is { Length: 0 }) throw new UsageException("'test': --filter needs a pattern.");
        var directory = DemoCommand.FindDirectory(parsed.Positionals.Count > 0 ? parsed.Positionals[0] : null, DefaultDirectory, context);
        int? year = parsed.Value("--year") is { } yearText ? EvalCommand.ParseYear("test", yearText) : null;
        var parseOptions = MacroLoading.LoadOrDefault(parsed.Value("--macros"), context);
        var stopwatch = Stopwatch.StartNew();
        var fixtures = DetectionFixture.LoadAll(directory);
        if (fixtures.IsEmpty) throw new CliFailureException($"no fixtures (folders with {DetectionFixture.ExpectationFileName}) under '{directory}'.");
        if (parsed.Value("--filter") is { } filter)
        {
            var all = fixtures.Length;
            fixtures = fixtures.Where(f => NameMatches(f.Name, filter)).ToImmutableArray();
            if (fixtures.IsEmpty) throw new CliFailureException($"no fixture name under '{directory}' matches '{filter}' ({all} fixtures there).");
        }
        var outcomes = FixtureRunner.RunAll(fixtures, parseOptions, year);
        stopwatch.Stop();
        context.Out.Write(Table(outcomes));
        if (parsed.Value("--junit") is { } junit)
        {
            var full = context.ResolvePath(junit);
            try
            {
                File.WriteAllText(full, JUnitReport.Write(outcomes, "exfilq.fixtures"), new UTF8Encoding(false));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliFailureException($"JUnit report '{full}' cannot be written: {e.Message}");
            }
        }
        context.Error.Write(string.Create(CultureInfo.InvariantCulture, $"ran {outcomes.Length} fixtures from {directory} in {stopwatch.Elapsed.TotalMilliseconds:0} ms\n"));
        return outcomes.Any(o => o.Status == FixtureStatus.Failed) ? ExitCodes.Errors : ExitCodes.Ok;
    }

    /// <summary>--filter: a pattern with <c>*</c> (any characters) or <c>?</c> (one character) must match the whole
    /// fixture name; a pattern without them matches names that contain it. Case-insensitive, as fixture names are
    /// folder names.</summary>
    internal static bool NameMatches(string name, string pattern)
    {
        if (pattern.IndexOfAny(['*', '?']) < 0) return name.Contains(pattern, StringComparison.OrdinalIgnoreCase);
        var regex = "^" + string.Concat(pattern.Select(c => c switch { '*' => ".*", '?' => ".", _ => Regex.Escape(c.ToString()) })) + "$";
        return Regex.IsMatch(name, regex, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromSeconds(1));
    }

    /// <summary>The table: one line per fixture (<c>PASS</c>, <c>FAIL</c> or <c>PENDING</c>, its name, the rows of
    /// its positive and negative events), the failures indented under a failed fixture, the reason after a pending
    /// one, then the counts. No times, so that the output is the same on every run.</summary>
    internal static string Table(IReadOnlyList<FixtureOutcome> outcomes)
    {
        var width = Math.Max("fixture".Length, outcomes.Max(o => o.Fixture.Name.Length));
        var sb = new StringBuilder();
        sb.Append(string.Create(CultureInfo.InvariantCulture, $"{"result",-8} {"fixture".PadRight(width)} {"rows",5} {"negative",8}\n"));
        foreach (var o in outcomes)
        {
            var result = o.Status switch { FixtureStatus.Passed => "PASS", FixtureStatus.Failed => "FAIL", _ => "PENDING" };
            var line = string.Create(CultureInfo.InvariantCulture,
                $"{result,-8} {o.Fixture.Name.PadRight(width)} {o.Rows.Length,5} {(o.Fixture.NegativeFiles.IsEmpty ? "-" : o.NegativeRows.Length.ToString(CultureInfo.InvariantCulture)),8}");
            if (o.Status == FixtureStatus.Pending)
                line += "  " + DiagnosticFormatter.SingleLine(o.PendingReason!) + (o.Failures.IsEmpty ? " (now passes: remove 'pending')" : string.Empty);
            sb.Append(line.TrimEnd()).Append('\n');
            if (o.Status == FixtureStatus.Failed)
                foreach (var f in o.Failures) sb.Append("    ").Append(DiagnosticFormatter.SingleLine(f)).Append('\n');
        }
        int passed = outcomes.Count(o => o.Status == FixtureStatus.Passed), failed = outcomes.Count(o => o.Status == FixtureStatus.Failed);
        sb.Append(string.Create(CultureInfo.InvariantCulture,
            $"{outcomes.Count} fixtures: {passed} passed, {failed} failed, {outcomes.Count - passed - failed} pending\n"));
        return sb.ToString();
    }
}
