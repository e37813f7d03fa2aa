using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using ExfilQuery.Diagnostics;
using ExfilQuery.Evaluation;

namespace ExfilQuery.Testing;

/// <summary>The outcome of a fixture.</summary>
public enum FixtureStatus
{
    /// <summary>Every expectation held.</summary>
    Passed,
    /// <summary>Some expectation did not hold, or the fixture could not be read.</summary>
    Failed,
    /// <summary>The fixture is marked <c>pending</c>: it ran, but is reported as ignored with its reason, never as
    /// passed. A pending fixture that cannot be read (EVL0030–EVL0034) is failed.</summary>
    Pending,
}

/// <summary>What running one fixture gave.</summary>
/// <param name="Fixture">The fixture.</param>
/// <param name="Status">Passed, failed or pending.</param>
/// <param name="Failures">Why it failed (for a pending fixture: why it would fail); empty when every expectation
/// held.</param>
/// <param name="Rows">The rows of the positive events.</param>
/// <param name="NegativeRows">The rows of the negative events (expected empty).</param>
/// <param name="Diagnostics">Load, reader and evaluation diagnostics.</param>
/// <param name="Elapsed">Wall time of the run.</param>
public sealed record FixtureOutcome(
    DetectionFixture Fixture,
    FixtureStatus Status,
    ImmutableArray<string> Failures,
    ImmutableArray<Event> Rows,
    ImmutableArray<Event> NegativeRows,
    ImmutableArray<Diagnostic> Diagnostics,
    TimeSpan Elapsed)
{
    /// <summary>The reason a pending fixture is ignored, or null.</summary>
    public string? PendingReason => Fixture.Expectation?.Pending;
}

/// <summary>Runs detection fixtures in-process: the search over the positive events must give the expected rows
/// (or at least the minimum count) with no error diagnostic, and over the negative events alone no row at all.</summary>
public static class FixtureRunner
{
    /// <summary>Runs one fixture. <paramref name="parseOptions"/> carries the macro library the searches use.</summary>
    public static FixtureOutcome Run(DetectionFixture fixture, ParseOptions? parseOptions = null) => Run(fixture, parseOptions, null);

