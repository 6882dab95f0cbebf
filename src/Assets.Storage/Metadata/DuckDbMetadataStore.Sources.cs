using Assets.Graph;
using Assets.Metadata;
using Assets.Sources;
using DuckDB.NET.Data;
using DuckDB.NET.Native;

namespace Assets.Storage.Metadata;

public sealed partial class DuckDbMetadataStore : ISourceObservationStore
{
    /// <inheritdoc />
    /// <remarks>An observation that says the same as the stored one (arrival and version) keeps the stored time, so
    /// observing an unchanged source every tick changes nothing, the status generation included. Committed with the next
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

    /// <summary>
    /// Called in a group commit: merges each observation, in the order recorded, into the stored one; <c>true</c> when one
    /// said something new (another arrival, version or description), which alone can change a status and so moves the
    /// status generation: an unchanged source observed every tick keeps the kept status grid valid.
    /// </summary>
    private bool ApplyObservations(DuckDBConnection connection, List<ObservedSource> observations)
    {
        var changed = false;
        foreach (var observation in observations)
        {
            var same = _prepared.Query(
                connection,
                "SELECT count(*) FROM source_observations WHERE asset = $asset AND partition = $partition AND arrived = $arrived AND version IS NOT DISTINCT FROM $version AND description = $description",
                static (ref DuckDBResult result) => NativeResult.GetInt64(ref result, 0, 0) ?? 0,
                ("asset", observation.Partition.Asset.Value),
                ("partition", StoredForm.Partition(observation.Partition.Partition)),
                ("arrived", observation.Arrived),
                ("version", observation.Version),
                ("description", observation.Description));
            changed |= same == 0;
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

        return changed;
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
