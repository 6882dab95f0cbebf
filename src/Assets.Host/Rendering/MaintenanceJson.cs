using System.Text.Json;
using Assets.Graph;
using Assets.Storage.Maintenance;
using NodaTime;
using NodaTime.Text;

namespace Assets.Hosting.Rendering;

/// <summary>
/// The documents of the maintenance commands, the same whether this process or the daemon did the work (README, "Rollback and
/// history"): <c>history --json</c> <c>{"asset", "partition", "current", "materializations": [{"id", "status", "run",
/// "createdAt", "publishedAt", "dataVersion", "codeVersion", "rows", "bytes"}]}</c> newest first; the rollback answer
/// <c>{"partitions": [{"asset", "partition", "materializationId", "dataVersion", "error"}]}</c>; and the gc answer
/// <c>{"dryRun", "location", "olderThan", "removed": [...], "objects", "bytes", "kept", "inFlight", "tempFiles", "tempBytes"}</c>.
/// Times are ISO-8601 UTC; a field that does not apply is null.
/// </summary>
internal static class MaintenanceJson
{
    public static string History(AssetPartition partition, IReadOnlyList<MaterializationEntry> entries)
        => JsonSerializer.Serialize(
            new HistoryDocument(
                partition.Asset.Value,
                partition.Partition?.Value,
                entries.FirstOrDefault(e => e.Status == MaterializationStatus.Current)?.Id.Value,
                entries.Select(e => new HistoryItem(
                    e.Id.Value,
                    StatusName(e.Status),
                    e.RunId?.Value,
                    Format(e.CreatedAt),
                    e.PublishedAt is { } at ? Format(at) : null,
                    e.DataVersion,
                    e.CodeVersion,
                    e.Rows,
                    e.Bytes)).ToArray()),
            JsonOutput.Options);

    public static HistoryDocument ReadHistory(string json) => Read<HistoryDocument>(json);

    public static string Rollback(IReadOnlyList<RollbackItem> partitions) => JsonSerializer.Serialize(new RollbackDocument(partitions), JsonOutput.Options);

    public static RollbackDocument ReadRollback(string json) => Read<RollbackDocument>(json);

    public static string Gc(GcDocument document) => JsonSerializer.Serialize(document, JsonOutput.Options);

    public static GcDocument ReadGc(string json) => Read<GcDocument>(json);

    /// <summary>The name a status has in the documents and on screen.</summary>
    public static string StatusName(MaterializationStatus status) => status.ToString().ToLowerInvariant();

    private static string Format(Instant at) => InstantPattern.ExtendedIso.Format(at);

    private static T Read<T>(string json)
        where T : class
        => JsonSerializer.Deserialize<T>(json, JsonOutput.Options) ?? throw new InvalidDataException($"Empty {typeof(T).Name}.");

    /// <summary>The <c>history --json</c> document.</summary>
    public sealed record HistoryDocument(string Asset, string? Partition, string? Current, IReadOnlyList<HistoryItem> Materializations);

    /// <summary>One materialization; <c>run</c>, <c>dataVersion</c>, <c>codeVersion</c> and <c>rows</c> are null when it has no manifest.</summary>
    public sealed record HistoryItem(string Id, string Status, string? Run, string CreatedAt, string? PublishedAt, string? DataVersion, string? CodeVersion, long? Rows, long Bytes);

    /// <summary>The answer to a rollback.</summary>
    public sealed record RollbackDocument(IReadOnlyList<RollbackItem> Partitions);

    /// <summary>One partition rolled back (its new materialization and data version), or why not (<c>error</c>).</summary>
    public sealed record RollbackItem(string Asset, string? Partition, string? MaterializationId, string? DataVersion, string? Error);

    /// <summary>The answer to gc.</summary>
    public sealed record GcDocument(bool DryRun, string Location, string OlderThan, IReadOnlyList<string> Removed, int Objects, long Bytes, int Kept, int InFlight, int TempFiles, long TempBytes);
}
