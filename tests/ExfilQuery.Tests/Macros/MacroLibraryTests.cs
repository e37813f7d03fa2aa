using ExfilQuery.Diagnostics;
using ExfilQuery.Macros;
using NUnit.Framework;

namespace ExfilQuery.Tests.SplMacros;

/// <summary>Reading macro libraries: security_content's macros.jsonl and Splunk's macros.conf.</summary>
/// <remarks>macros.conf rules follow macros.conf.spec (Splunk Admin Manual, "macros.conf"): a stanza is
/// <c>[name]</c>, or <c>[name(n)]</c> for a macro with n arguments; macros are overloaded by arity; <c>args</c> is
/// a comma-separated list of names made of letters, digits, '_' and '-' without repetitions, ignored when the
/// stanza takes no arguments; <c>definition</c> is the expansion.</remarks>
[TestFixture]
public sealed class MacroLibraryTests
{
    [Test]
    public void JsonLinesReadsNameArgumentsAndDefinition()
    {
        const string text =
            "{\"name\": \"admon\", \"arguments\": [], \"definition\": \"source=ActiveDirectory\", \"description\": \"x\"}\n" +
            "\n" +
            "{\"name\": \"security_content_ctime\", \"arguments\": [\"field\"], \"definition\": \"convert ctime($field$)\"}\r\n" +
            "{\"name\": \"noargs\", \"definition\": \"a\"}\n";
        var library = MacroLibrary.ParseJsonLines(text, "macros.jsonl", out var diagnostics);

        Assert.That(diagnostics, Is.Empty);
        Assert.That(library.Count, Is.EqualTo(3));
        Assert.That(library.TryGet("security_content_ctime", 1, out var ctime), Is.True);
        Assert.That(ctime.Arguments, Is.EqualTo(new[] { "field" }));
        Assert.That(ctime.Definition, Is.EqualTo("convert ctime($field$)"));
        Assert.That(ctime.Origin, Is.EqualTo("macros.jsonl:3"));
        Assert.That(library.TryGet("security_content_ctime", 0, out _), Is.False, "lookup is by name and arity");
        Assert.That(library.TryGet("noargs", 0, out var noargs), Is.True);
        Assert.That(noargs.Origin, Is.EqualTo("macros.jsonl:4"));
        Assert.That(library.HasName("admon"), Is.True);
        Assert.That(library.HasName("Admon"), Is.False, "names are case-sensitive");
    }

    private static readonly object[] s_badJsonLines =
    [
        new object[] { "{\"name\": \"a\", \"definition\": \"x\"\n", "macros.jsonl:1: not valid JSON" },
        new object[] { "[1, 2]\n", "macros.jsonl:1: expected a JSON object" },
        new object[] { "{\"definition\": \"x\"}\n", "macros.jsonl:1: missing string field 'name'" },
        new object[] { "\n\n{\"name\": \"a\"}\n", "macros.jsonl:3: missing string field 'definition'" },
        new object[] { "{\"name\": \"a\", \"arguments\": \"x\", \"definition\": \"x\"}\n", "macros.jsonl:1: field 'arguments' is not an array" },
        new object[] { "{\"name\": \"a\", \"arguments\": [1], \"definition\": \"x\"}\n", "macros.jsonl:1: field 'arguments' holds a value that is not a string" },
        new object[] { "{\"name\": \"a b\", \"definition\": \"x\"}\n", "macros.jsonl:1: 'a b' is not a valid macro name" },
        new object[] { "{\"name\": \"a\", \"arguments\": [\"x y\"], \"definition\": \"x\"}\n", "macros.jsonl:1: macro 'a': 'x y' is not a valid argument name" },
        new object[] { "{\"name\": \"a\", \"arguments\": [\"x\", \"x\"], \"definition\": \"x\"}\n", "macros.jsonl:1: macro 'a': argument 'x' is listed twice" },
        new object[] { "{\"name\": \"a(2)\", \"arguments\": [\"x\"], \"definition\": \"x\"}\n", "macros.jsonl:1: macro 'a(2)' declares 2 argument(s) but lists 1" },
    ];

