namespace ExfilQuery.Syntax;

/// <summary>Writes a syntax tree as stable, indented text for snapshots and round-trip checks: one node per line
/// with its scalar properties (in declaration order, strings JSON-quoted), then its child nodes indented.
/// Spans are left out unless asked for, so trees read from different texts compare equal when they mean the same.</summary>
public static class SyntaxDumper
{
    /// <summary>Dumps a node (usually a <see cref="Pipeline"/>).</summary>
    public static string Dump(SyntaxNode node, bool includeSpans = false) => Text.TreeDumper.Dump(node, includeSpans);
}
