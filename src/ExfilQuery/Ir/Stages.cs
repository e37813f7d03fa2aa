using System.Collections.Immutable;

namespace ExfilQuery.Ir;

/// <summary>A pipeline stage.</summary>
public abstract record Stage : IrNode;

/// <summary>Keep rows for which the predicate holds (search, where, the where of tstats).</summary>
public sealed record FilterStage(Predicate Predicate) : Stage;

/// <summary>Assign fields left to right (eval).</summary>
public sealed record EvalStage(ImmutableArray<Assignment> Assignments) : Stage;

/// <summary>One <c>field = expression</c>.</summary>
public sealed record Assignment(string Field, Expr Value) : IrNode;

/// <summary>How an aggregation's rows relate to the input.</summary>
public enum AggregateMode
{
    /// <summary>stats/tstats/chart/timechart: one row per group; rows missing a group field are dropped.</summary>
    Group,
    /// <summary>eventstats: every input row kept, aggregate values added per group.</summary>
    Window,
    /// <summary>streamstats: running aggregates in event order.</summary>
    Running,
}

/// <summary>stats, tstats, eventstats, streamstats, chart and timechart.</summary>
/// <param name="Mode">Group, window (eventstats) or running (streamstats).</param>
/// <param name="Aggregations">The aggregations with their output names.</param>
/// <param name="GroupBy">Group keys, in order; rows where any is missing are dropped (Splunk stats).</param>
/// <param name="TimeSpan">A time bin for <c>_time</c> in the group keys (<c>span=1h</c>), or null.</param>
/// <param name="Command">The SPL command it came from.</param>
public sealed record AggregateStage(AggregateMode Mode, ImmutableArray<Aggregation> Aggregations, ImmutableArray<string> GroupBy, string? TimeSpan, string Command) : Stage
{
    /// <summary>tstats <c>fillnull_value=</c>: the value a missing group-by field takes (the row is kept instead of
    /// dropped); null when not set.</summary>
    public string? FillNullValue { get; init; }

    /// <summary>A name two outputs share (two aggregations, or an aggregation and a group field, as in
    /// <c>stats min(_time) as t max(_time) as t</c>), or null. The evaluator writes the group fields, then the
    /// aggregations in order, so the last one written is kept; the Search Reference does not say which Splunk keeps,
    /// and the backends, whose outputs need distinct names, refuse it.</summary>
    public string? SharedOutputName() =>
        GroupBy.Concat(Aggregations.Select(x => x.OutputName))
            .GroupBy(name => name, StringComparer.Ordinal)
            .FirstOrDefault(g => g.Count() > 1)?.Key;
}

/// <summary>An aggregation: function (lower case, e.g. <c>count</c>, <c>dc</c>, <c>values</c>, <c>perc95</c>), its
/// argument (a field, an eval expression or none) and the output field name.</summary>
public sealed record Aggregation(string Function, Expr? Argument, string OutputName) : IrNode;

/// <summary>chart and timechart (Splunk Search Reference, "chart" and "timechart"): one row per value of
/// <see cref="RowField"/> (timechart: per <see cref="BinSpan"/> bucket of <c>_time</c>), one column per aggregation, or
/// with <see cref="SplitField"/> one column per aggregation and kept split value (the series).</summary>
/// <param name="Command"><c>chart</c> or <c>timechart</c>.</param>
/// <param name="Aggregations">The aggregations; their output names name the columns when there is no split field.</param>
/// <param name="RowField">The row-split (<c>over</c>) field; <c>_time</c> for timechart; null for chart without one
/// (one row).</param>
/// <param name="BinSpan">timechart's bucket size (<c>span=5m</c>); null for chart.</param>
/// <param name="SplitField">The column-split (<c>by</c>) field, or null.</param>
/// <param name="Limit"><c>limit</c>: how many split values keep their own series (0: all; default 10).</param>
/// <param name="Bottom"><c>limit=bottomN</c>: the lowest-scoring split values are kept.</param>
/// <param name="UseOther"><c>useother</c>: the dropped split values make one series named <see cref="OtherString"/>.</param>
/// <param name="OtherString"><c>otherstr</c> (default <c>OTHER</c>).</param>
/// <param name="UseNull"><c>usenull</c>: rows without the split field make one series named <see cref="NullString"/>.</param>
/// <param name="NullString"><c>nullstr</c> (default <c>NULL</c>).</param>
/// <param name="Format"><c>format</c> (or <c>sep</c> as <c>$AGG$sep$VAL$</c>): the column names with several
/// aggregations and a split field; null when neither is given.</param>
/// <param name="DedupSplitValues"><c>dedup_splitvals</c>: a multivalue split field counts each distinct value once.</param>
/// <param name="Continuous"><c>cont</c> (default true): timechart adds the empty buckets between the first and the last.</param>
/// <param name="FixedRange"><c>fixedrange</c> (default true): timechart's buckets cover the search's time range.</param>
/// <param name="Where">The where clause that picks the series instead of <see cref="Limit"/>, or null.</param>
public sealed record ChartStage(string Command, ImmutableArray<Aggregation> Aggregations, string? RowField, string? BinSpan, string? SplitField,
    int Limit, bool Bottom, bool UseOther, string OtherString, bool UseNull, string NullString, string? Format, bool DedupSplitValues,
    bool Continuous, bool FixedRange, ChartFilter? Where = null) : Stage;

