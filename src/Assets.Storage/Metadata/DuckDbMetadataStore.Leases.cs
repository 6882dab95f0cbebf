using Assets.Graph;
using DuckDB.NET.Data;
using NodaTime;

namespace Assets.Storage.Metadata;

public sealed partial class DuckDbMetadataStore
{
    /// <inheritdoc />
    public Task<bool> TryAcquireLeaseAsync(AssetPartition partition, RunId holder, Instant now, Duration ttl, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(partition.Asset);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, Duration.Zero);
        return RunAsync(
            connection =>
            {
                // Operations are serialized and this process is the file's only user, so read-then-write is atomic.
                using var transaction = connection.BeginTransaction();
                var asset = partition.Asset.Value;
                var key = StoredForm.Partition(partition.Partition);
                using (var read = Command(connection, "SELECT holder, expires_at FROM leases WHERE asset = $asset AND partition = $partition", ("asset", asset), ("partition", key)))
                using (var reader = read.ExecuteReader())
                {
                    if (reader.Read() && reader.GetString(0) != holder.Value && reader.GetInt64(1) > StoredForm.Ticks(now))
                    {
                        return false;
                    }
                }

                Execute(
                    connection,
                    """
                    INSERT INTO leases VALUES ($asset, $partition, $holder, $now, $expires)
                    ON CONFLICT (asset, partition) DO UPDATE SET
                        acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at ELSE excluded.acquired_at END,
                        holder = excluded.holder,
                        expires_at = excluded.expires_at
                    """,
                    ("asset", asset),
                    ("partition", key),
                    ("holder", holder.Value),
                    ("now", StoredForm.Ticks(now)),
                    ("expires", StoredForm.Ticks(now + ttl)));
                transaction.Commit();
                return true;
            },
            ct);
    }

    /// <inheritdoc />
    public Task ReleaseLeaseAsync(AssetPartition partition, RunId holder, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(partition.Asset);
        return RunAsync(
            connection =>
            {
                Execute(
                    connection,
                    "DELETE FROM leases WHERE asset = $asset AND partition = $partition AND holder = $holder",
                    ("asset", partition.Asset.Value),
                    ("partition", StoredForm.Partition(partition.Partition)),
                    ("holder", holder.Value));
                return true;
            },
            ct);
    }

    /// <summary>
    /// Drops every lease recorded in the file. DuckDB admits one process per file, so a lease found by a process that
    /// has just opened it belongs to a run whose process is gone (killed, crashed): keeping it until it expires would
    /// only block the resume of that very work. (A store shared by live processes must not do this.)
    /// </summary>
    private static void ReleaseLeasesOfGoneProcesses(DuckDBConnection connection) => Execute(connection, "DELETE FROM leases");
}
