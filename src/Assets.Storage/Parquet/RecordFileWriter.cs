using Parquet;

namespace Assets.Storage.Parquet;

/// <summary>One Parquet file being written: one <see cref="ParquetWriter"/> and a buffer of one row group.</summary>
internal sealed class RecordFileWriter<T>
{
    private readonly RecordLayout<T> _layout;
    private readonly CountingHashStream _output;
    private readonly ParquetWriter _writer;
    private readonly ColumnBuffer<T>[] _columns;
    private readonly int _rowGroupSize;
    private T[] _rows;
    private int _count;
    private readonly bool _ownsOutput;
    private long _total;
    private WrittenRows? _keep;
    private List<T>? _kept;

    private RecordFileWriter(RecordLayout<T> layout, CountingHashStream output, ParquetWriter writer, int rowGroupSize, bool ownsOutput)
    {
        _layout = layout;
        _ownsOutput = ownsOutput;
        _output = output;
        _writer = writer;
        _rowGroupSize = rowGroupSize;
        _rows = new T[Math.Min(rowGroupSize, 1024)];
        _columns = layout.Columns.Select(c => c.CreateBuffer()).ToArray();
    }

    /// <summary>The Parquet.Net options every file is written with; fixed, because they decide the bytes.</summary>
    internal static ParquetOptions WriteOptions() => new() { CompressionMethod = CompressionMethod.Snappy };

    public static async Task<RecordFileWriter<T>> CreateAsync(Stream destination, ParquetWriteOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        options ??= ParquetWriteOptions.Default;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.RowGroupSize, "options.RowGroupSize");
        RecordLayout<T> layout = RecordLayout<T>.Get();
        if (!destination.CanWrite)
        {
            throw new ArgumentException("The destination stream is not writable.", nameof(destination));
        }

        // The writer only ever sees a forward-only stream, so it writes the same bytes whether or not the
        // destination can seek, and every byte passes through the hash. A destination that already hashes from
        // its first byte (the publisher's staging stream) is used as it is: one SHA-256 pass over a large file
        // instead of two.
        bool shared = destination is CountingHashStream { BytesWritten: 0 };
        CountingHashStream output = shared ? (CountingHashStream)destination : new CountingHashStream(destination);
        ParquetWriter writer = await ParquetWriter.CreateAsync(layout.Shape.Schema, output, WriteOptions(), append: false, cancellationToken)
            .ConfigureAwait(false);
        return new RecordFileWriter<T>(layout, output, writer, options.RowGroupSize, ownsOutput: !shared);
    }

    /// <summary>
    /// Keeps the rows written in <paramref name="keep"/> (when given, for a record class, and while they fit its limit)
    /// once the file is complete.
    /// </summary>
    public void Keep(WrittenRows? keep)
    {
        if (keep is not null && !typeof(T).IsValueType)
        {
            _keep = keep;
            _kept = [];
        }
    }

    /// <summary>Buffers a row; <c>true</c> when the row group is full and must be written.</summary>
    public bool Add(T row)
    {
        if (row is null)
        {
            throw new ArgumentException($"Row {_total + _count} is null; records cannot be null.", nameof(row));
        }

        if (_count == _rows.Length)
        {
            Array.Resize(ref _rows, (int)Math.Min(_rowGroupSize, _rows.Length * 2L));
        }

        _rows[_count++] = row;
        return _count == _rowGroupSize;
    }

    public async Task WriteRowGroupAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using (ParquetRowGroupWriter rowGroup = _writer.CreateRowGroup())
        {
            foreach (ColumnBuffer<T> column in _columns)
            {
                await column.WriteAsync(rowGroup, _rows, _count, cancellationToken).ConfigureAwait(false);
            }

            rowGroup.CompleteValidate();
        }

        if (_kept is not null)
        {
            if (_kept.Count + _count <= _keep!.Limit)
            {
                _kept.AddRange(_rows.AsSpan(0, _count));
            }
            else
            {
                _kept = null;
            }
        }

        Array.Clear(_rows, 0, _count);
        _total += _count;
        _count = 0;
    }

    /// <summary>Writes the last row group and the footer, flushes, and summarizes the file.</summary>
    public async Task<RecordFileSummary> CompleteAsync(CancellationToken cancellationToken)
    {
        if (_count > 0)
        {
            await WriteRowGroupAsync(cancellationToken).ConfigureAwait(false);
        }

        await _writer.DisposeAsync().ConfigureAwait(false);
        foreach (ColumnBuffer<T> column in _columns)
        {
            column.Release();
        }

        if (_keep is not null && _kept is not null)
        {
            // A record class: its array is an array of objects.
            _keep.Rows = (IReadOnlyList<object>)(object)_kept.ToArray();
        }

        if (!_ownsOutput)
        {
            // The owner goes on hashing (and may check the file's bytes against this summary).
            return new RecordFileSummary(_total, _output.BytesWritten, _output.CurrentHash(), _layout.Shape.Describe());
        }

        var summary = new RecordFileSummary(_total, _output.BytesWritten, _output.FinishHash(), _layout.Shape.Describe());
        await _output.DisposeAsync().ConfigureAwait(false);
        return summary;
    }
}
