using Assets.Graph;
using Assets.Metadata;

namespace Assets.Storage.Metadata.Postgres;

public sealed partial class PostgresMetadataStore
{
    /// <inheritdoc />
    public Task RecordCheckResultsAsync(IReadOnlyList<CheckRecord> results, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count == 0)
        {
            return Task.CompletedTask;
        }

        foreach (var result in results)
        {
            ArgumentNullException.ThrowIfNull(result, nameof(results));
            ArgumentException.ThrowIfNullOrWhiteSpace(result.CheckName, nameof(results));
        }

        return RunAsync(
            connection => ExecuteAsync(
                connection,
                """
                INSERT INTO check_results (asset, partition, materialization_id, check_name, passed, blocking, description, evaluated_at)
                SELECT asset, partition, materialization_id, check_name, passed, blocking, description, evaluated_at
                FROM unnest(@asset::text[], @partition::text[], @id::text[], @name::text[], @passed::boolean[], @blocking::boolean[], @description::text[], @at::bigint[])
                    WITH ORDINALITY AS c(asset, partition, materialization_id, check_name, passed, blocking, description, evaluated_at, n)
                ORDER BY n
                """,
                ct,
                ("asset", results.Select(r => r.Partition.Asset.Value).ToArray()),
                ("partition", results.Select(r => StoredForm.Partition(r.Partition.Partition)).ToArray()),
                ("id", results.Select(r => r.MaterializationId.Value).ToArray()),
                ("name", results.Select(r => r.CheckName).ToArray()),
                ("passed", results.Select(r => r.Passed).ToArray()),
                ("blocking", results.Select(r => r.Blocking).ToArray()),
                ("description", results.Select(r => r.Description).ToArray()),
                ("at", results.Select(r => StoredForm.Ticks(r.EvaluatedAt)).ToArray())),
            ct,
            // Appending is not idempotent: after a lost reply, the batch's last result says whether the batch applied.
            Replay<int>.Checked(
                async (connection, token) =>
                {
                    var last = results[^1];
                    await using var command = Command(
                        connection,
                        """
                        SELECT 1 FROM check_results WHERE asset = @asset AND partition = @partition AND materialization_id = @id
                            AND check_name = @name AND evaluated_at = @at LIMIT 1
                        """,
                        ("asset", last.Partition.Asset.Value),
                        ("partition", StoredForm.Partition(last.Partition.Partition)),
                        ("id", last.MaterializationId.Value),
                        ("name", last.CheckName),
                        ("at", StoredForm.Ticks(last.EvaluatedAt)));
                    return await command.ExecuteScalarAsync(token).ConfigureAwait(false) is not null;
                },
                whenApplied: results.Count));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<CheckRecord>> GetCheckResultsAsync(AssetPartition partition, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(partition.Asset);
        return RunAsync<IReadOnlyList<CheckRecord>>(
            async connection =>
            {
                await using var command = Command(
                    connection,
                    """
                    SELECT materialization_id, check_name, passed, blocking, description, evaluated_at
                    FROM check_results WHERE asset = @asset AND partition = @partition
                    ORDER BY evaluated_at DESC, seq DESC
                    """,
                    ("asset", partition.Asset.Value),
                    ("partition", StoredForm.Partition(partition.Partition)));
                return await ReadAllAsync(
                    command,
                    reader => new CheckRecord(
                        partition,
                        MaterializationId.Parse(reader.GetString(0)),
                        reader.GetString(1),
                        reader.GetBoolean(2),
                        reader.GetBoolean(3),
                        NullableString(reader, 4),
                        StoredForm.Instant(reader.GetInt64(5))),
                    ct).ConfigureAwait(false);
            },
            ct);
    }
}
