using System.Collections.Immutable;

namespace ExfilQuery.Macros;

/// <summary>One Splunk search macro: its name, its argument names (their count is the macro's arity), the
/// text it expands to, and where it was defined.</summary>
/// <param name="Name">The macro name without the <c>(n)</c> arity suffix, for example <c>security_content_ctime</c>.</param>
/// <param name="Arguments">The argument names, in call order. <c>$name$</c> in <paramref name="Definition"/>
/// is replaced by the argument text.</param>
/// <param name="Definition">The SPL text the macro expands to.</param>
/// <param name="Origin">Where the definition comes from, for messages: <c>macros.jsonl:12</c>,
/// <c>macros.conf:[name(2)]</c> or <c>built-in</c>.</param>
public sealed record MacroDefinition(string Name, ImmutableArray<string> Arguments, string Definition, string Origin)
{
    /// <summary>The number of arguments the macro takes.</summary>
    public int Arity => Arguments.IsDefault ? 0 : Arguments.Length;

    /// <summary>The name as Splunk writes the stanza: <c>name</c>, or <c>name(n)</c> when it takes arguments.</summary>
    public string DisplayName => MacroText.DisplayName(Name, Arity);
}
