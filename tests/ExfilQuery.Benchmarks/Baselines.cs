using System.Text;
using System.Text.Json;

namespace ExfilQuery.Benchmarks;

/// <summary>The baseline of the <c>eval</c> benchmark: for each query, a hand-written loop that reads every line with
/// <see cref="Utf8JsonReader"/>, takes the fields the query needs and does its work, with none of the evaluator's
/// generality (no Event rows, no expression tree, no multivalue fields).</summary>
internal static class Baselines
{
    private delegate void LineAction(ReadOnlySpan<byte> line);

    private static void ForEachLine(Stream stream, LineAction action)
    {
        var buffer = new byte[1 << 20];
        var end = 0;
        while (true)
        {
            var read = stream.Read(buffer, end, buffer.Length - end);
            end += read;
            var start = 0;
            while (true)
            {
                var nl = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
                if (nl < 0) break;
                if (nl > 0) action(buffer.AsSpan(start, nl));
                start += nl + 1;
            }
            if (read == 0)
            {
                if (end > start) action(buffer.AsSpan(start, end - start));
                return;
            }
            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            end -= start;
            if (end == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
        }
    }

    /// <summary>Moves to the value of the next top-level property (nested values are skipped): 0, 1 or 2 when its
    /// name is <paramref name="a"/>, <paramref name="b"/> or <paramref name="c"/>, -1 for another name, -2 at the end.</summary>
    private static int Next(ref Utf8JsonReader reader, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c)
    {
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1) continue;
            var which = reader.ValueTextEquals(a) ? 0 : reader.ValueTextEquals(b) ? 1 : reader.ValueTextEquals(c) ? 2 : -1;
            reader.Read();
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }
            return which;
        }
        return -2;
    }

    public static (long Rows, string Check) FieldFilter(Stream stream) => Filter(stream, "OriginalFileName"u8.ToArray(), v => string.Equals(v, "certutil.exe", StringComparison.OrdinalIgnoreCase));

    public static (long Rows, string Check) WildcardFilter(Stream stream) => Filter(stream, "CommandLine"u8.ToArray(), v => v.Contains("-encodedcommand", StringComparison.OrdinalIgnoreCase));

    private static (long Rows, string Check) Filter(Stream stream, byte[] field, Func<string, bool> test)
    {
        var rows = new List<string>();
        ForEachLine(stream, line =>
        {
            var reader = new Utf8JsonReader(line);
            var match = false;
            int which;
            while ((which = Next(ref reader, field, default, default)) != -2)
                if (which == 0 && reader.TokenType == JsonTokenType.String && test(reader.GetString()!)) match = true;
            if (match) rows.Add(Encoding.UTF8.GetString(line));
        });
        return (rows.Count, EvalMode.Check(rows.Count, 0, 0));
    }

    public static (long Rows, string Check) StatsSum(Stream stream)
    {
        var groups = new Dictionary<(string, string), (long Count, double Sum)>();
        ForEachLine(stream, line =>
        {
            string? host = null, port = null;
            double bytes = 0;
            var reader = new Utf8JsonReader(line);
            int which;
            while ((which = Next(ref reader, "host"u8, "dest_port"u8, "bytes_out"u8)) != -2)
            {
                if (which == 0) host = reader.GetString();
                else if (which == 1) port = Encoding.UTF8.GetString(reader.ValueSpan);
                else if (which == 2 && reader.TokenType == JsonTokenType.Number) bytes = reader.GetDouble();
            }
            if (host is null || port is null) return;
            groups.TryGetValue((host, port), out var g);
            groups[(host, port)] = (g.Count + 1, g.Sum + bytes);
        });
        return (groups.Count, EvalMode.Check(groups.Count, groups.Values.Sum(g => (double)g.Count), groups.Values.Sum(g => g.Sum)));
    }

    public static (long Rows, string Check) EvalCaseWhereStats(Stream stream)
    {
        var groups = new Dictionary<(string, string), long>();
        ForEachLine(stream, line =>
        {
            string? host = null;
            double? bytes = null;
            var reader = new Utf8JsonReader(line);
            int which;
            while ((which = Next(ref reader, "host"u8, "bytes_out"u8, default)) != -2)
            {
                if (which == 0) host = reader.GetString();
                else if (which == 1 && reader.TokenType == JsonTokenType.Number) bytes = reader.GetDouble();
            }
            var size = bytes > 1_000_000 ? "large" : bytes > 10_000 ? "medium" : "small";
            if (size == "small" || host is null) return;
            groups.TryGetValue((host, size), out var n);
            groups[(host, size)] = n + 1;
        });
        return (groups.Count, EvalMode.Check(groups.Count, groups.Values.Sum(n => (double)n), 0));
    }

    public static (long Rows, string Check) DnsLength(Stream stream)
    {
        var groups = new Dictionary<string, (long N, double Mean, double M2)>();
        ForEachLine(stream, line =>
        {
            string? host = null;
            var dns = false;
            var length = -1;
            var reader = new Utf8JsonReader(line);
            int which;
            while ((which = Next(ref reader, "host"u8, "EventCode"u8, "QueryName"u8)) != -2)
            {
                if (which == 0) host = reader.GetString();
                else if (which == 1) dns = reader.ValueSpan.SequenceEqual("22"u8);
                else if (which == 2) length = reader.GetString()!.Length;
            }
            if (!dns || host is null || length < 0) return;
            groups.TryGetValue(host, out var g);
            var n = g.N + 1;
            var delta = length - g.Mean;
            var mean = g.Mean + delta / n;
            groups[host] = (n, mean, g.M2 + delta * (length - mean));
        });
        var other = groups.Values.Sum(g => g.Mean + (g.N > 1 ? Math.Sqrt(g.M2 / (g.N - 1)) : 0));
        return (groups.Count, EvalMode.Check(groups.Count, groups.Values.Sum(g => (double)g.N), other));
    }
}
