using System.Text.RegularExpressions;
using ExfilQuery.Mapping;
using NUnit.Framework;

namespace ExfilQuery.Tests.Mapping;

/// <summary>The identity profile keeps SPL names; profiles, catalogs and schemas enumerate in a fixed order.</summary>
public class IdentityProfileTests
{
    [Test]
    public void NoneKeepsEveryFieldAndReadsOneTable()
    {
        var none = MappingTestSupport.Load("none");
        Assert.That(none.IsIdentity, Is.True);
        Assert.That(none.DefaultTable, Is.EqualTo("Events"));
        Assert.That(none.Sources, Is.Empty);
        foreach (var dataset in CimCatalog.Default.Datasets)
        {
            Assert.That(none.TryGetDataset(dataset.FullName, out var ds), Is.True, dataset.FullName);
            Assert.That(ds!.Source, Is.EqualTo(KqlSource.ForTable("Events")));
            Assert.That(ds.Filters, Is.Empty);
            Assert.That(ds.Fields.Keys, Is.EqualTo(dataset.Fields.Keys));
            Assert.That(ds.Fields.Values.All(f => f.Column == f.CimField && f.Transform is null), Is.True);
        }
        Assert.That(none.TryGetDataset("Network_Traffic", out var root) && root.Dataset == "Network_Traffic.All_Traffic", Is.True);
        Assert.That(none.TryGetDataset("My_Model.Custom", out var custom) && custom.TryGetField("anything", out var f) && f.Column == "anything", Is.True,
            "fields and datasets outside the catalog keep their names too");
    }

    [Test]
    public void NoneTakesADefaultTableAndExplicitDatasetsFromAUserFile()
    {
        var none = MappingTestSupport.Load("none");
        var p = none.WithOverrides("""
            {"defaultTable": "FixtureEvents",
             "datasets": {"Endpoint.Processes": {"table": "DeviceProcessEvents", "fields": {"process_name": {"column": "FileName"}}}}}
            """, out var d);
        Assert.That(d, Is.Empty);
        Assert.That(p.TryGetDataset("Web.Web", out var web) && web.Source.Table == "FixtureEvents", Is.True);
        Assert.That(p.TryGetDataset("Endpoint.Processes", out var proc) && proc.Source.Table == "DeviceProcessEvents", Is.True);
        Assert.That(proc!.TryGetField("process_name", out var pn) && pn.Column == "FileName", Is.True);
        Assert.That(proc.TryGetField("user", out _), Is.False, "an explicit dataset maps only what it lists");
    }
}

public class DeterminismTests
{
    [Test]
    public void LoadingTwiceGivesTheSameOrder()
    {
        foreach (var name in MappingProfile.BuiltInNames)
        {
            var a = MappingProfile.Load(name, out _);
            var b = MappingProfile.Load(name, out _);
            Assert.That(Describe(b), Is.EqualTo(Describe(a)), name);
        }
    }

    [Test]
    public void EverythingIsOrderedByName()
    {
        foreach (var name in MappingTestSupport.TargetProfiles)
        {
            var p = MappingTestSupport.Load(name);
            Assert.That(p.Datasets.Select(d => d.Dataset), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal), name);
            Assert.That(p.Sources.Select(s => s.Name), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal), name);
            Assert.That(p.UnmappedSources.Select(s => s.Name), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal), name);
            Assert.That(p.UnmappedDatasets.Keys, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal), name);
            foreach (var d in p.Datasets) Assert.That(d.Fields.Keys, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal), d.Dataset);
        }
        Assert.That(CimCatalog.Default.Datasets.Select(d => d.FullName), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        Assert.That(KqlSchema.Sentinel.Tables.Keys, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        Assert.That(MappingTransforms.All.Select(t => t.Name), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
    }

    [Test]
    public void DataFilesListKeysInOrder()
    {
        // The JSON files themselves keep datasets, sources and fields sorted, so that diffs stay small.
        var dir = TestData.Repo("src", "ExfilQuery", "Mapping", "Data", "profiles");
        foreach (var file in Directory.GetFiles(dir, "*.json").Order(StringComparer.Ordinal))
        {
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
            foreach (var section in new[] { "datasets", "sources" })
            {
                if (!doc.RootElement.TryGetProperty(section, out var s)) continue;
                var keys = s.EnumerateObject().Select(p => p.Name).ToList();
                Assert.That(keys, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal), $"{Path.GetFileName(file)} {section}");
                foreach (var entry in s.EnumerateObject())
                    if (entry.Value.TryGetProperty("fields", out var fields))
                        Assert.That(fields.EnumerateObject().Select(p => p.Name).ToList(), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal), $"{Path.GetFileName(file)} {entry.Name}");
            }
        }
    }

    private static string Describe(MappingProfile p) => string.Join("\n",
        p.Datasets.SelectMany(d => d.Fields.Values.Select(f => $"{d.Dataset} {d.Source} {f.CimField} {f.Column} {f.Transform} {string.Join(",", f.TransformArguments)}"))
            .Concat(p.Sources.Select(s => $"{s.Name} {s.Source} {string.Join(",", s.Fields.Keys)}"))
            .Concat(p.UnmappedDatasets.Select(u => u.Key))
            .Concat(p.UnmappedSources.Select(u => u.Name)));
}

