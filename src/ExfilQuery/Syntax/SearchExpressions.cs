using System.Collections.Immutable;

namespace ExfilQuery.Syntax;

/// <summary>Base of the search clause language (the implicit search, <c>search</c>, the <c>where</c> of tstats
/// and inputlookup). Its Boolean precedence differs from eval: NOT, then OR, then AND.</summary>
public abstract record SearchExpression : SyntaxNode;

/// <summary>Operands that must all hold: implicit (juxtaposition) or explicit <c>AND</c>. Binds loosest.</summary>
public sealed record SearchAnd(ImmutableArray<SearchExpression> Operands) : SearchExpression;

/// <summary>Operands of which one must hold. In the search clause OR binds tighter than AND.</summary>
public sealed record SearchOr(ImmutableArray<SearchExpression> Operands) : SearchExpression;

/// <summary><c>NOT operand</c>: applies to the single term or group that follows.</summary>
public sealed record SearchNot(SearchExpression Operand) : SearchExpression;

/// <summary>A parenthesised group, kept so the tree shows what the author wrote.</summary>
public sealed record SearchGroup(SearchExpression Inner) : SearchExpression;

/// <summary><c>field op value</c>, e.g. <c>process_name=*rclone*</c> or <c>bytes_out &gt; 5000000</c>.</summary>
public sealed record SearchComparison(SplValue Field, ComparisonOperator Operator, SplValue Value) : SearchExpression;

/// <summary><c>field IN (v1, v2, ...)</c>.</summary>
public sealed record SearchIn(SplValue Field, ImmutableArray<SplValue> Values) : SearchExpression;

/// <summary>A bare term or quoted phrase matched against the raw event.</summary>
public sealed record SearchTerm(SplValue Value) : SearchExpression;

/// <summary><c>TERM(x)</c> or <c>CASE(x)</c>.</summary>
public sealed record SearchTermFunction(TermFunctionKind Kind, SplValue Value) : SearchExpression;

/// <summary>A time modifier such as <c>earliest=-24h@h</c> or <c>latest=now</c>.</summary>
public sealed record SearchTimeModifier(string Modifier, ComparisonOperator Operator, SplValue Value) : SearchExpression;

/// <summary>A subsearch used as a search term: its results become a search expression.</summary>
public sealed record SearchSubsearch(Subsearch Subsearch) : SearchExpression;

/// <summary>A macro call left unexpanded (it is undefined; a diagnostic says so).</summary>
public sealed record SearchMacro(string Text) : SearchExpression;

/// <summary><c>TERM()</c> or <c>CASE()</c>.</summary>
public enum TermFunctionKind
{
    /// <summary><c>TERM(x)</c>: match x as one indexed term.</summary>
    Term,
    /// <summary><c>CASE(x)</c>: match x case-sensitively.</summary>
    Case,
}

/// <summary>Comparison operators of the search clause and of eval.</summary>
public enum ComparisonOperator
{
    /// <summary><c>=</c></summary>
    Equal,
    /// <summary><c>==</c></summary>
    EqualEqual,
    /// <summary><c>!=</c></summary>
    NotEqual,
    /// <summary><c>&lt;</c></summary>
    Less,
    /// <summary><c>&lt;=</c></summary>
    LessOrEqual,
    /// <summary><c>&gt;</c></summary>
    Greater,
    /// <summary><c>&gt;=</c></summary>
    GreaterOrEqual,
}
