using System.Collections.Immutable;
using ExfilQuery.Diagnostics;

namespace ExfilQuery.Testing;

/// <summary>Diagnostics of the detection fixture harness and <c>exfilq eval</c>: codes EVL0030–EVL0039, each
/// documented in docs/DIAGNOSTICS.md. They are about files, not about a search: spans are empty and the message
/// names the file.</summary>
public static class FixtureDiagnostics
{
    /// <summary>EVL0030</summary>
    public static readonly DiagnosticDescriptor NoSearchDescriptor = new("EVL0030", DiagnosticSeverity.Error, "Fixture has no single search");
    /// <summary>EVL0031</summary>
    public static readonly DiagnosticDescriptor BadExpectationDescriptor = new("EVL0031", DiagnosticSeverity.Error, "Fixture expectation unreadable");
    /// <summary>EVL0032</summary>
    public static readonly DiagnosticDescriptor NoEventsDescriptor = new("EVL0032", DiagnosticSeverity.Error, "Fixture has no positive events");
    /// <summary>EVL0033</summary>
    public static readonly DiagnosticDescriptor YamlSearchDescriptor = new("EVL0033", DiagnosticSeverity.Error, "Search not found in the detection YAML");
    /// <summary>EVL0034</summary>
    public static readonly DiagnosticDescriptor EventFileUnreadableDescriptor = new("EVL0034", DiagnosticSeverity.Error, "Event file unreadable");

    /// <summary>All descriptors, in code order.</summary>
    public static ImmutableArray<DiagnosticDescriptor> All { get; } =
        [NoSearchDescriptor, BadExpectationDescriptor, NoEventsDescriptor, YamlSearchDescriptor, EventFileUnreadableDescriptor];

    private static Diagnostic Make(DiagnosticDescriptor d, string message) => new(d.Code, d.Severity, message, default);

    /// <summary>A fixture folder with no search file, or with more than one.</summary>
    public static Diagnostic NoSearch(string folder, string detail) =>
        Make(NoSearchDescriptor, $"{folder}: {detail} A fixture holds exactly one search: a .spl file or a security_content .yml with 'search:'.");
    /// <summary>expected.json is missing, not JSON, or has the wrong shape.</summary>
    public static Diagnostic BadExpectation(string file, string detail) =>
        Make(BadExpectationDescriptor, $"{file}: {detail}");
    /// <summary>A fixture without positive events.</summary>
    public static Diagnostic NoEvents(string folder) =>
        Make(NoEventsDescriptor, $"{folder}: no event files in 'events/'; a fixture needs the events its detection must fire on.");
    /// <summary>A detection YAML without a readable top-level <c>search:</c>.</summary>
    public static Diagnostic YamlSearch(string file, string detail) =>
        Make(YamlSearchDescriptor, $"{file}: {detail}");
    /// <summary>An event file that cannot be opened.</summary>
    public static Diagnostic EventFileUnreadable(string file, string detail) =>
        Make(EventFileUnreadableDescriptor, $"{file}: {detail}");
}
