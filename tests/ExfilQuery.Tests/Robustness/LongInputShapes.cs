using System.Text;

namespace ExfilQuery.Tests.Robustness;

/// <summary>Inputs that stress the parser's recursion and its linear passes: deep nesting (10,000 levels) and long
/// chains (100,000 terms or commands, about 0.5-1.1 MB). Shared by <c>ParserRobustnessTests</c> (no exception, no
/// stack overflow, no hang) and the benchmark's <c>robustness</c> mode (the one-second target of issue #2), so this
/// file uses no NUnit.</summary>
public static class LongInputShapes
{
    /// <summary>The shapes, each as a function of its size, and the size that is timed.</summary>
    public static readonly (string Name, int Size, Func<int, string> Make)[] All =
    [
        ("search parentheses ((((a))))", 10_000, n => Repeat("(", n) + "a" + Repeat(")", n)),
        ("search parentheses, unclosed", 10_000, n => "index=x " + Repeat("(", n) + "a"),
        ("eval parentheses | eval x=((((1))))", 10_000, n => "| eval x=" + Repeat("(", n) + "1" + Repeat(")", n)),
        ("where parentheses | where ((((x=1))))", 10_000, n => "| where " + Repeat("(", n) + "x=1" + Repeat(")", n)),
        ("eval function calls | eval x=abs(abs(1))", 10_000, n => "| eval x=" + Repeat("abs(", n) + "1" + Repeat(")", n)),
        ("subsearch openings a [[[[", 10_000, n => "a " + Repeat("[", n)),
        ("subsearch openings [search a [search a", 10_000, n => "a " + Repeat("[search a ", n)),
        ("nested subsearches, closed", 10_000, n => "a " + Repeat("[search a ", n) + Repeat("]", n)),
        ("mixed brackets ([(", 10_000, n => Repeat("([", n) + "a" + Repeat("])", n)),
        ("search NOT NOT ... a", 10_000, n => Repeat("NOT ", n) + "a"),
        ("where NOT NOT ... x", 10_000, n => "| where " + Repeat("NOT ", n) + "x"),
        ("eval - - - - 1", 10_000, n => "| eval x=" + Repeat("- ", n) + "1"),
        ("eval -----1", 10_000, n => "| eval x=" + Repeat("-", n) + "1"),
        ("eval + - + - 1", 10_000, n => "| eval x=" + Repeat("+ - ", n / 2) + "1"),
        ("search a OR a OR ...", 100_000, n => "a" + Repeat(" OR a", n - 1)),
        ("search a AND a AND ...", 100_000, n => "a" + Repeat(" AND a", n - 1)),
        ("search a a a ... (implicit AND)", 100_000, n => "a" + Repeat(" a", n - 1)),
        ("eval a OR a OR ...", 100_000, n => "| eval x=a" + Repeat(" OR a", n - 1)),
        ("eval 1+1+1+...", 100_000, n => "| eval x=1" + Repeat("+1", n - 1)),
        ("pipes | | | |", 100_000, n => "a" + Repeat(" | eval x=1", n - 1)),
        ("backticks ````", 100_000, n => Repeat("`", n)),
        ("macro calls `a``a``a`", 30_000, n => Repeat("`security_content_summariesonly`", n)),
        ("quotes \"\"\"\"", 100_000, n => "a=" + Repeat("\"", n)),
        ("comments ``` x ```", 30_000, n => "a " + Repeat("``` x ``` ", n)),
    ];

    private static string Repeat(string piece, int count) => new StringBuilder(piece.Length * count).Insert(0, piece, count).ToString();
}
