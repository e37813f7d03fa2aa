using System.Collections.Immutable;

namespace ExfilQuery.Ir;

/// <summary>An eval expression. Comparisons here are case-sensitive and have no wildcards (Splunk where/eval);
/// <c>like</c> uses <c>%</c> and <c>_</c>.</summary>
public abstract record Expr : IrNode;

/// <summary>A literal value.</summary>
public sealed record Literal(LiteralKind Kind, string Text) : Expr
{
    /// <summary>A string literal.</summary>
    public static Literal String(string value) => new(LiteralKind.String, value);

    /// <summary>A number literal (text as written, invariant culture).</summary>
    public static Literal Number(string text) => new(LiteralKind.Number, text);

    /// <summary>The number value, for number literals.</summary>
    public double NumberValue => double.TryParse(Text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : double.NaN;
}

/// <summary>Kinds of literal.</summary>
public enum LiteralKind
{
    /// <summary>A string.</summary>
    String,
    /// <summary>A number.</summary>
    Number,
    /// <summary>true or false.</summary>
    Boolean,
    /// <summary>null.</summary>
    Null,
}

/// <summary>A field reference.</summary>
public sealed record FieldRef(string Name) : Expr;

/// <summary>A function call; <see cref="Function"/> is lower-case (Splunk function names are case-insensitive).</summary>
public sealed record CallExpr(string Function, ImmutableArray<Expr> Arguments) : Expr;

/// <summary>A binary operation.</summary>
public sealed record BinaryExpr(BinaryOp Operator, Expr Left, Expr Right) : Expr;

/// <summary>NOT or unary minus.</summary>
public sealed record UnaryExpr(UnaryOp Operator, Expr Operand) : Expr;

/// <summary><c>value LIKE pattern</c> (<c>%</c> any run, <c>_</c> one character), case-sensitive.</summary>
public sealed record LikeExpr(Expr Value, Expr Pattern, bool Negated) : Expr;

/// <summary><c>value IN (a, b)</c>: exact, case-sensitive equality with any item; <c>*</c> is literal.</summary>
public sealed record InExpr(Expr Value, ImmutableArray<Expr> Items, bool Negated) : Expr;

/// <summary>Binary operators of eval, by meaning (<c>=</c> and <c>==</c> are the same).</summary>
public enum BinaryOp
{
    /// <summary>*</summary>
    Multiply,
    /// <summary>/</summary>
    Divide,
    /// <summary>%</summary>
    Modulo,
    /// <summary>+ (numbers add, strings concatenate)</summary>
    Add,
    /// <summary>-</summary>
    Subtract,
    /// <summary>. (string concatenation)</summary>
    Concat,
    /// <summary>&lt;</summary>
    Less,
    /// <summary>&lt;=</summary>
    LessOrEqual,
    /// <summary>&gt;</summary>
    Greater,
    /// <summary>&gt;=</summary>
    GreaterOrEqual,
    /// <summary>= or ==</summary>
    Equal,
    /// <summary>!=</summary>
    NotEqual,
    /// <summary>AND</summary>
    And,
    /// <summary>OR</summary>
    Or,
    /// <summary>XOR</summary>
    Xor,
}

/// <summary>Unary operators.</summary>
public enum UnaryOp
{
    /// <summary>NOT</summary>
    Not,
    /// <summary>-</summary>
    Negate,
}
