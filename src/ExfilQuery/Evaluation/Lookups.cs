using System.Collections.Immutable;
using System.Text.Json;

namespace ExfilQuery.Evaluation;

/// <summary>A lookup table: named columns and rows of text (an empty cell is a missing value).</summary>
/// <param name="Name">The name it was found under.</param>
/// <param name="Columns">The header.</param>
/// <param name="Rows">The rows, each as long as the header.</param>
/// <param name="CaseSensitiveMatch">Splunk's <c>case_sensitive_match</c> (default true for CSV lookups).</param>
/// <param name="WildcardFields">Fields of <c>match_type = WILDCARD(field)</c>: their cells may hold <c>*</c>.</param>
public sealed record LookupTable(string Name, ImmutableArray<string> Columns, ImmutableArray<ImmutableArray<string>> Rows, bool CaseSensitiveMatch, ImmutableArray<string> WildcardFields)
{
    /// <summary>Reads a CSV lookup file (a header row, RFC 4180 quoting); null and a reason when it cannot.</summary>
    public static LookupTable? ReadCsv(string name, TextReader reader, out string? error)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var read = EventReaders.ReadCsvRows(reader, name, out var header);
        if (read.Malformed.Length > 0)
        {
            error = $"{read.Malformed[0].File}:{read.Malformed[0].Line}: {read.Malformed[0].Reason}";
            return null;
        }
        if (header is null)
        {
            error = "the file has no header row.";
            return null;
        }
        error = null;
        return new LookupTable(name, [.. header], read.Rows, true, []);
    }

    /// <summary>The column index of a field, or -1.</summary>
    public int IndexOf(string column) => Columns.IndexOf(column);
}

/// <summary>Where <c>lookup</c> and <c>inputlookup</c> find tables.</summary>
public interface ILookupProvider
{
    /// <summary>The table a search names (a lookup definition or a file name), or null with the reason.</summary>
    LookupTable? Find(string name, out string? reason);
}

/// <summary>Lookups from a folder: <c>NAME</c>, <c>NAME.csv</c>, or a definition in
/// <c>lookup_definitions.jsonl</c> in the folder, one JSON object per line with the fields security_content's
/// lookup YAML uses: <c>name</c>, <c>filename</c>, optional <c>case_sensitive_match</c> ("true"/"false") and
/// <c>match_type</c> (<c>WILDCARD(field)</c>, ...). A definition without a CSV <c>filename</c> (an external or
/// KV-store lookup) is reported as unavailable.</summary>
public sealed class DirectoryLookupProvider : ILookupProvider
{
    private readonly string _directory;
    private readonly Dictionary<string, (LookupTable? Table, string? Reason)> _cache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonElement> _definitions = new(StringComparer.Ordinal);