    [TestCaseSource(nameof(s_badJsonLines))]
    public void JsonLinesReportsBadLinesWithLineNumber(string text, string expectedStart)
    {
        var library = MacroLibrary.ParseJsonLines(text + "{\"name\": \"good\", \"definition\": \"ok\"}\n", "macros.jsonl", out var diagnostics);

        Assert.That(diagnostics, Has.Length.EqualTo(1));
        Assert.That(diagnostics[0].Code, Is.EqualTo(DiagnosticFacts.MacroLibraryFormatDescriptor.Code));
        Assert.That(diagnostics[0].Message, Does.StartWith(expectedStart));
        Assert.That(library.Count, Is.EqualTo(1), "the bad line is skipped, the good one kept");
        Assert.That(library.HasName("good"), Is.True);
    }

    [Test]
    public void JsonLinesAcceptsSplunkStyleNameWithArity()
    {
        var library = MacroLibrary.ParseJsonLines("{\"name\": \"m(1)\", \"arguments\": [\"x\"], \"definition\": \"$x$\"}", "l.jsonl", out var diagnostics);
        Assert.That(diagnostics, Is.Empty);
        Assert.That(library.TryGet("m", 1, out _), Is.True);
    }

    [Test]
    public void MacrosConfReadsStanzasArgsArityAndContinuations()
    {
        const string text = """
            # Splunk macros.conf
            [default]
            definition = ignored

            [simple]
            definition = index=main sourcetype=foo
            description = not used

            [pair(2)]
            args = first, second
            definition = $first$ OR $second$

            [pair]
            definition = no arguments here

            [long(1)]
            args = x
            definition = search a=$x$ \
            | stats count \
              by b
            # comment inside a stanza
            errormsg = ignored
            """;
        var library = MacroLibrary.ParseMacrosConf(text, "macros.conf", out var diagnostics);

        Assert.That(diagnostics, Is.Empty);
        Assert.That(library.Count, Is.EqualTo(4));
        Assert.That(library.HasName("default"), Is.False, "[default] is not a macro");
        Assert.That(library.TryGet("simple", 0, out var simple), Is.True);
        Assert.That(simple.Definition, Is.EqualTo("index=main sourcetype=foo"));
        Assert.That(simple.Origin, Is.EqualTo("macros.conf:[simple]"));
        Assert.That(library.TryGet("pair", 2, out var pair2), Is.True);
        Assert.That(pair2.Arguments, Is.EqualTo(new[] { "first", "second" }));
        Assert.That(pair2.Origin, Is.EqualTo("macros.conf:[pair(2)]"));
        Assert.That(library.TryGet("pair", 0, out var pair0), Is.True, "overloaded by arity");
        Assert.That(pair0.Definition, Is.EqualTo("no arguments here"));
        Assert.That(library.TryGet("long", 1, out var longMacro), Is.True);
        Assert.That(longMacro.Definition, Is.EqualTo("search a=$x$ \n| stats count \n  by b"));
    }

    [Test]
    public void MacrosConfIgnoresArgsOnAStanzaWithoutArity()
    {
        // macros.conf.spec, args: "If the stanza name indicates that this macro takes no arguments, this setting is ignored."
        var library = MacroLibrary.ParseMacrosConf("[m]\nargs = a\ndefinition = x $a$\n", "macros.conf", out var diagnostics);
        Assert.That(diagnostics, Is.Empty);
        Assert.That(library.TryGet("m", 0, out var m), Is.True);
        Assert.That(m.Arguments, Is.Empty);
    }

    private static readonly object[] s_badConf =
    [
        new object[] { "[a\ndefinition = x\n", "macros.conf:1: stanza header '[a' has no closing ']'" },
        new object[] { "\n[a]\ndescription = x\n", "macros.conf:2: stanza [a] has no 'definition'" },
        new object[] { "[a(2)]\ndefinition = $x$\n", "macros.conf:1: stanza [a(2)] takes 2 argument(s) but has no 'args'" },
        new object[] { "[a(2)]\nargs = x\ndefinition = $x$\n", "macros.conf:2: stanza [a(2)] takes 2 argument(s) but 'args' names 1" },
        new object[] { "[a(x)]\ndefinition = y\n", "macros.conf:1: stanza [a(x)]: the name must be 'name' or 'name(<number of arguments>)'" },
        new object[] { "[a(1)]\nargs = x y\ndefinition = y\n", "macros.conf:1: macro 'a': 'x y' is not a valid argument name" },
        new object[] { "[a(2)]\nargs = x,x\ndefinition = y\n", "macros.conf:1: macro 'a': argument 'x' is listed twice" },
        new object[] { "[a]\ndefinition = \"x\"\niseval = 1\n", "macros.conf:3: stanza [a]: eval-based macros (iseval = true) are not supported" },
    ];

