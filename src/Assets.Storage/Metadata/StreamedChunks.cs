using System.Runtime.InteropServices;
using DuckDB.NET.Data;
using DuckDB.NET.Native;

namespace Assets.Storage.Metadata;

/// <summary>
/// The result of one statement streamed chunk by chunk through DuckDB's C API, each column read straight from its vector
/// (<see cref="ChunkColumn"/>): for the status grid's 730,000 states and 1.7 million recorded reads, where DuckDB.NET's
/// reader boxes or allocates a string for every value it hands over (asset keys, partition keys and code versions that
/// repeat on every row) and spends more than DuckDB itself. Not thread-safe; dispose before the connection closes.
/// </summary>
internal sealed class StreamedChunks : IDisposable
{
    private DuckDBPreparedStatement? _statement;
    private DuckDBResult _result;
    private DuckDBDataChunk? _chunk;
    private bool _hasResult;

    /// <summary>Prepares and starts <paramref name="sql"/> (no parameters) on <paramref name="connection"/>.</summary>
    /// <exception cref="MetadataStatementException">DuckDB refused to prepare or run it.</exception>
    public StreamedChunks(DuckDBConnection connection, string sql)
    {
        Sql = sql;
        if (NativeMethods.PreparedStatements.DuckDBPrepare(connection.NativeConnection, sql, out var statement) != DuckDBState.Success)
        {
            var error = NativeMethods.PreparedStatements.DuckDBPrepareError(statement);
            statement.Dispose();
            throw new MetadataStatementException(error, sql);
        }

        _statement = statement;
        var state = NativeMethods.PreparedStatements.DuckDBExecutePreparedStreaming(statement, out _result);
        _hasResult = true;
        if (state != DuckDBState.Success)
        {
            var error = NativeMethods.Query.DuckDBResultError(ref _result);
            Dispose();
            throw new MetadataStatementException(error, sql);
        }
    }

    /// <summary>The statement's text, for errors.</summary>
    public string Sql { get; }

    /// <summary>The number of rows of the current chunk (after <see cref="Next"/> returned <c>true</c>).</summary>
    public int Size { get; private set; }

    /// <summary>Moves to the next chunk; <c>false</c> once the result is exhausted.</summary>
    public bool Next()
    {
        _chunk?.Dispose();
        _chunk = null;
        Size = 0;
        while (true)
        {
            var chunk = NativeMethods.Query.DuckDBFetchChunk(_result);
            if (chunk.IsInvalid)
            {
                chunk.Dispose();
                if (NativeMethods.Query.DuckDBResultError(ref _result) is { Length: > 0 } error)
                {
                    throw new MetadataStatementException(error, Sql);
                }

                return false;
            }

            var size = checked((int)NativeMethods.DataChunks.DuckDBDataChunkGetSize(chunk));
            if (size > 0)
            {
                _chunk = chunk;
                Size = size;
                return true;
            }

            chunk.Dispose();
        }
    }

    /// <summary>Column <paramref name="index"/> of the current chunk; valid until <see cref="Next"/> or <see cref="Dispose"/>.</summary>
    public ChunkColumn Column(int index)
    {
        var vector = NativeMethods.DataChunks.DuckDBDataChunkGetVector(_chunk ?? throw new InvalidOperationException("No chunk is current."), index);
        unsafe
        {
            return new ChunkColumn((nint)NativeMethods.Vectors.DuckDBVectorGetData(vector), (nint)NativeMethods.Vectors.DuckDBVectorGetValidity(vector));
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _chunk?.Dispose();
        _chunk = null;
        if (_hasResult)
        {
            NativeMethods.Query.DuckDBDestroyResult(ref _result);
            _hasResult = false;
        }

        _statement?.Dispose();
        _statement = null;
    }
}

/// <summary>
/// One column of a chunk read in place: the vector's data and its validity mask (a bit per row, absent when every value is
/// valid). The caller names the type the column has in the statement; nothing checks it.
/// </summary>
internal readonly struct ChunkColumn(nint data, nint validity)
{
    /// <summary>Whether the value of <paramref name="row"/> is null.</summary>
    public bool IsNull(int row)
    {
        if (validity == 0)
        {
            return false;
        }

        unsafe
        {
            return (((ulong*)validity)[row >> 6] & (1UL << (row & 63))) == 0;
        }
    }

    /// <summary>A BIGINT.</summary>
    public long Int64(int row)
    {
        unsafe
        {
            return ((long*)data)[row];
        }
    }

    /// <summary>An INTEGER.</summary>
    public int Int32(int row)
    {
        unsafe
        {
            return ((int*)data)[row];
        }
    }

    /// <summary>A UTINYINT.</summary>
    public byte Byte(int row)
    {
        unsafe
        {
            return ((byte*)data)[row];
        }
    }

    /// <summary>
    /// A VARCHAR's UTF-8 bytes, in place. DuckDB's string_t is 16 bytes: the length, then up to 12 bytes inlined, or a
    /// 4-byte prefix and a pointer to the bytes.
    /// </summary>
    public ReadOnlySpan<byte> Utf8(int row)
    {
        unsafe
        {
            var value = (byte*)data + ((nint)row * 16);
            var length = *(uint*)value;
            var bytes = length <= 12 ? value + 4 : *(byte**)(value + 8);
            return new ReadOnlySpan<byte>(bytes, checked((int)length));
        }
    }
}
