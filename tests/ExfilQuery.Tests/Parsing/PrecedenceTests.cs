using ExfilQuery.Syntax;
using NUnit.Framework;

namespace ExfilQuery.Tests.Parsing;

/// <summary>Boolean and operator precedence is part of the tree.
/// Splunk, Search Manual, "Boolean expressions with logical operators" (Order of evaluation):
/// https://help.splunk.com/en/splunk-enterprise/search/search-manual/9.3/expressions-and-predicates —
/// the search command evaluates (1) parentheses, (2) NOT, (3) OR, (4) AND; eval and where evaluate
/// (1) parentheses, (2) NOT, (3) AND, (4) OR, (5) XOR. In search "the operators must be capitalized".</summary>
public class PrecedenceTests
{
    private static SearchExpression SearchClause(string spl)
    {
        var result = Spl.Parse(spl);
        Assert.That(result.Diagnostics.Where(d => d.IsError), Is.Empty, spl);
        return ((SearchCommand)result.Pipeline.Commands[0]).Expression!;
    }

    private static Expression WhereClause(string expression)
    {
        var result = Spl.Parse("| where " + expression);
        Assert.That(result.Diagnostics.Where(d => d.IsError), Is.Empty, expression);
        return ((WhereCommand)result.Pipeline.Commands[0]).Condition;
    }

    [TestCase("a b OR c", "(and a (or b c))", Description = "OR before AND: a AND (b OR c)")]
    [TestCase("a OR b c", "(and (or a b) c)")]
    [TestCase("a AND b OR c", "(and a (or b c))", Description = "explicit AND behaves as implicit AND")]
    [TestCase("a OR b AND c OR d", "(and (or a b) (or c d))")]
    [TestCase("NOT a OR b", "(or (not a) b)", Description = "NOT applies to the next term only")]
    [TestCase("NOT (a OR b) c", "(and (not (group (or a b))) c)")]
    [TestCase("(a b) OR c", "(or (group (and a b)) c)")]
    [TestCase("a or b", "(and a or b)", Description = "lower-case or is a search term, not an operator")]
    [TestCase("a not b", "(and a not b)")]
    [TestCase("x=1 OR y=2 z!=3", "(and (or x=1 y=2) z!=3)")]
    [TestCase("EventCode=1 OR source=\"/var/log/audit/audit.log\" type=\"execve\"", "(and (or EventCode=1 source=\"/var/log/audit/audit.log\") type=\"execve\")",
        Description = "MITRE T1020 analytic 1 as Splunk reads it")]
    [TestCase("NOT NOT a", "(not (not a))")]
    public void SearchClauseEvaluatesOrBeforeAnd(string spl, string expected) =>
        Assert.That(Sexpr.Of(SearchClause(spl)), Is.EqualTo(expected));

    [TestCase("| tstats count where a b OR c by host", "(and a (or b c))")]
    [TestCase("| tstats count from datamodel=Network_Traffic where (All_Traffic.app=dns NOT All_Traffic.dest_port=53) OR All_Traffic.app=ssl by x",
        "(or (group (and All_Traffic.app=dns (not All_Traffic.dest_port=53))) All_Traffic.app=ssl)")]
    public void TstatsWhereUsesSearchPrecedence(string spl, string expected)
    {
        var result = Spl.Parse(spl);
        Assert.That(result.Ok, Is.True, string.Join("; ", result.Diagnostics));
        Assert.That(Sexpr.Of(((TstatsCommand)result.Pipeline.Commands[0]).Where!), Is.EqualTo(expected));
    }

    [TestCase("a OR b AND c", "(OR a (AND b c))", Description = "AND before OR in where/eval")]
    [TestCase("a AND b OR c", "(OR (AND a b) c)")]
    [TestCase("a or b and c", "(OR a (AND b c))", Description = "operators are case-insensitive in eval")]
    [TestCase("a XOR b OR c", "(XOR a (OR b c))", Description = "XOR binds loosest")]
    [TestCase("NOT a=1 AND b=2", "(AND (not (= a 1)) (= b 2))", Description = "NOT before AND; comparison inside NOT")]
    [TestCase("not dest_domain=\"x\"", "(not (= dest_domain \"x\"))")]
    [TestCase("1 + 2 * 3", "(+ 1 (* 2 3))")]
    [TestCase("(1 + 2) * 3", "(* (paren (+ 1 2)) 3)")]
    [TestCase("a - b - c", "(- (- a b) c)", Description = "left associative")]
    [TestCase("a . \"-\" . b", "(. (. a \"-\") b)", Description = "'.' concatenates")]
    [TestCase("x + 1 > y * 2", "(> (+ x 1) (* y 2))")]
    [TestCase("a < b = c", "(= (< a b) c)", Description = "relational binds tighter than equality")]
    [TestCase("-x * 2", "(* (neg x) 2)")]
    [TestCase("count > 20 AND (h = \"7z\" OR h = \"PK\")", "(AND (> count 20) (paren (OR (= h \"7z\") (= h \"PK\"))))")]
    [TestCase("command IN (\"scp\", \"rsync\")", "(in command \"scp\" \"rsync\")")]
    [TestCase("x NOT IN (1, 2)", "(notin x 1 2)")]
    [TestCase("script_path LIKE \"%.ps1\"", "(like script_path \"%.ps1\")")]
    [TestCase("NOT x LIKE \"a%\"", "(not (like x \"a%\"))")]
    [TestCase("like(x, \"a%\") OR match(y, \"^b\")", "(OR (call like x \"a%\") (call match y \"^b\"))")]
    [TestCase("'field name' == \"v\"", "(== 'field name' \"v\")")]
    [TestCase("Processes.process_name = \"a\"", "(= Processes.process_name \"a\")", Description = "dots belong to field names")]
    [TestCase("destination{}.address != \"\"", "(!= destination{}.address \"\")")]
    public void WhereEvaluatesAndBeforeOr(string expression, string expected) =>
        Assert.That(Sexpr.Of(WhereClause(expression)), Is.EqualTo(expected));

    [Test]
    public void EvalCaseKeepsArgumentsInOrder()
    {
        var result = Spl.Parse("| eval risk_score=case(command IN (\"scp\"), 9, bytes_out > 5000000, 8), x=1");
        Assert.That(result.Ok, Is.True);
        var eval = (EvalCommand)result.Pipeline.Commands[0];
        Assert.That(eval.Assignments.Select(a => a.Target.Name), Is.EqualTo(new[] { "risk_score", "x" }));
        Assert.That(Sexpr.Of(eval.Assignments[0].Value), Is.EqualTo("(call case (in command \"scp\") 9 (> bytes_out 5000000) 8)"));
    }
}
