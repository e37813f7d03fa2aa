using System.Collections.Immutable;

namespace ExfilQuery.Syntax;

/// <summary>Base of the eval expression language (eval, where, <c>eval(...)</c> arguments).
/// Precedence, loosest first: XOR, OR, AND, NOT, comparison (= == != LIKE IN), relational (&lt; &lt;= &gt; &gt;=),
/// additive (+ - .), multiplicative (* / %), unary (- +), call and parentheses.</summary>
public abstract record Expression : SyntaxNode;

/// <summary>A binary operation.</summary>
public sealed record BinaryExpression(BinaryOperator Operator, Expression Left, Expression Right) : Expression;

/// <summary>A unary operation.</summary>
public sealed record UnaryExpression(UnaryOperator Operator, Expression Operand) : Expression;

/// <summary><c>value [NOT] LIKE pattern</c> (SQL-style <c>%</c> and <c>_</c> wildcards).</summary>
public sealed record LikeExpression(Expression Value, Expression Pattern, bool Negated) : Expression;

/// <summary><c>value [NOT] IN (a, b, ...)</c>: exact comparison, no wildcards.</summary>
public sealed record InExpression(Expression Value, ImmutableArray<Expression> Items, bool Negated) : Expression;

/// <summary>A function call such as <c>if(a, b, c)</c>; <see cref="Name"/> is as written.</summary>
public sealed record CallExpression(string Name, ImmutableArray<Expression> Arguments) : Expression;

/// <summary>A field reference, bare or single-quoted.</summary>
public sealed record FieldExpression(FieldName Field) : Expression;

/// <summary>A double-quoted string literal; <see cref="Raw"/> is the text between the quotes as written.</summary>
public sealed record StringLiteral(string Raw) : Expression
{
    /// <summary>The decoded value.</summary>
    public string Value => SyntaxFacts.UnescapeQuoted(Raw);
}

/// <summary>A number literal as written.</summary>
public sealed record NumberLiteral(string Text) : Expression
{
    /// <summary>The value as a double (invariant culture).</summary>
    public double Value => double.TryParse(Text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : double.NaN;
}

/// <summary>A parenthesised expression, kept so the tree shows what the author wrote.</summary>
public sealed record ParenthesizedExpression(Expression Inner) : Expression;

/// <summary>A macro call left unexpanded (it is undefined; a diagnostic says so).</summary>
public sealed record MacroExpression(string Text) : Expression;

/// <summary>Binary operators of eval.</summary>
public enum BinaryOperator
{
    /// <summary><c>*</c></summary>
    Multiply,
    /// <summary><c>/</c></summary>
    Divide,
    /// <summary><c>%</c></summary>
    Modulo,
    /// <summary><c>+</c> (addition, or concatenation of strings)</summary>
    Add,
    /// <summary><c>-</c></summary>
    Subtract,
    /// <summary><c>.</c> string concatenation</summary>
    Concat,
    /// <summary><c>&lt;</c></summary>
    Less,
    /// <summary><c>&lt;=</c></summary>
    LessOrEqual,
    /// <summary><c>&gt;</c></summary>
    Greater,
    /// <summary><c>&gt;=</c></summary>
    GreaterOrEqual,
    /// <summary><c>=</c></summary>
    Equal,
    /// <summary><c>==</c></summary>
    EqualEqual,
    /// <summary><c>!=</c></summary>
    NotEqual,
    /// <summary><c>AND</c></summary>
    And,
    /// <summary><c>OR</c></summary>
    Or,
    /// <summary><c>XOR</c></summary>
    Xor,
}

/// <summary>Unary operators of eval.</summary>
public enum UnaryOperator
{
    /// <summary><c>NOT</c></summary>
    Not,
    /// <summary><c>-</c></summary>
    Negate,
    /// <summary><c>+</c></summary>
    Plus,
}
