using System.Globalization;
using ExfilQuery.Ir;

namespace ExfilQuery.Evaluation;

/// <summary>The values one aggregation has seen for one group, and its result. Values are kept (not streamed)
/// so that every function, percentiles included, is exact.</summary>
internal sealed class Accumulator(string function, bool hasArgument)
{
    private readonly List<string> _values = [];
    private readonly List<(double Time, string Value)> _timed = [];
    private long _events;

    /// <summary>The functions this accumulator knows (perc/p/exactperc/upperperc followed by a number too).</summary>
    public static bool IsKnown(string function) =>
        function is "count" or "c" or "dc" or "distinct_count" or "sum" or "avg" or "mean" or "min" or "max" or "range"
            or "stdev" or "stdevp" or "var" or "varp" or "values" or "list" or "first" or "last" or "earliest" or "latest"
            or "earliest_time" or "latest_time" or "median" or "mode" || Percentile(function) is not null;

    public void Add(FieldValue value, double? time)
    {
        _events++;
        foreach (var v in value.Values)
        {
            _values.Add(v);
            if (time is { } t) _timed.Add((t, v));
        }
    }

    public FieldValue Result()
    {
        switch (function)
        {
            case "count" or "c":
                return FieldValue.Number(hasArgument ? _values.Count : _events);
            case "dc" or "distinct_count":
                return FieldValue.Number(_values.Distinct(StringComparer.Ordinal).Count());
            case "values":
                return FieldValue.Multi(_values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
            case "list":
                return FieldValue.Multi(_values.Take(100));
            case "first":
                return _values.Count > 0 ? FieldValue.String(_values[0]) : FieldValue.Null;
            case "last":
                return _values.Count > 0 ? FieldValue.String(_values[^1]) : FieldValue.Null;
            case "earliest" or "latest" or "earliest_time" or "latest_time":
            {
                if (_timed.Count == 0) return FieldValue.Null;
                var pick = function.StartsWith("earliest", StringComparison.Ordinal)
                    ? _timed.MinBy(x => x.Time)
                    : _timed.MaxBy(x => x.Time);
                return function.EndsWith("_time", StringComparison.Ordinal) ? FieldValue.Number(pick.Time) : FieldValue.String(pick.Value);
            }
            case "mode":
                return _values.Count == 0 ? FieldValue.Null : FieldValue.String(_values.GroupBy(v => v, StringComparer.Ordinal).OrderByDescending(g => g.Count()).First().Key);
            case "min" or "max":
            {
                var numbers = Numbers();
                if (numbers.Count > 0) return FieldValue.Number(function == "min" ? numbers.Min() : numbers.Max());
                if (_values.Count == 0) return FieldValue.Null;
                var sorted = _values.Order(StringComparer.Ordinal).ToList();
                return FieldValue.String(function == "min" ? sorted[0] : sorted[^1]);
            }
        }
        var n = Numbers();
        if (n.Count == 0) return FieldValue.Null;
        switch (function)
        {
            case "sum":
                return FieldValue.Number(n.Sum());
            case "avg" or "mean":
                return FieldValue.Number(n.Average());
            case "range":
                return FieldValue.Number(n.Max() - n.Min());
            case "stdev" or "var" or "stdevp" or "varp":
            {
                var population = function.EndsWith('p');
                var mean = n.Average();
                var squares = n.Sum(x => (x - mean) * (x - mean));
                var divisor = population ? n.Count : n.Count - 1;
                var variance = divisor <= 0 ? 0 : squares / divisor;
                return FieldValue.Number(function.StartsWith("stdev", StringComparison.Ordinal) ? Math.Sqrt(variance) : variance);
            }
            case "median":
                return FieldValue.Number(PercentileOf(n, 50));
        }
        if (Percentile(function) is { } p) return FieldValue.Number(PercentileOf(n, p));
        return FieldValue.Null;
    }

    private List<double> Numbers()
    {
        var list = new List<double>(_values.Count);
        foreach (var v in _values)
            if (FieldValue.TryParseNumber(v, out var d)) list.Add(d);
        return list;
    }

    /// <summary>The percentile of <c>perc95</c>, <c>p95</c>, <c>exactperc95</c>, <c>upperperc95</c>.</summary>
    public static double? Percentile(string function)
    {
        foreach (var prefix in new[] { "exactperc", "upperperc", "perc", "p" })
        {
            if (function.StartsWith(prefix, StringComparison.Ordinal)
                && double.TryParse(function.AsSpan(prefix.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 100)
                return p;
        }
        return null;
    }

    /// <summary>Linear interpolation between the closest ranks (rank = p/100 * (n-1)), as Splunk's exactperc.</summary>
    private static double PercentileOf(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        var rank = p / 100 * (sorted.Count - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }
}

/// <summary>Time spans: <c>30s</c>, <c>5m</c>, <c>1h</c>, <c>1d</c>, <c>1w</c> (seconds); months and years are
/// not fixed lengths and are not read here.</summary>
internal static class Spans
{
    public static double? Seconds(string span)
    {
        var text = span.Trim();
        var i = 0;
        while (i < text.Length && (char.IsDigit(text[i]) || text[i] == '.')) i++;
        var number = i == 0 ? 1 : double.TryParse(text.AsSpan(0, i), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : double.NaN;
        if (double.IsNaN(number) || number <= 0) return null;
        double? unit = text[i..].ToLowerInvariant() switch
        {
            "" or "s" or "sec" or "secs" or "second" or "seconds" => 1,
            "m" or "min" or "mins" or "minute" or "minutes" => 60,
            "h" or "hr" or "hrs" or "hour" or "hours" => 3600,
            "d" or "day" or "days" => 86400,
            "w" or "week" or "weeks" => 604800,
            _ => null,
        };
        return unit * number;
    }

    public static double Floor(double time, double span) => Math.Floor(time / span) * span;
}
