using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using ExfilQuery.Diagnostics;
using ExfilQuery.Ir;
using ExfilQuery.Kql;
using ExfilQuery.Text;

namespace ExfilQuery.Elastic;

/// <summary>A search predicate in negation normal form: NOT pushed down to the leaves (De Morgan), so that each
/// backend renders a negated leaf with SPL's meaning (true when the field is missing) explicitly.</summary>
internal abstract record Nnf;

internal sealed record NnfAnd(ImmutableArray<Nnf> Operands) : Nnf;

internal sealed record NnfOr(ImmutableArray<Nnf> Operands) : Nnf;

internal sealed record NnfLeaf(Predicate Predicate, bool Negated) : Nnf;

/// <summary>What <see cref="ElasticCommon.Translate{TWriter}"/> reads from an EQL or ES|QL writer.</summary>
internal interface IElasticWriter
{
    /// <summary>The diagnostics raised while writing.</summary>
    List<Diagnostic> Diagnostics { get; }

    /// <summary>The index pattern the query reads.</summary>
    string Index { get; }
}

/// <summary>Writes a (mapped) detection and returns the query; may replace <paramref name="writer"/> with the one
/// whose diagnostics and index count (a second pass).</summary>
internal delegate string ElasticWrite<TWriter>(ref TWriter writer, Detection detection);

