namespace Assets.Storage.Objects;

/// <summary>
/// Writes whose durability is settled together, later (<see cref="IDefersDurability"/>): the store makes such an object
/// visible under its key at once and records here the files and folders that must reach the disk for it to survive a
/// power loss; <see cref="FlushAsync"/> then flushes them all in one round, concurrently and each folder once, instead of
/// one file flush and a chain of folder flushes per object. Until then a power loss (not a killed process: the bytes are
/// in the operating system's cache) may leave such an object torn or missing, so only objects that nothing names yet are
/// written this way: a publication's staged files and manifest, flushed before the pointer names them.
/// <para>
/// <see cref="Transient"/> writes are never flushed. The staging marker is one: it tells a <c>gc</c> that can see the root
/// that a materialization is in flight, and every process sees it as soon as it is written; the power loss that could
/// take it also ends the process that would have published, so nothing in flight is left for it to protect.
/// </para>
/// Not thread-safe: one publication fills and flushes its own batch.
/// </summary>
internal sealed class DurabilityBatch
{
    private readonly List<string> _files = [];
    private readonly HashSet<string> _folders = new(StringComparer.Ordinal);

    /// <summary>A batch to fill and flush.</summary>
    public DurabilityBatch()
    {
    }

    private DurabilityBatch(bool transient) => IsTransient = transient;

    /// <summary>Writes that are never made durable (see the summary for when that is right).</summary>
    public static DurabilityBatch Transient { get; } = new(transient: true);

    /// <summary>Whether writes in this batch are never flushed.</summary>
    public bool IsTransient { get; }

    /// <summary>How many flushes <see cref="FlushAsync"/> would do now.</summary>
    public int PendingFlushes => _files.Count + _folders.Count;

    /// <summary>Adds a file whose content must be flushed.</summary>
    public void AddFile(string path)
    {
        if (!IsTransient)
        {
            _files.Add(path);
        }
    }

    /// <summary>Adds a folder whose entries must be flushed (once, however many writes add it).</summary>
    public void AddFolder(string path)
    {
        if (!IsTransient)
        {
            _folders.Add(path);
        }
    }

    /// <summary>Adds what <paramref name="other"/> holds (a write's flushes, kept apart until the write succeeded) and empties it.</summary>
    public void AddAll(DurabilityBatch other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var file in other._files)
        {
            AddFile(file);
        }

        foreach (var folder in other._folders)
        {
            AddFolder(folder);
        }

        other._files.Clear();
        other._folders.Clear();
    }

    /// <summary>A batch holding the same flushes as this one (this one unchanged).</summary>
    public DurabilityBatch Copy()
    {
        var copy = new DurabilityBatch(IsTransient);
        copy._files.AddRange(_files);
        copy._folders.UnionWith(_folders);
        return copy;
    }

    /// <summary>
    /// Flushes every file and folder added since the last flush, in the next round of the process's group flush
    /// (<see cref="Local.GroupFlush"/>): together with what other publications hand in meanwhile, concurrently, each folder
    /// once, so the file system commits them together (one journal commit and device flush where it can merge them)
    /// rather than one after another. Throws the first failure; the batch is empty afterwards either way, and a caller
    /// that got an error must not rely on its writes.
    /// </summary>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        if (IsTransient || PendingFlushes == 0)
        {
            return Task.CompletedTask;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var files = _files.ToArray();
        var folders = _folders.ToArray();
        _files.Clear();
        _folders.Clear();
        return Local.GroupFlush.Disk.FlushAsync(files, folders);
    }
}
