namespace Assets.Storage.Objects.Local;

/// <summary>
/// A local file opened for reading whose asynchronous reads run on the caller's thread.
/// </summary>
/// <remarks>
/// .NET has no asynchronous file reads on Linux or macOS: a <see cref="FileStream"/>'s <c>ReadAsync</c> queues a blocking
/// read to a thread-pool thread and resumes the caller there, a thread hand-off (a wake-up, often a spin and a context
/// switch) for every read. The store's reads are of files in the page cache or of a local disk, where the read itself
/// takes microseconds, so the hand-off costs more than it saves: a Parquet file read takes several reads (the footer,
/// then each column chunk), and a fresh run of the example reads thousands. The caller's thread blocks for the same
/// read a pool thread would have blocked for.
/// </remarks>
internal sealed class InlineReadFileStream : FileStream
{
    /// <summary>Opens <paramref name="path"/> for reading without taking part in writers' locks; throws when there is no such file.</summary>
    public InlineReadFileStream(string path)
        : base(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, FileOptions.SequentialScan)
    {
    }

    /// <inheritdoc />
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        try
        {
            return new ValueTask<int>(Read(buffer.Span));
        }
#pragma warning disable CA1031 // Reported through the returned task, as an asynchronous read reports it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return ValueTask.FromException<int>(e);
        }
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
}
