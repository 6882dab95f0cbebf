using Assets.Graph;
using Assets.Metadata;
using Npgsql;
using NodaTime;

namespace Assets.Storage.Metadata.Postgres;

public sealed partial class PostgresMetadataStore : IFencedLeaseStore
{
    /// <summary>
    /// Takes or renews a lease in one statement: the row is inserted, or updated only when it is free, released, expired
    /// or already this holder's. A change of holder bumps the epoch; the same holder keeps it. Two processes racing for
    /// one partition serialize on the row: exactly one of them gets it.
    /// </summary>
    private const string Claim = """
        INSERT INTO leases AS l (asset, partition, holder, epoch, acquired_at, expires_at)
        VALUES (@asset, @partition, @holder, 1, @now, @expires)
        ON CONFLICT (asset, partition) DO UPDATE SET
            epoch = CASE WHEN l.holder = excluded.holder THEN l.epoch ELSE l.epoch + 1 END,
            acquired_at = CASE WHEN l.holder = excluded.holder THEN l.acquired_at ELSE excluded.acquired_at END,
            holder = excluded.holder,
            expires_at = excluded.expires_at
        WHERE l.holder IS NULL OR l.holder = excluded.holder OR l.expires_at <= excluded.acquired_at
        RETURNING epoch
        """;

    /// <inheritdoc />
    public async Task<bool> TryAcquireLeaseAsync(AssetPartition partition, RunId holder, Instant now, Duration ttl, CancellationToken ct = default)
        => await TryClaimLeaseAsync(partition, holder, now, ttl, ct).ConfigureAwait(false) is not null;

    /// <inheritdoc />
    /// <remarks>The row stays with its epoch and no holder, so the next holder's epoch is higher than every earlier one.</remarks>
    public Task ReleaseLeaseAsync(AssetPartition partition, RunId holder, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(partition.Asset);
        return RunAsync(
            connection => ExecuteAsync(
                connection,
                "UPDATE leases SET holder = NULL WHERE asset = @asset AND partition = @partition AND holder = @holder",
                ct,
                ("asset", partition.Asset.Value),
                ("partition", StoredForm.Partition(partition.Partition)),
                ("holder", holder.Value)),
            ct);
    }

