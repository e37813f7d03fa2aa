using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace ExfilQuery.Tests.Kusto;

/// <summary>One diagnostic from Microsoft's Kusto.Language. <paramref name="Category"/> is "syntax" (the parser),
/// "semantic" (the binder) or "analyzer"; <paramref name="Start"/> and <paramref name="Length"/> are UTF-16 offsets
/// into the query, i.e. ordinary .NET string indices.</summary>
public sealed record KustoDiagnostic(string Code, string Severity, string Category, string Message, int Start, int Length)
{
    public bool IsError => Severity == "Error";

    public override string ToString() => $"{Category} {Severity} {Code} at {Start}+{Length}: {Message}";
}

/// <summary>
/// Checks KQL with Microsoft's real Kusto parser and binder (npm @kusto/language-service-next, run by
/// tools/kusto/kqlcheck.js under Node). One long-lived <c>node</c> process per schema file, started on first use,
/// restarted if it died, and killed when the test process exits. Thread-safe: requests to one process are serialised.
/// Only errors are reported.
/// </summary>
public sealed class KustoChecker : IDisposable
{
    /// <summary>How long one answer may take before the checker process is declared hung and killed. The first one
    /// includes Node's start and Kusto.Language's initialisation (about 3 s here).</summary>
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(120);

    private static readonly ConcurrentDictionary<string, Lazy<KustoChecker>> Instances = new(StringComparer.Ordinal);
    private static readonly Lazy<string> ScriptPath = new(FindScript);

    private readonly string _schemaPath;
    private readonly string _nodeExecutable;
    private readonly object _gate = new();
    private readonly StringBuilder _stderr = new();
    private Process? _process;
    private long _nextId;

