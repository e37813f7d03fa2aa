using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using ExfilQuery.Syntax;
using NUnit.Framework;

namespace ExfilQuery.Tests.Robustness;

/// <summary>Hostile input never breaks <see cref="Spl.Parse"/>: mutated corpus searches, very deep nesting, very
/// long operator chains and megabyte-sized searches all return a result — no exception, no stack overflow, no
/// SPL9999 internal error — and none hangs (<see cref="Budget"/>; the one-second speed target is measured by the
/// benchmark's <c>robustness</c> mode). Mutants that parse cleanly also survive a print/re-parse round trip. Everything is
/// deterministic: fixed seeds and a fixed table of mutation operators.</summary>
[TestFixture]
[NonParallelizable] // the hang guard is a wall-clock measurement
public sealed class ParserRobustnessTests
{
    private const int MutantCount = 10_000;
    private const int Seed = 20261122;

    /// <summary>True when ExfilQuery.dll was compiled without optimizations (a Debug build, the default of
    /// <c>dotnet test</c>): unoptimized code parses the megabyte inputs two to three times slower.</summary>
    private static readonly bool s_libraryIsDebugBuild =
        typeof(Spl).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled ?? false;

    /// <summary>The hang guard: five seconds per parse. A parse that is not linear in its input takes minutes on
    /// the megabyte inputs, so the guard catches it on any machine, while other processes on a CI machine cannot
    /// push a linear parse over it. The one-second target of issue #2 is a speed target: the benchmark's
    /// <c>robustness</c> mode measures it on these same inputs (docs/BENCHMARKS.md), not this wall-clock test.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(5);

    [Test]
    public void LibraryIsOptimizedSoTheTimeBudgetIsMeaningful() =>
        Assert.That(s_libraryIsDebugBuild, Is.False, "ExfilQuery.dll must be built with <Optimize>true</Optimize>; the time budget assumes it");

    // ------------------------------------------------------------------ mutation operators

    /// <summary>Characters that matter to the lexer, the macro expander or the bracket matching, plus NUL, lone
    /// surrogates and odd white space.</summary>
    private static readonly string[] s_specialChars =
    [
        "`", "\"", "'", "(", ")", "[", "]", "|", "\\", "=", ",", "!", "<", ">", "*", "$", " ", "\t", "\n", "\r",
        "{", "}", "+", "-", ".", ":", ";", "#", "/", "%", "\0", "\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\uFEFF",
        "\u00A0", "\u2028", "\u200B", "\uFFFF", "\uFFFD", "\u0085",
    ];

    /// <summary>Fragments of SPL syntax, complete or broken.</summary>
    private static readonly string[] s_tokens =
    [
        "|", " | ", "||", "[", "]", "[search ", "[| ", "(", ")", "()", "\"", "\"\"", "`", "``", "```", "````", "`x`",
        "`foo(a,b)`", "`security_content_ctime(", "`security_content_summariesonly`", "`drop_dm_object_name(\"",
        " NOT ", " OR ", " AND ", " XOR ", " IN (", " IN ()", " LIKE ", " by ", " BY ", " as ", " AS ", " OVER ",
        " OUTPUT ", "=", "==", "!=", "<=", ">=", "$x$", "$", "\\", "\\\"", "\\`", "'", "''", "| eval x=", "| where ",
        "| search ", "| tstats count from datamodel=", "| stats count by ", " earliest=-24h ", " latest=now ",
        "case(", "if(", "match(", "coalesce(", "\"\"\"", "/*", "*/", " - ", " -- ", "--", "1e309", "0x", ".",
        "..", "9999999999999999999999999999", "-1.5e-10", " where ", " span=", ":", "::", "*", "**", ",", ",,",
    ];

    private sealed record Mutation(string Name, Func<Random, string, string[], string> Apply);

    private static int Pos(Random r, string s) => r.Next(s.Length + 1);

    private static string Insert(Random r, string s, string what) => s.Insert(Pos(r, s), what);

    private static string Pick(Random r, string[] items) => items[r.Next(items.Length)];

