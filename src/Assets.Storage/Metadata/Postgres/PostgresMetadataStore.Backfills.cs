using Assets.Backfills;
using Assets.Graph;
using NodaTime;

namespace Assets.Storage.Metadata.Postgres;

public sealed partial class PostgresMetadataStore : IBackfillStore
{
    /// <inheritdoc />
    public Task CreateBackfillAsync(Backfill backfill, IReadOnlyList<BackfillStep> steps, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(backfill);
        ArgumentNullException.ThrowIfNull(steps);
        return RunInTransactionAsync(
            async connection =>
            {
                var inserted = await ExecuteAsync(
                    connection,
                    """
                    INSERT INTO backfills VALUES (@id, @selection, @from, @to, @partitions, @reprocess, @order, @concurrency,
                        @perRun, @status, @pid, @pidStarted, @message, @created, @updated)
                    ON CONFLICT (id) DO NOTHING
                    """,
                    ct,
                    BackfillRows.Parameters(backfill)).ConfigureAwait(false);
                if (inserted == 0)
                {
                    throw new InvalidOperationException($"A backfill {backfill.Id} is already recorded.");
                }

                if (steps.Count > 0)
                {
                    await ExecuteAsync(
                        connection,
                        """
                        INSERT INTO backfill_steps
                        SELECT @id, * FROM unnest(@position::int[], @asset::text[], @partition::text[], @chunk::int[], @state::text[],
                                                  @attempts::int[], @error::text[], @updated::bigint[])
                        """,
                        ct,
                        ("id", backfill.Id.Value),
                        ("position", steps.Select(s => s.Position).ToArray()),
                        ("asset", steps.Select(s => s.Partition.Asset.Value).ToArray()),
                        ("partition", steps.Select(s => StoredForm.Partition(s.Partition.Partition)).ToArray()),
                        ("chunk", steps.Select(s => s.Chunk).ToArray()),
                        ("state", steps.Select(s => BackfillRows.StateText(s.State)).ToArray()),
                        ("attempts", steps.Select(s => s.Attempts).ToArray()),
                        ("error", steps.Select(s => s.Error).ToArray()),
                        ("updated", steps.Select(s => StoredForm.Ticks(s.UpdatedAt)).ToArray())).ConfigureAwait(false);
                }
            },
            ct,
            // A commit whose reply was lost: the backfill's row says whether it applied (a repeat would find it and throw).
            Replay<bool>.Checked(
                async (connection, token) =>
                {
                    await using var exists = Command(connection, "SELECT 1 FROM backfills WHERE id = @id", ("id", backfill.Id.Value));
                    return await exists.ExecuteScalarAsync(token).ConfigureAwait(false) is not null;
                },
                whenApplied: true));
    }

    /// <inheritdoc />
    public async Task<Backfill?> GetBackfillAsync(BackfillId id, CancellationToken ct = default)
        => (await ReadBackfillsAsync("WHERE b.id = @id", ("id", id.Value), ct).ConfigureAwait(false)).SingleOrDefault();

    /// <inheritdoc />
    public Task<IReadOnlyList<Backfill>> ListBackfillsAsync(CancellationToken ct = default)
        => ReadBackfillsAsync(string.Empty, null, ct);

    /// <inheritdoc />
    public Task<IReadOnlyList<BackfillStep>> GetBackfillStepsAsync(BackfillId id, CancellationToken ct = default)
        => RunAsync<IReadOnlyList<BackfillStep>>(
            async connection =>
            {
                await using var command = Command(
                    connection,
                    $"SELECT {BackfillRows.StepColumns} FROM backfill_steps WHERE backfill_id = @id ORDER BY position",
                    ("id", id.Value));
                var keys = new AssetKeyCache();
                return await ReadAllAsync(
                    command,
                    reader => BackfillRows.ReadStep(reader, keys),
                    ct).ConfigureAwait(false);
            },
            ct);

