using System.Collections.Immutable;
using ExfilQuery.Diagnostics;
using ExfilQuery.Syntax;
using ExfilQuery.Text;

namespace ExfilQuery.Ir;

public static partial class Lowering
{
    private sealed partial class Lowerer
    {
        /// <summary>fromjson, replace and addtotals, which the parser keeps as tokens.</summary>
        private Stage LowerTokenCommand(GenericCommand g)
        {
            var name = g.CommandName.ToLowerInvariant();
            if (Tokens(g, name) is not { } tokens) return new UnsupportedStage(name, "an argument is not a word");
            return name switch
            {
                "fromjson" => LowerFromJson(g, tokens),
                "replace" => LowerReplace(g, tokens),
                _ => LowerAddTotals(g, tokens),
            };
        }

        /// <summary>The command's arguments as tokens (quoted text kept with its quotes), or null (and a diagnostic)
        /// when one is not a plain token.</summary>
        private List<(string Text, TextSpan Span)>? Tokens(GenericCommand g, string command)
        {
            var tokens = new List<(string Text, TextSpan Span)>();
            foreach (var argument in g.Arguments)
            {
                if (argument is not TokenArgument t)
                {
                    Diagnostics.Add(DiagnosticFacts.InvalidArgumentValue(Map(argument), command, "expected options and field names."));
                    return null;
                }
                tokens.Add((t.Text, Map(t)));
            }
            return tokens;
        }

        private Stage Invalid(TextSpan span, string command, string detail)
        {
            Diagnostics.Add(DiagnosticFacts.InvalidArgumentValue(span, command, detail));
            return new UnsupportedStage(command, detail);
        }

        /// <summary>fromjson (Splunk Search Reference 9.x, "fromjson"): <c>fromjson &lt;field&gt; [prefix=&lt;string&gt;]</c>.</summary>
        private Stage LowerFromJson(GenericCommand g, List<(string Text, TextSpan Span)> tokens)
        {
            string? field = null, prefix = null;
            for (var i = 0; i < tokens.Count; i++)
            {
                if (i + 2 < tokens.Count && tokens[i + 1].Text == "=")
                {
                    if (!tokens[i].Text.Equals("prefix", StringComparison.OrdinalIgnoreCase))
                        return Invalid(tokens[i].Span, "fromjson", $"'{tokens[i].Text}' is not an option of fromjson (prefix).");
                    prefix = Unquote(tokens[i + 2].Text);
                    i += 2;
                }
                else if (field is null) field = Unquote(tokens[i].Text);
                else return Invalid(tokens[i].Span, "fromjson", "expected one field name.");
            }
            return field is null ? Invalid(Map(g), "fromjson", "expected the name of the field that holds the JSON.") : new FromJsonStage(field, prefix ?? "");
        }

        /// <summary>replace (Splunk Search Reference, "replace"): <c>replace (&lt;wc-string&gt; WITH &lt;wc-string&gt;)...
        /// [IN &lt;field-list&gt;]</c>, pairs and fields separated by commas or spaces; a replacement has as many
        /// <c>*</c> as its pattern, or none.</summary>
        private Stage LowerReplace(GenericCommand g, List<(string Text, TextSpan Span)> tokens)
        {
            var pairs = ImmutableArray.CreateBuilder<(string, string)>();
            var fields = ImmutableArray.CreateBuilder<string>();
            var i = 0;
            var hasIn = false;
            for (; i < tokens.Count; i++)
            {
                var (text, span) = tokens[i];
                if (text == ",") continue;
                if (text.Equals("in", StringComparison.OrdinalIgnoreCase))
                {
                    hasIn = true;
                    break;
                }
                if (i + 2 >= tokens.Count || !tokens[i + 1].Text.Equals("with", StringComparison.OrdinalIgnoreCase))
                    return Invalid(span, "replace", "expected '<value> WITH <value>'.");
                var (pattern, replacement) = (Unquote(text), Unquote(tokens[i + 2].Text));
                var stars = replacement.Count(c => c == '*');
                if (stars != 0 && stars != pattern.Count(c => c == '*'))
                    return Invalid(tokens[i + 2].Span, "replace", $"'{replacement}' must have as many wildcards as '{pattern}', or none.");
                pairs.Add((pattern, replacement));
                i += 2;
            }
            for (i++; i < tokens.Count; i++)
                if (tokens[i].Text != ",") fields.Add(Unquote(tokens[i].Text));
            if (pairs.Count == 0) return Invalid(Map(g), "replace", "expected at least one '<value> WITH <value>'.");
            if (hasIn && fields.Count == 0)
                return Invalid(Map(g), "replace", "expected field names after IN.");
            return new ReplaceStage(pairs.ToImmutable(), fields.ToImmutable());
        }

        /// <summary>addtotals (Splunk Search Reference, "addtotals"): <c>[row=&lt;bool&gt;] [col=&lt;bool&gt;]
        /// [labelfield=&lt;field&gt;] [label=&lt;string&gt;] [fieldname=&lt;field&gt;] [&lt;field-list&gt;]</c>; row totals
        /// are modelled, the summary row of col=true is not.</summary>
        private Stage LowerAddTotals(GenericCommand g, List<(string Text, TextSpan Span)> tokens)
        {
            var fields = ImmutableArray.CreateBuilder<string>();
            var fieldName = "Total";
            bool? row = true, col = false;
            for (var i = 0; i < tokens.Count; i++)
            {
                if (tokens[i].Text == ",") continue;
                if (i + 2 >= tokens.Count || tokens[i + 1].Text != "=")
                {
                    fields.Add(Unquote(tokens[i].Text));
                    continue;
                }
                var (option, value, span) = (tokens[i].Text.ToLowerInvariant(), Unquote(tokens[i + 2].Text), tokens[i + 2].Span);
                i += 2;
                switch (option)
                {
                    case "fieldname": fieldName = value; break;
                    case "row": if ((row = SplBool(value)) is null) return Invalid(span, "addtotals", "row must be true or false."); break;
                    case "col": if ((col = SplBool(value)) is null) return Invalid(span, "addtotals", "col must be true or false."); break;
                    // label and labelfield only name the summary row of col=true.
                    case "label" or "labelfield": break;
                    default: return Invalid(tokens[i - 2].Span, "addtotals", $"'{tokens[i - 2].Text}' is not an option of addtotals (row, col, labelfield, label, fieldname).");
                }
            }
            if (col == true) return new UnsupportedStage("addtotals", "col=true adds a summary row of column totals, which the IR does not model yet.");
            // row=false col=false adds nothing.
            if (row == false) return new FilterStage(new TruePredicate { Span = Map(g) });
            return new AddTotalsStage(fields.ToImmutable(), fieldName);
        }
    }
}
