namespace Assets.Storage.Objects.Local;

/// <summary>
/// An exclusive lock on a sidecar file that holds across processes: the file is opened with
/// <see cref="FileShare.None"/>, which .NET on Unix implements with <c>flock(LOCK_EX | LOCK_NB)</c> on the
/// open file description (so two handles in one process exclude each other too) and Windows with a
/// share mode. The operating system releases it when its holder dies, so a crashed writer never leaves
/// the lock held. Lock files are never deleted: unlinking one while another process waits on its handle
/// would let a third process lock a new file of the same name at the same time.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(100);

    private readonly FileStream _handle;

    private FileLock(FileStream handle) => _handle = handle;

    /// <summary>
    /// Takes the lock, creating the file if needed, retrying with exponential backoff and jitter while
    /// another holder has it; throws <see cref="IOException"/> after <paramref name="timeout"/>.
    /// </summary>
    public static async Task<FileLock> AcquireAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        var backoff = FirstBackoff;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return new FileLock(LocalFiles.OpenCreatingFolder(path, p => new FileStream(p, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0)));
            }
            catch (IOException e) when (IsHeldElsewhere(e))
            {
                if (DateTime.UtcNow >= deadline)
                {
                    throw new IOException($"Timed out after {timeout.TotalSeconds:0.#}s waiting for the lock '{path}', which another writer holds.", e);
                }

                await Task.Delay(backoff + TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * backoff.TotalMilliseconds), cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();

    // EWOULDBLOCK (11 on Linux, 35 on macOS) from flock, or ERROR_SHARING_VIOLATION (0x80070020) on Windows.
    private static bool IsHeldElsewhere(IOException e)
        => e is not (FileNotFoundException or DirectoryNotFoundException or PathTooLongException)
            && e.HResult is 11 or 35 or unchecked((int)0x80070020);
}