    /// <inheritdoc />
    public Task SetBackfillStatusAsync(BackfillId id, BackfillStatus status, BackfillOwner? owner, string? message, Instant at, CancellationToken ct = default)
        => RunAsync(
            connection => ExecuteAsync(
                connection,
                "UPDATE backfills SET status = @status, owner_pid = @pid, owner_started_at = @pidStarted, message = @message, updated_at = @at WHERE id = @id",
                ct,
                ("status", BackfillRows.StatusText(status)),
                ("pid", owner?.ProcessId),
                ("pidStarted", StoredForm.Ticks(owner?.ProcessStartedAt)),
                ("message", message),
                ("at", StoredForm.Ticks(at)),
                ("id", id.Value)),
            ct);

    /// <inheritdoc />
    public Task UpdateBackfillStepsAsync(BackfillId id, IReadOnlyList<BackfillStepUpdate> updates, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        if (updates.Count == 0)
        {
            return Task.CompletedTask;
        }

        // The last change of a step wins: one UPDATE may change a row only once.
        var last = new Dictionary<AssetPartition, BackfillStepUpdate>();
        foreach (var update in updates)
        {
            ArgumentNullException.ThrowIfNull(update, nameof(updates));
            last[update.Partition] = update;
        }

        var rows = last.Values.ToArray();
        return RunInTransactionAsync(
            async connection =>
            {
                (string, object?)[] parameters =
                [
                    ("id", id.Value),
                    ("asset", rows.Select(u => u.Partition.Asset.Value).ToArray()),
                    ("partition", rows.Select(u => StoredForm.Partition(u.Partition.Partition)).ToArray()),
                    ("state", rows.Select(u => BackfillRows.StateText(u.State)).ToArray()),
                    ("attempts", rows.Select(u => u.Attempts).ToArray()),
                    ("error", rows.Select(u => u.Error).ToArray()),
                    ("at", rows.Select(u => StoredForm.Ticks(u.At)).ToArray()),
                ];
                const string Updates = "unnest(@asset::text[], @partition::text[], @state::text[], @attempts::int[], @error::text[], @at::bigint[]) AS u(asset, partition, state, attempts, error, updated_at)";
                await using (var unknown = Command(
                    connection,
                    $"SELECT u.asset, u.partition FROM {Updates} WHERE NOT EXISTS (SELECT 1 FROM backfill_steps s WHERE s.backfill_id = @id AND s.asset = u.asset AND s.partition = u.partition) LIMIT 1",
                    parameters))
                {
                    var missing = await ReadAllAsync(unknown, r => new AssetPartition(AssetKey.Parse(r.GetString(0)), StoredForm.Partition(r.GetString(1))), ct).ConfigureAwait(false);
                    if (missing.Count > 0)
                    {
                        throw new ArgumentException($"Backfill {id} has no step {missing[0]}.", nameof(updates));
                    }
                }

                await ExecuteAsync(
                    connection,
                    $"""
                    UPDATE backfill_steps s SET state = u.state, attempts = u.attempts, error = u.error, updated_at = u.updated_at
                    FROM {Updates}
                    WHERE s.backfill_id = @id AND s.asset = u.asset AND s.partition = u.partition
                    """,
                    ct,
                    parameters).ConfigureAwait(false);
            },
            ct);
    }

    private Task<IReadOnlyList<Backfill>> ReadBackfillsAsync(string where, (string Name, object? Value)? parameter, CancellationToken ct)
        => RunAsync<IReadOnlyList<Backfill>>(
            async connection =>
            {
                var sql = $"""
                    SELECT {BackfillRows.Columns}
                    FROM backfills b LEFT JOIN backfill_steps s ON s.backfill_id = b.id
                    {where}
                    GROUP BY b.id
                    ORDER BY b.created_at DESC, b.id
                    """;
                await using var command = parameter is { } p ? Command(connection, sql, p) : Command(connection, sql);
                return await ReadAllAsync(command, BackfillRows.Read, ct).ConfigureAwait(false);
            },
            ct);
}
