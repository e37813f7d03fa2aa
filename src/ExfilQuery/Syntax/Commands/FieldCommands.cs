using System.Collections.Immutable;

namespace ExfilQuery.Syntax;

/// <summary><c>rename a AS b, ...</c> (wildcards allowed: <c>Processes.* AS *</c>).</summary>
public sealed record RenameCommand(ImmutableArray<RenamePair> Pairs) : Command
{
    /// <inheritdoc/>
    public override string Name => "rename";
}

/// <summary>One <c>a AS b</c> of rename.</summary>
public sealed record RenamePair(FieldName From, FieldName To) : SyntaxNode;

/// <summary><c>table f1 f2 ...</c>.</summary>
public sealed record TableCommand(ImmutableArray<FieldName> Fields) : Command
{
    /// <inheritdoc/>
    public override string Name => "table";
}

/// <summary><c>fields [+|-] f1 f2 ...</c>.</summary>
public sealed record FieldsCommand(bool Remove, bool HasPlus, ImmutableArray<FieldName> Fields) : Command
{
    /// <inheritdoc/>
    public override string Name => "fields";
}

/// <summary><c>dedup [N] f1 f2 ... [options] [sortby keys]</c>.</summary>
public sealed record DedupCommand(int? Count, ImmutableArray<FieldName> Fields, ImmutableArray<CommandOption> Options, ImmutableArray<SortKey> SortBy) : Command
{
    /// <inheritdoc/>
    public override string Name => "dedup";
}

/// <summary><c>sort [N] [limit=N] [+|-]key ... [d|desc]</c>.</summary>
public sealed record SortCommand(int? Count, ImmutableArray<CommandOption> Options, ImmutableArray<SortKey> Keys, bool Reverse) : Command
{
    /// <inheritdoc/>
    public override string Name => "sort";
}

/// <summary>A sort key: <c>-count</c>, <c>+num(x)</c>, <c>str(name)</c>.</summary>
/// <param name="Field">The field.</param>
/// <param name="Descending">True for a leading <c>-</c>.</param>
/// <param name="HasPlus">True for a written leading <c>+</c>.</param>
/// <param name="Conversion">auto, str, ip or num when written as a function, else null.</param>
public sealed record SortKey(FieldName Field, bool Descending, bool HasPlus, string? Conversion) : SyntaxNode;

/// <summary><c>head</c> or <c>tail</c> with an optional count and options.</summary>
public sealed record HeadCommand(bool Tail, int? Count, ImmutableArray<CommandOption> Options) : Command
{
    /// <inheritdoc/>
    public override string Name => Tail ? "tail" : "head";
}

/// <summary><c>bin</c> or <c>bucket</c>: <c>bin [options] field [AS name]</c>.</summary>
public sealed record BinCommand(bool BucketSpelling, ImmutableArray<CommandOption> Options, FieldName Field, FieldName? Alias) : Command
{
    /// <inheritdoc/>
    public override string Name => BucketSpelling ? "bucket" : "bin";
}

/// <summary><c>fillnull [value=X] [fields]</c>.</summary>
public sealed record FillnullCommand(ImmutableArray<CommandOption> Options, ImmutableArray<FieldName> Fields) : Command
{
    /// <inheritdoc/>
    public override string Name => "fillnull";
}

/// <summary><c>convert [timeformat=X] fn(field) [AS name] ...</c>.</summary>
public sealed record ConvertCommand(ImmutableArray<CommandOption> Options, ImmutableArray<ConvertItem> Items) : Command
{
    /// <inheritdoc/>
    public override string Name => "convert";
}

/// <summary>One <c>ctime(field) AS name</c> of convert.</summary>
public sealed record ConvertItem(string Function, FieldName Field, FieldName? Alias) : SyntaxNode;

/// <summary><c>mvexpand field [limit=N]</c>.</summary>
public sealed record MvexpandCommand(FieldName Field, ImmutableArray<CommandOption> Options) : Command
{
    /// <inheritdoc/>
    public override string Name => "mvexpand";
}

/// <summary><c>makemv [delim=X|tokenizer=X] [allowempty=B] [setsv=B] field</c>.</summary>
public sealed record MakemvCommand(ImmutableArray<CommandOption> Options, FieldName Field) : Command
{
    /// <inheritdoc/>
    public override string Name => "makemv";
}