    /// <summary>A provider over a folder.</summary>
    public DirectoryLookupProvider(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        _directory = directory;
        var defs = Path.Combine(directory, "lookup_definitions.jsonl");
        if (!File.Exists(defs)) return;
        foreach (var line in File.ReadLines(defs))
        {
            if (line.Trim().Length == 0) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.TryGetProperty("name", out var n) && n.GetString() is { } name) _definitions[name] = doc.RootElement.Clone();
            }
            catch (JsonException)
            {
                // a broken definition line is skipped; the lookup it named is then reported as missing
            }
        }
    }

    /// <inheritdoc/>
    public LookupTable? Find(string name, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(name);
        reason = null;
        var caseSensitive = true;
        var wildcards = ImmutableArray<string>.Empty;
        var file = name;
        if (_definitions.TryGetValue(name, out var def))
        {
            if (!def.TryGetProperty("filename", out var f) || f.GetString() is not { } filename || !filename.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            {
                reason = "its definition names no CSV file (an external or KV store lookup), which the evaluator cannot run.";
                return null;
            }
            file = filename;
            if (def.TryGetProperty("case_sensitive_match", out var cs) && cs.ValueKind == JsonValueKind.String) caseSensitive = !string.Equals(cs.GetString(), "false", StringComparison.OrdinalIgnoreCase);
            if (def.TryGetProperty("match_type", out var mt) && mt.GetString() is { } matchType)
                wildcards = System.Text.RegularExpressions.Regex.Matches(matchType, @"WILDCARD\(([^)]+)\)", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1))
                    .Select(m => m.Groups[1].Value.Trim()).ToImmutableArray();
        }
        if (file.IndexOfAny(['/', '\\']) >= 0 || file.Contains("..", StringComparison.Ordinal))
        {
            reason = "a lookup name may not hold a path.";
            return null;
        }
        if (_cache.TryGetValue(name, out var cached))
        {
            reason = cached.Reason;
            return cached.Table;
        }
        var path = new[] { file, file + ".csv" }.Select(p => Path.Combine(_directory, p)).FirstOrDefault(File.Exists);
        LookupTable? table = null;
        if (path is null) reason = $"no file '{file}' or '{file}.csv' in {_directory}.";
        else
        {
            using var reader = new StreamReader(path);
            table = LookupTable.ReadCsv(name, reader, out reason);
            if (table is not null) table = table with { CaseSensitiveMatch = caseSensitive, WildcardFields = wildcards };
        }
        _cache[name] = (table, reason);
        return table;
    }
}

/// <summary>A provider over tables held in memory, by name.</summary>
public sealed class InMemoryLookupProvider(IReadOnlyDictionary<string, LookupTable> tables) : ILookupProvider
{
    /// <inheritdoc/>
    public LookupTable? Find(string name, out string? reason)
    {
        reason = tables.TryGetValue(name, out var t) ? null : "no table of that name was given.";
        return t;
    }
}

/// <summary>What iplocation reads: address ranges (IPv4 CIDR) with their location. No GeoIP database ships with
/// the library, so a caller that needs iplocation supplies one (for example from its own MaxMind export).</summary>
/// <param name="Entries">Ranges, most specific first when they overlap (the first that holds the address wins).</param>
public sealed record IpLocationTable(ImmutableArray<IpLocation> Entries)
{
    /// <summary>Reads a CSV with the columns <c>network</c> (IPv4 CIDR), <c>City</c>, <c>Country</c>,
    /// <c>Region</c>, <c>lat</c>, <c>lon</c> and optionally <c>Continent</c>, <c>MetroCode</c>, <c>Timezone</c>.</summary>
    public static IpLocationTable? ReadCsv(TextReader reader, out string? error)
    {
        var table = LookupTable.ReadCsv("iplocation", reader, out error);
        if (table is null) return null;
        if (table.IndexOf("network") < 0)
        {
            error = "the table has no 'network' column.";
            return null;
        }
        string Cell(ImmutableArray<string> row, string column) => table.IndexOf(column) is var i and >= 0 ? row[i] : "";
        if (table.Rows.FirstOrDefault(r => !System.Text.RegularExpressions.Regex.IsMatch(Cell(r, "network"), @"^\d{1,3}(\.\d{1,3}){3}(/(3[0-2]|[12]?\d))?$", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1))) is { IsDefault: false } bad)
        {
            error = $"'{Cell(bad, "network")}' is not an IPv4 CIDR range.";
            return null;
        }
        return new IpLocationTable(table.Rows.Select(r => new IpLocation(Cell(r, "network"), Cell(r, "City"), Cell(r, "Country"), Cell(r, "Region"), Cell(r, "lat"), Cell(r, "lon"), Cell(r, "Continent"), Cell(r, "MetroCode"), Cell(r, "Timezone"))).ToImmutableArray());
    }

    /// <summary>The location of an address, or null.</summary>
    public IpLocation? Find(string address) => Entries.FirstOrDefault(e => Matching.InCidr(address, e.Network));
}

/// <summary>One range of an <see cref="IpLocationTable"/>; empty text is a missing value.</summary>
public sealed record IpLocation(string Network, string City, string Country, string Region, string Lat, string Lon, string Continent, string MetroCode, string Timezone);
