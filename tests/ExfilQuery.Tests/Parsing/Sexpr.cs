using ExfilQuery.Syntax;

namespace ExfilQuery.Tests.Parsing;

/// <summary>A compact S-expression view of search and eval expressions, so precedence tests read as tables.</summary>
internal static class Sexpr
{
    public static string Of(SearchExpression e) => e switch
    {
        SearchAnd a => "(and " + string.Join(" ", a.Operands.Select(Of)) + ")",
        SearchOr o => "(or " + string.Join(" ", o.Operands.Select(Of)) + ")",
        SearchNot n => "(not " + Of(n.Operand) + ")",
        SearchGroup g => "(group " + Of(g.Inner) + ")",
        SearchComparison c => c.Field.Text + SyntaxPrinter.OperatorText(c.Operator) + c.Value.Text,
        SearchTimeModifier t => "(time " + t.Modifier + SyntaxPrinter.OperatorText(t.Operator) + t.Value.Text + ")",
        SearchIn i => "(in " + i.Field.Text + " " + string.Join(" ", i.Values.Select(v => v.Text)) + ")",
        SearchTerm t => t.Value.Text,
        SearchTermFunction f => (f.Kind == TermFunctionKind.Term ? "(TERM " : "(CASE ") + f.Value.Text + ")",
        SearchSubsearch => "(subsearch)",
        SearchMacro m => m.Text,
        _ => e.GetType().Name,
    };

    public static string Of(Expression e) => e switch
    {
        BinaryExpression b => "(" + SyntaxPrinter.OperatorText(b.Operator) + " " + Of(b.Left) + " " + Of(b.Right) + ")",
        UnaryExpression { Operator: UnaryOperator.Not } u => "(not " + Of(u.Operand) + ")",
        UnaryExpression u => "(" + (u.Operator == UnaryOperator.Negate ? "neg" : "pos") + " " + Of(u.Operand) + ")",
        LikeExpression l => "(" + (l.Negated ? "notlike " : "like ") + Of(l.Value) + " " + Of(l.Pattern) + ")",
        InExpression i => "(" + (i.Negated ? "notin " : "in ") + Of(i.Value) + " " + string.Join(" ", i.Items.Select(Of)) + ")",
        CallExpression c => "(call " + c.Name + (c.Arguments.IsEmpty ? "" : " " + string.Join(" ", c.Arguments.Select(Of))) + ")",
        FieldExpression f => f.Field.Quoting == FieldQuoting.Single ? "'" + f.Field.Name + "'" : f.Field.Name,
        StringLiteral s => "\"" + s.Raw + "\"",
        NumberLiteral n => n.Text,
        ParenthesizedExpression p => "(paren " + Of(p.Inner) + ")",
        MacroExpression m => m.Text,
        _ => e.GetType().Name,
    };
}
