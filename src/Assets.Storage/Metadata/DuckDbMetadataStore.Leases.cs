using Assets.Graph;
using Assets.Metadata;
using DuckDB.NET.Data;
using NodaTime;

namespace Assets.Storage.Metadata;

public sealed partial class DuckDbMetadataStore
{
    /// <inheritdoc />
    /// <remarks>
    /// Decided in memory under the store's lock, which serializes every operation of the file's only process, so
    /// the check and the take are one atomic step. Not written to the file: DuckDB admits one process per file, so no
    /// other process can read a lease while it holds, and one left in the file would belong to a process that is gone.
    /// </remarks>
    public async Task<bool> TryAcquireLeaseAsync(AssetPartition partition, RunId holder, Instant now, Duration ttl, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(partition.Asset);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, Duration.Zero);
        return await RunWithoutFlushAsync(
            _ =>
            {
                var key = (partition.Asset.Value, StoredForm.Partition(partition.Partition));
                var ticks = StoredForm.Ticks(now);
                if (_leases.TryGetValue(key, out var current) && current.Holder != holder.Value && current.ExpiresAt > ticks)
                {
                    return false;
                }

                // Renewing keeps the first acquisition time; taking a free or expired lease starts a new one.
                var acquiredAt = current.Holder == holder.Value ? current.AcquiredAt : ticks;
                _leases[key] = new LeaseRow(holder.Value, acquiredAt, StoredForm.Ticks(now + ttl));
                return true;
            },
            ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task ReleaseLeaseAsync(AssetPartition partition, RunId holder, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(partition.Asset);
        return RunWithoutFlushAsync(
            _ =>
            {
                var key = (partition.Asset.Value, StoredForm.Partition(partition.Partition));
                return _leases.TryGetValue(key, out var current) && current.Holder == holder.Value && _leases.Remove(key);
            },
            ct);
    }

    /// <inheritdoc />
    /// <remarks>From memory, which holds every lease of the file's only process.</remarks>
    public async Task<PartitionLease?> GetLeaseAsync(AssetPartition partition, Instant now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(partition.Asset);
        return await RunWithoutFlushAsync(
            _ => _leases.TryGetValue((partition.Asset.Value, StoredForm.Partition(partition.Partition)), out var lease) && lease.ExpiresAt > StoredForm.Ticks(now)
                ? new PartitionLease(RunId.Parse(lease.Holder), StoredForm.Instant(lease.ExpiresAt))
                : null,
            ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Drops every lease recorded in the file: versions before leases were kept in memory only wrote them there. DuckDB
    /// admits one process per file, so such a lease belongs to a run whose process is gone (killed, crashed): keeping it
    /// until it expires would only block the resume of that very work. (A store shared by live processes must not do this.)
    /// </summary>
    private static void ReleaseLeasesOfGoneProcesses(DuckDBConnection connection) => Execute(connection, "DELETE FROM leases");
}