/// <summary>chart/timechart's where clause: each series is scored by <see cref="Function"/> over its values (count:
/// its number of events) and kept when <c>in</c>/<c>notin</c> the top or bottom <see cref="Value"/>, or when
/// <c>&lt;</c>/<c>&gt;</c> the threshold <see cref="Value"/>.</summary>
/// <param name="Function">sum, max, min, avg, count, ...</param>
/// <param name="Comparison"><c>in</c>, <c>notin</c>, <c>&lt;</c> or <c>&gt;</c>.</param>
/// <param name="Bottom">For in/notin: bottomN instead of topN.</param>
/// <param name="Value">N for in/notin, the threshold for &lt; and &gt;.</param>
public sealed record ChartFilter(string Function, string Comparison, bool Bottom, double Value) : IrNode;

/// <summary>Rename fields; names may hold <c>*</c> wildcards (<c>Processes.* AS *</c>).</summary>
public sealed record RenameStage(ImmutableArray<(string From, string To)> Pairs) : Stage;

/// <summary>table (ordered projection) or fields (keep / remove).</summary>
public sealed record ProjectStage(ImmutableArray<string> Fields, ProjectMode Mode) : Stage;

/// <summary>How a projection treats its fields.</summary>
public enum ProjectMode
{
    /// <summary>table: exactly these fields, in this order.</summary>
    Table,
    /// <summary>fields: keep these fields.</summary>
    Keep,
    /// <summary>fields -: remove these fields.</summary>
    Remove,
}

/// <summary>Keep the first <see cref="Count"/> rows per combination of fields (dedup).</summary>
public sealed record DedupStage(ImmutableArray<string> Fields, int Count, bool KeepEmpty, bool Consecutive, ImmutableArray<SortKeySpec> SortBy) : Stage;

/// <summary>Sort rows; <see cref="Limit"/> of 0 or null means all rows (SPL sort defaults to 10,000).</summary>
public sealed record SortStage(ImmutableArray<SortKeySpec> Keys, int? Limit) : Stage;

/// <summary>A sort key.</summary>
public sealed record SortKeySpec(string Field, bool Descending, string? Conversion) : IrNode;

/// <summary>head (first rows) or tail (last rows, in reverse order).</summary>
public sealed record LimitStage(int Count, bool FromEnd) : Stage;

/// <summary>bin/bucket a field into spans.</summary>
public sealed record BinStage(string Field, string? BinSpan, int? Bins, string OutputField) : Stage;

/// <summary>fillnull: give missing fields a value (all fields when the list is empty).</summary>
public sealed record FillNullStage(string Value, ImmutableArray<string> Fields) : Stage;

/// <summary>rex: extract named groups of a regular expression from a field; or, in sed mode, replace.</summary>
public sealed record ExtractStage(string Field, string Regex, int MaxMatch, bool SedMode) : Stage;

/// <summary>regex command: keep (or drop, when negated) rows whose field matches.</summary>
public sealed record RegexFilterStage(string Field, string Regex, bool Negated) : Stage;

/// <summary>lookup: enrich rows from a lookup table.</summary>
public sealed record LookupStage(string Table, ImmutableArray<(string LookupField, string EventField)> Inputs, ImmutableArray<(string LookupField, string EventField)> Outputs, bool OutputNew) : Stage;

/// <summary>join with a subsearch.</summary>
public sealed record JoinStage(string Type, ImmutableArray<string> Fields, Detection Subsearch, int Max) : Stage;

/// <summary>append a subsearch's rows, or appendpipe a sub-pipeline over the current rows.</summary>
public sealed record AppendStage(Detection Subsearch, bool OverCurrentRows) : Stage;

/// <summary>mvexpand: one row per value of a multivalue field.</summary>
public sealed record ExpandStage(string Field, int? Limit) : Stage;

