namespace ExfilQuery.Syntax;

/// <summary>A <c>name=value</c> argument of a command (<c>span=1h</c>, <c>type=left</c>,
/// <c>startswith=eval(...)</c>). <see cref="Name"/> is as written.</summary>
public sealed record CommandOption(string Name, OptionValue Value) : SyntaxNode;

/// <summary>The value of a command option.</summary>
public abstract record OptionValue : SyntaxNode;

/// <summary>A bare word or quoted string option value.</summary>
public sealed record WordOptionValue(SplValue Value) : OptionValue;

/// <summary>An <c>eval(...)</c> option value.</summary>
public sealed record EvalOptionValue(Expression Expression) : OptionValue;

/// <summary>A parenthesised search expression option value (<c>startswith=(a=b)</c>).</summary>
public sealed record SearchOptionValue(SearchExpression Expression) : OptionValue;
