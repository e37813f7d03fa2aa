namespace ExfilQuery.Ir;

/// <summary>Stable text form of the IR for snapshots: one node per line, scalar properties inline, children
/// indented, spans left out unless asked for.</summary>
public static class IrPrinter
{
    /// <summary>Prints an IR node (usually a <see cref="Detection"/>).</summary>
    public static string Print(IrNode node, bool includeSpans = false) => Text.TreeDumper.Dump(node, includeSpans);
}
