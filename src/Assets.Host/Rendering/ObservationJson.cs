using System.Text.Json;
using Assets.Hosting.Daemon;
using NodaTime.Text;

namespace Assets.Hosting.Rendering;

/// <summary>
/// The <c>observe --json</c> document: <c>{"observations": [{"asset", "partition", "arrived", "version", "description",
/// "observedAt", "changed", "error"}]}</c>, in partition order.
/// </summary>
internal static class ObservationJson
{
    public static string Write(IReadOnlyList<SourceObservations.Outcome> outcomes)
        => JsonSerializer.Serialize(
            new Document(outcomes.Select(o => new Item(
                o.Partition.Asset.Value,
                o.Partition.Partition?.Value,
                o.Observed?.Arrived,
                o.Observed?.Version,
                o.Observed?.Description,
                o.Observed is { } observed ? InstantPattern.ExtendedIso.Format(o.Changed ? observed.ObservedAt : o.Before!.ObservedAt) : null,
                o.Changed,
                o.Error)).ToArray()),
            JsonOutput.Options);

    public static Document Read(string json)
        => JsonSerializer.Deserialize<Document>(json, JsonOutput.Options) ?? throw new InvalidDataException("Empty observation document.");

    /// <summary>The document.</summary>
    public sealed record Document(IReadOnlyList<Item> Observations);

    /// <summary>One partition's observation; <c>arrived</c> and the rest are null when the observer failed (<c>error</c> says why).</summary>
    public sealed record Item(string Asset, string? Partition, bool? Arrived, string? Version, string? Description, string? ObservedAt, bool Changed, string? Error);
}