/// <summary>makemv: split a field into a multivalue field on a delimiter, or take the first capturing group of every
/// match of a tokenizer regular expression.</summary>
public sealed record MakeMultivalueStage(string Field, string? Delimiter, string? Tokenizer) : Stage
{
    /// <summary>allowempty (default false): keep the empty values that repeated delimiters or zero-length tokenizer
    /// matches give.</summary>
    public bool AllowEmpty { get; init; }
}

/// <summary>convert: format or parse time and numbers (ctime, mktime, dur2sec, num, ...).</summary>
public sealed record ConvertStage(ImmutableArray<(string Function, string Field, string Output)> Conversions, string? TimeFormat) : Stage;

/// <summary>spath: read the value at <see cref="Path"/> (dots between members, <c>{}</c> for every element of an
/// array, <c>{N}</c> one element, <c>{@name}</c> an XML attribute) of the JSON or XML in <see cref="Input"/> into
/// <see cref="Output"/>; with an empty <see cref="Path"/> (and <see cref="Output"/>), every field of the document
/// under the names spath gives them (<c>a.b</c>, <c>a{}</c>, <c>a{@name}</c>).</summary>
public sealed record SpathStage(string Input, string Path, string Output) : Stage;

/// <summary>map: runs <see cref="Search"/> once per input row (at most <see cref="MaxSearches"/>), with each
/// <c>$field$</c> replaced by that row's value; the result is the rows of all the runs. The search is kept as text
/// because it is parsed only after the substitution, as Splunk does.</summary>
public sealed record MapStage(string Search, int MaxSearches) : Stage;

/// <summary>top / rare: the most (least) common values of <see cref="Fields"/>, per <see cref="By"/> group, with
/// count and percent.</summary>
public sealed record TopStage(bool Rare, ImmutableArray<string> Fields, ImmutableArray<string> By, int Limit, string CountField, string PercentField, bool ShowCount, bool ShowPercent, bool UseOther, string OtherValue) : Stage;

/// <summary>transaction: groups events that share <see cref="Fields"/> values into one row each.</summary>
/// <param name="Fields">The fields whose values tie events together.</param>
/// <param name="MaxSpan">maxspan (for example <c>30s</c>), or null for none.</param>
/// <param name="MaxPause">maxpause, or null for none.</param>
/// <param name="StartsWith">The condition that opens a transaction, or null.</param>
/// <param name="EndsWith">The condition that closes one, or null.</param>
/// <param name="MaxEvents">maxevents (default 1000).</param>
/// <param name="KeepEvicted">keepevicted: also return transactions that never closed.</param>
public sealed record TransactionStage(ImmutableArray<string> Fields, string? MaxSpan, string? MaxPause, Predicate? StartsWith, Predicate? EndsWith, int MaxEvents, bool KeepEvicted) : Stage
{
    /// <summary>connected (default true): with several fields, an event none of whose fields the open transaction
    /// has yet opens a new transaction (true) or joins it (false).</summary>
    public bool Connected { get; init; } = true;

    /// <summary>unifyends (default false): events that meet startswith/endswith must also share one of the fields
    /// with the transaction (true); with false they may join it without.</summary>
    public bool UnifyEnds { get; init; }
}

/// <summary>iplocation: adds City, Country, Region, lat, lon (with <see cref="Prefix"/>) for the IP in <see cref="Field"/>.</summary>
public sealed record IpLocationStage(string Field, string Prefix, bool AllFields) : Stage;

/// <summary>xmlkv: every <c>&lt;name&gt;value&lt;/name&gt;</c> element of <see cref="Field"/> becomes a field.</summary>
public sealed record XmlKvStage(string Field, int MaxInputs) : Stage;

/// <summary>outlier (Splunk Search Reference, "outlier"): values of <see cref="Fields"/> (every field when empty)
/// above the 75th percentile plus <see cref="Param"/> times the inter-quartile range, or with
/// <see cref="UseLower"/> below the 25th percentile minus it, are outliers; <see cref="Remove"/> drops their rows,
/// otherwise (action=transform) the value is set to that threshold, prefixed with <c>000</c> when
/// <see cref="Mark"/>.</summary>
public sealed record OutlierStage(bool Remove, double Param, bool UseLower, bool Mark, ImmutableArray<string> Fields) : Stage;

/// <summary>fromjson (Splunk 9): each top-level key of the JSON object in <see cref="Field"/> becomes a field named
/// <see cref="Prefix"/> + key; arrays become multivalue fields, nested objects keep their JSON text.</summary>
public sealed record FromJsonStage(string Field, string Prefix) : Stage;

