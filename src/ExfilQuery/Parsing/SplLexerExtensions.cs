namespace ExfilQuery.Parsing.Generated;

// The lexer pops a mode at `]` and, in expressions, at `)`. Unbalanced input would pop an empty
// mode stack, which the ANTLR runtime reports by throwing; input must never throw, so an extra
// closing bracket keeps the current mode and the parser reports it as a syntax error instead.
public partial class SplLexer
{
    /// <inheritdoc/>
    public override int PopMode() => ModeStack.Count == 0 ? CurrentMode : base.PopMode();
}
