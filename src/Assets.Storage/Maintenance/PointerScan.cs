using Assets.Graph;
using Assets.Storage.Objects;
using Assets.Storage.Publishing;

namespace Assets.Storage.Maintenance;

/// <summary>Every pointer of a root, read once; shared by reconciliation, verify and gc.</summary>
internal static class PointerScan
{
    /// <summary>A pointer found in the root, or the problem that kept it from being read.</summary>
    public sealed record Entry(ObjectKey Key, AssetPartition? Partition, PartitionPointer? Current, string? Problem);

    public static async Task<IReadOnlyList<Entry>> ReadAllAsync(IObjectStore store, Func<AssetKey, bool>? include, CancellationToken cancellationToken)
    {
        var keys = new List<(ObjectKey Key, AssetPartition? Partition)>();
        await foreach (var entry in store.ListAsync(StorageLayout.CurrentFolder + "/", cancellationToken).ConfigureAwait(false))
        {
            var partition = StorageLayout.PartitionOfPointer(entry.Key);
            if (partition is null || include is null || include(partition.Value.Asset))
            {
                keys.Add((entry.Key, partition));
            }
        }

        // Pointers are small objects; read them concurrently, bounded, since an S3 root may hold many thousands.
        var results = new Entry[keys.Count];
        await Parallel.ForAsync(0, keys.Count, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var (key, partition) = keys[i];
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
