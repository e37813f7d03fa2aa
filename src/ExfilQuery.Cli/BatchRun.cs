using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ExfilQuery.Cli;

/// <summary>The loop every <c>--batch</c> command shares: read JSON Lines searches from a file or standard input
/// (<c>-</c>), write one output line per search, then a one-line summary on standard error.</summary>
internal static class BatchRun
{
    /// <summary>Runs <paramref name="lineFor"/> on every search of <paramref name="path"/> and writes its lines;
    /// returns the number of searches. <paramref name="summary"/> gets the count and the elapsed-time text
    /// <c>(N ms, N searches/s)</c> and returns the summary line (without its line break).</summary>
    public static int Run(string path, CliContext context, Func<SearchRecord, string> lineFor, Func<int, string, string> summary)
    {
        var stopwatch = Stopwatch.StartNew();
        TextReader reader;
        if (path == "-")
        {
            reader = context.In;
        }
        else
        {
            var full = context.ResolvePath(path);
            if (!File.Exists(full)) throw new CliFailureException($"batch input '{full}' not found.");
            reader = new StreamReader(full, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        }
        var total = 0;
        try
        {
            foreach (var record in JsonLinesInput.Read(reader))
            {
                total++;
                context.Out.Write(lineFor(record));
                context.Out.Write('\n');
            }
        }
        finally
        {
            if (!ReferenceEquals(reader, context.In)) reader.Dispose();
        }
        stopwatch.Stop();
        var perSecond = total / Math.Max(stopwatch.Elapsed.TotalSeconds, 1e-9);
        var timing = string.Create(CultureInfo.InvariantCulture, $"({stopwatch.Elapsed.TotalMilliseconds:0} ms, {perSecond:0} searches/s)");
        context.Error.Write(summary(total, timing) + "\n");
        return total;
    }

    /// <summary>The CLI0001 diagnostic for a line that cannot be used.</summary>
    public static JsonDiagnostic Unreadable(SearchRecord record) =>
        new(CliDiagnostics.InputLineUnreadable, "error", record.Error ?? "This line cannot be read.", record.Line, 1);
}