    [TestCaseSource(nameof(s_badConf))]
    public void MacrosConfReportsProblemsWithLineNumber(string text, string expectedStart)
    {
        var library = MacroLibrary.ParseMacrosConf(text + "[good]\ndefinition = ok\n", "macros.conf", out var diagnostics);

        Assert.That(diagnostics, Has.Length.EqualTo(1), string.Join("\n", MacroTestSupport.Describe(diagnostics)));
        Assert.That(diagnostics[0].Code, Is.EqualTo("SPL0105"));
        Assert.That(diagnostics[0].Message, Does.StartWith(expectedStart));
        Assert.That(library.HasName("good"), Is.True);
        Assert.That(library.HasName("a"), Is.False);
    }

    [Test]
    public void MacrosConfSkipsAMalformedLineButKeepsItsStanza()
    {
        var library = MacroLibrary.ParseMacrosConf("[a]\ndefinition = x\njust some words\n", "macros.conf", out var diagnostics);
        Assert.That(MacroTestSupport.Describe(diagnostics), Is.EqualTo(new[]
        {
            "SPL0105 [0..0): macros.conf:3: expected '[stanza]' or 'setting = value', found 'just some words'",
        }));
        Assert.That(library.TryGet("a", 0, out var a) ? a.Definition : null, Is.EqualTo("x"));
    }

    [Test]
    public void WithDefinitionsReplacesSameNameAndArityOnly()
    {
        var library = MacroTestSupport.Library(("m", [], "one"), ("m", ["x"], "two $x$"));
        var changed = library.WithDefinitions([new MacroDefinition("m", [], "three", "override")]);

        Assert.That(changed.Count, Is.EqualTo(2));
        Assert.That(changed.TryGet("m", 0, out var m0) && m0.Definition == "three", Is.True);
        Assert.That(changed.TryGet("m", 1, out var m1) && m1.Definition == "two $x$", Is.True);
        Assert.That(library.TryGet("m", 0, out var original) && original.Definition == "one", Is.True, "the original library is unchanged");
        Assert.That(MacroLibrary.Empty.Count, Is.Zero);
    }

    [Test]
    public void LoadChoosesTheFormatByExtensionAndReportsMissingFiles()
    {
        var dir = Path.Combine(Path.GetTempPath(), "exfilquery-macros-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "m.jsonl"), "{\"name\": \"j\", \"definition\": \"x\"}\n");
            File.WriteAllText(Path.Combine(dir, "macros.conf"), "[c]\ndefinition = y\n");

            Assert.That(MacroLibrary.Load(Path.Combine(dir, "m.jsonl"), out var d1).HasName("j"), Is.True);
            Assert.That(d1, Is.Empty);
            var conf = MacroLibrary.Load(Path.Combine(dir, "macros.conf"), out var d2);
            Assert.That(conf.TryGet("c", 0, out var c) ? c.Origin : null, Is.EqualTo("macros.conf:[c]"));
            Assert.That(d2, Is.Empty);

            var missing = MacroLibrary.Load(Path.Combine(dir, "absent.conf"), out var d3);
            Assert.That(missing.Count, Is.Zero);
            Assert.That(d3.Single().Code, Is.EqualTo("SPL0105"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void TheSecurityContentFixtureHas189Macros()
    {
        var library = MacroLibrary.Load(TestData.Repo("fixtures", "splunk", "macros.jsonl"), out var diagnostics);
        Assert.That(diagnostics, Is.Empty);
        Assert.That(library.Count, Is.EqualTo(189));
        Assert.That(library.TryGet("security_content_summariesonly", 0, out var summariesOnly), Is.True);
        Assert.That(summariesOnly.Definition, Does.Contain("`summariesonly_config`"));
    }
}
