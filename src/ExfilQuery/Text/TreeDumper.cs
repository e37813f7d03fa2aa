using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace ExfilQuery.Text;

/// <summary>Writes a tree of records (syntax nodes, IR nodes) as stable, indented text: one node per line with its
/// scalar properties (positional record parameters in declaration order, strings JSON-quoted), then its child
/// nodes indented. Spans are left out unless asked for.</summary>
internal static class TreeDumper
{
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> PropertiesByType = new();

    /// <summary>Dumps a node.</summary>
    public static string Dump(object node, bool includeSpans)
    {
        var sb = new StringBuilder();
        Write(sb, node, 0, null, includeSpans);
        return sb.ToString();
    }

    private static bool IsNode(object? value) => value is Syntax.SyntaxNode or Ir.IrNode;

    private static TextSpan SpanOf(object node) => node switch
    {
        Syntax.SyntaxNode s => s.Span,
        Ir.IrNode i => i.Span,
        _ => default,
    };

    private static PropertyInfo[] Properties(Type type) => PropertiesByType.GetOrAdd(type, t =>
    {
        // The record's positional parameters, in order, then the init-only properties the type itself declares
        // (such as a transaction's Connected), in declaration order: exactly the data a node holds (Span aside).
        var ctor = t.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var positional = ctor.GetParameters()
            .Select(p => t.GetProperty(p.Name!, BindingFlags.Public | BindingFlags.Instance)!)
            .Where(p => p is not null)
            .ToList();
        var declared = t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0 && positional.All(q => q.Name != p.Name))
            .OrderBy(p => p.MetadataToken);
        return positional.Concat(declared).ToArray();
    });

    private static void Write(StringBuilder sb, object node, int indent, string? label, bool includeSpans)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        sb.Append(' ', indent * 2);
        if (label is not null) sb.Append(label).Append(": ");
        sb.Append(node.GetType().Name);
        if (includeSpans) sb.Append(' ').Append(SpanOf(node).ToString());
        var children = new List<(string Label, object Value)>();
        foreach (var property in Properties(node.GetType()))
        {
            var value = property.GetValue(node);
            switch (value)
            {
                case { } child when IsNode(child):
                    children.Add((property.Name, child));
                    break;
                case IEnumerable list and not string:
                    var items = list.Cast<object>().ToList();
                    if (items.Count == 0) continue;
                    if (items.All(IsNode)) children.Add((property.Name, items));
                    else sb.Append(' ').Append(property.Name).Append("=[").AppendJoin(", ", items.Select(Scalar)).Append(']');
                    break;
                case null:
                    break;
                default:
                    sb.Append(' ').Append(property.Name).Append('=').Append(Scalar(value));
                    break;
            }
        }
        sb.Append('\n');
        foreach (var (childLabel, value) in children)
        {
            if (IsNode(value))
            {
                var single = value;
                Write(sb, single, indent + 1, childLabel, includeSpans);
                continue;
            }
            sb.Append(' ', (indent + 1) * 2).Append(childLabel).Append(":\n");
            foreach (var item in (List<object>)value) Write(sb, item, indent + 2, null, includeSpans);
        }
    }

    private static string Scalar(object? value) => value switch
    {
        null => "null",
        string s => Quote(s),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (char.IsControl(c)) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
