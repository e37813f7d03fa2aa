using System.Globalization;
using System.Text;

namespace ExfilQuery.Kql;

/// <summary>Splunk relative time modifiers (<c>-24h@h</c>, <c>now</c>, <c>-7d</c>) and strftime formats in KQL.</summary>
internal static class KqlTime
{
    /// <summary>A KQL datetime expression for a Splunk time modifier, or null when it cannot be expressed.
    /// <paramref name="approximation"/> says how it differs (snapping to days or weeks uses the user's time zone
    /// in Splunk and UTC in KQL).</summary>
    public static string? Relative(string modifier, out string? approximation) => Relative(modifier, null, out approximation);

    /// <summary>The same, relative to <paramref name="baseTime"/> (a KQL datetime expression) instead of now.</summary>
    public static string? Relative(string modifier, string? baseTime, out string? approximation)
    {
        approximation = null;
        var text = modifier.Trim();
        if (text.Equals("now", StringComparison.OrdinalIgnoreCase)) return baseTime ?? "now()";
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)) return $"unixtime_seconds_todatetime({epoch.ToString(CultureInfo.InvariantCulture)})";
        string? snap = null;
        var at = text.IndexOf('@');
        if (at >= 0)
        {
            snap = text[(at + 1)..];
            text = text[..at];
        }
        string expression;
        if (text.Length == 0) expression = baseTime ?? "now()";
        else if (text[0] is '-' or '+' && ParseSpan(text[1..]) is { } span)
            expression = baseTime is null ? (text[0] == '-' ? $"ago({span})" : $"now() + {span}") : $"({baseTime} {text[0]} {span})";
        else return null;
        if (snap is null) return expression;
        var unit = ParseUnit(snap);
        if (unit is null) return null;
        if (unit is "d" or "w" or "mon" or "y")
            approximation = $"'@{snap}' snaps to the start of the day/week/month/year in the Splunk user's time zone; KQL snaps in UTC.";
        return unit switch
        {
            "s" => $"bin({expression}, 1s)",
            "m" => $"bin({expression}, 1m)",
            "h" => $"bin({expression}, 1h)",
            "d" => $"startofday({expression})",
            "w" => $"startofweek({expression})",
            "mon" => $"startofmonth({expression})",
            "y" => $"startofyear({expression})",
            _ => null,
        };
    }

    private static string? ParseSpan(string text)
    {
        var i = 0;
        while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        var count = i == 0 ? 1 : long.Parse(text[..i], CultureInfo.InvariantCulture);
        var unit = ParseUnit(text[i..]);
        return unit switch
        {
            "s" => $"{count}s",
            "m" => $"{count}m",
            "h" => $"{count}h",
            "d" => $"{count}d",
            "w" => $"{count * 7}d",
            _ => null, // months and years have no fixed length
        };
    }

    private static string? ParseUnit(string unit) => unit.ToLowerInvariant() switch
    {
        "s" or "sec" or "secs" or "second" or "seconds" => "s",
        "m" or "min" or "mins" or "minute" or "minutes" => "m",
        "h" or "hr" or "hrs" or "hour" or "hours" => "h",
        "d" or "day" or "days" => "d",
        "w" or "week" or "weeks" or "w0" => "w",
        "mon" or "month" or "months" => "mon",
        "y" or "yr" or "yrs" or "year" or "years" => "y",
        _ => null,
    };
}

