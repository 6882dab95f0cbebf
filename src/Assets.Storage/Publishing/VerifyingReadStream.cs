using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Assets.Storage.Publishing;

/// <summary>
/// A read-only, seekable view of one data file that computes the SHA-256 of the file's bytes from the reads its
/// reader makes anyway, so a verified read costs no extra pass over the file.
/// </summary>
/// <remarks>
/// The hash is taken in file order up to a frontier. A read that overlaps the frontier moves it on. Parquet.Net
/// reads the footer first (the last 8 bytes: footer length and magic, then the footer), then the column chunks
/// in file order: reads of the footer are left unhashed (the frontier reaches them at the end), and a read a
/// little ahead of the frontier elsewhere (a column chunk the reader skips) first hashes the gap. A read far
/// ahead is left unhashed too. <see cref="FinishAsync"/> hashes what the reader never reached (the footer, or
/// the rest of a file read only in part), so only the footer is read twice when a whole file is decoded.
/// </remarks>
internal sealed class VerifyingReadStream : Stream
{
    /// <summary>
    /// Gaps up to this size are hashed when the reader jumps over them; larger jumps wait for the end, so the
    /// footer read that opens a large Parquet file does not make the whole file be read twice.
    /// </summary>
    private const long GapHashedAtOnce = 4 << 20;

    private readonly Stream _inner;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _hashedUpTo;

    /// <summary>Where the Parquet footer starts, once the reader has read its length; reads from there on are not gaps.</summary>
    private long _footerStart = long.MaxValue;
    private string? _actualHash;

    public VerifyingReadStream(Stream inner)
    {
        if (!inner.CanSeek || !inner.CanRead)
        {
            throw new ArgumentException("A verified read needs a readable, seekable stream.", nameof(inner));
        }

        _inner = inner;
    }

    /// <summary>Bytes the reader never read but verification had to (gaps and the unread tail), for tests and benchmarks.</summary>
    public long ExtraBytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _inner.Length;

    public override long Position
    {
        get => _inner.Position;
        set => _inner.Position = value;
    }

    /// <summary>
    /// Hashes whatever the reader has not read and returns the file's lower-case hex SHA-256. Called once the
    /// reader is done with the file (or has stopped early); reads after it are not hashed.
    /// </summary>
    public async Task<string> FinishAsync(CancellationToken cancellationToken)
    {
        if (_actualHash is null)
        {
            await HashUpToAsync(_inner.Length, cancellationToken).ConfigureAwait(false);
            _actualHash = Convert.ToHexStringLower(_hash.GetHashAndReset());
        }

        return _actualHash;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var start = _inner.Position;
        if (_actualHash is null && IsGap(start))
        {
            HashUpTo(start);
            _inner.Position = start;
        }

        var read = _inner.Read(buffer);
        if (_actualHash is null)
        {
            Account(start, buffer[..read]);
        }

        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var start = _inner.Position;
        if (_actualHash is null && IsGap(start))
        {
            await HashUpToAsync(start, cancellationToken).ConfigureAwait(false);
            _inner.Position = start;
        }

        var read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (_actualHash is null)
        {
            Account(start, buffer.Span[..read]);
        }

        return read;
    }

    public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        _hash.Dispose();
        await _inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Takes the part of a read at <paramref name="start"/> that lies beyond the frontier into the hash.</summary>
    private void Account(long start, ReadOnlySpan<byte> bytes)
    {
        if (start == _inner.Length - 8 && bytes.Length >= 4)
        {
            // Parquet's tail: the footer's length (little-endian), then "PAR1".
            var footerLength = BinaryPrimitives.ReadInt32LittleEndian(bytes);
            _footerStart = footerLength >= 0 && footerLength <= start ? start - footerLength : _footerStart;
        }

        var end = start + bytes.Length;
        if (start <= _hashedUpTo && end > _hashedUpTo)
        {
            _hash.AppendData(bytes[(int)(_hashedUpTo - start)..]);
            _hashedUpTo = end;
        }
    }

    /// <summary>Whether a read at <paramref name="start"/> skips bytes that should be hashed before it.</summary>
    private bool IsGap(long start)
        => start > _hashedUpTo && start - _hashedUpTo <= GapHashedAtOnce && start < _footerStart && start < _inner.Length - 8;

    /// <summary>Reads and hashes the bytes from the frontier to <paramref name="end"/>, leaving the position there.</summary>
    private void HashUpTo(long end)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            _inner.Position = _hashedUpTo;
            while (_hashedUpTo < end)
            {
                var read = _inner.Read(buffer, 0, (int)Math.Min(buffer.Length, end - _hashedUpTo));
                if (read == 0)
                {
                    break;
                }

                _hash.AppendData(buffer, 0, read);
                _hashedUpTo += read;
                ExtraBytesRead += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc cref="HashUpTo"/>
    private async ValueTask HashUpToAsync(long end, CancellationToken cancellationToken)
    {
        if (end <= _hashedUpTo)
        {
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            _inner.Position = _hashedUpTo;
            while (_hashedUpTo < end)
            {
                var read = await _inner.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, end - _hashedUpTo)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                _hash.AppendData(buffer, 0, read);
                _hashedUpTo += read;
                ExtraBytesRead += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
