using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using ExfilQuery.Diagnostics;

namespace ExfilQuery.Mapping;

/// <summary>How CIM data model datasets and raw Splunk sources map to one target: tables or ASIM functions, fixed
/// row filters and, per field, a column (or none, with the reason). Immutable; built-in profiles come from the
/// embedded Mapping/Data/profiles/*.json and a user mapping file in the same format overrides or extends them
/// (docs/MAPPING.md).</summary>
public sealed class MappingProfile
{
    private readonly ImmutableArray<string> _documents;
    private readonly ImmutableSortedDictionary<string, DatasetMapping> _datasets;
    private readonly ImmutableSortedDictionary<string, string> _unmappedDatasets;

    private MappingProfile(string name, ImmutableArray<string> documents, KqlSchema schema, bool isIdentity, string? defaultTable, string? source,
        ImmutableSortedDictionary<string, DatasetMapping> datasets, ImmutableSortedDictionary<string, string> unmappedDatasets,
        ImmutableArray<SourceMapping> sources, ImmutableArray<UnmappedSource> unmappedSources)
    {
        Name = name;
        _documents = documents;
        Schema = schema;
        IsIdentity = isIdentity;
        DefaultTable = defaultTable;
        Source = source;
        _datasets = datasets;
        _unmappedDatasets = unmappedDatasets;
        Sources = sources;
        UnmappedSources = unmappedSources;
    }

    /// <summary>The built-in profile names: asim, defender, none, sentinel.</summary>
    public static ImmutableArray<string> BuiltInNames { get; } = ["asim", "defender", "none", "sentinel"];

    /// <summary>The profile name (a user mapping keeps the name of the profile it overrides).</summary>
    public string Name { get; }

    /// <summary>True for the identity profile ("none"): fields keep their SPL names and every search reads
    /// <see cref="DefaultTable"/>, except datasets and sources a user mapping lists.</summary>
    public bool IsIdentity { get; }

    /// <summary>The one table of the identity profile (default "Events"); null for other profiles.</summary>
    public string? DefaultTable { get; }

    /// <summary>The built-in profile's "$source" note: where its facts come from.</summary>
    public string? Source { get; }

    /// <summary>The schema the profile's columns are checked against: <see cref="KqlSchema.Sentinel"/>, or
    /// <see cref="KqlSchema.Ecs"/> for a profile whose document says <c>"schema": "ecs"</c>.</summary>
    public KqlSchema Schema { get; }

    /// <summary>The built-in profile names of the Elastic backends (ES|QL and EQL): ecs, none.</summary>
    public static ImmutableArray<string> ElasticBuiltInNames { get; } = ["ecs", "none"];

    /// <summary>The CIM catalog the profile's fields are checked against.</summary>
    public CimCatalog Catalog => CimCatalog.Default;

    /// <summary>The mapped datasets, ordered by name.</summary>
    public IReadOnlyList<DatasetMapping> Datasets => [.. _datasets.Values];

    /// <summary>Datasets the profile lists as having no source in the target: canonical name → why.</summary>
    public IReadOnlyDictionary<string, string> UnmappedDatasets => _unmappedDatasets;

    /// <summary>The mapped raw sources, ordered by name. When several match a search, the backend takes the one
    /// with the most <see cref="SourceMapping.Match"/> conditions (docs/MAPPING.md).</summary>
    public IReadOnlyList<SourceMapping> Sources { get; }

    /// <summary>Raw sources the profile knows but cannot map, with why; ordered by name.</summary>
    public IReadOnlyList<UnmappedSource> UnmappedSources { get; }

    /// <summary>Loads a built-in profile: defender, sentinel, asim or none. An unknown name gives MAP0001 and the
    /// identity profile (so that callers always have a profile; check the diagnostics).</summary>
    public static MappingProfile Load(string name, out ImmutableArray<Diagnostic> diagnostics) => LoadBuiltIn(name, BuiltInNames, out diagnostics);

    /// <summary>Loads a built-in profile of the Elastic backends: ecs (Elastic Common Schema fields, index patterns
    /// of Elastic Defend and the Elastic integrations, checked against <see cref="KqlSchema.Ecs"/>) or none. An
    /// unknown name gives MAP0001 and the identity profile.</summary>
    public static MappingProfile LoadElastic(string name, out ImmutableArray<Diagnostic> diagnostics) => LoadBuiltIn(name, ElasticBuiltInNames, out diagnostics);

