using Assets.Graph;
using Assets.Metadata;
using Npgsql;

namespace Assets.Storage.Metadata.Postgres;

public sealed partial class PostgresMetadataStore
{
    /// <inheritdoc />
    /// <remarks>Committed before it returns, with its upstream rows, in one transaction.</remarks>
    public Task RecordMaterializationAsync(MaterializationRecord record, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(record.Upstream);
        ArgumentNullException.ThrowIfNull(record.Partition.Asset);
        return RunInTransactionAsync(connection => WriteMaterializationsAsync(connection, [record], ct), ct);
    }

    /// <summary>Records many materializations in one transaction: benchmark setup (a publish records one at a time).</summary>
    internal Task RecordMaterializationsForBenchmarkAsync(IReadOnlyList<MaterializationRecord> records, CancellationToken ct = default)
        => RunInTransactionAsync(connection => WriteMaterializationsAsync(connection, records, ct), ct);

    /// <inheritdoc />
    public Task<IReadOnlyList<MaterializationRecord>> GetMaterializationsAsync(AssetPartition partition, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(partition.Asset);
        return RunAsync<IReadOnlyList<MaterializationRecord>>(
            async connection =>
            {
                var asset = ("asset", (object?)partition.Asset.Value);
                var key = ("partition", (object?)StoredForm.Partition(partition.Partition));
                var keys = new AssetKeyCache();
                var upstream = new Dictionary<string, List<UpstreamVersion>>(StringComparer.Ordinal);
                await using (var command = Command(
                    connection,
                    """
                    SELECT u.materialization_id, u.asset, u.partition, u.data_version
                    FROM materialization_upstream u JOIN materializations m ON m.id = u.materialization_id
                    WHERE m.asset = @asset AND m.partition = @partition
                    ORDER BY u.materialization_id, u.ordinal
                    """,
                    asset,
                    key))
                {
                    foreach (var (id, version) in await ReadAllAsync(
                        command,
                        r => (r.GetString(0), new UpstreamVersion(keys.Get(r.GetString(1)), StoredForm.Partition(r.GetString(2)), r.GetString(3))),
                        ct).ConfigureAwait(false))
                    {
                        if (!upstream.TryGetValue(id, out var list))
                        {
                            upstream.Add(id, list = []);
                        }

                        list.Add(version);
                    }
                }

                await using var records = Command(
                    connection,
                    """
                    SELECT id, run_id, data_version, code_version, row_count, byte_count, manifest_key, created_at, published_at, sequence
                    FROM materializations WHERE asset = @asset AND partition = @partition
                    ORDER BY created_at DESC, id DESC
                    """,
                    asset,
                    key);
                return await ReadAllAsync(
                    records,
                    reader => new MaterializationRecord(
                        partition,
                        MaterializationId.Parse(reader.GetString(0)),
                        RunId.Parse(reader.GetString(1)),
                        reader.GetString(2),
                        reader.GetString(3),
                        reader.GetInt64(4),
                        reader.GetInt64(5),
                        reader.GetString(6),
                        upstream.TryGetValue(reader.GetString(0), out var list) ? list : [],
                        StoredForm.Instant(reader.GetInt64(7)),
                        NullableInt64(reader, 8) is { } published ? StoredForm.Instant(published) : null,
                        NullableInt64(reader, 9)),
                    ct).ConfigureAwait(false);
            },
            ct);
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<AssetPartition, IReadOnlyList<UpstreamVersion>>> GetRecordedUpstreamAsync(IReadOnlyCollection<AssetKey>? assets = null, CancellationToken ct = default)
    {
        if (assets is { Count: 0 })
        {
            return Task.FromResult<IReadOnlyDictionary<AssetPartition, IReadOnlyList<UpstreamVersion>>>(new Dictionary<AssetPartition, IReadOnlyList<UpstreamVersion>>());
        }

        return RunAsync<IReadOnlyDictionary<AssetPartition, IReadOnlyList<UpstreamVersion>>>(
            async connection =>
            {
                await using var command = Command(
                    connection,
                    """
                    SELECT s.asset, s.partition, u.asset, u.partition, u.data_version
                    FROM partition_states s JOIN materialization_upstream u ON u.materialization_id = s.materialization_id
                    WHERE @assets::text[] IS NULL OR s.asset = ANY(@assets::text[])
                    ORDER BY s.asset, s.partition, u.ordinal
                    """,
                    ("assets", AssetNames(assets)));
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                var keys = new AssetKeyCache();
                var partitions = new Dictionary<string, Partitions.PartitionKey?>(StringComparer.Ordinal);
                Partitions.PartitionKey? Partition(string text)
                {
                    if (!partitions.TryGetValue(text, out var key))
                    {
                        partitions.Add(text, key = StoredForm.Partition(text));
                    }

                    return key;
                }

                var result = new Dictionary<AssetPartition, IReadOnlyList<UpstreamVersion>>();
                List<UpstreamVersion>? current = null;
                AssetPartition currentPartition = default;
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    var partition = new AssetPartition(keys.Get(reader.GetString(0)), Partition(reader.GetString(1)));
                    if (current is null || partition != currentPartition)
                    {
                        current = [];
                        currentPartition = partition;
                        result.Add(partition, current);
                    }

                    current.Add(new UpstreamVersion(keys.Get(reader.GetString(2)), Partition(reader.GetString(3)), reader.GetString(4)));
                }

                return result;
            },
            ct);
    }