/// <summary>strftime formats as KQL <c>format_datetime</c> calls, where an exact one exists.</summary>
internal static class KqlTimeFormat
{
    /// <summary>A KQL string expression formatting <paramref name="datetime"/> like strftime would, or null.
    /// format_datetime accepts only some separators between its specifiers, so other literal text (the 'T' of
    /// ISO 8601) is concatenated with strcat.</summary>
    public static string? Format(string datetime, string strftime)
    {
        const string Separators = " /-:,._[]";
        var pieces = new List<string>();
        var pattern = new StringBuilder();
        var literal = new StringBuilder();
        void FlushPattern()
        {
            // Separators are kept in the pattern only between two specifiers; trailing ones become literal text.
            var end = pattern.Length;
            while (end > 0 && Separators.Contains(pattern[end - 1], StringComparison.Ordinal)) end--;
            if (end > 0) pieces.Add($"format_datetime({datetime}, {KqlSyntax.Quote(pattern.ToString(0, end))})");
            literal.Insert(0, pattern.ToString(end, pattern.Length - end));
            pattern.Clear();
        }
        void FlushLiteral()
        {
            if (literal.Length > 0) pieces.Add(KqlSyntax.Quote(literal.ToString()));
            literal.Clear();
        }
        for (var i = 0; i < strftime.Length; i++)
        {
            var c = strftime[i];
            if (c != '%')
            {
                if (Separators.Contains(c, StringComparison.Ordinal) && pattern.Length > 0 && literal.Length == 0) pattern.Append(c);
                else
                {
                    FlushPattern();
                    literal.Append(c);
                }
                continue;
            }
            if (++i >= strftime.Length) return null;
            if (strftime[i] == '%')
            {
                FlushPattern();
                literal.Append('%');
                continue;
            }
            if (Pattern(strftime[i]) is { } piece)
            {
                FlushLiteral();
                pattern.Append(piece);
                continue;
            }
            if (Expression(datetime, strftime[i]) is not { } expression) return null;
            FlushPattern();
            FlushLiteral();
            pieces.Add(expression);
        }
        FlushPattern();
        FlushLiteral();
        return pieces.Count switch
        {
            0 => "\"\"",
            1 => pieces[0],
            _ => "strcat(" + string.Join(", ", pieces) + ")",
        };
    }

    /// <summary>The format_datetime pattern of a strftime specifier, or null.</summary>
    private static string? Pattern(char specifier) => specifier switch
    {
        'Y' => "yyyy",
        'm' => "MM",
        'd' => "dd",
        'H' => "HH",
        'M' => "mm",
        'S' => "ss",
        'y' => "yy",
        'I' => "hh",
        'p' => "tt",
        'T' => "HH:mm:ss",
        'F' => "yyyy-MM-dd",
        _ => null,
    };

    /// <summary>A KQL string expression for a strftime specifier format_datetime has no pattern for, written as the
    /// evaluator writes it (Evaluation/TimeFormats.cs, UTC, invariant names), or null: %w weekday 0-6 from Sunday,
    /// %u 1-7 from Monday, %e day of month padded with a space, %j day of year in three digits, %a/%A/%b/%B English
    /// names, %z/%Z the UTC offset and zone name (KQL datetimes are UTC).</summary>
    private static string? Expression(string datetime, char specifier)
    {
        var weekday = $"toint(dayofweek({datetime}) / 1d)";
        return specifier switch
        {
            'w' => $"tostring({weekday})",
            'u' => $"tostring(iff({weekday} == 0, 7, {weekday}))",
            'e' => $"strcat(iff(dayofmonth({datetime}) < 10, \" \", \"\"), tostring(dayofmonth({datetime})))",
            'j' => $"strcat(substring(\"00\", 0, 3 - strlen(tostring(dayofyear({datetime})))), tostring(dayofyear({datetime})))",
            'a' => $"tostring(dynamic([\"Sun\", \"Mon\", \"Tue\", \"Wed\", \"Thu\", \"Fri\", \"Sat\"])[{weekday}])",
            'A' => $"tostring(dynamic([\"Sunday\", \"Monday\", \"Tuesday\", \"Wednesday\", \"Thursday\", \"Friday\", \"Saturday\"])[{weekday}])",
            'b' => $"tostring(dynamic([\"Jan\", \"Feb\", \"Mar\", \"Apr\", \"May\", \"Jun\", \"Jul\", \"Aug\", \"Sep\", \"Oct\", \"Nov\", \"Dec\"])[getmonth({datetime}) - 1])",
            'B' => $"tostring(dynamic([\"January\", \"February\", \"March\", \"April\", \"May\", \"June\", \"July\", \"August\", \"September\", \"October\", \"November\", \"December\"])[getmonth({datetime}) - 1])",
            'z' => "\"+0000\"",
            'Z' => "\"UTC\"",
            _ => null,
        };
    }
}
