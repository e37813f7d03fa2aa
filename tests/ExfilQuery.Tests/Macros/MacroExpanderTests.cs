using System.Diagnostics;
using ExfilQuery.Macros;
using NUnit.Framework;

namespace ExfilQuery.Tests.SplMacros;

/// <summary>Macro expansion, as tables of input, expected text and expected diagnostics.</summary>
/// <remarks>
/// Splunk documentation these cases rely on:
/// <list type="bullet">
/// <item>"Use search macros in searches" (Knowledge Manager Manual): a call is the macro name between backticks;
/// macros can call macros; "Macros inside of quoted values are not expanded" (<c>"audit`users`local"</c>);
/// arguments are comma-separated (<c>`argmacro(120,300)`</c>) and quotes inside a quoted argument are escaped
/// with a backslash (<c>`mymacro("He said \"hello!\"")`</c>).</item>
/// <item>"Define search macros in Settings": a macro with arguments is named <c>name(n)</c>; arguments are
/// <c>$arg$</c> in the definition.</item>
/// <item>macros.conf.spec, <c>definition</c>: "$&lt;arg&gt;$ is replaced globally in the string, even inside of quotes".</item>
/// <item>"Search macro examples": <c>`iis_search(fragment=TM)`</c> passes an argument by name.</item>
/// </list>
/// </remarks>
[TestFixture]
public sealed class MacroExpanderTests
{
    private static readonly MacroLibrary s_library = MacroTestSupport.Library(
        ("a", [], "A"),
        ("greet", ["who"], "hello $who$"),
        ("pair", ["x", "y"], "$x$ OR $y$"),
        ("nest", [], "[`a`|`greet(n)`]"),
        ("outer", [], "o(`inner`)"),
        ("inner", [], "i `missing` i"),
        ("self", [], "`self`"),
        ("cyc1", [], "x `cyc2`"),
        ("cyc2", [], "y `cyc1`"),
        ("quoted", [], "eval s=\"`a`\" `a`"),
        ("commented", [], "```c `a` ``` `a`"),
        ("dollar", ["v"], "\"$v$\" $v$ $other$ ^x$"),
        ("empty", [], ""),
        ("bad", [], "x `y"),
        ("macro-with-dash", [], "D"),
        ("twice", [], "`missing` `missing`"));

    private static TestCaseData Case(string name, string input, string expected, params string[] diagnostics) =>
        new TestCaseData(input, expected, diagnostics).SetName("Expand: " + name);