/// <summary>replace: each value of <see cref="Fields"/> (every field not starting with <c>_</c> when empty) that
/// matches a pattern whole (<c>*</c> matches any text) is replaced; the <c>*</c>s of a replacement take the text
/// its pattern's <c>*</c>s matched, in order.</summary>
public sealed record ReplaceStage(ImmutableArray<(string Pattern, string Replacement)> Pairs, ImmutableArray<string> Fields) : Stage;

/// <summary>addtotals row totals: <see cref="FieldName"/> gets the sum of the numeric values of
/// <see cref="Fields"/> (wildcards allowed; every numeric field when empty).</summary>
public sealed record AddTotalsStage(ImmutableArray<string> Fields, string FieldName) : Stage;
/// <summary>foreach in its default multifield mode (Splunk Search Reference, "foreach"): for each field a pattern
/// names, <see cref="Template"/> (the subsearch's text) with the placeholders replaced as text is parsed and run on the
/// row, in place. A pattern without <c>*</c> names its field whether the row has it or not; a pattern with <c>*</c>
/// matches the fields the row has when the stage starts (see <see cref="ForeachTemplate"/> for the order and the
/// choices the reference leaves open).</summary>
/// <param name="Patterns">The field list, as written.</param>
/// <param name="Template">The subsearch between its brackets, from the macro-expanded text.</param>
/// <param name="FieldPlaceholder">fieldstr (default <c>&lt;&lt;FIELD&gt;&gt;</c>): replaced by the whole field name.</param>
/// <param name="MatchPlaceholder">matchstr (<c>&lt;&lt;MATCHSTR&gt;&gt;</c>): replaced by the part <c>*</c> matched.</param>
/// <param name="SegmentPlaceholders">matchseg1..3 (<c>&lt;&lt;MATCHSEG1&gt;&gt;</c>...): the part each <c>*</c> matched.</param>
public sealed record ForeachStage(ImmutableArray<string> Patterns, string Template, string FieldPlaceholder, string MatchPlaceholder, ImmutableArray<string> SegmentPlaceholders) : Stage
{
    /// <summary>A foreach stage whose template characters are at <paramref name="templateSpans"/>.</summary>
    internal ForeachStage(ImmutableArray<string> patterns, string template, string fieldPlaceholder, string matchPlaceholder, ImmutableArray<string> segmentPlaceholders, ImmutableArray<Text.TextSpan> templateSpans)
        : this(patterns, template, fieldPlaceholder, matchPlaceholder, segmentPlaceholders) => TemplateSpans = templateSpans;

    /// <summary>For each character of <see cref="Template"/>, its span in the text the user wrote (the macro call for
    /// text that came from a macro), so that spans of a substituted template point there. Positions, not meaning: IR
    /// printing leaves them out, as it leaves out spans.</summary>
    public ImmutableArray<Text.TextSpan> TemplateSpans { get; } = [];
}

/// <summary>foreach mode=multivalue (Splunk Search Reference, "foreach"): for each value of <see cref="Field"/>, the
/// template (one eval) with <see cref="ItemPlaceholder"/> replaced by the value, as a number when it reads as one and
/// as a quoted string otherwise, and <see cref="IterPlaceholder"/> by its zero-based position, runs on the row.</summary>
/// <param name="Field">The multivalue field, as written (a <c>*</c> is part of the name in this mode).</param>
/// <param name="Template">The subsearch between its brackets, from the macro-expanded text.</param>
/// <param name="ItemPlaceholder">itemstr (default <c>&lt;&lt;ITEM&gt;&gt;</c>).</param>
/// <param name="IterPlaceholder">iterstr (default <c>&lt;&lt;ITER&gt;&gt;</c>).</param>
public sealed record ForeachValuesStage(string Field, string Template, string ItemPlaceholder, string IterPlaceholder) : Stage
{
    /// <summary>A multivalue foreach whose template characters are at <paramref name="templateSpans"/>.</summary>
    internal ForeachValuesStage(string field, string template, string itemPlaceholder, string iterPlaceholder, ImmutableArray<Text.TextSpan> templateSpans)
        : this(field, template, itemPlaceholder, iterPlaceholder) => TemplateSpans = templateSpans;

    /// <summary>As <see cref="ForeachStage.TemplateSpans"/>.</summary>
    public ImmutableArray<Text.TextSpan> TemplateSpans { get; } = [];
}

/// <summary>A command the IR does not model yet; backends report it with its span.</summary>
public sealed record UnsupportedStage(string Command, string Reason) : Stage;
