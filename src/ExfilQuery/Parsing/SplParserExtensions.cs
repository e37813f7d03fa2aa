using System.Runtime.CompilerServices;
using Antlr4.Runtime;

namespace ExfilQuery.Parsing.Generated;

// Deeply nested input must not overflow the stack: every rule entry checks that enough stack is left,
// and the parser facade turns InsufficientExecutionStackException into a diagnostic.
public partial class SplParser
{
    /// <inheritdoc/>
    public override void EnterRule(ParserRuleContext localctx, int state, int ruleIndex)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        base.EnterRule(localctx, state, ruleIndex);
    }

    /// <inheritdoc/>
    public override void EnterRecursionRule(ParserRuleContext localctx, int state, int ruleIndex, int precedence)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        base.EnterRecursionRule(localctx, state, ruleIndex, precedence);
    }
}