    /// <summary>Runs one fixture as <see cref="Run(DetectionFixture, ParseOptions?)"/> does; with
    /// <paramref name="syslogYear"/>, its plain text event lines that start with a BSD syslog timestamp (no year) get
    /// it as <c>_time</c> in that year (<see cref="EventReaders.ReadFile(string, int)"/>).</summary>
    public static FixtureOutcome Run(DetectionFixture fixture, ParseOptions? parseOptions, int? syslogYear)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        var stopwatch = Stopwatch.StartNew();
        var failures = new List<string>();
        var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
        diagnostics.AddRange(fixture.Diagnostics);
        failures.AddRange(fixture.Diagnostics.Where(d => d.IsError).Select(d => $"{d.Code}: {d.Message}"));
        ImmutableArray<Event> rows = [], negativeRows = [];
        if (fixture.Search is not null && fixture.Expectation is { } expected)
        {
            // Compiled once, run over the positive and then the negative events.
            var compiled = SearchEvaluation.Compile(fixture.Search, parseOptions, OptionsFor(fixture, parseOptions));
            var positive = Evaluate("events", fixture, fixture.EventFiles, syslogYear, compiled, diagnostics, failures);
            rows = positive;
            if (expected.Rows is { } exact) CompareRows(exact, positive, failures);
            if (positive.Length < expected.MinRows)
                failures.Add($"events: {positive.Length} row(s), expected at least {expected.MinRows}.");

            if (!fixture.NegativeFiles.IsEmpty)
            {
                negativeRows = Evaluate("negative", fixture, fixture.NegativeFiles, syslogYear, compiled, diagnostics, failures);
                if (negativeRows.Length > 0)
                    failures.Add($"negative: {negativeRows.Length} row(s), expected none; first: {negativeRows[0]}");
            }
        }
        stopwatch.Stop();
        // A fixture that cannot be read fails even when pending: pending waits for the evaluator, not for the fixture.
        var status = fixture.Diagnostics.Any(d => d.IsError) ? FixtureStatus.Failed
            : fixture.Expectation?.Pending is not null ? FixtureStatus.Pending
            : failures.Count == 0 ? FixtureStatus.Passed : FixtureStatus.Failed;
        return new FixtureOutcome(fixture, status, failures.ToImmutableArray(), rows, negativeRows, diagnostics.ToImmutable(), stopwatch.Elapsed);
    }

    /// <summary>The evaluation options of a fixture: its <c>now</c>; the add-ons' search-time CIM fields on raw events
    /// (<see cref="EvaluationOptions.AddOnFields"/>), since a detection's test data is replayed into a Splunk with
    /// the add-ons installed; the lookup tables of its <c>lookups/</c> folder; the macros for <c>map</c>.</summary>
    public static EvaluationOptions OptionsFor(DetectionFixture fixture, ParseOptions? parseOptions = null)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        var options = EvaluationOptions.Default with { AddOnFields = true, Macros = (parseOptions ?? ParseOptions.Default).Macros };
        if (fixture.Expectation?.Now is { } now) options = options with { Now = now };
        var lookups = Path.Combine(fixture.Folder, "lookups");
        if (Directory.Exists(lookups)) options = options with { Lookups = new DirectoryLookupProvider(lookups) };
        return options;
    }

    /// <summary>Runs every fixture, in order.</summary>
    public static ImmutableArray<FixtureOutcome> RunAll(IEnumerable<DetectionFixture> fixtures, ParseOptions? parseOptions = null) =>
        RunAll(fixtures, parseOptions, null);

    /// <summary>Runs every fixture, in order, with the year of syslog timestamps (<see cref="Run(DetectionFixture, ParseOptions?, int?)"/>).</summary>
    public static ImmutableArray<FixtureOutcome> RunAll(IEnumerable<DetectionFixture> fixtures, ParseOptions? parseOptions, int? syslogYear)
    {
        ArgumentNullException.ThrowIfNull(fixtures);
        return fixtures.Select(f => Run(f, parseOptions, syslogYear)).ToImmutableArray();
    }

    /// <summary>The events of a fixture's files as its search sees them (the expected inputs' host, source and
    /// sourcetype set); lines that cannot be read are diagnostics and failures labelled with <paramref name="label"/>.</summary>
    internal static List<Event> ReadEvents(string label, DetectionFixture fixture, ImmutableArray<string> files, int? syslogYear,
        ImmutableArray<Diagnostic>.Builder diagnostics, List<string> failures)
    {
        var events = new List<Event>();
        foreach (var file in files)
        {
            var read = SearchEvaluation.ReadEventFiles([file], f => label + "/" + Path.GetFileName(f), syslogYear, out var readDiagnostics);
            foreach (var d in readDiagnostics)
            {
                // Fixture events are written by hand: a line the reader cannot read is a mistake in the fixture.
                diagnostics.Add(d);
                failures.Add($"{label}: {d.Code}: {d.Message}");
            }
            if (fixture.Expectation!.Inputs.TryGetValue(DetectionFixture.RelativeName(fixture.Folder, file), out var input))
            {
                foreach (var e in read.Events)
                {
                    foreach (var (field, value) in input) e.Set(field, value);
                    SourceTypeTimestamps.Apply(e); // index-time: the sourcetype's timestamp field (Zeek's ts)
                }
            }
            events.AddRange(read.Events);
        }
        return events;
    }

    private static ImmutableArray<Event> Evaluate(string label, DetectionFixture fixture, ImmutableArray<string> files, int? syslogYear,
        CompiledDetection compiled, ImmutableArray<Diagnostic>.Builder diagnostics, List<string> failures)
    {
        var events = ReadEvents(label, fixture, files, syslogYear, diagnostics, failures);
        var result = SearchEvaluation.Run(compiled, events);
        foreach (var d in result.Diagnostics)
        {
            diagnostics.Add(d);
            if (d.IsError) failures.Add($"{label}: {d.Code}: {d.Message}");
        }
        return result.Rows;
    }

    private static void CompareRows(ImmutableArray<ExpectedRow> expected, ImmutableArray<Event> actual, List<string> failures)
    {
        if (expected.Length != actual.Length)
            failures.Add($"events: {actual.Length} row(s), expected exactly {expected.Length}.");
        for (var i = 0; i < Math.Min(expected.Length, actual.Length); i++)
        {
            var want = expected[i].Fields;
            var got = actual[i];
            var wantNames = want.Select(f => f.Key).ToList();
            if (!wantNames.SequenceEqual(got.Fields, StringComparer.Ordinal))
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture,
                    $"row {i + 1}: fields [{string.Join(", ", got.Fields)}], expected [{string.Join(", ", wantNames)}]."));
            }
            foreach (var (field, values) in want)
            {
                var gotValues = ResultRows.Values(got, field);
                if (!gotValues.SequenceEqual(values, StringComparer.Ordinal))
                    failures.Add(string.Create(CultureInfo.InvariantCulture,
                        $"row {i + 1}: {field} = [{string.Join(", ", gotValues)}], expected [{string.Join(", ", values)}]."));
            }
        }
    }
}
