using ExfilQuery.Mapping;
using NUnit.Framework;
using static ExfilQuery.Tests.Mapping.MappingTestSupport;

namespace ExfilQuery.Tests.Mapping;

/// <summary>Every CIM field the seed detections use through datamodel= is mapped in every target profile, or listed
/// with its reason in seed_unmapped_fields.txt; and the corpus coverage does not fall.</summary>
public class SeedCoverageTests
{
    private static string ExpectationFile => TestData.Repo("tests", "ExfilQuery.Tests", "Mapping", "seed_unmapped_fields.txt");

    private static HashSet<FieldRef> SeedRefs() =>
        TestData.SeedSearches().SelectMany(s => DatamodelFieldRefs(s.Search)).ToHashSet();

    [Test]
    public void SeedsReferenceTheExpectedDatasets()
    {
        var datasets = SeedRefs().Select(r => r.Dataset).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.That(datasets, Is.EqualTo(new[] { "Endpoint.Processes", "Network_Resolution.DNS", "Network_Traffic.All_Traffic" }));
        Assert.That(SeedRefs(), Does.Contain(new FieldRef("Endpoint.Processes", "original_file_name")), "macro-expanded references count (process_rclone)");
    }

    [TestCaseSource(typeof(MappingTestSupport), nameof(TargetProfiles))]
    public void EverySeedFieldIsMappedOrExpected(string name)
    {
        var profile = Load(name);
        var expected = ReadExpectations(ExpectationFile).Where(e => e.Profile == name).ToList();
        var expectedRefs = expected.Select(e => e.Ref).ToHashSet();
        var refs = SeedRefs();
        var unexpected = refs.Where(r => !IsMapped(profile, r) && !expectedRefs.Contains(r)).Select(r => r.ToString()).Order(StringComparer.Ordinal).ToList();
        Assert.That(unexpected, Is.Empty, $"seed fields unmapped in {name}: map them or list them with the reason in {Path.GetFileName(ExpectationFile)}");
        var stale = expected.Where(e => IsMapped(profile, e.Ref) || !refs.Contains(e.Ref)).Select(e => e.Ref.ToString()).ToList();
        Assert.That(stale, Is.Empty, $"listed as unmapped in {Path.GetFileName(ExpectationFile)} but mapped now, or not used by a seed: remove the lines");
    }

    [Test]
    public void ExpectationReasonsAgreeWithTheProfiles()
    {
        foreach (var (profileName, r, reason) in ReadExpectations(ExpectationFile))
        {
            Assert.That(TargetProfiles, Does.Contain(profileName));
            Assert.That(reason.Length, Is.GreaterThan(10), $"{profileName} {r}: give the reason");
            var profile = Load(profileName);
            var note = profile.TryGetDataset(r.Dataset, out var ds)
                ? (ds.TryGetField(r.Field, out var f) ? f.Note : null)
                : profile.GetUnmappedDatasetNote(r.Dataset);
            Assert.That(note, Is.Not.Null.And.Not.Empty, $"{profileName} {r}: the profile itself notes why");
        }
    }

    /// <summary>Coverage of the public corpus: how many data-model field references each profile maps. Prints the
    /// numbers and guards against regressions.</summary>
    [Test]
    public void CorpusCoverage()
    {
        var refs = TestData.ReadJsonLines(TestData.Shared("corpus", "splunk", "detections.public.jsonl"))
            .SelectMany(s => DatamodelFieldRefs(s.Search)).ToList();
        var distinct = refs.Distinct().ToList();
        TestContext.Out.WriteLine($"corpus data-model field references: {refs.Count} ({distinct.Count} distinct dataset fields)");
        var floors = new Dictionary<string, double> { ["defender"] = 0.85, ["sentinel"] = 0.80, ["asim"] = 0.70 };
        foreach (var name in TargetProfiles)
        {
            var profile = Load(name);
            var mapped = refs.Count(r => IsMapped(profile, r));
            var mappedDistinct = distinct.Count(r => IsMapped(profile, r));
            var share = (double)mapped / refs.Count;
            TestContext.Out.WriteLine($"{name}: {mapped}/{refs.Count} references mapped ({share:P1}); {mappedDistinct}/{distinct.Count} distinct fields");
            Assert.That(share, Is.GreaterThanOrEqualTo(floors[name]), $"{name} corpus coverage fell");
        }
    }
}
