using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ExfilQuery.Evaluation;

/// <summary>Time modifiers, strftime and strptime formats (Splunk's "Date and time format variables"), in UTC.</summary>
internal static class TimeFormats
{
    private static readonly string[] Months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    /// <summary>Epoch seconds for <paramref name="text"/> read with <paramref name="format"/> (%Y %y %m %d %e %H %I %M
    /// %S %p %b %B %j %s %z %Z %T %F %3N %6N %%; other characters must match as written, a space any run of
    /// spaces); null when the text does not fit the format or the format has a specifier not listed.</summary>
    public static double? StrPTime(string text, string format)
    {
        int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, dayOfYear = 0;
        double fraction = 0, offsetSeconds = 0;
        bool pm = false, twelveHour = false;
        double? epoch = null;
        var i = 0;
        for (var f = 0; f < format.Length; f++)
        {
            var ch = format[f];
            if (ch != '%')
            {
                if (char.IsWhiteSpace(ch))
                {
                    while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
                    continue;
                }
                if (i >= text.Length || text[i] != ch) return null;
                i++;
                continue;
            }
            if (++f >= format.Length) return null;
            var spec = format[f];
            switch (spec)
            {
                case 'Y': if (!Digits(4, 4, out year)) return null; break;
                case 'y': if (!Digits(2, 2, out var yy)) return null; year = yy < 69 ? 2000 + yy : 1900 + yy; break;
                case 'm': if (!Digits(1, 2, out month)) return null; break;
                case 'd': case 'e': while (spec == 'e' && i < text.Length && text[i] == ' ') i++; if (!Digits(1, 2, out day)) return null; break;
                case 'H': if (!Digits(1, 2, out hour)) return null; break;
                case 'I': if (!Digits(1, 2, out hour)) return null; twelveHour = true; break;
                case 'M': if (!Digits(1, 2, out minute)) return null; break;
                case 'S': if (!Digits(1, 2, out second)) return null; break;
                case 'j': if (!Digits(1, 3, out dayOfYear)) return null; break;
                case 'p':
                    if (i + 2 > text.Length) return null;
                    var ampm = text.Substring(i, 2).ToUpperInvariant();
                    if (ampm is not ("AM" or "PM")) return null;
                    pm = ampm == "PM";
                    i += 2;
                    break;
                case 'b': case 'B': case 'h':
                {
                    var found = -1;
                    for (var k = 0; k < Months.Length && found < 0; k++)
                        if (string.Compare(text, i, Months[k], 0, 3, StringComparison.OrdinalIgnoreCase) == 0) found = k;
                    if (found < 0) return null;
                    month = found + 1;
                    i += 3;
                    while (i < text.Length && char.IsLetter(text[i])) i++;
                    break;
                }
                case 's':
                {
                    var start = i;
                    if (i < text.Length && text[i] == '-') i++;
                    while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                    if (!long.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s)) return null;
                    epoch = s;
                    break;
                }
                case 'z':
                {
                    if (i < text.Length && text[i] is 'Z') { i++; break; }
                    if (i >= text.Length || text[i] is not ('+' or '-')) return null;
                    var sign = text[i++] == '-' ? -1 : 1;
                    if (!Digits(2, 2, out var oh)) return null;
                    if (i < text.Length && text[i] == ':') i++;
                    if (!Digits(2, 2, out var om)) return null;
                    offsetSeconds = sign * (oh * 3600 + om * 60);
                    break;
                }
                case 'Z':
                {
                    var start = i;
                    while (i < text.Length && char.IsAsciiLetterUpper(text[i])) i++;
                    if (text.AsSpan(start, i - start) is not ("UTC" or "GMT" or "Z")) return null;
                    break;
                }
                case 'T':
                    if (!Digits(1, 2, out hour) || !Literal(':') || !Digits(1, 2, out minute) || !Literal(':') || !Digits(1, 2, out second)) return null;
                    break;
                case 'F':
                {
                    if (!Digits(4, 4, out year) || !Literal('-') || !Digits(1, 2, out month) || !Literal('-') || !Digits(1, 2, out day)) return null;
                    break;
                }
                case '3' or '6' or '9' when f + 1 < format.Length && format[f + 1] == 'N':
                {
                    f++;
                    var width = spec - '0';
                    if (i + width > text.Length) return null;
                    if (!long.TryParse(text.AsSpan(i, width), NumberStyles.None, CultureInfo.InvariantCulture, out var frac)) return null;
                    fraction = frac / Math.Pow(10, width);
                    i += width;
                    break;
                }
                case '%':
                    if (!Literal('%')) return null;
                    break;
                default:
                    return null;
            }
        }
        if (epoch is { } e) return e;
        if (twelveHour)
        {
            if (hour is < 1 or > 12) return null;
            hour = hour % 12 + (pm ? 12 : 0);
        }
        try
        {
            var date = dayOfYear > 0 ? new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(dayOfYear - 1) : new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Utc);
            if (hour > 23 || minute > 59 || second > 60) return null;
            var t = new DateTimeOffset(date, TimeSpan.Zero).AddHours(hour).AddMinutes(minute).AddSeconds(second);
            return t.ToUnixTimeSeconds() + fraction - offsetSeconds;
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }

        bool Literal(char c)
        {
            if (i >= text.Length || text[i] != c) return false;
            i++;
            return true;
        }

        bool Digits(int min, int max, out int value)
        {
            value = 0;
            var start = i;
            while (i < text.Length && i - start < max && char.IsAsciiDigit(text[i])) value = value * 10 + (text[i++] - '0');
            return i - start >= min;
        }

    }

    /// <summary>A relative time modifier (<c>-24h</c>, <c>-7d@d</c>, <c>@h</c>, <c>+1m</c>) applied to a time in
    /// epoch seconds, snapping in UTC to s/m/h/d; null for anything else (weeks, months, years, <c>@w0</c>).</summary>
    internal static double? ApplyTimeModifier(double time, string value)
    {
        var m = Regex.Match(value, @"^(?:([+-]\d*)([a-z]+))?(?:@([a-z]+))?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        if (!m.Success || (m.Groups[1].Length == 0 && m.Groups[3].Length == 0)) return null;
        var t = time;
        if (m.Groups[1].Success && m.Groups[1].Length > 0)
        {
            var amount = m.Groups[1].Value is "+" or "-" ? m.Groups[1].Value + "1" : m.Groups[1].Value;
            if (Spans.Seconds(m.Groups[2].Value) is not { } unit) return null;
            t += double.Parse(amount, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) * unit;
        }
        if (m.Groups[3].Success && m.Groups[3].Length > 0)
        {
            if (Spans.Seconds(m.Groups[3].Value) is not { } snap || snap > 86400) return null;
            t = Spans.Floor(t, snap);
        }
        return t;
    }

    /// <summary>strftime in UTC for the specifiers listed below; null when the format has another one (its output
    /// would not be Splunk's).</summary>
    internal static string? StrFTime(double epoch, string format)
    {
        var t = DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(epoch * TimeSpan.TicksPerSecond));
        var sb = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                sb.Append(format[i]);
                continue;
            }
            var spec = format[++i];
            string? piece = spec switch
            {
                'Y' => t.ToString("yyyy", CultureInfo.InvariantCulture),
                'y' => t.ToString("yy", CultureInfo.InvariantCulture),
                'm' => t.ToString("MM", CultureInfo.InvariantCulture),
                'd' => t.ToString("dd", CultureInfo.InvariantCulture),
                'H' => t.ToString("HH", CultureInfo.InvariantCulture),
                'I' => t.ToString("hh", CultureInfo.InvariantCulture),
                'M' => t.ToString("mm", CultureInfo.InvariantCulture),
                'S' => t.ToString("ss", CultureInfo.InvariantCulture),
                'p' => t.ToString("tt", CultureInfo.InvariantCulture),
                'b' => t.ToString("MMM", CultureInfo.InvariantCulture),
                'B' => t.ToString("MMMM", CultureInfo.InvariantCulture),
                'a' => t.ToString("ddd", CultureInfo.InvariantCulture),
                'A' => t.ToString("dddd", CultureInfo.InvariantCulture),
                'e' => t.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2),
                'j' => t.DayOfYear.ToString("000", CultureInfo.InvariantCulture),
                'w' => ((int)t.DayOfWeek).ToString(CultureInfo.InvariantCulture),
                'u' => (t.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)t.DayOfWeek).ToString(CultureInfo.InvariantCulture),
                'T' => t.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
                'F' => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                'z' => "+0000",
                'Z' => "UTC",
                's' => ((long)Math.Floor(epoch)).ToString(CultureInfo.InvariantCulture),
                '3' when format.Length > i + 1 && format[i + 1] == 'N' => t.ToString("fff", CultureInfo.InvariantCulture),
                '%' => "%",
                _ => null,
            };
            if (piece is null) return null;
            sb.Append(piece);
            if (spec == '3' && i + 1 < format.Length && format[i + 1] == 'N') i++;
        }
        return sb.ToString();
    }
}
