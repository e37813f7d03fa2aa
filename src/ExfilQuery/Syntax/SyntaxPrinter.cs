using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text;

namespace ExfilQuery.Syntax;

/// <summary>Prints a syntax tree back to canonical SPL: one space between tokens, <c>AS</c>/<c>BY</c>/<c>OVER</c>/
/// <c>OUTPUT</c> in upper case, parentheses where the tree has groups or where precedence needs them. Parsing the
/// printed text gives the same tree (spans aside) for every tree the parser produces.</summary>
public static class SyntaxPrinter
{
    /// <summary>Prints a pipeline.</summary>
    public static string Print(Pipeline pipeline)
    {
        var sb = new StringBuilder();
        WritePipeline(sb, pipeline);
        return sb.ToString();
    }

    /// <summary>Prints one command (without a leading pipe).</summary>
    public static string Print(Command command)
    {
        var sb = new StringBuilder();
        WriteCommand(sb, command);
        return sb.ToString();
    }

    /// <summary>Prints a search-clause expression.</summary>
    public static string Print(SearchExpression expression)
    {
        var sb = new StringBuilder();
        WriteSearch(sb, expression);
        return sb.ToString();
    }

    /// <summary>Prints an eval expression.</summary>
    public static string Print(Expression expression)
    {
        var sb = new StringBuilder();
        WriteExpr(sb, expression);
        return sb.ToString();
    }

    // ------------------------------------------------------------------ pipeline and commands