    private static readonly Mutation[] s_mutations =
    [
        new("delete-char", (r, s, _) => s.Length == 0 ? s : s.Remove(r.Next(s.Length), 1)),
        new("delete-range", (r, s, _) =>
        {
            if (s.Length == 0) return s;
            var at = r.Next(s.Length);
            return s.Remove(at, Math.Min(s.Length - at, 1 + r.Next(40)));
        }),
        new("delete-structure-char", (r, s, _) =>
        {
            // Drops one bracket, quote, backtick or pipe: the mutation most likely to unbalance the text.
            var positions = new List<int>();
            for (var i = 0; i < s.Length; i++)
                if (s[i] is '(' or ')' or '[' or ']' or '"' or '`' or '|' or '\\' or '=') positions.Add(i);
            return positions.Count == 0 ? s : s.Remove(positions[r.Next(positions.Count)], 1);
        }),
        new("insert-special", (r, s, _) => Insert(r, s, Pick(r, s_specialChars))),
        new("replace-with-special", (r, s, _) =>
        {
            if (s.Length == 0) return Pick(r, s_specialChars);
            var at = r.Next(s.Length);
            return s[..at] + Pick(r, s_specialChars) + s[(at + 1)..];
        }),
        new("insert-token", (r, s, _) => Insert(r, s, Pick(r, s_tokens))),
        new("insert-random-byte", (r, s, _) => Insert(r, s, ((char)r.Next(256)).ToString())),
        new("insert-random-utf16", (r, s, _) =>
        {
            var n = 1 + r.Next(4);
            var chars = new char[n];
            for (var i = 0; i < n; i++) chars[i] = (char)r.Next(0x10000);   // lone surrogates included
            return Insert(r, s, new string(chars));
        }),
        new("insert-nul", (r, s, _) => Insert(r, s, "\0")),
        new("insert-lone-surrogate", (r, s, _) => Insert(r, s, ((char)r.Next(0xD800, 0xE000)).ToString())),
        new("duplicate-range", (r, s, _) =>
        {
            if (s.Length == 0) return s;
            var at = r.Next(s.Length);
            var piece = s.Substring(at, Math.Min(s.Length - at, 1 + r.Next(60)));
            return Insert(r, s, piece);
        }),
        new("duplicate-whole", (r, s, _) => s + Pick(r, [" ", " | ", " OR ", ""]) + s),
        new("truncate", (r, s, _) => s.Length == 0 ? s : s[..r.Next(s.Length)]),
        new("truncate-head", (r, s, _) => s.Length == 0 ? s : s[r.Next(s.Length)..]),
        new("swap-adjacent", (r, s, _) =>
        {
            if (s.Length < 2) return s;
            var at = r.Next(s.Length - 1);
            return s[..at] + s[at + 1] + s[at] + s[(at + 2)..];
        }),
        new("splice-other-search", (r, s, corpus) =>
        {
            var other = Pick(r, corpus);
            if (other.Length == 0) return s;
            var at = r.Next(other.Length);
            return Insert(r, s, other.Substring(at, Math.Min(other.Length - at, 1 + r.Next(120))));
        }),
        new("repeat-char", (r, s, _) =>
        {
            if (s.Length == 0) return s;
            var at = r.Next(s.Length);
            return s.Insert(at, new string(s[at], 1 + r.Next(30)));
        }),
    ];

    // ------------------------------------------------------------------ measuring

    /// <summary>Parses inputs, timing each, and collects every broken promise: a thrown exception, an SPL9999
    /// diagnostic, a diagnostic span outside the input, a parse slower than <see cref="Budget"/>.</summary>
    private sealed class ParseProbe(string title)
    {
        private double _totalMs;
        private double _maxMs;
        private string _slowest = "";

        public List<string> Failures { get; } = [];

        public int Count { get; private set; }