    static KustoChecker()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            // No lock: a test thread could still hold one. Node also exits by itself when its stdin closes.
            foreach (var instance in Instances.Values)
                if (instance.IsValueCreated) instance.Value.KillQuietly();
        };
    }

    internal KustoChecker(string schemaPath, string nodeExecutable = "node")
    {
        _schemaPath = Path.GetFullPath(schemaPath);
        _nodeExecutable = nodeExecutable;
        if (!File.Exists(_schemaPath)) throw new FileNotFoundException($"Kusto schema file not found: {_schemaPath}", _schemaPath);
    }

    /// <summary>The shared checker for a schema file (tables as <c>{name: {column: type}}</c>, ASIM functions under
    /// <c>$functions</c>; see tools/kusto/kqlcheck.js).</summary>
    public static KustoChecker ForSchema(string schemaPath) =>
        Instances.GetOrAdd(Path.GetFullPath(schemaPath), p => new Lazy<KustoChecker>(() => new KustoChecker(p))).Value;

    /// <summary>The checker for fixtures/kusto/sentinel_schema.json (Sentinel, Defender XDR and ASIM).</summary>
    public static KustoChecker Sentinel => ForSchema(Path.Combine(RepoRoot, "fixtures", "kusto", "sentinel_schema.json"));

    /// <summary>Parses and binds <paramref name="query"/>; <paramref name="extraTables"/> (name → column → Kusto type)
    /// are declared for this query only, replacing a schema table of the same name. Returns the errors, in order of
    /// position; an empty list means Kusto.Language accepts the query.</summary>
    public IReadOnlyList<KustoDiagnostic> Check(string query, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? extraTables = null) =>
        CheckMany([query], extraTables)[0];

    /// <summary>Checks many queries in one exchange with the checker process (much cheaper than one call each);
    /// the i-th result belongs to the i-th query.</summary>
    public IReadOnlyList<IReadOnlyList<KustoDiagnostic>> CheckMany(IEnumerable<string> queries, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? extraTables = null)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var list = queries.ToList();
        if (list.Count == 0) return [];
        string? tablesJson = extraTables is { Count: > 0 } ? JsonSerializer.Serialize(extraTables) : null;

        lock (_gate)
        {
            var process = EnsureStarted();
            var firstId = _nextId;
            _nextId += list.Count;
            var lines = new string[list.Count];
            for (var i = 0; i < list.Count; i++)
            {
                ArgumentNullException.ThrowIfNull(list[i], nameof(queries));
                var id = (firstId + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
                lines[i] = "{\"id\":" + JsonSerializer.Serialize(id) + ",\"query\":" + JsonSerializer.Serialize(list[i]) +
                           (tablesJson is null ? "" : ",\"tables\":" + tablesJson) + "}";
            }

            // Write on another thread while this one reads: Node blocks on a full stdout pipe, and would then stop
            // reading stdin, so writing a large batch before reading could deadlock.
            var writer = Task.Run(() =>
            {
                foreach (var line in lines) process.StandardInput.Write(line + "\n");
                process.StandardInput.Flush();
            });

            var results = new IReadOnlyList<KustoDiagnostic>[list.Count];
            string? rejected = null;
            try
            {
                // Read every answer even after a rejected line, so the next call starts in step with the process.
                for (var i = 0; i < list.Count; i++)
                {
                    var answer = ReadAnswer(process);
                    var diagnostics = ParseAnswer(answer, (firstId + i).ToString(System.Globalization.CultureInfo.InvariantCulture), out var error);
                    results[i] = diagnostics;
                    rejected ??= error is null ? null : $"query {i}: {error}";
                }
                if (!writer.Wait(AnswerTimeout)) throw new TimeoutException("writing to kqlcheck did not finish");
            }
            catch
            {
                Stop();
                throw;
            }
            if (rejected is not null) throw new ArgumentException($"kqlcheck rejected the request: {rejected}");
            return results;
        }
    }

    /// <summary>A readable report of diagnostics with the query line and a caret under each span, for assertion
    /// messages.</summary>
    public static string Describe(string query, IReadOnlyList<KustoDiagnostic> diagnostics)
    {
        var sb = new StringBuilder(query).Append('\n');
        foreach (var d in diagnostics)
        {
            var start = Math.Clamp(d.Start, 0, query.Length);
            var lineStart = start == 0 ? 0 : query.LastIndexOf('\n', start - 1) + 1;
            var lineEnd = query.IndexOf('\n', start);
            if (lineEnd < 0) lineEnd = query.Length;
            sb.Append("  ").Append(d).Append('\n');
            sb.Append("    ").Append(query, lineStart, lineEnd - lineStart).Append('\n');
            sb.Append("    ").Append(' ', start - lineStart).Append('^', Math.Max(1, d.Length)).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Stops the checker process. Only for checkers made with the internal constructor: the shared ones from
    /// <see cref="ForSchema"/> live until the test process exits.</summary>
    public void Dispose() => Stop();

    /// <summary>Kills the checker process (tests use it to check the restart; the next call starts a new one).</summary>
    internal void KillForTest()
    {
        lock (_gate) _process?.Kill(entireProcessTree: true);
    }

    private string ReadAnswer(Process process)
    {
        var read = process.StandardOutput.ReadLineAsync();
        if (!read.Wait(AnswerTimeout))
            throw new TimeoutException($"kqlcheck gave no answer within {AnswerTimeout.TotalSeconds:0} s; killed it.{StderrTail()}");
        return read.Result ?? throw new InvalidOperationException(
            $"kqlcheck ({ScriptPath.Value} {_schemaPath}) exited{ExitCode(process)} without answering.{StderrTail()}");
    }

    private static IReadOnlyList<KustoDiagnostic> ParseAnswer(string answer, string expectedId, out string? error)
    {
        using var doc = JsonDocument.Parse(answer);
        var root = doc.RootElement;
        var id = root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
        if (id != expectedId)
            throw new InvalidOperationException($"kqlcheck answered id {id ?? "null"} where {expectedId} was expected: {answer}");
        error = root.TryGetProperty("error", out var errorElement) ? errorElement.GetString() ?? "error" : null;
        if (error is not null) return [];
        var diagnostics = new List<KustoDiagnostic>();
        foreach (var d in root.GetProperty("diagnostics").EnumerateArray())
        {
            diagnostics.Add(new KustoDiagnostic(
                d.GetProperty("code").GetString() ?? "",
                d.GetProperty("severity").GetString() ?? "",
                d.GetProperty("category").GetString() ?? "",
                d.GetProperty("message").GetString() ?? "",
                d.GetProperty("start").GetInt32(),
                d.GetProperty("length").GetInt32()));
        }
        return diagnostics;
    }

    private Process EnsureStarted()
    {
        if (_process is { HasExited: false }) return _process;
        _process?.Dispose();
        _process = null;
        lock (_stderr) _stderr.Clear();

        var info = new ProcessStartInfo(_nodeExecutable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
            WorkingDirectory = Path.GetDirectoryName(ScriptPath.Value)!,
        };
        info.ArgumentList.Add(ScriptPath.Value);
        info.ArgumentList.Add(_schemaPath);

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {_nodeExecutable}");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"Node.js ('{_nodeExecutable}') could not be started ({e.Message}). Node 20+ on PATH is a prerequisite of the " +
                "test suite: it runs Microsoft's Kusto.Language (tools/kusto/kqlcheck.js) that checks every emitted KQL query.", e);
        }
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_stderr)
            {
                if (_stderr.Length < 16_000) _stderr.Append(e.Data).Append('\n');
            }
        };
        process.BeginErrorReadLine();
        _process = process;
        return process;
    }

    private void Stop()
    {
        lock (_gate)
        {
            if (_process is null) return;
            try
            {
                if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
            _process.Dispose();
            _process = null;
        }
    }

    private void KillQuietly()
    {
        try
        {
            var process = _process;
            if (process is { HasExited: false }) process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // already gone
        }
    }

    private string StderrTail()
    {
        Thread.Sleep(50); // let the asynchronous stderr reader catch the last lines of a dying process
        lock (_stderr) return _stderr.Length == 0 ? "" : " stderr:\n" + _stderr;
    }

    private static string ExitCode(Process process)
    {
        try
        {
            return process.WaitForExit(2000) ? $" with code {process.ExitCode}" : "";
        }
        catch (InvalidOperationException)
        {
            return "";
        }
    }

    private static string RepoRoot => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ScriptPath.Value)!, "..", ".."));

    private static string FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tools", "kusto", "kqlcheck.js");
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException($"tools/kusto/kqlcheck.js not found above {AppContext.BaseDirectory}.");
    }
}
