using ExfilQuery.Testing;
using NUnit.Framework;

namespace ExfilQuery.Tests.Testing;

/// <summary>The scalar forms of a security_content YAML's <c>search:</c>. Expected values follow the YAML 1.2.2
/// specification (https://yaml.org/spec/1.2.2/): 7.3.2 single-quoted (<c>''</c> escapes a quote, line breaks
/// fold to spaces), 7.3.1 double-quoted (backslash escapes), 7.3.3 plain, 8.1.2 literal and 8.1.3 folded
/// block scalars with chomping indicators.</summary>
public class SecurityContentYamlTests
{
    [TestCase("search: index=main | stats count\n", "index=main | stats count")]
    [TestCase("name: x\nsearch: '| tstats count where a=''b'' by host'\ntags: y\n", "| tstats count where a='b' by host")]
    [TestCase("search: '| tstats count\n  from datamodel=Endpoint.Processes\n\n  | head 1'\nx: 1\n", "| tstats count from datamodel=Endpoint.Processes\n| head 1")]
    [TestCase("search: \"a=\\\"b\\\" | eval c=\\\"d\\\\e\\\"\"\n", "a=\"b\" | eval c=\"d\\e\"")]
    [TestCase("search: |\n  index=main\n  | stats count\nnext: 1\n", "index=main\n| stats count\n")]
    [TestCase("search: |-\n  index=main\n  | stats count\n\nnext: 1\n", "index=main\n| stats count")]
    [TestCase("search: >\n  index=main\n  | stats count\n\n  | head 1\nnext: 1\n", "index=main | stats count\n| head 1\n")]
    [TestCase("search: plain text\n  continued here\nnext: 1\n", "plain text continued here")]
    public void ReadsSearch(string yaml, string expected)
    {
        Assert.That(SecurityContentYaml.ReadSearch(yaml, out var error), Is.EqualTo(expected), error);
    }

    [TestCase("name: x\n", "no top-level 'search:' key.")]
    [TestCase("  search: nested\n", "no top-level 'search:' key.")]
    [TestCase("search:\nnext: 1\n", "'search:' is empty.")]
    [TestCase("search: 'open\n", "the single-quoted 'search:' value is not closed.")]
    [TestCase("search: \"a\\qb\"\n", "the escape '\\q' in the double-quoted 'search:' value is not supported.")]
    [TestCase("search: |2\n  x\n", "the block scalar header '|2' is not supported (explicit indentation).")]
    public void ReportsWhatItCannotRead(string yaml, string error)
    {
        Assert.That(SecurityContentYaml.ReadSearch(yaml, out var actual), Is.Null);
        Assert.That(actual, Is.EqualTo(error));
    }
}
