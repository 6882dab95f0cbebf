using Assets.Graph;
using Assets.Metadata;
using Assets.Sources;

namespace Assets.Storage.Metadata.Postgres;

public sealed partial class PostgresMetadataStore : ISourceObservationStore
{
    /// <inheritdoc />
    /// <remarks>An observation that says the same as the stored one (arrival and version) keeps the stored time, so
    /// observing an unchanged source every tick changes nothing, the status fingerprint included.</remarks>
    public Task RecordObservationsAsync(IReadOnlyList<ObservedSource> observations, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(observations);
        if (observations.Count == 0)
        {
            return Task.CompletedTask;
        }

        // The last observation of a partition wins, as one row per key is all ON CONFLICT takes in one statement.
        var last = new Dictionary<AssetPartition, ObservedSource>();
        foreach (var observation in observations)
        {
            ArgumentNullException.ThrowIfNull(observation, nameof(observations));
            last[observation.Partition] = observation;
        }

        var rows = last.Values.ToList();
        return RunAsync(
            connection => ExecuteAsync(
                connection,
                """
                INSERT INTO source_observations AS o
                SELECT * FROM unnest(@asset::text[], @partition::text[], @arrived::boolean[], @version::text[], @description::text[], @at::bigint[])
                ON CONFLICT (asset, partition) DO UPDATE SET
                    observed_at = CASE WHEN o.arrived = excluded.arrived AND o.version IS NOT DISTINCT FROM excluded.version
                        THEN o.observed_at ELSE excluded.observed_at END,
                    arrived = excluded.arrived,
                    version = excluded.version,
                    description = excluded.description
                """,
                ct,
                ("asset", rows.Select(o => o.Partition.Asset.Value).ToArray()),
                ("partition", rows.Select(o => StoredForm.Partition(o.Partition.Partition)).ToArray()),
                ("arrived", rows.Select(o => o.Arrived).ToArray()),
                ("version", rows.Select(o => o.Version).ToArray()),
                ("description", rows.Select(o => o.Description).ToArray()),
                ("at", rows.Select(o => StoredForm.Ticks(o.ObservedAt)).ToArray())),
            ct);
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<AssetPartition, ObservedSource>> GetObservationsAsync(IReadOnlyCollection<AssetKey>? assets = null, CancellationToken ct = default)
    {
        if (assets is { Count: 0 })
        {
            return Task.FromResult<IReadOnlyDictionary<AssetPartition, ObservedSource>>(new Dictionary<AssetPartition, ObservedSource>());
        }

        return RunAsync<IReadOnlyDictionary<AssetPartition, ObservedSource>>(
            async connection =>
            {
                await using var command = Command(
                    connection,
                    "SELECT asset, partition, arrived, version, description, observed_at FROM source_observations WHERE @assets::text[] IS NULL OR asset = ANY(@assets::text[])",
                    ("assets", AssetNames(assets)));
                var keys = new AssetKeyCache();
                var rows = await ReadAllAsync(
                    command,
                    reader =>
                    {
                        var partition = new AssetPartition(keys.Get(reader.GetString(0)), StoredForm.Partition(reader.GetString(1)));
                        return new ObservedSource(partition, reader.GetBoolean(2), NullableString(reader, 3), reader.GetString(4), StoredForm.Instant(reader.GetInt64(5)));
                    },
                    ct).ConfigureAwait(false);
                return rows.ToDictionary(o => o.Partition);
            },
            ct);
    }

    /// <summary>The asset filter as a text array parameter: <c>null</c> for every asset.</summary>
    private static string[]? AssetNames(IReadOnlyCollection<AssetKey>? assets)
        => assets?.Select(a => (a ?? throw new ArgumentException("An asset key is null.", nameof(assets))).Value).Distinct(StringComparer.Ordinal).ToArray();
}
