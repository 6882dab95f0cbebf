using System.Buffers.Binary;
using System.Text;
using Assets.Planning;

namespace Assets.Storage.Metadata;

public sealed partial class DuckDbMetadataStore : IStatusGridSnapshotStore
{
    private const int SnapshotMagic = 0x46534741; // "AGSF", little-endian

    // The in-memory store keeps its snapshot here; a file-backed one in SnapshotPath.
    private readonly Lock _memorySnapshotLock = new();
    private (string Key, byte[] Payload)? _memorySnapshot;

    /// <summary>
    /// The file the status grid snapshot is kept in, next to the DuckDB file (<c>assets.duckdb.grid</c>); <c>null</c> for
    /// an in-memory store. Its key (the file's id and status generation, see <see cref="GetStatusFingerprintAsync"/>) is
    /// written at its start, and, once the file is in place, into the DuckDB file (<c>status_grid_snapshot_key</c>): a
    /// snapshot is read only when both say the current key, so one left beside another file, written at an older
    /// generation, or beside a copy of the file restored from a backup (whose generations repeat with other contents),
    /// never matches. A cache: deleting it loses nothing.
    /// </summary>
    internal string? SnapshotPath => Path == InMemory ? null : Path + ".grid";

    /// <inheritdoc />
    /// <remarks>
    /// Read from <see cref="SnapshotPath"/> in one go (the 730,000-partition grid is tens of megabytes); a missing, torn or
    /// unreadable file is no snapshot. Pending index writes need not be committed first: the key holds the generation.
    /// </remarks>
    public Task<ReadOnlyMemory<byte>?> GetStatusGridSnapshotAsync(string key, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ct.ThrowIfCancellationRequested();
        if (SnapshotPath is not { } path)
        {
            lock (_memorySnapshotLock)
            {
                return Task.FromResult<ReadOnlyMemory<byte>?>(_memorySnapshot is { } kept && kept.Key == key ? kept.Payload : null);
            }
        }

        return ReadSnapshotFileAsync(path, key, ct);
    }

    private async Task<ReadOnlyMemory<byte>?> ReadSnapshotFileAsync(string path, string key, CancellationToken ct)
    {
        var written = await RunWithoutFlushAsync(
            connection =>
            {
                using var command = Command(connection, "SELECT snapshot_key FROM status_grid_snapshot_key WHERE id = 1");
                return command.ExecuteScalar() as string;
            },
            ct).ConfigureAwait(false);
        if (!string.Equals(written, key, StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            var expected = Encoding.UTF8.GetBytes(key);
            Span<byte> header = stackalloc byte[8];
            if (file.ReadAtLeast(header, 8, throwOnEndOfStream: false) < 8
                || BinaryPrimitives.ReadInt32LittleEndian(header) != SnapshotMagic
                || BinaryPrimitives.ReadInt32LittleEndian(header[4..]) != expected.Length)
            {
                return null;
            }

            var found = new byte[expected.Length];
            if (file.ReadAtLeast(found, found.Length, throwOnEndOfStream: false) < found.Length || !found.AsSpan().SequenceEqual(expected))
            {
                return null;
            }

            var payload = new byte[file.Length - file.Position];
            return file.ReadAtLeast(payload, payload.Length, throwOnEndOfStream: false) == payload.Length ? payload : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Written beside <see cref="SnapshotPath"/>, flushed, then renamed over it, so a reader finds the old snapshot or the
    /// new one whole. A snapshot that cannot be written (a full disk, a read-only folder) is skipped: it is only a cache,
    /// and the command that evaluated the grid has what it needs.
    /// </remarks>
    public Task SetStatusGridSnapshotAsync(string key, ReadOnlyMemory<byte> payload, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ct.ThrowIfCancellationRequested();
        if (SnapshotPath is not { } path)
        {
            lock (_memorySnapshotLock)
            {
                _memorySnapshot = (key, payload.ToArray());
            }

            return Task.CompletedTask;
        }

        return WriteSnapshotFileAsync(path, key, payload, ct);
    }

    private async Task WriteSnapshotFileAsync(string path, string key, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                var keyBytes = Encoding.UTF8.GetBytes(key);
                var header = new byte[8 + keyBytes.Length];
                BinaryPrimitives.WriteInt32LittleEndian(header, SnapshotMagic);
                BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), keyBytes.Length);
                keyBytes.CopyTo(header, 8);
                file.Write(header);
                file.Write(payload.Span);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // Best effort: a leftover temporary file is ignored by readers.
            }

            return;
        }

        // The file first, then its key: a crash in between leaves the file's key ahead of the one recorded, so nothing matches.
        await RunInTransactionAsync(
            connection => Execute(
                connection,
                "INSERT OR REPLACE INTO status_grid_snapshot_key VALUES (1, $key, $now)",
                ("key", key),
                ("now", StoredForm.Ticks(_clock.GetCurrentInstant()))),
            ct,
            StatusEffect.None).ConfigureAwait(false);
    }
}