    /// <summary>Upserts materialization records, replacing each one's upstream rows, on the caller's connection (and transaction).</summary>
    private static async Task WriteMaterializationsAsync(NpgsqlConnection connection, IReadOnlyList<MaterializationRecord> records, CancellationToken ct)
    {
        var ids = records.Select(r => r.Id.Value).ToArray();
        await ExecuteAsync(
            connection,
            """
            INSERT INTO materializations
            SELECT * FROM unnest(@id::text[], @asset::text[], @partition::text[], @run::text[], @data::text[], @code::text[], @rows::bigint[],
                                 @bytes::bigint[], @manifest::text[], @created::bigint[], @published::bigint[], @sequence::bigint[])
            ON CONFLICT (id) DO UPDATE SET
                asset = excluded.asset, partition = excluded.partition, run_id = excluded.run_id, data_version = excluded.data_version,
                code_version = excluded.code_version, row_count = excluded.row_count, byte_count = excluded.byte_count,
                manifest_key = excluded.manifest_key, created_at = excluded.created_at, published_at = excluded.published_at,
                sequence = excluded.sequence
            """,
            ct,
            ("id", ids),
            ("asset", records.Select(r => r.Partition.Asset.Value).ToArray()),
            ("partition", records.Select(r => StoredForm.Partition(r.Partition.Partition)).ToArray()),
            ("run", records.Select(r => r.RunId.Value).ToArray()),
            ("data", records.Select(r => r.DataVersion).ToArray()),
            ("code", records.Select(r => r.CodeVersion).ToArray()),
            ("rows", records.Select(r => r.Rows).ToArray()),
            ("bytes", records.Select(r => r.Bytes).ToArray()),
            ("manifest", records.Select(r => r.ManifestKey).ToArray()),
            ("created", records.Select(r => StoredForm.Ticks(r.CreatedAt)).ToArray()),
            ("published", records.Select(r => StoredForm.Ticks(r.PublishedAt)).ToArray()),
            ("sequence", records.Select(r => r.Sequence).ToArray())).ConfigureAwait(false);
        await ExecuteAsync(connection, "DELETE FROM materialization_upstream WHERE materialization_id = ANY(@ids)", ct, ("ids", ids)).ConfigureAwait(false);
        var upstream = records.SelectMany(r => r.Upstream.Select((u, i) => (r.Id.Value, Ordinal: i, Upstream: u))).ToArray();
        if (upstream.Length > 0)
        {
            await ExecuteAsync(
                connection,
                "INSERT INTO materialization_upstream SELECT * FROM unnest(@id::text[], @ordinal::int[], @asset::text[], @partition::text[], @data::text[])",
                ct,
                ("id", upstream.Select(u => u.Value).ToArray()),
                ("ordinal", upstream.Select(u => u.Ordinal).ToArray()),
                ("asset", upstream.Select(u => u.Upstream.Asset.Value).ToArray()),
                ("partition", upstream.Select(u => StoredForm.Partition(u.Upstream.Partition)).ToArray()),
                ("data", upstream.Select(u => u.Upstream.DataVersion).ToArray())).ConfigureAwait(false);
        }
    }
}
