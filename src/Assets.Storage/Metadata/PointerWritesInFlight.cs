using Assets.Graph;

namespace Assets.Storage.Metadata;

/// <summary>
/// The pointer writes a <see cref="DuckDbMetadataStore"/> session has begun and not yet seen recorded (see
/// <see cref="Maintenance.IStoreSession"/>). Thread-safe: publishes of different partitions run at once, and the store's
/// close must stop new writes and read what is left in one step.
/// </summary>
internal sealed class PointerWritesInFlight
{
    private readonly Lock _lock = new();
    private readonly Dictionary<AssetPartition, int> _writes = [];
    private bool _closed;

    /// <summary>How many writes are unsettled now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _writes.Count;
            }
        }
    }

    public void Begin(AssetPartition partition)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, typeof(DuckDbMetadataStore));
            _writes[partition] = _writes.GetValueOrDefault(partition) + 1;
        }
    }

    public void End(AssetPartition partition)
    {
        lock (_lock)
        {
            if (_writes.TryGetValue(partition, out var count))
            {
                if (count == 1)
                {
                    _writes.Remove(partition);
                }
                else
                {
                    _writes[partition] = count - 1;
                }
            }
        }
    }

    /// <summary>Refuses every later <see cref="Begin"/> and returns the partitions whose writes are still unsettled.</summary>
    public IReadOnlyList<AssetPartition> Close()
    {
        lock (_lock)
        {
            _closed = true;
            return [.. _writes.Keys];
        }
    }
}
