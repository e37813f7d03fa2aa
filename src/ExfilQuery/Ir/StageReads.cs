using System.Runtime.CompilerServices;

namespace ExfilQuery.Ir;

/// <summary>Which fields a stage reads, for backends that must name fields a command leaves implicit (fillnull
/// without a field list).</summary>
public static class StageReads
{
    /// <summary>The fields <paramref name="stage"/> reads when it fixes the result's columns and reads nothing else
    /// (stats or a table / fields list without wildcards), in order of first use, without <c>_time</c>; null for
    /// any other stage, or when an aggregation reads an expression this walk does not know.</summary>
    public static List<string>? OnlyFieldsReadBy(Stage? stage)
    {
        var read = new List<string>();
        void Add(string field)
        {
            if (field != "_time" && !read.Contains(field)) read.Add(field);
        }
        switch (stage)
        {
            case AggregateStage { Mode: AggregateMode.Group } a:
                foreach (var g in a.GroupBy) Add(g);
                foreach (var agg in a.Aggregations)
                {
                    if (agg.Argument is null) continue;
                    if (FieldsOf(agg.Argument) is not { } names) return null;
                    foreach (var n in names) Add(n);
                }
                return read;
            case ChartStage c:
            {
                // chart/timechart read their row and split fields and the aggregations' arguments, as stats does.
                if (OnlyFieldsReadBy(new AggregateStage(AggregateMode.Group, c.Aggregations, [], null, c.Command)) is not { } args) return null;
                foreach (var f in new[] { c.RowField, c.SplitField }.OfType<string>().Concat(args)) Add(f);
                return read;
            }
            case ProjectStage { Mode: ProjectMode.Table or ProjectMode.Keep } p when !p.Fields.Any(x => x.Contains('*', StringComparison.Ordinal)):
                foreach (var x in p.Fields) Add(x);
                return read;
            default:
                return null;
        }
    }

    /// <summary>The fields an expression reads, or null when it holds a node this walk does not know.</summary>
    public static List<string>? FieldsOf(Expr e)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        var names = new List<string>();
        bool Walk(Expr x)
        {
            switch (x)
            {
                case Literal: return true;
                case FieldRef r: names.Add(r.Name); return true;
                case UnaryExpr u: return Walk(u.Operand);
                case BinaryExpr b: return Walk(b.Left) && Walk(b.Right);
                case LikeExpr l: return Walk(l.Value) && Walk(l.Pattern);
                case InExpr i: return Walk(i.Value) && i.Items.All(Walk);
                case CallExpr c when c.Function != "searchmatch": return c.Arguments.All(Walk);
                default: return false;
            }
        }
        return Walk(e) ? names : null;
    }
}
