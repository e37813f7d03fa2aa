using System.Diagnostics;
using System.Globalization;
using Antlr4.Runtime;
using Antlr4.Runtime.Atn;
using Antlr4.Runtime.Misc;
using ExfilQuery.Macros;
using ExfilQuery.Parsing.Generated;

namespace ExfilQuery.Benchmarks;

/// <summary>Where parse+expand time goes, on one thread after three warm-up passes: macro expansion, then on the
/// expanded text lexing, the SLL parse, the full-LL pass (only for texts SLL rejects) and the rest of
/// <see cref="Spl.Parse"/> (nesting check, tree building, diagnostics), the rest being the parse-only time minus
/// the stages re-run here with the public generated lexer and parser. Ten warm-up passes (<c>--warmup N</c>) and
/// ten timed ones (<c>--passes N</c>): fewer warm-up passes leave part of the code in tier-0 JIT code.</summary>
internal static class ProfileMode
{
    /// <summary>The number after <paramref name="name"/> in <paramref name="args"/>, or <paramref name="fallback"/>.</summary>
    public static int IntOption(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        if (i < 0) return fallback;
        if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 0)
            throw new ArgumentException($"{name} needs a whole number");
        return value;
    }

    private sealed class Totals
    {
        public double EndToEnd, Expand, ParseOnly, Lex, Sll, Ll;
        public int LlFallbacks, LlWithErrors;
        public readonly double[] PerSearch;

        public Totals(int count) => PerSearch = new double[count];
    }

    public static int Run(string[] args)
    {
        var warmupPasses = IntOption(args, "--warmup", 10);
        var timedPasses = Math.Max(1, IntOption(args, "--passes", 10));
        var searches = BenchmarkCorpus.LoadSearches();
        var library = BenchmarkCorpus.LoadMacros();
        var options = ParseOptions.Default.WithMacros(library);
        var expandedOptions = ParseOptions.Default with { MacroExpansion = MacroExpansionOptions.Default with { UseBuiltins = false } };

        for (var pass = 0; pass < warmupPasses; pass++) Pass(searches, library, options, expandedOptions, new Totals(searches.Length));
        var totals = new Totals(searches.Length);
        for (var pass = 0; pass < timedPasses; pass++) Pass(searches, library, options, expandedOptions, totals);

        var passes = (double)timedPasses;
        var rest = totals.ParseOnly - totals.Lex - totals.Sll - totals.Ll;
        var lines = new (string Stage, double Ms)[]
        {
            ("macro expansion", totals.Expand),
            ("lexing", totals.Lex),
            ("SLL parse", totals.Sll),
            ("LL fallback", totals.Ll),
            ("rest of Spl.Parse (tree building, checks)", rest),
        };
        var sum = lines.Sum(l => l.Ms);
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"profile: {searches.Length} queries, {timedPasses} passes after {warmupPasses} warm-up passes, one thread"));
        Console.WriteLine(string.Create(inv, $"  Spl.Parse end to end:        {totals.EndToEnd / passes,8:F1} ms/pass  {searches.Length * passes / (totals.EndToEnd / 1000):F0} queries/s"));
        Console.WriteLine(string.Create(inv, $"  expand only:                 {totals.Expand / passes,8:F1} ms/pass"));
        Console.WriteLine(string.Create(inv, $"  parse only (expanded texts): {totals.ParseOnly / passes,8:F1} ms/pass  {searches.Length * passes / (totals.ParseOnly / 1000):F0} queries/s"));
        foreach (var (stage, ms) in lines)
            Console.WriteLine(string.Create(inv, $"  {stage,-42} {ms / passes,8:F1} ms/pass  {100 * ms / sum,5:F1} %"));
        Console.WriteLine(string.Create(inv, $"  LL fallback: {totals.LlFallbacks / timedPasses} of {searches.Length} queries per pass ({totals.LlWithErrors / timedPasses} of them with syntax errors)"));
        Console.WriteLine("  slowest queries (end to end, ms per parse):");
        foreach (var (ms, i) in totals.PerSearch.Select((ms, i) => (ms / passes, i)).OrderByDescending(p => p.Item1).Take(5))
            Console.WriteLine(string.Create(inv, $"    #{i}: {ms:F2} ms, {searches[i].Length} chars: {Shorten(searches[i])}"));
        return 0;
    }

    private static string Shorten(string s) => (s.Length <= 90 ? s : s[..87] + "...").ReplaceLineEndings(" ");

    private static void Pass(string[] searches, MacroLibrary library, ParseOptions options, ParseOptions expandedOptions, Totals totals)
    {
        var stopwatch = new Stopwatch();
        for (var i = 0; i < searches.Length; i++)
        {
            var search = searches[i];

            stopwatch.Restart();
            var result = Spl.Parse(search, options);
            var endToEnd = stopwatch.Elapsed.TotalMilliseconds;
            totals.EndToEnd += endToEnd;
            totals.PerSearch[i] += endToEnd;

            stopwatch.Restart();
            var expanded = MacroExpander.Expand(search, library).Text;
            totals.Expand += stopwatch.Elapsed.TotalMilliseconds;

            stopwatch.Restart();
            Spl.Parse(expanded, expandedOptions);
            totals.ParseOnly += stopwatch.Elapsed.TotalMilliseconds;
            GC.KeepAlive(result);

            // The stages of the parse, again, with the public generated lexer and parser.
            stopwatch.Restart();
            var lexer = new SplLexer(new AntlrInputStream(expanded));
            lexer.RemoveErrorListeners();
            var tokens = new CommonTokenStream(lexer);
            tokens.Fill();
            totals.Lex += stopwatch.Elapsed.TotalMilliseconds;

            stopwatch.Restart();
            var parser = new SplParser(tokens);
            parser.RemoveErrorListeners();
            parser.Interpreter.PredictionMode = PredictionMode.SLL;
            parser.ErrorHandler = new BailErrorStrategy();
            var sllFailed = false;
            try
            {
                parser.query();
            }
            catch (ParseCanceledException)
            {
                sllFailed = true;
            }
            catch (InsufficientExecutionStackException)
            {
                continue;
            }
            totals.Sll += stopwatch.Elapsed.TotalMilliseconds;
            if (!sllFailed) continue;

            stopwatch.Restart();
            tokens.Seek(0);
            parser.Reset();
            parser.Interpreter.PredictionMode = PredictionMode.LL;
            parser.ErrorHandler = new DefaultErrorStrategy();
            try
            {
                parser.query();
            }
            catch (InsufficientExecutionStackException)
            {
            }
            totals.Ll += stopwatch.Elapsed.TotalMilliseconds;
            totals.LlFallbacks++;
            if (parser.NumberOfSyntaxErrors > 0) totals.LlWithErrors++;
        }
    }
}