    private static readonly TestCaseData[] s_cases =
    [
        Case("no-arg macro", "`a`", "A"),
        Case("macro between text", "x | `a` | y", "x | A | y"),
        Case("empty parentheses are arity 0", "`a()`", "A"),
        Case("name with spaces around", "` a `", "A"),
        Case("one argument", "`greet(world)`", "hello world"),
        Case("arguments are trimmed", "`greet(  big world  )`", "hello big world"),
        Case("two arguments", "`pair(1,2)`", "1 OR 2"),
        Case("quoted argument with a comma keeps its quotes", "`pair(\"a,b\", c)`", "\"a,b\" OR c"),
        Case("escaped quote inside a quoted argument", "`pair(\"x\\\"y,\", z)`", "\"x\\\"y,\" OR z"),
        Case("parentheses and brackets in arguments", "`pair(f(1,2), [x,y])`", "f(1,2) OR [x,y]"),
        Case("empty argument", "`pair(,b)`", " OR b"),
        Case("named arguments", "`pair(y=2, x=1)`", "1 OR 2"),
        Case("named argument, one", "`greet(who=you)`", "hello you"),
        Case("positional argument that looks like a comparison", "`greet(x==1)`", "hello x==1"),
        Case("nested macros", "`nest`", "[A|hello n]"),
        Case("macro that expands to nothing", "`empty`x", "x"),
        Case("two calls back to back", "`a``a`", "AA"),
        Case("macro inside a quoted string is not expanded", "\"`a`\" `a`", "\"`a`\" A"),
        Case("escaped quote inside a quoted string", "\"x\\\"`a`\" `a`", "\"x\\\"`a`\" A"),
        Case("escaped quote outside a string does not open a string", "x=*\\\"p\\\":true* `a`", "x=*\\\"p\\\":true* A"),
        Case("escaped backslash before a quote: the quote opens a string", "x\\\\\"`a`\" `a`", "x\\\\\"`a`\" A"),
        Case("escaped quote inside a call does not open a string", "`greet(\\\")` `greet(\")`", "hello \\\" hello \""),
        Case("unterminated quoted string: the rest is left alone", "`a` \"x `a`", "A \"x `a`"),
        Case("comment is not a macro", "```comment `a` ``` `a`", "```comment `a` ``` A"),
        Case("unterminated comment is left alone", "`a` ``` comment `a`", "A ``` comment `a`"),
        Case("quoted string in a definition is not expanded", "`quoted`", "eval s=\"`a`\" A"),
        Case("comment in a definition is not expanded", "`commented`", "```c `a` ``` A"),
        Case("backtick inside a quoted argument", "`greet(\"`a`\")`", "hello \"`a`\""),
        Case("dash in a macro name", "`macro-with-dash`", "D"),
        Case("$arg$ is replaced inside quotes too; undeclared $name$ stays",
            "`dollar(1)`", "\"1\" 1 $other$ ^x$",
            "SPL0106 [0..11): Macro 'dollar(1)' uses '$other$' but declares no argument 'other'; it is left as written."),
        Case("undefined macro is kept", "x `nope` y", "x `nope` y",
            "SPL0100 [2..8): Macro 'nope' is not defined."),
        Case("undefined macro with arguments", "`nope(1, 2)`", "`nope(1, 2)`",
            "SPL0100 [0..12): Macro 'nope(2)' is not defined."),
        Case("wrong number of arguments (too few)", "`greet`", "`greet`",
            "SPL0102 [0..7): Macro 'greet' is called with 0 argument(s) but is defined with 1 argument."),
        Case("wrong number of arguments (too many)", "`pair(1)`", "`pair(1)`",
            "SPL0102 [0..9): Macro 'pair' is called with 1 argument(s) but is defined with 2 arguments."),
        Case("error in a nested macro points at the user's call and names the inner macro",
            "q `outer` r", "q o(i `missing` i) r",
            "SPL0100 [2..9): Macro 'missing' is not defined."),
        Case("direct cycle", "`self`", "`self`",
            "SPL0101 [0..6): Macro expansion cycle: self → self."),
        Case("indirect cycle names the chain", "`cyc1`", "x y `cyc1`",
            "SPL0101 [0..6): Macro expansion cycle: cyc1 → cyc2 → cyc1."),
        Case("unterminated backtick", "x `a` `oops", "x A `oops",
            "SPL0007 [6..11): This macro call has no closing '`'."),
        Case("unterminated backtick inside a definition", "`bad` z", "x `y z",
            "SPL0107 [0..5): The definition of macro 'bad' has a '`' with no closing '`'; the rest of that definition is kept as written."),
        Case("two backticks are an empty call", "x `` y", "x `` y",
            "SPL0100 [2..4): Macro '' is not defined."),
        Case("malformed call", "`greet(x`", "`greet(x`",
            "SPL0100 [0..9): Macro 'greet(x' is not defined."),
        Case("the same problem twice in one call is reported once", "`twice`", "`missing` `missing`",
            "SPL0100 [0..7): Macro 'missing' is not defined."),
    ];

    [TestCaseSource(nameof(s_cases))]
    public void Expands(string input, string expected, string[] diagnostics)
    {
        var result = MacroExpander.Expand(input, s_library);

        Assert.That(result.Text, Is.EqualTo(expected));
        Assert.That(MacroTestSupport.Describe(result.Diagnostics), Is.EqualTo(diagnostics));
    }

