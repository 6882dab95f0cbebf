using Assets.Graph;
using Assets.Storage.Objects;
using Assets.Storage.Publishing;
using NodaTime;

namespace Assets.Storage.Maintenance;

/// <summary>The pointers of a root: listed (keys and modification times only), then read; shared by reconciliation, verify and gc.</summary>
internal static class PointerScan
{
    /// <summary>A pointer found in the root, or the problem that kept it from being read.</summary>
    public sealed record Entry(ObjectKey Key, AssetPartition? Partition, PartitionPointer? Current, string? Problem);

    /// <summary>A pointer as a listing shows it: no read, so cheap even on S3 (a thousand keys per request).</summary>
    /// <param name="Key">The pointer's key.</param>
    /// <param name="Partition">Its partition; <c>null</c> when the key is not the pointer of a valid asset partition.</param>
    /// <param name="LastModified">When it was last written, in the object store's clock.</param>
    public sealed record Listed(ObjectKey Key, AssetPartition? Partition, Instant LastModified);

    public static async Task<IReadOnlyList<Entry>> ReadAllAsync(IObjectStore store, Func<AssetKey, bool>? include, CancellationToken cancellationToken)
        => await ReadAsync(store, await ListAsync(store, include, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    public static async Task<IReadOnlyList<Listed>> ListAsync(IObjectStore store, Func<AssetKey, bool>? include, CancellationToken cancellationToken)
    {
        var listed = new List<Listed>();
        await foreach (var entry in store.ListAsync(StorageLayout.CurrentFolder + "/", cancellationToken).ConfigureAwait(false))
        {
            var partition = StorageLayout.PartitionOfPointer(entry.Key);
            if (partition is null || include is null || include(partition.Value.Asset))
            {
                listed.Add(new Listed(entry.Key, partition, entry.LastModified));
            }
        }

        return listed;
    }

    public static async Task<IReadOnlyList<Entry>> ReadAsync(IObjectStore store, IReadOnlyList<Listed> keys, CancellationToken cancellationToken)
    {
        // Pointers are small objects; read them concurrently, bounded, since an S3 root may hold many thousands.
        var results = new Entry[keys.Count];
        await Parallel.ForAsync(0, keys.Count, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var (key, partition, _) = keys[i];
            if (partition is not { } p)
            {
                results[i] = new Entry(key, null, null, "the key is not the pointer of any valid asset partition.");
                return;
            }

            try
            {
                var (pointer, _) = await PublishedPartitions.ReadPointerAsync(store, p, ct).ConfigureAwait(false);
                results[i] = pointer is null
                    ? new Entry(key, p, null, "the pointer vanished while the root was read.")
                    : new Entry(key, p, pointer, null);
            }
            catch (CorruptObjectException e)
            {
                results[i] = new Entry(key, p, null, e.Message);
            }
        }).ConfigureAwait(false);
        return results;
    }
}