    private static MappingProfile LoadBuiltIn(string name, ImmutableArray<string> names, out ImmutableArray<Diagnostic> diagnostics)
    {
        if (!names.Contains(name))
        {
            var identity = Build(["{\"name\":\"none\",\"identity\":true,\"defaultTable\":\"Events\"}"], out _)!;
            diagnostics = [MappingDiagnostics.UnknownProfile(name, names)];
            return identity;
        }
        diagnostics = [];
        return BuiltIn.GetOrAdd(name, static n => new Lazy<MappingProfile>(() =>
        {
            var profile = Build([EmbeddedData.Read("profiles/" + n + ".json")], out var d);
            if (profile is null || !d.IsEmpty)
                throw new InvalidOperationException($"The built-in mapping profile '{n}' does not load cleanly: {string.Join("; ", d)}");
            return profile;
        })).Value;
    }

    // Built-in profiles are immutable and load without diagnostics (a test checks it): each is built once.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<MappingProfile>> BuiltIn = new(StringComparer.Ordinal);

    /// <summary>This profile with a user mapping file applied (same format as the built-in profiles). Datasets,
    /// sources and fields the file lists replace or extend this profile's; members it leaves out keep their value.
    /// Diagnostics point into <paramref name="userMappingJson"/>. When the file has errors nothing of it is
    /// applied and this profile is returned; warnings (unknown columns or fields, type mismatches) do not stop it.</summary>
    public MappingProfile WithOverrides(string userMappingJson, out ImmutableArray<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(userMappingJson);
        var profile = Build(_documents.Add(userMappingJson), out diagnostics);
        if (profile is null || diagnostics.Any(d => d.IsError)) return this;
        return profile;
    }

    /// <summary>The mapping of a dataset as a search names it: "Endpoint.Processes", or a data model alone
    /// ("Network_Traffic") meaning its root dataset. False when the profile has no source for it (see
    /// <see cref="GetUnmappedDatasetNote"/> for why).</summary>
    public bool TryGetDataset(string datamodelDataset, [NotNullWhen(true)] out DatasetMapping? mapping)
    {
        var canonical = Catalog.Canonicalize(datamodelDataset) ?? datamodelDataset;
        if (_datasets.TryGetValue(canonical, out mapping)) return true;
        if (!IsIdentity || _unmappedDatasets.ContainsKey(canonical)) return false;
        var fields = ImmutableSortedDictionary.CreateBuilder<string, FieldMapping>(StringComparer.Ordinal);
        if (Catalog.TryGetDataset(canonical, out var cim))
            foreach (var f in cim.Fields.Keys) fields[f] = FieldMapping.Identity(f);
        mapping = new DatasetMapping(canonical, KqlSource.ForTable(DefaultTable ?? "Events"), [], fields.ToImmutable()) { IsIdentity = true };
        return true;
    }

    /// <summary>Why the profile has no source for a dataset, when it lists it as unmapped; otherwise null.</summary>
    public string? GetUnmappedDatasetNote(string datamodelDataset) =>
        _unmappedDatasets.TryGetValue(Catalog.Canonicalize(datamodelDataset) ?? datamodelDataset, out var note) ? note : null;

