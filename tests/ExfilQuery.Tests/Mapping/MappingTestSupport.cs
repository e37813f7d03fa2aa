using System.Collections.Immutable;
using System.Text.RegularExpressions;
using ExfilQuery.Macros;
using ExfilQuery.Mapping;
using NUnit.Framework;

namespace ExfilQuery.Tests.Mapping;

/// <summary>Shared helpers: built-in profiles, and the CIM field references a search makes through data models.</summary>
internal static partial class MappingTestSupport
{
    /// <summary>The built-in profiles that map to a real target (not the identity profile).</summary>
    public static readonly string[] TargetProfiles = ["asim", "defender", "sentinel"];

    private static readonly Dictionary<string, MappingProfile> Cache = new(StringComparer.Ordinal);

    /// <summary>A built-in profile; fails the test when it loads with any diagnostic.</summary>
    public static MappingProfile Load(string name)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(name, out var cached)) return cached;
            var profile = MappingProfile.Load(name, out var diagnostics);
            Assert.That(diagnostics, Is.Empty, $"built-in profile {name} must load cleanly");
            Cache[name] = profile;
            return profile;
        }
    }

    /// <summary>A CIM field reference: the canonical dataset and the field name.</summary>
    public readonly record struct FieldRef(string Dataset, string Field)
    {
        public override string ToString() => Dataset + " " + Field;
    }

    // A dataset-prefixed field (Processes.process_name) not preceded by a name character, '.', ':', '=', '/' or '\'
    // (which would make it part of a value, a path or "datamodel=Endpoint.Processes").
    [GeneratedRegex(@"(?<![A-Za-z0-9_.:=/\\])(?<ds>[A-Za-z_]+)\.(?<field>[A-Za-z_][A-Za-z0-9_]*)(?![A-Za-z0-9_.])")]
    private static partial Regex PrefixedField();

    [GeneratedRegex(@"datamodel\s+$")]
    private static partial Regex DatamodelKeywordBefore();

    /// <summary>Every data-model field reference in a search after macro expansion, with repetitions: a prefix is a
    /// CIM dataset name the catalog knows (Processes → Endpoint.Processes). Child-dataset paths
    /// (All_Changes.Instance_Changes.x) and "from datamodel Web.Web" are not field references.</summary>
    public static IEnumerable<FieldRef> DatamodelFieldRefs(string search)
    {
        var expanded = MacroExpander.Expand(search, TestData.SplunkMacros).Text;
        var byPrefix = CimCatalog.Default.Datasets.ToDictionary(d => d.Name, d => d.FullName, StringComparer.Ordinal);
        foreach (Match m in PrefixedField().Matches(expanded))
        {
            if (!byPrefix.TryGetValue(m.Groups["ds"].Value, out var dataset)) continue;
            if (DatamodelKeywordBefore().IsMatch(expanded.AsSpan(0, m.Index).ToString())) continue;
            yield return new FieldRef(dataset, m.Groups["field"].Value);
        }
    }

    /// <summary>True when the profile maps the field of the dataset to a column.</summary>
    public static bool IsMapped(MappingProfile profile, FieldRef r) =>
        profile.TryGetDataset(r.Dataset, out var ds) && ds.TryGetField(r.Field, out var f) && f.IsMapped;

    /// <summary>Every (profile part, field) of a profile that names a column, with the source it reads.</summary>
    public static IEnumerable<(string Where, KqlSource Source, FieldMapping Field, CimDataset? Cim)> MappedFields(MappingProfile profile)
    {
        foreach (var ds in profile.Datasets)
        {
            CimCatalog.Default.TryGetDataset(ds.Dataset, out var cim);
            foreach (var f in ds.Fields.Values.Where(f => f.IsMapped)) yield return ($"{profile.Name} dataset {ds.Dataset} field {f.CimField}", ds.Source, f, cim);
        }
        foreach (var s in profile.Sources)
        {
            foreach (var f in s.Fields.Values.Where(f => f.IsMapped)) yield return ($"{profile.Name} source {s.Name} field {f.CimField}", s.Source, f, null);
            foreach (var (prefix, f) in s.Prefixes.Where(p => p.Value.IsMapped)) yield return ($"{profile.Name} source {s.Name} prefix {prefix}", s.Source, f, null);
        }
    }

    /// <summary>All filters of a profile with the source they apply to.</summary>
    public static IEnumerable<(string Where, KqlSource Source, FixedFilter Filter)> Filters(MappingProfile profile)
    {
        foreach (var ds in profile.Datasets)
            foreach (var f in ds.Filters) yield return ($"{profile.Name} dataset {ds.Dataset}", ds.Source, f);
        foreach (var s in profile.Sources)
            foreach (var f in s.Filters) yield return ($"{profile.Name} source {s.Name}", s.Source, f);
    }

    /// <summary>Reads "profile Dataset field reason..." lines ('#' starts a comment line).</summary>
    public static ImmutableArray<(string Profile, FieldRef Ref, string Reason)> ReadExpectations(string path) =>
    [
        .. File.ReadLines(path)
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l =>
            {
                var parts = l.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries);
                Assert.That(parts, Has.Length.EqualTo(4), $"expectation line needs 'profile Dataset field reason': {l}");
                return (parts[0], new FieldRef(parts[1], parts[2]), parts[3]);
            }),
    ];
}