    private static void WritePipeline(StringBuilder sb, Pipeline pipeline, bool subsearch = false)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        for (var i = 0; i < pipeline.Commands.Length; i++)
        {
            var command = pipeline.Commands[i];
            if (i > 0) sb.Append(" | ");
            else if (command is not SearchCommand && !(subsearch && command is EvalCommand or WhereCommand)) sb.Append("| ");
            WriteCommand(sb, command);
        }
    }

    private static void WriteSubsearch(StringBuilder sb, Subsearch subsearch)
    {
        sb.Append('[');
        // `[eval ...]` and `[where ...]` are written without a pipe, as foreach templates are.
        WritePipeline(sb, subsearch.Pipeline, subsearch: true);
        sb.Append(']');
    }

    private static void WriteCommand(StringBuilder sb, Command command)
    {
        switch (command)
        {
            case SearchCommand c:
                if (c.HasKeyword) sb.Append("search");
                if (c.Expression is not null)
                {
                    if (c.HasKeyword) sb.Append(' ');
                    WriteSearch(sb, c.Expression);
                }
                break;
            case WhereCommand c:
                sb.Append("where ");
                WriteExpr(sb, c.Condition);
                break;
            case EvalCommand c:
                sb.Append("eval ");
                for (var i = 0; i < c.Assignments.Length; i++)
                {
                    if (i > 0) sb.Append(", ");
                    WriteField(sb, c.Assignments[i].Target);
                    sb.Append('=');
                    WriteExpr(sb, c.Assignments[i].Value);
                }
                break;
            case StatsCommand c:
            {
                sb.Append(c.Name);
                WriteOptions(sb, c.Options);
                foreach (var a in c.Aggregations) WriteAggregation(sb.Append(' '), a);
                // Options written before the by fields stay before them: after timechart's split-by field, span= bins
                // that field instead of _time (Search Reference, "timechart", Usage).
                var early = c.By.IsEmpty ? [] : c.ClauseOptions.Where(o => o.Span.End <= c.By[0].Span.Start && o.Span != c.By[0].Span).ToImmutableArray();
                WriteOptions(sb, early);
                if (c.Over is not null) WriteField(sb.Append(" OVER "), c.Over);
                WriteBy(sb, c.By);
                WriteOptions(sb, early.IsEmpty ? c.ClauseOptions : c.ClauseOptions.RemoveRange(early));
                if (c.Where is { } w)
                {
                    sb.Append(" WHERE ").Append(w.Function);
                    if (w.Field is not null)
                    {
                        WriteField(sb.Append('('), w.Field);
                        sb.Append(')');
                    }
                    sb.Append(' ').Append(w.Comparison).Append(' ').Append(w.Value);
                }
                break;
            }
            case TstatsCommand c:
                sb.Append("tstats");
                WriteOptions(sb, c.Options);
                foreach (var a in c.Aggregations) WriteAggregation(sb.Append(' '), a);
                // Options written after the aggregations read back the same wherever they stand; without a BY
                // clause they must come before `where`, which would otherwise take them as search terms.
                if (c.By.IsEmpty) WriteOptions(sb, c.ClauseOptions);
                if (c.From is not null)
                {
                    sb.Append(" from ");
                    if (c.From.Option is not null) WriteOption(sb, c.From.Option);
                    else sb.AppendJoin(' ', c.From.Words.Select(w => w.Text));
                }
                if (c.Where is not null) WriteSearch(sb.Append(" where "), c.Where);
                WriteBy(sb, c.By);
                if (!c.By.IsEmpty) WriteOptions(sb, c.ClauseOptions);
                break;
            case RexCommand c:
                sb.Append("rex");
                WriteOptions(sb, c.Options);
                sb.Append(' ').Append(c.Pattern.Text);
                break;
            case RegexCommand c:
                sb.Append("regex ");
                if (c.Field is not null)
                {
                    WriteField(sb, c.Field);
                    sb.Append(c.Negated ? "!=" : "=");
                }
                sb.Append(c.Pattern.Text);
                break;
            case RenameCommand c:
                sb.Append("rename");
                for (var i = 0; i < c.Pairs.Length; i++)
                {
                    sb.Append(i == 0 ? " " : ", ");
                    WriteField(sb, c.Pairs[i].From);
                    WriteField(sb.Append(" AS "), c.Pairs[i].To);
                }
                break;
            case TableCommand c:
                sb.Append("table");
                WriteFields(sb, c.Fields);
                break;
            case FieldsCommand c:
                sb.Append("fields");
                if (c.Remove) sb.Append(" -");
                else if (c.HasPlus) sb.Append(" +");
                WriteFields(sb, c.Fields);
                break;
            case DedupCommand c:
                sb.Append("dedup");
                if (c.Count is { } n) sb.Append(' ').Append(n);
                WriteFields(sb, c.Fields);
                WriteOptions(sb, c.Options);
                if (!c.SortBy.IsEmpty)
                {
                    sb.Append(" sortby");
                    foreach (var k in c.SortBy) WriteSortKey(sb.Append(' '), k);
                }
                break;
            case SortCommand c:
                sb.Append("sort");
                if (c.Count is { } count) sb.Append(' ').Append(count);
                WriteOptions(sb, c.Options);
                foreach (var k in c.Keys) WriteSortKey(sb.Append(' '), k);
                if (c.Reverse) sb.Append(" d");
                break;
            case HeadCommand c:
                sb.Append(c.Name);
                if (c.Count is { } headCount) sb.Append(' ').Append(headCount);
                WriteOptions(sb, c.Options);
                break;
            case BinCommand c:
                sb.Append(c.Name);
                WriteOptions(sb, c.Options);
                WriteField(sb.Append(' '), c.Field);
                if (c.Alias is not null) WriteField(sb.Append(" AS "), c.Alias);
                break;
            case FillnullCommand c:
                sb.Append("fillnull");
                WriteOptions(sb, c.Options);
                WriteFields(sb, c.Fields);
                break;
            case LookupCommand c:
                sb.Append("lookup");
                WriteOptions(sb, c.Options);
                sb.Append(' ').Append(c.Table.Text);
                foreach (var f in c.Inputs) WriteLookupField(sb.Append(' '), f);
                if (c.OutputMode != LookupOutputMode.None)
                {
                    sb.Append(c.OutputMode == LookupOutputMode.Output ? " OUTPUT" : " OUTPUTNEW");
                    foreach (var f in c.Outputs) WriteLookupField(sb.Append(' '), f);
                }
                break;
            case InputlookupCommand c:
                sb.Append("inputlookup");
                WriteOptions(sb, c.Options);
                sb.Append(' ').Append(c.Table.Text);
                if (c.Where is not null) WriteSearch(sb.Append(" where "), c.Where);
                break;
            case JoinCommand c:
                sb.Append("join");
                WriteOptions(sb, c.Options);
                WriteFields(sb, c.Fields);
                WriteSubsearch(sb.Append(' '), c.Subsearch);
                break;
            case AppendCommand c:
                sb.Append(c.Name);
                WriteOptions(sb, c.Options);
                WriteSubsearch(sb.Append(' '), c.Subsearch);
                break;
            case MapCommand c:
                sb.Append("map");
                WriteOptions(sb, c.Options);
                if (c.Subsearch is not null) WriteSubsearch(sb.Append(' '), c.Subsearch);
                break;
            case MvexpandCommand c:
                WriteField(sb.Append("mvexpand "), c.Field);
                WriteOptions(sb, c.Options);
                break;
            case MakemvCommand c:
                sb.Append("makemv");
                WriteOptions(sb, c.Options);
                WriteField(sb.Append(' '), c.Field);
                break;
            case SpathCommand c:
                sb.Append("spath");
                WriteOptions(sb, c.Options);
                if (c.Path is not null) sb.Append(' ').Append(c.Path.Text);
                break;
            case XmlkvCommand c:
                sb.Append("xmlkv");
                WriteOptions(sb, c.Options);
                if (c.Field is not null) WriteField(sb.Append(' '), c.Field);
                break;
            case IplocationCommand c:
                sb.Append("iplocation");
                WriteOptions(sb, c.Options);
                WriteField(sb.Append(' '), c.Field);
                break;
            case TransactionCommand c:
                sb.Append("transaction");
                WriteFields(sb, c.Fields);
                WriteOptions(sb, c.Options);
                break;
            case ConvertCommand c:
                sb.Append("convert");
                WriteOptions(sb, c.Options);
                foreach (var item in c.Items)
                {
                    sb.Append(' ').Append(item.Function).Append('(');
                    WriteField(sb, item.Field);
                    sb.Append(')');
                    if (item.Alias is not null) WriteField(sb.Append(" AS "), item.Alias);
                }
                break;
            case TopCommand c:
                sb.Append(c.Name);
                WriteOptions(sb, c.Options);
                WriteFields(sb, c.Fields);
                WriteBy(sb, c.By);
                WriteOptions(sb, c.TrailingOptions);
                break;
            case ReturnCommand c:
                sb.Append("return");
                if (c.Count is { } returnCount) sb.Append(' ').Append(returnCount);
                foreach (var item in c.Items)
                {
                    sb.Append(' ');
                    if (item.Alias is not null) sb.Append(item.Alias).Append('=');
                    if (item.ValueOnly) sb.Append('$');
                    sb.Append(item.Field);
                }
                break;
            case FormatCommand c:
                sb.Append("format");
                WriteOptions(sb, c.Options);
                foreach (var s in c.Strings) sb.Append(' ').Append(s.Text);
                break;
            case AddinfoCommand c:
                sb.Append("addinfo");
                WriteOptions(sb, c.Options);
                break;
            case FromCommand c:
                sb.Append("from");
                WriteGenericArguments(sb, c.Arguments);
                break;
            case MacroCommand c:
                sb.Append(c.Text);
                break;
            case GenericCommand c:
                sb.Append(c.CommandName);
                WriteGenericArguments(sb, c.Arguments);
                break;
            default:
                throw new InvalidOperationException($"SyntaxPrinter has no rule for {command.GetType().Name}.");
        }
    }

    private static void WriteGenericArguments(StringBuilder sb, ImmutableArray<GenericArgument> arguments)
    {
        foreach (var a in arguments)
        {
            sb.Append(' ');
            WriteGenericArgument(sb, a);
        }
    }

    private static void WriteGenericArgument(StringBuilder sb, GenericArgument argument)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (argument)
        {
            case TokenArgument t:
                sb.Append(t.Text);
                break;
            case SubsearchArgument s:
                WriteSubsearch(sb, s.Subsearch);
                break;
            case GroupArgument g:
                sb.Append('(');
                for (var i = 0; i < g.Arguments.Length; i++)
                {
                    if (i > 0) sb.Append(' ');
                    WriteGenericArgument(sb, g.Arguments[i]);
                }
                sb.Append(')');
                break;
            case EvalArgument e:
                WriteExpr(sb.Append("eval("), e.Expression);
                sb.Append(')');
                break;
        }
    }

    private static void WriteAggregation(StringBuilder sb, Aggregation a)
    {
        sb.Append(a.Function);
        if (a.HasParentheses)
        {
            sb.Append('(');
            if (a.Eval is not null)
            {
                WriteExpr(sb.Append("eval("), a.Eval);
                sb.Append(')');
            }
            else if (a.Field is not null)
            {
                WriteField(sb, a.Field);
            }
            sb.Append(')');
        }
        if (a.Alias is not null) WriteField(sb.Append(" AS "), a.Alias);
    }

    private static void WriteBy(StringBuilder sb, ImmutableArray<FieldName> by)
    {
        if (by.IsEmpty) return;
        sb.Append(" BY");
        WriteFields(sb, by);
    }

    private static void WriteSortKey(StringBuilder sb, SortKey key)
    {
        if (key.Descending) sb.Append('-');
        else if (key.HasPlus) sb.Append('+');
        if (key.Conversion is not null)
        {
            sb.Append(key.Conversion).Append('(');
            WriteField(sb, key.Field);
            sb.Append(')');
        }
        else
        {
            WriteField(sb, key.Field);
        }
    }

    private static void WriteLookupField(StringBuilder sb, LookupField f)
    {
        WriteField(sb, f.Field);
        if (f.Alias is not null) WriteField(sb.Append(" AS "), f.Alias);
    }

    private static void WriteOptions(StringBuilder sb, ImmutableArray<CommandOption> options)
    {
        foreach (var o in options) WriteOption(sb.Append(' '), o);
    }

    private static void WriteOption(StringBuilder sb, CommandOption option)
    {
        AppendBare(sb, option.Name).Append('=');
        switch (option.Value)
        {
            case WordOptionValue w:
                AppendValue(sb, w.Value);
                break;
            case EvalOptionValue e:
                WriteExpr(sb.Append("eval("), e.Expression);
                sb.Append(')');
                break;
            case SearchOptionValue s:
                WriteSearch(sb.Append('('), s.Expression);
                sb.Append(')');
                break;
        }
    }

    private static void WriteFields(StringBuilder sb, ImmutableArray<FieldName> fields)
    {
        foreach (var f in fields) WriteField(sb.Append(' '), f);
    }

    private static void WriteField(StringBuilder sb, FieldName field)
    {
        switch (field.Quoting)
        {
            case FieldQuoting.Double:
                sb.Append('"').Append(SyntaxFacts.EscapeQuoted(field.Name)).Append('"');
                break;
            case FieldQuoting.Single:
                sb.Append('\'').Append(field.Name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)).Append('\'');
                break;
            default:
                AppendBare(sb, field.Name);
                break;
        }
    }

    // ------------------------------------------------------------------ search clause

    private static void WriteSearch(StringBuilder sb, SearchExpression expression)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (expression)
        {
            case SearchAnd a:
                for (var i = 0; i < a.Operands.Length; i++)
                {
                    if (i > 0) sb.Append(' ');
                    WriteSearchOperand(sb, a.Operands[i], a.Operands[i] is SearchAnd);
                }
                break;
            case SearchOr o:
                for (var i = 0; i < o.Operands.Length; i++)
                {
                    if (i > 0) sb.Append(" OR ");
                    WriteSearchOperand(sb, o.Operands[i], o.Operands[i] is SearchAnd or SearchOr);
                }
                break;
            case SearchNot n:
                sb.Append("NOT ");
                WriteSearchOperand(sb, n.Operand, n.Operand is SearchAnd or SearchOr);
                break;
            case SearchGroup g:
                sb.Append('(');
                WriteSearch(sb, g.Inner);
                sb.Append(')');
                break;
            case SearchComparison c:
                AppendValue(sb, c.Field).Append(OperatorText(c.Operator));
                AppendValue(sb, c.Value);
                break;
            case SearchTimeModifier t:
                AppendBare(sb, t.Modifier).Append(OperatorText(t.Operator));
                AppendValue(sb, t.Value);
                break;
            case SearchIn i:
                AppendValue(sb, i.Field).Append(" IN (");
                for (var k = 0; k < i.Values.Length; k++)
                {
                    if (k > 0) sb.Append(", ");
                    AppendValue(sb, i.Values[k]);
                }
                sb.Append(')');
                break;
            case SearchTerm t:
                AppendValue(sb, t.Value);
                break;
            case SearchTermFunction f:
                AppendValue(sb.Append(f.Kind == TermFunctionKind.Case ? "CASE(" : "TERM("), f.Value).Append(')');
                break;
            case SearchSubsearch s:
                WriteSubsearch(sb, s.Subsearch);
                break;
            case SearchMacro m:
                sb.Append(m.Text);
                break;
            default:
                throw new InvalidOperationException($"SyntaxPrinter has no rule for {expression.GetType().Name}.");
        }
    }

    private static StringBuilder AppendValue(StringBuilder sb, SplValue value) =>
        value.Quoted ? sb.Append(value.Text) : AppendBare(sb, value.Raw);

    /// <summary>Appends a bare word. A word ending in a backslash gets a space after it: otherwise the lexer could
    /// read the backslash as escaping the next character (`a\\=b` is one word) and the text would read back differently.</summary>
    private static StringBuilder AppendBare(StringBuilder sb, string word)
    {
        sb.Append(word);
        return word.EndsWith('\\') ? sb.Append(' ') : sb;
    }

    private static void WriteSearchOperand(StringBuilder sb, SearchExpression operand, bool parenthesize)
    {
        if (parenthesize) sb.Append('(');
        WriteSearch(sb, operand);
        if (parenthesize) sb.Append(')');
    }

    /// <summary>The SPL spelling of a comparison operator.</summary>
    public static string OperatorText(ComparisonOperator op) => op switch
    {
        ComparisonOperator.EqualEqual => "==",
        ComparisonOperator.NotEqual => "!=",
        ComparisonOperator.Less => "<",
        ComparisonOperator.LessOrEqual => "<=",
        ComparisonOperator.Greater => ">",
        ComparisonOperator.GreaterOrEqual => ">=",
        _ => "=",
    };

    // ------------------------------------------------------------------ eval expressions

    private const int PrecXor = 1, PrecOr = 2, PrecAnd = 3, PrecNot = 4, PrecEquality = 5, PrecRelational = 6,
        PrecAdditive = 7, PrecMultiplicative = 8, PrecUnary = 9, PrecPrimary = 10;

    private static int Precedence(Expression e) => e switch
    {
        BinaryExpression b => Precedence(b.Operator),
        LikeExpression or InExpression => PrecEquality,
        UnaryExpression { Operator: UnaryOperator.Not } => PrecNot,
        UnaryExpression => PrecUnary,
        _ => PrecPrimary,
    };

    private static int Precedence(BinaryOperator op) => op switch
    {
        BinaryOperator.Xor => PrecXor,
        BinaryOperator.Or => PrecOr,
        BinaryOperator.And => PrecAnd,
        BinaryOperator.Equal or BinaryOperator.EqualEqual or BinaryOperator.NotEqual => PrecEquality,
        BinaryOperator.Less or BinaryOperator.LessOrEqual or BinaryOperator.Greater or BinaryOperator.GreaterOrEqual => PrecRelational,
        BinaryOperator.Add or BinaryOperator.Subtract or BinaryOperator.Concat => PrecAdditive,
        _ => PrecMultiplicative,
    };

    /// <summary>The SPL spelling of a binary operator.</summary>
    public static string OperatorText(BinaryOperator op) => op switch
    {
        BinaryOperator.Multiply => "*",
        BinaryOperator.Divide => "/",
        BinaryOperator.Modulo => "%",
        BinaryOperator.Add => "+",
        BinaryOperator.Subtract => "-",
        BinaryOperator.Concat => ".",
        BinaryOperator.Less => "<",
        BinaryOperator.LessOrEqual => "<=",
        BinaryOperator.Greater => ">",
        BinaryOperator.GreaterOrEqual => ">=",
        BinaryOperator.Equal => "=",
        BinaryOperator.EqualEqual => "==",
        BinaryOperator.NotEqual => "!=",
        BinaryOperator.And => "AND",
        BinaryOperator.Or => "OR",
        _ => "XOR",
    };

    private static bool IsPrefix(Expression e) => e is UnaryExpression;

    private static void WriteExpr(StringBuilder sb, Expression expression)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (expression)
        {
            case BinaryExpression b:
            {
                var p = Precedence(b.Operator);
                WriteOperand(sb, b.Left, Precedence(b.Left) < p);
                sb.Append(' ').Append(OperatorText(b.Operator)).Append(' ');
                // A prefix operator (NOT, unary minus) parses in a right operand at any level, so it needs no parentheses there.
                WriteOperand(sb, b.Right, !IsPrefix(b.Right) && Precedence(b.Right) <= p);
                break;
            }
            case LikeExpression l:
                WriteOperand(sb, l.Value, Precedence(l.Value) < PrecEquality);
                sb.Append(l.Negated ? " NOT LIKE " : " LIKE ");
                WriteOperand(sb, l.Pattern, !IsPrefix(l.Pattern) && Precedence(l.Pattern) <= PrecEquality);
                break;
            case InExpression i:
                WriteOperand(sb, i.Value, Precedence(i.Value) < PrecEquality);
                sb.Append(i.Negated ? " NOT IN (" : " IN (");
                for (var k = 0; k < i.Items.Length; k++)
                {
                    if (k > 0) sb.Append(", ");
                    WriteExpr(sb, i.Items[k]);
                }
                sb.Append(')');
                break;
            case UnaryExpression { Operator: UnaryOperator.Not } n:
                sb.Append("NOT ");
                WriteOperand(sb, n.Operand, Precedence(n.Operand) < PrecEquality && !IsPrefix(n.Operand));
                break;
            case UnaryExpression u:
                sb.Append(u.Operator == UnaryOperator.Negate ? "-" : "+");
                WriteOperand(sb, u.Operand, Precedence(u.Operand) < PrecUnary);
                break;
            case CallExpression c:
                sb.Append(c.Name).Append('(');
                for (var k = 0; k < c.Arguments.Length; k++)
                {
                    if (k > 0) sb.Append(", ");
                    WriteExpr(sb, c.Arguments[k]);
                }
                sb.Append(')');
                break;
            case FieldExpression f:
                WriteField(sb, f.Field);
                break;
            case StringLiteral s:
                sb.Append('"').Append(s.Raw).Append('"');
                break;
            case NumberLiteral n:
                sb.Append(n.Text);
                break;
            case ParenthesizedExpression p:
                sb.Append('(');
                WriteExpr(sb, p.Inner);
                sb.Append(')');
                break;
            case MacroExpression m:
                sb.Append(m.Text);
                break;
            default:
                throw new InvalidOperationException($"SyntaxPrinter has no rule for {expression.GetType().Name}.");
        }
    }

    private static void WriteOperand(StringBuilder sb, Expression operand, bool parenthesize)
    {
        if (parenthesize) sb.Append('(');
        WriteExpr(sb, operand);
        if (parenthesize) sb.Append(')');
    }
}