    private static readonly TestCaseData[] s_builtinCases =
    [
        Case("*_filter", "x | `detect_foo_filter`", "x | search *",
            "SPL0104 [4..23): Macro 'detect_foo_filter' is not in the macro library; using its standard meaning: search * (the detection's tuning filter, which security_content ships empty, so it keeps every result)."),
        Case("drop_dm_object_name, unquoted", "`drop_dm_object_name(Processes)`", "rename Processes.* AS *",
            "SPL0104 [0..32): Macro 'drop_dm_object_name' is not in the macro library; using its standard meaning: rename <object>.* AS * (drops the data model object prefix from field names)."),
        Case("drop_dm_object_name, quoted", "`drop_dm_object_name(\"Web\")`", "rename Web.* AS *",
            "SPL0104 [0..28): Macro 'drop_dm_object_name' is not in the macro library; using its standard meaning: rename <object>.* AS * (drops the data model object prefix from field names)."),
        Case("security_content_ctime", "`security_content_ctime(firstTime)`", "convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime(firstTime)",
            "SPL0104 [0..35): Macro 'security_content_ctime' is not in the macro library; using its standard meaning: convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime(<field>) (epoch time to text)."),
        Case("security_content_summariesonly", "| tstats `security_content_summariesonly` count", "| tstats summariesonly=false allow_old_summaries=true fillnull_value=null count",
            "SPL0104 [9..41): Macro 'security_content_summariesonly' is not in the macro library; using its standard meaning: summariesonly=false allow_old_summaries=true fillnull_value=null (tstats options).",
            "SPL0104 [9..41): Macro 'summariesonly_config' is not in the macro library; using its standard meaning: false.",
            "SPL0104 [9..41): Macro 'oldsummaries_config' is not in the macro library; using its standard meaning: true.",
            "SPL0104 [9..41): Macro 'fillnull_config' is not in the macro library; using its standard meaning: null."),
        Case("built-in with the wrong arity", "`drop_dm_object_name`", "`drop_dm_object_name`",
            "SPL0102 [0..21): Macro 'drop_dm_object_name' is called with 0 argument(s) but is defined with 1 argument."),
        Case("_filter needs a prefix", "`_filter`", "`_filter`",
            "SPL0100 [0..9): Macro '_filter' is not defined."),
    ];

    [TestCaseSource(nameof(s_builtinCases))]
    public void ExpandsBuiltins(string input, string expected, string[] diagnostics)
    {
        var result = MacroExpander.Expand(input, MacroLibrary.Empty);

        Assert.That(result.Text, Is.EqualTo(expected));
        Assert.That(MacroTestSupport.Describe(result.Diagnostics), Is.EqualTo(diagnostics));
    }

    [Test]
    public void TheLibraryOverridesBuiltins()
    {
        var library = MacroTestSupport.Library(
            ("detect_foo_filter", [], "where user!=\"svc\""),
            ("drop_dm_object_name", ["object"], "rename $object$.* AS *"),
            ("summariesonly_config", [], "true"));

        var result = MacroExpander.Expand("`drop_dm_object_name(\"Web\")` | `detect_foo_filter`", library);
        Assert.That(result.Text, Is.EqualTo("rename \"Web\".* AS * | where user!=\"svc\""), "the library keeps the quotes as written");
        Assert.That(result.Diagnostics, Is.Empty);

        var partial = MacroExpander.Expand("`security_content_summariesonly`", library);
        Assert.That(partial.Text, Is.EqualTo("summariesonly=true allow_old_summaries=true fillnull_value=null"),
            "a library macro overrides the built-in it is nested in");
    }

    [Test]
    public void BuiltinsCanBeTurnedOff()
    {
        var result = MacroExpander.Expand("`x_filter`", MacroLibrary.Empty, new MacroExpansionOptions(UseBuiltins: false));
        Assert.That(result.Text, Is.EqualTo("`x_filter`"));
        Assert.That(MacroTestSupport.Describe(result.Diagnostics), Is.EqualTo(new[] { "SPL0100 [0..10): Macro 'x_filter' is not defined." }));
    }

    [Test]
    public void DepthLimit()
    {
        var rows = new List<(string, string[], string)>();
        for (var i = 0; i < 60; i++) rows.Add(($"deep{i}", [], $"{i} `deep{i + 1}`"));
        var library = MacroTestSupport.Library([.. rows]);

        var result = MacroExpander.Expand("`deep0`", library);
        var expected = string.Concat(Enumerable.Range(0, 50).Select(i => $"{i} ")) + "`deep50`";
        Assert.That(result.Text, Is.EqualTo(expected));
        Assert.That(MacroTestSupport.Describe(result.Diagnostics), Is.EqualTo(new[]
        {
            "SPL0103 [0..7): Expanding macro 'deep50' exceeds the limit of 50 nested macro calls.",
        }));

        var shallow = MacroExpander.Expand("`deep0`", library, new MacroExpansionOptions(MaxDepth: 2));
        Assert.That(shallow.Text, Is.EqualTo("0 1 `deep2`"));
    }

