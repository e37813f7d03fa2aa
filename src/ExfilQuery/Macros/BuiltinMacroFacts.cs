using System.Collections.Immutable;

namespace ExfilQuery.Macros;

/// <summary>One built-in macro: a macro that real detections call but that security_content's macro library
/// does not ship, with its standard meaning. The library overrides it (same name and arity).</summary>
/// <param name="NamePattern">The macro name, or <c>*suffix</c> for every plain name ending with the suffix.</param>
/// <param name="Arguments">Argument names; their count is the arity.</param>
/// <param name="Definition">The expansion, with <c>$argument$</c> holes.</param>
/// <param name="StripArgumentQuotes">Remove one pair of surrounding double quotes from each argument.</param>
/// <param name="Meaning">What the macro means, for the SPL0104 message.</param>
/// <param name="Source">Where the meaning comes from (also in docs/MACROS.md).</param>
internal sealed record BuiltinMacro(
    string NamePattern,
    ImmutableArray<string> Arguments,
    string Definition,
    bool StripArgumentQuotes,
    string Meaning,
    string Source)
{
    /// <summary>The number of arguments.</summary>
    public int Arity => Arguments.Length;

    /// <summary>True for a <c>*suffix</c> pattern.</summary>
    public bool IsPattern => NamePattern.StartsWith('*');

    /// <summary>The definition split into literals and holes.</summary>
    public MacroTemplate Template { get; } = MacroTemplate.Compile(Definition, Arguments);

    /// <summary>True when <paramref name="name"/> is this macro's name or fits its pattern.</summary>
    public bool Matches(string name)
    {
        if (!IsPattern) return string.Equals(name, NamePattern, StringComparison.Ordinal);
        var suffix = NamePattern.AsSpan(1);
        return name.Length > suffix.Length
            && name.AsSpan().EndsWith(suffix, StringComparison.Ordinal)
            && MacroText.IsPlainName(name);
    }
}

/// <summary>The built-in macros, one row each. See docs/MACROS.md for each row's source.</summary>
internal static class BuiltinMacroFacts
{
    private const string SecurityContent = "splunk/security_content, commit b13b314a (2024-10-24), macros/";

    /// <summary>All built-ins: exact names first, patterns last.</summary>
    public static ImmutableArray<BuiltinMacro> All { get; } =
    [
        new("drop_dm_object_name", ["object"], "rename $object$.* AS *", StripArgumentQuotes: true,
            "rename <object>.* AS * (drops the data model object prefix from field names)",
            "Splunk Common Information Model add-on (Splunk_SA_CIM) and Enterprise Security, macros.conf [drop_dm_object_name(1)]: args = object, definition = rename $object$.* AS *"),
        new("security_content_summariesonly", [],
            "summariesonly=`summariesonly_config` allow_old_summaries=`oldsummaries_config` fillnull_value=`fillnull_config`", false,
            "summariesonly=false allow_old_summaries=true fillnull_value=null (tstats options)",
            SecurityContent + "security_content_summariesonly.yml"),
        new("summariesonly_config", [], "false", false, "false", SecurityContent + "summariesonly_config.yml"),
        new("oldsummaries_config", [], "true", false, "true", SecurityContent + "oldsummaries_config.yml"),
        new("fillnull_config", [], "null", false, "null", SecurityContent + "fillnull_config.yml"),
        new("security_content_ctime", ["field"], "convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime($field$)", false,
            "convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime(<field>) (epoch time to text)",
            SecurityContent + "security_content_ctime.yml"),
        new("*_filter", [], "search *", false,
            "search * (the detection's tuning filter, which security_content ships empty, so it keeps every result)",
            "splunk/security_content: every detection ends with `<detection>_filter`, a per-detection macro that is empty until a customer tunes it"),
    ];

    /// <summary>The built-in for a call, or null.</summary>
    public static BuiltinMacro? Find(string name, int arity)
    {
        foreach (var builtin in All)
        {
            if (builtin.Arity == arity && builtin.Matches(name)) return builtin;
        }
        return null;
    }

    /// <summary>True when some built-in has this name, with any arity.</summary>
    public static bool HasName(string name)
    {
        foreach (var builtin in All)
        {
            if (builtin.Matches(name)) return true;
        }
        return false;
    }

    /// <summary>Adds the arities of built-ins with this name to <paramref name="arities"/>.</summary>
    public static void AddArities(string name, SortedSet<int> arities)
    {
        foreach (var builtin in All)
        {
            if (builtin.Matches(name)) arities.Add(builtin.Arity);
        }
    }
}
