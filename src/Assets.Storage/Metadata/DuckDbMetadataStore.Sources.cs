using Assets.Graph;
using Assets.Metadata;
using Assets.Sources;
using DuckDB.NET.Data;

namespace Assets.Storage.Metadata;

public sealed partial class DuckDbMetadataStore : ISourceObservationStore
{
    /// <inheritdoc />
    /// <remarks>An observation that says the same as the stored one (arrival and version) keeps the stored time, so
    /// observing an unchanged source every tick changes nothing, the status fingerprint included. Committed with the next
    /// group of index writes (see <see cref="MetadataStoreOptions.IndexWriteDelay"/>).</remarks>
    public Task RecordObservationsAsync(IReadOnlyList<ObservedSource> observations, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(observations);
        if (observations.Count == 0)
        {
            return Task.CompletedTask;
        }

        foreach (var observation in observations)
        {
            ArgumentNullException.ThrowIfNull(observation, nameof(observations));
        }

        return DeferAsync(pending => pending.Observations.AddRange(observations), ct);
    }

    /// <summary>Called in a group commit: merges each observation, in the order recorded, into the stored one.</summary>
    private void ApplyObservations(DuckDBConnection connection, List<ObservedSource> observations)
    {
        foreach (var observation in observations)
        {
            _prepared.Execute(
                connection,
                """
                INSERT INTO source_observations VALUES ($asset, $partition, $arrived, $version, $description, $at)
                ON CONFLICT (asset, partition) DO UPDATE SET
                    observed_at = CASE WHEN arrived = excluded.arrived AND version IS NOT DISTINCT FROM excluded.version
                        THEN observed_at ELSE excluded.observed_at END,
                    arrived = excluded.arrived,
                    version = excluded.version,
                    description = excluded.description
                """,
                ("asset", observation.Partition.Asset.Value),
                ("partition", StoredForm.Partition(observation.Partition.Partition)),
                ("arrived", observation.Arrived),
                ("version", observation.Version),
                ("description", observation.Description),
                ("at", StoredForm.Ticks(observation.ObservedAt)));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<AssetPartition, ObservedSource>> GetObservationsAsync(IReadOnlyCollection<AssetKey>? assets = null, CancellationToken ct = default)
        => RunAsync<IReadOnlyDictionary<AssetPartition, ObservedSource>>(
            connection =>
            {
                using var command = Command(connection, "SELECT asset, partition, arrived, version, description, observed_at FROM source_observations");
                using var reader = command.ExecuteReader();
                var wanted = assets?.ToHashSet();
                var keys = new AssetKeyCache();
                var observations = new Dictionary<AssetPartition, ObservedSource>();
                while (reader.Read())
                {
                    var asset = keys.Get(reader.GetString(0));
                    if (wanted is not null && !wanted.Contains(asset))
                    {
                        continue;
                    }

                    var partition = new AssetPartition(asset, StoredForm.Partition(reader.GetString(1)));
                    observations[partition] = new ObservedSource(
                        partition,
                        reader.GetBoolean(2),
                        reader.IsDBNull(3) ? null : reader.GetString(3),
                        reader.GetString(4),
                        StoredForm.Instant(reader.GetInt64(5)));
                }

                return observations;
            },
            ct);
}