    [Test]
    public void LengthLimitKeepsTheCallAndTheCallsAfterIt()
    {
        var result = MacroExpander.Expand("`greet(abcdefghijk)` | `a`", s_library, new MacroExpansionOptions(MaxExpandedLength: 10));

        Assert.That(result.Text, Is.EqualTo("`greet(abcdefghijk)` | `a`"));
        Assert.That(MacroTestSupport.Describe(result.Diagnostics), Is.EqualTo(new[]
        {
            "SPL0103 [0..20): Expanding macro 'greet(1)' exceeds the limit of 10 characters of expanded text.",
            "SPL0103 [23..26): Expanding macro 'a' exceeds the limit of 10 characters of expanded text.",
        }));
        Assert.That(result.Map.ToOriginal(new ExfilQuery.Text.TextSpan(23, 3)), Is.EqualTo(new ExfilQuery.Text.TextSpan(23, 3)));
    }

    [Test]
    public void ExponentialExpansionStopsAtTheLengthLimitQuickly()
    {
        // bomb0 -> bomb1 bomb1 -> ... 2^40 copies: only the length limit stops it.
        var rows = new List<(string, string[], string)>();
        for (var i = 0; i < 40; i++) rows.Add(($"bomb{i}", [], $"`bomb{i + 1}` `bomb{i + 1}`"));
        rows.Add(("bomb40", [], "x"));
        var library = MacroTestSupport.Library([.. rows]);

        var watch = Stopwatch.StartNew();
        var result = MacroExpander.Expand("a `bomb0` b", library);
        watch.Stop();

        Assert.That(result.Text, Is.EqualTo("a `bomb0` b"));
        Assert.That(MacroTestSupport.Describe(result.Diagnostics), Is.EqualTo(new[]
        {
            "SPL0103 [2..9): Expanding macro 'bomb0' exceeds the limit of 4000000 characters of expanded text.",
        }));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public void FanOutWithoutOutputStopsAtTheWorkLimitQuickly()
    {
        // Each level calls the next twice with different arguments and the last level expands to nothing:
        // 2^40 calls and no text, so only the bound on work (docs/MACROS.md) stops it.
        var rows = new List<(string, string[], string)>();
        for (var i = 0; i < 40; i++) rows.Add(($"fan{i}", ["x"], $"`fan{i + 1}($x$a)``fan{i + 1}($x$b)`"));
        rows.Add(("fan40", ["x"], ""));
        var library = MacroTestSupport.Library([.. rows]);

        var watch = Stopwatch.StartNew();
        var result = MacroExpander.Expand("a `fan0(s)` b", library);
        watch.Stop();

        Assert.That(result.Text, Is.EqualTo("a `fan0(s)` b"));
        Assert.That(MacroTestSupport.Describe(result.Diagnostics), Is.EqualTo(new[]
        {
            "SPL0103 [2..11): Expanding macro 'fan0(1)' exceeds the limit of 4000000 characters of expanded text.",
        }));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public void IdenticalCallsInADefinitionExpandOnce()
    {
        // 2^18 copies of "x" fit the limit; each level expands its first call and copies it for the second.
        var rows = new List<(string, string[], string)>();
        for (var i = 0; i < 18; i++) rows.Add(($"twin{i}", [], $"`twin{i + 1}``twin{i + 1}`"));
        rows.Add(("twin18", [], "x"));
        var library = MacroTestSupport.Library([.. rows]);

        var result = MacroExpander.Expand("`twin0`", library);

        Assert.That(result.Text, Is.EqualTo(new string('x', 1 << 18)));
        Assert.That(result.Diagnostics, Is.Empty);
        Assert.That(result.Map.ToOriginal(new ExfilQuery.Text.TextSpan(100_000, 5)), Is.EqualTo(new ExfilQuery.Text.TextSpan(0, 7)));
    }

    [Test]
    public void TextWithoutBackticksIsReturnedAsIs()
    {
        const string text = "index=main | stats count";
        var result = MacroExpander.Expand(text, s_library);
        Assert.That(result.Text, Is.SameAs(text));
        Assert.That(result.Diagnostics, Is.Empty);
        Assert.That(result.Map.ToOriginalOffset(5), Is.EqualTo(5));
    }
}
