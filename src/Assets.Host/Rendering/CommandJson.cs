using System.Text.Json;
using Assets.Graph;
using NodaTime;
using NodaTime.Text;

namespace Assets.Hosting.Rendering;

/// <summary>
/// The stable JSON documents of <c>status --json</c> and <c>plan --json</c> (DESIGN.md, "Command line"):
/// <c>{"rows": [{"asset", "partition", "status", "cause", "dataVersion", "publishedAt"}]}</c> and
/// <c>{"steps": [{"asset", "partition", "reason"}], "blocked": [{"asset", "partition", "reason"}]}</c>.
/// <c>partition</c> is null for an unpartitioned asset; <c>cause</c> is null or a sentence; times are ISO-8601 UTC.
/// </summary>
internal static class CommandJson
{
    public static string Status(IEnumerable<(AssetPartition Partition, string Status, string? Cause, string? DataVersion, Instant? PublishedAt)> rows)
        => JsonSerializer.Serialize(
            new StatusDocument(rows.Select(r => new StatusRowJson(
                r.Partition.Asset.Value,
                r.Partition.Partition?.Value,
                r.Status,
                r.Cause,
                r.DataVersion,
                r.PublishedAt is { } at ? InstantPattern.ExtendedIso.Format(at) : null)).ToArray()),
            JsonOutput.Options);

    /// <summary>The rows of a <c>status --json</c> document as the grid draws them: one row per asset, its cells in the document's order.</summary>
    public static StatusRow[] StatusRows(string document)
    {
        using var json = JsonDocument.Parse(document);
        return json.RootElement.GetProperty("rows").EnumerateArray()
            .Select(r => (
                Asset: r.GetProperty("asset").GetString()!,
                Cell: new StatusCell(
                    r.GetProperty("partition").GetString() is { } p ? new Partitions.PartitionKey(p) : null,
                    Enum.Parse<Metadata.PartitionStatus>(r.GetProperty("status").GetString()!, ignoreCase: true),
                    r.GetProperty("cause").GetString())))
            .GroupBy(r => r.Asset, StringComparer.Ordinal)
            .Select(g => new StatusRow(AssetKey.Parse(g.Key), g.Select(c => c.Cell).ToArray()))
            .ToArray();
    }

    public static string Plan(IEnumerable<(AssetPartition Partition, string Reason)> steps, IEnumerable<(AssetPartition Partition, string Reason)> blocked)
        => JsonSerializer.Serialize(
            new PlanDocument(
                steps.Select(s => new PlanItemJson(s.Partition.Asset.Value, s.Partition.Partition?.Value, s.Reason)).ToArray(),
                blocked.Select(s => new PlanItemJson(s.Partition.Asset.Value, s.Partition.Partition?.Value, s.Reason)).ToArray()),
            JsonOutput.Options);

    /// <summary>
    /// The plan document of a plan made for a <c>--from/--to</c> range, with <c>"range": [{"asset", "count", "first",
    /// "last"}]</c>: what the range picked in each time-partitioned asset.
    /// </summary>
    public static string Plan(Planning.Plan plan)
        => JsonSerializer.Serialize(
            new RangePlanDocument(
                plan.Steps.Select(s => new PlanItemJson(s.Partition.Asset.Value, s.Partition.Partition?.Value, s.Reason)).ToArray(),
                plan.Blocked.Select(s => new PlanItemJson(s.Partition.Asset.Value, s.Partition.Partition?.Value, s.Reason)).ToArray(),
                plan.Picked.Select(p => new RangePickJson(p.Asset.Value, p.Count, p.First?.Value, p.Last?.Value)).ToArray()),
            JsonOutput.Options);

    /// <summary>The same document from items already read (a daemon's answer).</summary>
    public static string Plan(IReadOnlyList<PlanLineItem> steps, IReadOnlyList<PlanLineItem> blocked)
        => JsonSerializer.Serialize(
            new PlanDocument(
                steps.Select(s => new PlanItemJson(s.Asset, s.Partition, s.Reason)).ToArray(),
                blocked.Select(s => new PlanItemJson(s.Asset, s.Partition, s.Reason)).ToArray()),
            JsonOutput.Options);

    private sealed record StatusDocument(IReadOnlyList<StatusRowJson> Rows);

    private sealed record StatusRowJson(string Asset, string? Partition, string Status, string? Cause, string? DataVersion, string? PublishedAt);

    private sealed record PlanDocument(IReadOnlyList<PlanItemJson> Steps, IReadOnlyList<PlanItemJson> Blocked);

    private sealed record PlanItemJson(string Asset, string? Partition, string Reason);

    private sealed record RangePlanDocument(IReadOnlyList<PlanItemJson> Steps, IReadOnlyList<PlanItemJson> Blocked, IReadOnlyList<RangePickJson> Range);

    private sealed record RangePickJson(string Asset, int Count, string? First, string? Last);
}