public class CatalogTests
{
    [TestCase("Endpoint.Processes", "Endpoint.Processes")]
    [TestCase("Network_Traffic", "Network_Traffic.All_Traffic")]
    [TestCase("Network_Traffic.All_Traffic", "Network_Traffic.All_Traffic")]
    [TestCase("Network_Resolution", "Network_Resolution.DNS")]
    [TestCase("Web", "Web.Web")]
    [TestCase("Authentication", "Authentication.Authentication")]
    [TestCase("Change", "Change.All_Changes")]
    public void DatasetNamesAndModelAliases(string name, string canonical)
    {
        Assert.That(CimCatalog.Default.TryGetDataset(name, out var ds), Is.True);
        Assert.That(ds!.FullName, Is.EqualTo(canonical));
    }

    [TestCase("Endpoint")]
    [TestCase("Endpoint.Nope")]
    [TestCase("endpoint.processes")]
    [TestCase("Risk.All_Risk")]
    public void UnknownOrAmbiguousNames(string name) => Assert.That(CimCatalog.Default.TryGetDataset(name, out _), Is.False);

    [Test]
    public void FieldTypes()
    {
        CimCatalog.Default.TryGetDataset("Endpoint.Processes", out var p);
        CimCatalog.Default.TryGetDataset("Network_Traffic", out var t);
        Assert.Multiple(() =>
        {
            Assert.That(p!.Fields["process_id"], Is.EqualTo(new CimField("process_id", "number", false)));
            Assert.That(p.Fields["process_hash"], Is.EqualTo(new CimField("process_hash", "string", true)));
            Assert.That(p.Fields["_time"], Is.EqualTo(new CimField("_time", "time", false)), "base fields are inherited");
            Assert.That(t!.Fields["dest_ip"].Type, Is.EqualTo("ip"));
            Assert.That(t.Fields["dest_port"].Type, Is.EqualTo("number"));
        });
        Assert.That(CimCatalog.Default.Datasets.SelectMany(d => d.Fields.Values).Select(f => f.Type).Distinct(), Is.SubsetOf(MappingTypes.CimTypes));
    }

    [TestCase("string", "string", true)]
    [TestCase("ip", "string", true)]
    [TestCase("number", "long", true)]
    [TestCase("number", "int", true)]
    [TestCase("number", "real", true)]
    [TestCase("number", "string", false)]
    [TestCase("time", "datetime", true)]
    [TestCase("time", "string", false)]
    [TestCase("boolean", "bool", true)]
    [TestCase("string", "dynamic", false)]
    public void TypeCompatibility(string cim, string kusto, bool compatible) =>
        Assert.That(MappingTypes.IsCompatible(cim, kusto), Is.EqualTo(compatible));
}

public class MappingDiagnosticsTests
{
    [Test]
    public void CodesAreUniqueWellFormedAndDocumented()
    {
        var codes = MappingDiagnostics.All.Select(d => d.Code).ToList();
        Assert.That(codes, Is.Unique);
        Assert.That(codes, Has.All.Matches(@"^MAP\d{4}$"));
        Assert.That(codes, Has.Count.GreaterThanOrEqualTo(10));
        var doc = File.ReadAllText(TestData.Repo("docs", "DIAGNOSTICS.md"));
        var headings = Regex.Matches(doc, @"^## (MAP\d{4})\s*$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.That(headings, Is.Unique);
        Assert.That(codes.Where(c => !headings.Contains(c)), Is.Empty, "codes without a '## MAPxxxx' section in docs/DIAGNOSTICS.md");
        Assert.That(headings.Where(h => !codes.Contains(h)), Is.Empty, "documented MAP codes that no descriptor defines");
    }

    [Test]
    public void UnmappedFieldIsAWarningUnlessStrict()
    {
        var warning = MappingDiagnostics.UnmappedField(new Text.TextSpan(3, 4), "os", "defender", "The OS is in DeviceInfo.");
        var error = MappingDiagnostics.UnmappedField(new Text.TextSpan(3, 4), "os", "defender", null, strict: true);
        Assert.Multiple(() =>
        {
            Assert.That(warning.Severity, Is.EqualTo(ExfilQuery.Diagnostics.DiagnosticSeverity.Warning));
            Assert.That(warning.Message, Does.Contain("kept as written").And.Contain("DeviceInfo"));
            Assert.That(error.IsError, Is.True);
            Assert.That(error.Code, Is.EqualTo(warning.Code));
        });
    }
}