internal static class ElasticCommon
{
    public static Nnf ToNnf(Predicate p, bool negated = false)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (p)
        {
            case NotPredicate n:
                return ToNnf(n.Operand, !negated);
            case AndPredicate a:
                return Combine(!negated, a.Operands.Select(o => ToNnf(o, negated)));
            case OrPredicate o:
                return Combine(negated, o.Operands.Select(x => ToNnf(x, negated)));
            default:
                return new NnfLeaf(p, negated);
        }
    }

    /// <summary>An AND (or OR) with nested ANDs (ORs) spliced in: the same meaning, flatter text.</summary>
    private static Nnf Combine(bool and, IEnumerable<Nnf> operands)
    {
        var flat = ImmutableArray.CreateBuilder<Nnf>();
        foreach (var o in operands)
        {
            if (and && o is NnfAnd a) flat.AddRange(a.Operands);
            else if (!and && o is NnfOr r) flat.AddRange(r.Operands);
            else flat.Add(o);
        }
        return and ? new NnfAnd(flat.ToImmutable()) : new NnfOr(flat.ToImmutable());
    }

    /// <summary>Orders diagnostics as every backend does: by position, code, message; duplicates removed.</summary>
    public static ImmutableArray<Diagnostic> Order(IEnumerable<Diagnostic> diagnostics) => DiagnosticCatalog.InReportOrder(diagnostics);

    /// <summary>Parses, lowers and translates with a backend; parse and lowering errors fail the translation.</summary>
    public static ElasticTranslation Run(string spl, ParseOptions? parseOptions, Func<Detection, ElasticTranslation> translate)
    {
        var parse = Spl.Parse(spl, parseOptions);
        if (!parse.Ok) return new ElasticTranslation(TranslationStatus.Failed, null, parse.Diagnostics);
        var lowered = Lowering.Lower(parse);
        var translation = translate(lowered.Detection);
        var diagnostics = parse.Diagnostics.AddRange(lowered.Diagnostics).AddRange(translation.Diagnostics);
        if (!lowered.Ok) return new ElasticTranslation(TranslationStatus.Failed, null, Order(diagnostics));
        return translation with { Diagnostics = Order(diagnostics) };
    }

    /// <summary>Translates a lowered detection the way both Elastic backends do: expands foreach where its fields are
    /// known (<paramref name="foreachDiagnostics"/> makes the backend's diagnostics for one it cannot expand and for a choice the
    /// reference leaves open), loads the mapping profile, maps the
    /// detection (<paramref name="unsupported"/> makes the backend's error diagnostic), writes it with a fresh writer,
    /// turns too deep a nesting into <c>SPL0005</c>, and orders the diagnostics. A failed translation has no query
    /// and no index; <paramref name="decorate"/> adds what only one backend reports.</summary>
    public static ElasticTranslation Translate<TWriter>(Detection detection, ElasticOptions? options, Func<TextSpan, string, Diagnostic> unsupported,
        (Func<TextSpan, string, Diagnostic> NotExpanded, Func<TextSpan, string, Diagnostic> Choice) foreachDiagnostics,
        Func<ElasticOptions, MappedDetection?, TWriter> newWriter, ElasticWrite<TWriter> write,
        Func<ElasticTranslation, TWriter, ElasticTranslation>? decorate = null)
        where TWriter : IElasticWriter
    {
        options ??= ElasticOptions.Default;
        var mappingDiagnostics = new List<Diagnostic>();
        var writer = newWriter(options, null);
        string query;
        try
        {
            detection = detection with
            {
                Stages = ForeachStatic.Expand(detection.Stages,
                    (f, why) => mappingDiagnostics.Add(foreachDiagnostics.NotExpanded(f.Span, why)),
                    (f, note) => mappingDiagnostics.Add(foreachDiagnostics.Choice(f.Span, note))),
            };
            var profile = ElasticMapper.LoadProfile(options, mappingDiagnostics);
            var mapped = ElasticMapper.Map(detection, profile, options, mappingDiagnostics, unsupported);
            detection = mapped?.Detection ?? detection;
            writer = newWriter(options, mapped);
            query = write(ref writer, detection);
        }
        catch (InsufficientExecutionStackException)
        {
            writer.Diagnostics.Add(DiagnosticFacts.NestingTooDeep(detection.Span, 0));
            query = "";
        }
        var diagnostics = Order(mappingDiagnostics.Concat(writer.Diagnostics));
        var status = StatusOf(diagnostics);
        if (status == TranslationStatus.Failed) return new ElasticTranslation(status, null, diagnostics);
        var translation = new ElasticTranslation(status, query, diagnostics) { Index = writer.Index };
        return decorate is null ? translation : decorate(translation, writer);
    }

    public static TranslationStatus StatusOf(IReadOnlyCollection<Diagnostic> diagnostics) =>
        diagnostics.Any(d => d.IsError) ? TranslationStatus.Failed
        : diagnostics.Any(d => d.Severity == DiagnosticSeverity.Warning) ? TranslationStatus.Partial
        : TranslationStatus.Full;

    /// <summary>A double-quoted string literal with the escapes ES|QL and EQL share: <c>\\</c>, <c>\"</c>,
    /// <c>\n</c>, <c>\r</c>, <c>\t</c>.</summary>
    public static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': sb.Append(@"\\"); break;
                case '"': sb.Append("\\\""); break;
                case '\n': sb.Append(@"\n"); break;
                case '\r': sb.Append(@"\r"); break;
                case '\t': sb.Append(@"\t"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>A number literal as ES|QL and EQL write it: the SPL text without a leading <c>+</c>, or its round-trip
    /// form when the text has an exponent or starts with a point.</summary>
    public static string Number(string text)
    {
        var d = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (text.StartsWith('+')) text = text[1..];
        return text.Contains('e', StringComparison.OrdinalIgnoreCase) || text.StartsWith('.') || text.StartsWith("-.", StringComparison.Ordinal) ? d.ToString("R", CultureInfo.InvariantCulture) : text;
    }

    /// <summary>The comparison operator of a range condition, as ES|QL and EQL write it.</summary>
    public static string Symbol(RangeOperator op) => op switch
    {
        RangeOperator.Less => "<",
        RangeOperator.LessOrEqual => "<=",
        RangeOperator.Greater => ">",
        _ => ">=",
    };

    /// <summary>True when lower-casing the text changes nothing and no letter has case (digits, punctuation).</summary>
    public static bool Caseless(string s) => s.ToLowerInvariant() == s && s.ToUpperInvariant() == s;

    /// <summary>The ES|QL writer's type for an ECS type.</summary>
    public static EType EsqlType(string ecsType) => Mapping.EcsFields.Family(ecsType) switch
    {
        _ when ecsType == "ip" => EType.Ip,
        "long" or "real" => EType.Number,
        "datetime" => EType.Date,
        "bool" => EType.Bool,
        _ => EType.String,
    };

    /// <summary>Elastic's timestamp field stands for SPL's <c>_time</c> in every profile.</summary>
    public static string TimeField(string field) => field == "_time" ? "@timestamp" : field;

    /// <summary>A relative time modifier (<c>-24h</c>, <c>-15m</c>, <c>now</c>) as a count and an ES|QL unit, or null.</summary>
    public static (long Count, string Unit)? RelativeTime(string value)
    {
        if (value is "now" or "+0" or "-0") return (0, "seconds");
        var m = System.Text.RegularExpressions.Regex.Match(value, @"^-(\d{1,9})(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|week|weeks)$");
        if (!m.Success) return null;
        var n = long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var unit = m.Groups[2].Value[0] switch
        {
            's' => "seconds",
            'm' => "minutes",
            'h' => "hours",
            'd' => "days",
            _ => "weeks",
        };
        return (n, unit);
    }
}