    /// <summary>A mapped source by its name in the profile.</summary>
    public bool TryGetSource(string name, [NotNullWhen(true)] out SourceMapping? source)
    {
        source = Sources.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal));
        return source is not null;
    }

    /// <inheritdoc/>
    public override string ToString() => $"MappingProfile {Name} ({_datasets.Count} datasets, {Sources.Count} sources)";

    // ------------------------------------------------------------------ building

    /// <summary>Reads and merges the documents (built-in first, then user files) and builds the profile. Only the
    /// last document's diagnostics are reported; null when a document is not JSON.</summary>
    private static MappingProfile? Build(ImmutableArray<string> documents, out ImmutableArray<Diagnostic> diagnostics)
    {
        var catalog = CimCatalog.Default;
        ProfileDoc? merged = null;
        JsonLocator? lastLocator = null;
        var last = documents.Length - 1;
        var report = ImmutableArray.CreateBuilder<Diagnostic>();
        for (var i = 0; i < documents.Length; i++)
        {
            var doc = MappingDocumentReader.Read(documents[i], i, catalog, out var readDiagnostics, out var locator);
            if (i == last)
            {
                report.AddRange(readDiagnostics);
                lastLocator = locator;
            }
            if (doc is null)
            {
                diagnostics = report.ToImmutable();
                return null;
            }
            if (merged is null) merged = doc;
            else Merge(merged, doc, i == last ? report : null, locator);
        }
        var schema = merged!.Schema == "ecs" ? KqlSchema.Ecs : KqlSchema.Sentinel;
        var builder = new ProfileBuilder(catalog, schema, last, lastLocator, report);
        var profile = builder.Build(merged!, documents);
        diagnostics = report.ToImmutable();
        return profile;
    }

    private static void Merge(ProfileDoc target, ProfileDoc over, ImmutableArray<Diagnostic>.Builder? report, JsonLocator? locator)
    {
        if (over.Identity is not null) target.Identity = over.Identity;
        if (over.DefaultTable is not null) target.DefaultTable = over.DefaultTable;
        MergeTargets(target.Datasets, over.Datasets, report, locator);
        MergeTargets(target.Sources, over.Sources, report, locator);
    }

    private static void MergeTargets(Dictionary<string, TargetDoc> target, Dictionary<string, TargetDoc> over, ImmutableArray<Diagnostic>.Builder? report, JsonLocator? locator)
    {
        foreach (var (key, entry) in over)
        {
            if (!target.TryGetValue(key, out var existing))
            {
                if (!entry.TargetSet)
                {
                    report?.Add(MappingDiagnostics.MissingTarget(locator?.SpanOf(entry.Path) ?? default, MappingDocumentReader.Readable(entry.Path)));
                    continue;
                }
                target[key] = entry;
                continue;
            }
            if (entry.TargetSet)
            {
                existing.TargetSet = true;
                existing.Table = entry.Table;
                existing.Function = entry.Function;
                existing.TargetDocument = entry.Document;
            }
            if (entry.Filters is not null) existing.Filters = entry.Filters;
            if (entry.NoteSet) { existing.NoteSet = true; existing.Note = entry.Note; }
            if (entry.Selectors is not null) existing.Selectors = entry.Selectors;
            if (entry.Match is not null) existing.Match = entry.Match;
            if (entry.MacroSet) { existing.MacroSet = true; existing.Macro = entry.Macro; }
            foreach (var (f, fd) in entry.Fields) existing.Fields[f] = fd;
            foreach (var (p, pd) in entry.Prefixes) existing.Prefixes[p] = pd;
        }
    }

    /// <summary>Turns a merged document into the immutable profile, checking columns against the schema and fields
    /// against the CIM catalog for the entries of the last document.</summary>
    private sealed class ProfileBuilder(CimCatalog catalog, KqlSchema schema, int reportDocument, JsonLocator? locator, ImmutableArray<Diagnostic>.Builder report)
    {
        public MappingProfile Build(ProfileDoc doc, ImmutableArray<string> documents)
        {
            var identity = doc.Identity ?? false;
            var datasets = ImmutableSortedDictionary.CreateBuilder<string, DatasetMapping>(StringComparer.Ordinal);
            var unmappedDatasets = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            foreach (var (name, entry) in doc.Datasets.OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                var reportEntry = entry.Document == reportDocument || entry.TargetDocument == reportDocument;
                CimDataset? cim = null;
                if (!catalog.TryGetDataset(name, out cim) && reportEntry)
                    report.Add(MappingDiagnostics.UnknownDataset(Span(entry.Path), MappingDocumentReader.Readable(entry.Path), name));
                var source = Target(entry);
                if (source is null)
                {
                    unmappedDatasets[name] = entry.Note ?? "The profile lists no source for this dataset.";
                    continue;
                }
                var columns = Columns(entry, source);
                var filters = Filters(entry, source, columns);
                var fields = Fields(entry.Fields, source, columns, cim, isPrefix: false, entry.TargetDocument == reportDocument);
                datasets[name] = new DatasetMapping(name, source, filters, fields) { Note = entry.Note };
            }

            var sources = ImmutableArray.CreateBuilder<SourceMapping>();
            var unmappedSources = ImmutableArray.CreateBuilder<UnmappedSource>();
            foreach (var (name, entry) in doc.Sources.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                var selectors = Matches(entry.Selectors);
                var match = Matches(entry.Match);
                var source = Target(entry);
                if (source is null)
                {
                    unmappedSources.Add(new UnmappedSource(name, selectors, match, entry.Macro, entry.Note ?? "The profile lists no table for this source."));
                    continue;
                }
                var columns = Columns(entry, source);
                var filters = Filters(entry, source, columns);
                var fields = Fields(entry.Fields, source, columns, null, isPrefix: false, entry.TargetDocument == reportDocument);
                var prefixes = Fields(entry.Prefixes, source, columns, null, isPrefix: true, entry.TargetDocument == reportDocument);
                sources.Add(new SourceMapping(name, match, source, filters, fields)
                {
                    Selectors = selectors,
                    Macro = entry.Macro,
                    Note = entry.Note,
                    Prefixes = prefixes,
                });
            }
            return new MappingProfile(doc.Name ?? "custom", documents, schema, identity, identity ? doc.DefaultTable ?? "Events" : null, doc.SourceNote,
                datasets.ToImmutable(), unmappedDatasets.ToImmutable(), sources.ToImmutable(), unmappedSources.ToImmutable());
        }

        private static KqlSource? Target(TargetDoc entry) =>
            entry.Function is not null ? KqlSource.ForFunction(entry.Function)
            : entry.Table is not null ? KqlSource.ForTable(entry.Table)
            : null;

        /// <summary>The source's columns, or null (with MAP0009 for a reported entry) when the schema does not know it.</summary>
        private IReadOnlyDictionary<string, string>? Columns(TargetDoc entry, KqlSource source)
        {
            if (schema.TryGetColumns(source.Table, out var columns)) return columns;
            if (entry.TargetDocument == reportDocument)
            {
                ImmutableArray<string> path = [.. entry.Path, source.IsFunction ? "function" : "table"];
                report.Add(MappingDiagnostics.UnknownTable(Span(path), MappingDocumentReader.Readable(path), source.Table));
            }
            return null;
        }

        private ImmutableArray<FixedFilter> Filters(TargetDoc entry, KqlSource source, IReadOnlyDictionary<string, string>? columns)
        {
            if (entry.Filters is null) return [];
            var filters = ImmutableArray.CreateBuilder<FixedFilter>();
            foreach (var f in entry.Filters)
            {
                string? type = null;
                if (columns is not null && !columns.TryGetValue(f.Column, out type) && Reported(f))
                {
                    ImmutableArray<string> path = [.. f.Path, "column"];
                    report.Add(MappingDiagnostics.UnknownColumn(Span(path), MappingDocumentReader.Readable(path), f.Column, source.Table));
                }
                filters.Add(new FixedFilter(f.Column, f.Operator, f.Values) { ColumnType = type });
            }
            return filters.ToImmutable();
        }

        private ImmutableSortedDictionary<string, FieldMapping> Fields(Dictionary<string, FieldDoc> docs, KqlSource source,
            IReadOnlyDictionary<string, string>? columns, CimDataset? cim, bool isPrefix, bool targetReported)
        {
            var fields = ImmutableSortedDictionary.CreateBuilder<string, FieldMapping>(StringComparer.Ordinal);
            foreach (var (name, fd) in docs)
            {
                var reported = Reported(fd) || targetReported;
                var readable = MappingDocumentReader.Readable(fd.Path);
                CimField? cimField = null;
                if (cim is not null && !isPrefix && !cim.TryGetField(name, out cimField) && reported)
                    report.Add(MappingDiagnostics.UnknownCimField(Span(fd.Path), readable, name, cim.FullName));
                string? type = null;
                if (fd.Column is not null && columns is not null)
                {
                    if (!columns.TryGetValue(fd.Column, out type) && reported)
                        report.Add(MappingDiagnostics.UnknownColumn(Span([.. fd.Path, "column"]), readable, fd.Column, source.Table));
                    if (reported) CheckTypes(fd, type, cimField, columns, source, readable);
                }
                fields[name] = new FieldMapping(name, fd.Column, type, fd.Transform, fd.Note)
                {
                    TransformArguments = fd.Args,
                    ValueMap = fd.Values ?? ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal),
                    ValueMapDefault = fd.Default,
                };
            }
            return fields.ToImmutable();
        }

        private void CheckTypes(FieldDoc fd, string? columnType, CimField? cimField, IReadOnlyDictionary<string, string> columns, KqlSource source, string readable)
        {
            var resultType = columnType;
            if (fd.Transform is not null && MappingTransforms.TryGet(fd.Transform, out var transform))
            {
                if (columnType is not null && !transform.InputTypes.Contains(columnType))
                    report.Add(MappingDiagnostics.IncompatibleType(Span([.. fd.Path, "transform"]), readable,
                        $"transform '{transform.Name}' takes {string.Join(" or ", transform.InputTypes)}, but column '{fd.Column}' is {columnType}."));
                if (transform == MappingTransforms.PathJoin && fd.Args.Length == 1 && !columns.ContainsKey(fd.Args[0]))
                    report.Add(MappingDiagnostics.UnknownColumn(Span([.. fd.Path, "args", "0"]), readable, fd.Args[0], source.Table));
                resultType = transform.OutputType;
            }
            if (cimField is not null && resultType is not null && !MappingTypes.IsCompatible(cimField.Type, resultType))
                report.Add(MappingDiagnostics.IncompatibleType(Span([.. fd.Path, "column"]), readable,
                    $"the CIM field is {cimField.Type}, but the mapping gives {resultType}" + (fd.Transform is null ? $" (column '{fd.Column}')." : $" (transform '{fd.Transform}').")));
        }

        private static ImmutableArray<SourceMatch> Matches(List<MatchDoc>? docs) =>
            docs is null ? [] : [.. docs.Select(m => new SourceMatch(m.Field, m.Values))];

        private bool Reported(DocumentEntry entry) => entry.Document == reportDocument;

        private Text.TextSpan Span(IReadOnlyList<string> path) => locator?.SpanOf(path) ?? default;
    }
}