        /// <summary>Parses <paramref name="input"/> and checks the result. With <paramref name="big"/> set, the
        /// garbage of earlier inputs is collected first, and a parse slower than the budget is timed once more and
        /// the faster time kept: a hang or a real slowdown is slow both times, a pause caused by another process
        /// on the machine or by a full garbage collection rarely is.</summary>
        public ParseResult? Parse(string input, ParseOptions options, string label, bool big = false)
        {
            if (big) CollectGarbage();
            var (result, elapsed, error) = TimedParse(input, options);
            if (error is null && big && elapsed > Budget)
            {
                CollectGarbage();
                var (again, secondElapsed, secondError) = TimedParse(input, options);
                TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {label}: {elapsed.TotalMilliseconds:F0} ms, over budget; timed again: {secondElapsed.TotalMilliseconds:F0} ms"));
                if (secondError is null && secondElapsed < elapsed) (result, elapsed) = (again, secondElapsed);
            }
            Record(elapsed, label);
            if (error is not null)
            {
                Failures.Add($"{label}: threw {error.GetType().Name}: {error.Message}\n    input: {RobustnessCorpus.Literal(input)}");
                return null;
            }

            if (elapsed > Budget)
                Failures.Add($"{label}: took {elapsed.TotalMilliseconds:F0} ms (budget {Budget.TotalMilliseconds:F0} ms)\n    input: {RobustnessCorpus.Literal(input)}");
            foreach (var d in result!.Diagnostics)
            {
                if (d.Code == "SPL9999")
                    Failures.Add($"{label}: internal error {d}\n    input: {RobustnessCorpus.Literal(input)}");
                else if (d.Span.Start < 0 || d.Span.End > input.Length)
                    Failures.Add($"{label}: diagnostic span outside the input (length {input.Length}): {d}\n    input: {RobustnessCorpus.Literal(input)}");
            }
            return result;
        }

        private static (ParseResult? Result, TimeSpan Elapsed, Exception? Error) TimedParse(string input, ParseOptions options)
        {
            var stopwatch = Stopwatch.StartNew();
            try
            {
                var result = Spl.Parse(input, options);
                return (result, stopwatch.Elapsed, null);
            }
#pragma warning disable CA1031 // the point is to report whatever escapes
            catch (Exception e)
#pragma warning restore CA1031
            {
                return (null, stopwatch.Elapsed, e);
            }
        }

        private static void CollectGarbage()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }

        private void Record(TimeSpan elapsed, string label)
        {
            var ms = elapsed.TotalMilliseconds;
            Count++;
            _totalMs += ms;
            if (ms > _maxMs)
            {
                _maxMs = ms;
                _slowest = label;
            }
        }

        public void Print()
        {
            var build = s_libraryIsDebugBuild ? "Debug build of ExfilQuery.dll" : "optimized build of ExfilQuery.dll";
            TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{title}: {Count} parses, mean {(Count == 0 ? 0 : _totalMs / Count):F3} ms, max {_maxMs:F1} ms ({_slowest}), budget {Budget.TotalMilliseconds:F0} ms ({build}), {Failures.Count} failures"));
        }