    /// <inheritdoc />
    public Task<LeaseClaim?> TryClaimLeaseAsync(AssetPartition partition, RunId holder, Instant now, Duration ttl, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(partition.Asset);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, Duration.Zero);
        return RunAsync(
            async connection =>
            {
                await using var command = Command(
                    connection,
                    Claim,
                    ("asset", partition.Asset.Value),
                    ("partition", StoredForm.Partition(partition.Partition)),
                    ("holder", holder.Value),
                    ("now", StoredForm.Ticks(now)),
                    ("expires", StoredForm.Ticks(now + ttl)));
                var epoch = await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
                return epoch is long e ? new LeaseClaim(partition, holder, e) : null;
            },
            ct);
    }

    /// <inheritdoc />
    public Task<bool> TryRenewLeaseAsync(LeaseClaim claim, Instant now, Duration ttl, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, Duration.Zero);
        return RunAsync(
            async connection => await ExecuteAsync(
                connection,
                "UPDATE leases SET expires_at = @expires WHERE asset = @asset AND partition = @partition AND holder = @holder AND epoch = @epoch",
                ct,
                ("expires", StoredForm.Ticks(now + ttl)),
                ("asset", claim.Partition.Asset.Value),
                ("partition", StoredForm.Partition(claim.Partition.Partition)),
                ("holder", claim.Holder.Value),
                ("epoch", claim.Epoch)).ConfigureAwait(false) == 1,
            ct);
    }

    /// <inheritdoc />
    public Task<bool> TryRecordFencedPublishAsync(LeaseClaim claim, MaterializationRecord record, PartitionState state, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(state);
        if (record.Partition != claim.Partition || state.Partition != claim.Partition)
        {
            throw new ArgumentException($"The record and the state must be of the leased partition {claim.Partition}.", nameof(record));
        }

        return RunInTransactionAsync(
            async connection =>
            {
                // FOR UPDATE: a claim by another holder waits for this transaction, so the epoch cannot change between
                // the check and the writes.
                await using (var check = Command(
                    connection,
                    "SELECT 1 FROM leases WHERE asset = @asset AND partition = @partition AND holder = @holder AND epoch = @epoch FOR UPDATE",
                    ("asset", claim.Partition.Asset.Value),
                    ("partition", StoredForm.Partition(claim.Partition.Partition)),
                    ("holder", claim.Holder.Value),
                    ("epoch", claim.Epoch)))
                {
                    if (await check.ExecuteScalarAsync(ct).ConfigureAwait(false) is null)
                    {
                        return false;
                    }
                }

                await WriteMaterializationsAsync(connection, [record], ct).ConfigureAwait(false);
                await UpsertStatesAsync(connection, [state], ct).ConfigureAwait(false);
                return true;
            },
            ct,
            // A commit whose reply was lost: the record is there if it applied. Were it not checked, the repeat would
            // still be right while the lease is held, but would be refused (and the publish reported lost) once it expired.
            Replay<bool>.Checked((connection, token) => MaterializationExistsAsync(connection, record.Id, token), whenApplied: true));
    }

    private static async Task<bool> MaterializationExistsAsync(NpgsqlConnection connection, MaterializationId id, CancellationToken ct)
    {
        await using var exists = Command(connection, "SELECT 1 FROM materializations WHERE id = @id", ("id", id.Value));
        return await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null;
    }

    /// <inheritdoc />
    public Task<LeaseInfo?> GetLeaseAsync(AssetPartition partition, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(partition.Asset);
        return RunAsync(
            async connection =>
            {
                await using var command = Command(
                    connection,
                    "SELECT holder, epoch, expires_at FROM leases WHERE asset = @asset AND partition = @partition",
                    ("asset", partition.Asset.Value),
                    ("partition", StoredForm.Partition(partition.Partition)));
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                return await reader.ReadAsync(ct).ConfigureAwait(false)
                    ? new LeaseInfo(partition, reader.IsDBNull(0) ? null : RunId.Parse(reader.GetString(0)), reader.GetInt64(1), StoredForm.Instant(reader.GetInt64(2)))
                    : null;
            },
            ct);
    }

    /// <inheritdoc />
    public async Task<PartitionLease?> GetLeaseAsync(AssetPartition partition, Instant now, CancellationToken ct = default)
        => await GetLeaseAsync(partition, ct).ConfigureAwait(false) is { Holder: { } holder } lease && lease.ExpiresAt > now
            ? new PartitionLease(holder, lease.ExpiresAt)
            : null;

    /// <summary>
    /// The attempts of processes that died, not yet settled: partitions recorded as running whose lease nobody holds any
    /// more at <paramref name="now"/> (what <see cref="SettleAbandonedAttemptsAsync"/> would settle). Their pointers are the
    /// only ones a crash can have swapped without a record, so the caller reads just those before settling.
    /// </summary>
    public Task<IReadOnlyList<AssetPartition>> GetAbandonedAttemptsAsync(Instant now, CancellationToken ct = default)
        => RunAsync<IReadOnlyList<AssetPartition>>(
            async connection =>
            {
                await using var command = Command(
                    connection,
                    """
                    SELECT p.asset, p.partition FROM partition_states p
                    WHERE p.status = @running AND NOT EXISTS (
                        SELECT 1 FROM leases l WHERE l.asset = p.asset AND l.partition = p.partition AND l.holder IS NOT NULL AND l.expires_at > @now)
                    """,
                    ("running", (short)StoredForm.StatusCode(PartitionStatus.Running)),
                    ("now", StoredForm.Ticks(now)));
                return await ReadAllAsync(command, r => new AssetPartition(AssetKey.Parse(r.GetString(0)), StoredForm.Partition(r.GetString(1))), ct).ConfigureAwait(false);
            },
            ct);

    /// <summary>
    /// Settles the attempts of processes that died: a partition recorded as running whose lease nobody holds any more
    /// (released, or expired at <paramref name="now"/>) becomes failed, saying its run was interrupted; its version fields
    /// stay (the previous version is still what readers get). A live attempt always holds its lease (it is claimed
    /// before the partition is marked running, renewed by the heartbeat, and released only after the outcome is
    /// recorded), so no live attempt is touched. The cause is <see cref="Interruption"/>'s, once: the caller counts
    /// interruptions in a row (<see cref="Maintenance.Interruptions"/>). Returns the partitions settled.
    /// </summary>
    public Task<IReadOnlyList<AssetPartition>> SettleAbandonedAttemptsAsync(Instant now, CancellationToken ct = default)
        => RunAsync<IReadOnlyList<AssetPartition>>(
            async connection =>
            {
                await using var command = Command(
                    connection,
                    """
                    UPDATE partition_states p SET status = @failed, cause = @cause, updated_at = @now
                    WHERE p.status = @running AND NOT EXISTS (
                        SELECT 1 FROM leases l WHERE l.asset = p.asset AND l.partition = p.partition AND l.holder IS NOT NULL AND l.expires_at > @now)
                    RETURNING asset, partition
                    """,
                    ("failed", (short)StoredForm.StatusCode(PartitionStatus.Failed)),
                    ("running", (short)StoredForm.StatusCode(PartitionStatus.Running)),
                    ("cause", Interruption.Cause(1)),
                    ("now", StoredForm.Ticks(now)));
                return await ReadAllAsync(command, r => new AssetPartition(AssetKey.Parse(r.GetString(0)), StoredForm.Partition(r.GetString(1))), ct).ConfigureAwait(false);
            },
            ct);
}
