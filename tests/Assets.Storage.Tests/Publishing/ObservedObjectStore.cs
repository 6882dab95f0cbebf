using Assets.Storage.Objects;

namespace Assets.Storage.Tests.Publishing;

/// <summary>
/// An object store that counts what is looked at (listings, reads) and can run an action right before or after a
/// pointer is replaced, as a Ctrl+C or a failure landing there would.
/// </summary>
public sealed class ObservedObjectStore(IObjectStore inner) : IObjectStore
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<ObjectKey> _readKeys = new();
    private int _listings;
    private int _reads;

    /// <summary>Listings started.</summary>
    public int Listings => _listings;

    /// <summary>Objects read or probed (get, open, size).</summary>
    public int Reads => _reads;

    /// <summary>The keys read or probed, in order.</summary>
    public IReadOnlyCollection<ObjectKey> ReadKeys => _readKeys;

    /// <summary>Runs before every replace (throw from it to make the replace fail before it writes).</summary>
    public Action? BeforeReplace { get; set; }

    /// <summary>Runs after every replace that succeeded.</summary>
    public Action? AfterReplace { get; set; }

    public string Location => inner.Location;

    public bool EnforcesConditionalWrites => inner.EnforcesConditionalWrites;

    public void ResetCounts()
    {
        (_listings, _reads) = (0, 0);
        _readKeys.Clear();
    }

    public Task<StoredObject?> GetAsync(ObjectKey key, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reads);
        _readKeys.Enqueue(key);
        return inner.GetAsync(key, cancellationToken);
    }

    public Task<Stream?> OpenReadAsync(ObjectKey key, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reads);
        _readKeys.Enqueue(key);
        return inner.OpenReadAsync(key, cancellationToken);
    }

    public Task<long?> GetSizeAsync(ObjectKey key, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reads);
        _readKeys.Enqueue(key);
        return inner.GetSizeAsync(key, cancellationToken);
    }

    public Task<WriteResult> CreateIfAbsentAsync(ObjectKey key, Stream content, CancellationToken cancellationToken = default)
        => inner.CreateIfAbsentAsync(key, content, cancellationToken);

    public async Task<WriteResult> ReplaceIfMatchAsync(ObjectKey key, ReadOnlyMemory<byte> content, ObjectVersion? expected, CancellationToken cancellationToken = default)
    {
        BeforeReplace?.Invoke();
        var result = await inner.ReplaceIfMatchAsync(key, content, expected, cancellationToken);
        if (result.Succeeded)
        {
            AfterReplace?.Invoke();
        }

        return result;
    }

    public Task<bool> DeleteAsync(ObjectKey key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

    public IAsyncEnumerable<ObjectEntry> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _listings);
        return inner.ListAsync(prefix, cancellationToken);
    }
}