        public void AssertNoFailures()
        {
            Print();
            if (Failures.Count == 0) return;
            Assert.Fail($"{title}: {Failures.Count} failures; the first ones:\n" + string.Join("\n", Failures.Take(8)));
        }
    }

    private static ParseOptions CorpusOptions => ParseOptions.Default.WithMacros(RobustnessCorpus.Macros);

    private static string Repeat(string piece, int count) => new StringBuilder(piece.Length * count).Insert(0, piece, count).ToString();

    // ------------------------------------------------------------------ mutants

    /// <summary>The next mutant drawn from <paramref name="random"/>: one to four operators from
    /// <see cref="s_mutations"/> applied to one corpus search. Returns the operator names and the search's index
    /// for the failure message.</summary>
    internal static (string Text, string Operators, int SearchIndex) Mutant(Random random, string[] corpus)
    {
        var searchIndex = random.Next(corpus.Length);
        var text = corpus[searchIndex];
        var operators = new List<string>();
        var steps = 1 + random.Next(4);
        for (var k = 0; k < steps; k++)
        {
            var mutation = s_mutations[random.Next(s_mutations.Length)];
            text = mutation.Apply(random, text, corpus);
            operators.Add(mutation.Name);
        }
        return (text, string.Join("+", operators), searchIndex);
    }

    /// <summary>Round-trip failures already reported as parser bugs, recognised by the mutant's text. They are
    /// listed in the test output, not failed on; remove an entry once the bug is fixed.</summary>
    private static readonly (string Name, Regex Input)[] s_knownRoundTripIssues =
    [
        // `a\\ = b` is a comparison with field `a\\`; it prints as `a\\=b`, which reads back as the single term
        // `a\\=b` (the lexer takes `\\=` as `\` and an escaped `=`). Odd counts (`a\ = b`) print `a\ =b` and are fine.
        ("a word ending in backslashes before a comparison operator prints so that it reads back as one word",
            new Regex(@"\\\s+(=|==|!=|<|>)", RegexOptions.CultureInvariant)),
    ];

    [Test]
    public void MutatedCorpusSearchesNeverBreakTheParser()
    {
        var corpus = RobustnessCorpus.Searches;
        var options = CorpusOptions;
        var random = new Random(Seed);
        var probe = new ParseProbe("mutated corpus searches");
        var roundTrip = new List<string>();
        var known = new List<string>();
        var ok = 0;

        for (var n = 0; n < MutantCount; n++)
        {
            var (text, operators, searchIndex) = Mutant(random, corpus);
            var label = $"mutant #{n} (search #{searchIndex}, {operators})";
            var result = probe.Parse(text, options, label);
            if (result is null || !result.Ok) continue;
            ok++;
            if (CheckRoundTrip(result, options) is not { } problem) continue;
            var message = $"{label}: {problem}\n    input: {RobustnessCorpus.Literal(text)}";
            var issue = s_knownRoundTripIssues.FirstOrDefault(k => k.Input.IsMatch(text)).Name;
            if (issue is null) roundTrip.Add(message);
            else known.Add($"[known: {issue}] {message}");
        }

        TestContext.Out.WriteLine($"{ok} of {MutantCount} mutants parse without errors; {roundTrip.Count} of those fail the print/re-parse round trip, and {known.Count} more fail it with a known, reported bug");
        foreach (var line in known.Concat(roundTrip).Take(20)) TestContext.Out.WriteLine(line);
        probe.AssertNoFailures();
        Assert.That(roundTrip, Is.Empty, $"{roundTrip.Count} mutants that parse Ok do not survive print and re-parse; the first ones:\n"
            + string.Join("\n", roundTrip.Take(8)));
    }

    /// <summary>Prints the tree and parses the printed text: it must parse Ok to the same tree (spans aside).
    /// Returns what went wrong, or null.</summary>
    private static string? CheckRoundTrip(ParseResult result, ParseOptions options)
    {
        string printed, dump;
        try
        {
            printed = SyntaxPrinter.Print(result.Pipeline);
            dump = SyntaxDumper.Dump(result.Pipeline);
        }
#pragma warning disable CA1031
        catch (Exception e)
#pragma warning restore CA1031
        {
            return $"printing threw {e.GetType().Name}: {e.Message}";
        }

        ParseResult again;
        try
        {
            again = Spl.Parse(printed, options);
        }
#pragma warning disable CA1031
        catch (Exception e)
#pragma warning restore CA1031
        {
            return $"re-parsing threw {e.GetType().Name}: {e.Message}\n    printed: {RobustnessCorpus.Literal(printed)}";
        }
        if (!again.Ok)
            return $"printed text does not parse: {again.Diagnostics.First(d => d.IsError)}\n    printed: {RobustnessCorpus.Literal(printed)}";
        var dumpAgain = SyntaxDumper.Dump(again.Pipeline);
        if (dumpAgain == dump) return null;
        return $"re-parsed tree differs: {FirstDifference(dump, dumpAgain)}\n    printed: {RobustnessCorpus.Literal(printed)}";
    }

    private static string FirstDifference(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var x = i < a.Length ? a[i] : "<end>";
            var y = i < b.Length ? b[i] : "<end>";
            if (x != y) return $"dump line {i + 1}: {RobustnessCorpus.Literal(x.Trim(), 160)} became {RobustnessCorpus.Literal(y.Trim(), 160)}";
        }
        return "dumps differ";
    }

    // ------------------------------------------------------------------ deep nesting and long chains


    [Test]
    public void DeepNestingAndLongChainsNeverBreakTheParser()
    {
        var probe = new ParseProbe("deep nesting and long chains");
        foreach (var (name, size, make) in LongInputShapes.All)
        {
            // A small instance first, so the timed parse measures the parser rather than the JIT.
            probe.Parse(make(Math.Max(2, size / 100)), ParseOptions.Default, $"{name} x{Math.Max(2, size / 100)} (warm-up)");
            var input = make(size);
            var result = probe.Parse(input, ParseOptions.Default, $"{name} x{size}", big: true);
            if (result is not null)
                TestContext.Out.WriteLine($"  {name} x{size} ({input.Length} chars): {Outcome(result)}");
        }
        probe.AssertNoFailures();
    }

    [Test]
    public void NestingDepthAroundTheLimitNeverBreaksTheParser()
    {
        // Depths up to a little past the limit, for each bracket kind, closed and left open: the nesting check,
        // the recursion guards and error recovery meet here.
        var probe = new ParseProbe("nesting depth around the limit");
        var limit = ParseOptions.Default.MaxNestingDepth;
        int[] depths = [.. Enumerable.Range(0, 13), limit / 4, limit / 2, 3 * limit / 4, .. Enumerable.Range(limit - 3, 7), limit + 20];
        (string Name, Func<int, string> Make)[] shapes =
        [
            ("search parentheses", n => Repeat("(", n) + "a" + Repeat(")", n)),
            ("search parentheses, unclosed", n => "a " + Repeat("(", n) + "a"),
            ("search parentheses, unopened", n => "a" + Repeat(")", n)),
            ("eval parentheses", n => "| eval x=" + Repeat("(", n) + "1" + Repeat(")", n)),
            ("eval parentheses, unclosed", n => "| eval x=" + Repeat("(", n) + "1"),
            ("eval if(, unclosed", n => "| eval x=" + Repeat("if(a,", n) + "1"),
            ("where IN (, unclosed", n => "| where " + Repeat("x IN (", n)),
            ("eval nested if()", n => "| eval x=" + Repeat("if(a,", n) + "1" + Repeat(",2)", n)),
            ("subsearches", n => "a " + Repeat("[search a ", n) + Repeat("]", n)),
            ("brackets, unclosed", n => "a " + Repeat("[", n)),
            ("subsearches [a, unclosed", n => "a " + Repeat("[a ", n)),
            ("subsearches [| eval, unclosed", n => "a " + Repeat("[| eval x=1 ", n)),
            ("search NOT", n => Repeat("NOT ", n) + "a"),
            ("eval NOT", n => "| eval x=" + Repeat("NOT ", n) + "1"),
            ("eval minus", n => "| eval x=" + Repeat("- ", n) + "1"),
        ];
        foreach (var (name, make) in shapes)
            foreach (var depth in depths)
                probe.Parse(make(depth), ParseOptions.Default, $"{name} depth {depth}");
        probe.AssertNoFailures();
    }

    /// <summary>Subsearches left open, <c>a [search a [search a ...</c>, as deep as the nesting check lets
    /// through. Error recovery in the full-LL pass grows faster than linearly with the depth here: with the grammar
    /// of 2026-11-22 19:00 (before <c>[search</c> became one token) these 2,002 characters took 6.4 s.</summary>
    [Test]
    public void UnclosedSubsearchesAtTheNestingLimitStayWithinBudget()
    {
        var probe = new ParseProbe("unclosed subsearches at the nesting limit");
        probe.Parse("a [search a", ParseOptions.Default, "warm-up");
        var depth = ParseOptions.Default.MaxNestingDepth;
        var input = "a " + Repeat("[search a ", depth);
        var result = probe.Parse(input, ParseOptions.Default, $"a [search a ... x{depth}", big: true);
        if (result is not null) TestContext.Out.WriteLine($"  a [search a ... x{depth} ({input.Length} chars): {Outcome(result)}");
        probe.AssertNoFailures();
    }

    private static string Outcome(ParseResult result) =>
        result.Ok ? "Ok" : string.Join(", ", result.Diagnostics.Where(d => d.IsError).Select(d => d.Code).Distinct().Take(4));

    // ------------------------------------------------------------------ megabyte searches

    private const int Megabyte = 1 << 20;

    /// <summary>Joins pieces until the text reaches one megabyte.</summary>
    private static string UpToAMegabyte(string head, IEnumerable<string> pieces, string separator, string tail)
    {
        var sb = new StringBuilder(head, Megabyte + 4096);
        var first = true;
        while (true)
        {
            foreach (var piece in pieces)
            {
                if (!first) sb.Append(separator);
                sb.Append(piece);
                first = false;
                if (sb.Length >= Megabyte) return sb.Append(tail).ToString();
            }
        }
    }

    /// <summary>The search clause a corpus search starts with (the text before its first pipe), or null.</summary>
    private static string? LeadingSearchClause(string search)
    {
        var trimmed = search.TrimStart();
        if (trimmed.Length == 0 || trimmed[0] == '|') return null;
        var pipe = trimmed.IndexOf('|');
        var clause = (pipe < 0 ? trimmed : trimmed[..pipe]).Trim();
        return clause.Length == 0 ? null : clause;
    }

    [Test]
    public void MegabyteSearchesNeverBreakTheParser()
    {
        var corpus = RobustnessCorpus.Searches;
        var options = CorpusOptions;
        var probe = new ParseProbe("megabyte searches");
        // Warm-up: the whole corpus once, so the timed parses measure the parser rather than the JIT. The pieces
        // the big searches are made of are the ones that parse without errors, so the big searches do too.
        var valid = corpus.Where(c => probe.Parse(c, options, "corpus warm-up") is { Ok: true }).ToList();
        var clauses = valid.Select(LeadingSearchClause).OfType<string>().Where(c => Spl.Parse("search (" + c + ")", options).Ok).ToList();
        if (clauses.Count == 0) clauses.Add("index=main sourcetype=x process_name=rclone.exe");
        if (valid.Count == 0) valid.Add("index=main sourcetype=x process_name=rclone.exe | stats count by host");

        (string Name, Func<string> Make)[] inputs =
        [
            ("corpus search clauses (...) OR (...)", () => UpToAMegabyte("search ", clauses.Select(c => "(" + c + ")"), " OR ", " | stats count")),
            ("corpus searches as subsearches [search ...] OR [search ...]", () => UpToAMegabyte("index=main ", valid.Select(c => "[" + (c.TrimStart().StartsWith('|') ? "" : "search ") + c + "]"), " OR ", "")),
            ("corpus searches joined into one pipeline", () => UpToAMegabyte("index=main | ", valid.Select(c => c.TrimStart() is ['|', .. var rest] ? rest.TrimStart() : "search " + c), " | ", "")),
            ("search IN (...) list", () => UpToAMegabyte("index=main process_name IN (", Enumerable.Range(0, 1_000_000).Select(i => $"\"proc{i}.exe\""), ", ", ") | stats count")),
            ("where IN (...) list", () => UpToAMegabyte("| where process_name IN (", Enumerable.Range(0, 1_000_000).Select(i => $"\"proc{i}.exe\""), ", ", ")")),
            ("eval case(...) with many arms", () => UpToAMegabyte("| eval x=case(", Enumerable.Range(0, 1_000_000).Select(i => $"a=={i}, \"v{i}\""), ", ", ")")),
            ("one megabyte string literal", () => "index=main x=\"" + Repeat("abc ", Megabyte / 4) + "\""),
            ("one megabyte word", () => "index=main " + Repeat("abcd", Megabyte / 4)),
        ];

        foreach (var (name, make) in inputs)
        {
            var input = make();
            var result = probe.Parse(input, options, name, big: true);
            if (result is not null)
                TestContext.Out.WriteLine($"  {name} ({input.Length} chars): {Outcome(result)}");
        }
        probe.AssertNoFailures();
    }
}
