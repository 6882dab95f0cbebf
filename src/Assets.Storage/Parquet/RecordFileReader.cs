using Parquet;
using Parquet.Schema;

namespace Assets.Storage.Parquet;

/// <summary>One Parquet file being read row group by row group into records of <typeparamref name="T"/>.</summary>
internal sealed class RecordFileReader<T> : IAsyncDisposable
{
    private readonly RecordLayout<T> _layout;
    private readonly ParquetReader _reader;
    private readonly ColumnBuffer<T>?[] _columns;
    private readonly object?[] _decoded;
    private T[]? _written;
    private int _writtenOffset;
    private bool _disposed;

    private RecordFileReader(RecordLayout<T> layout, ParquetReader reader)
    {
        _layout = layout;
        _reader = reader;
        _columns = layout.Columns.Select(c => c.Column.IsRead ? c.CreateBuffer() : null).ToArray();
        _decoded = new object?[_columns.Length];
    }

    public int RowGroupCount => _reader.RowGroupCount;

    /// <summary>
    /// The records of <paramref name="written"/> (the rows a file was just written from) as reading that file would
    /// build them, without the file, when every column read can be taken from them, every value checked (see
    /// <see cref="ColumnSpec{TRow}.CanTakeWritten"/>); otherwise <c>false</c>.
    /// </summary>
    public static bool TryBuildFromWritten(RecordLayout<T> layout, T[] written, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T[]? rows)
    {
        rows = null;
        var decoded = new object?[layout.Columns.Count];
        var buffers = new List<ColumnBuffer<T>>(decoded.Length);
        for (int c = 0; c < decoded.Length; c++)
        {
            ColumnSpec<T> column = layout.Columns[c];
            if (!column.Column.IsRead)
            {
                continue;
            }

            if (!column.CanTakeWritten)
            {
                return false;
            }

            ColumnBuffer<T> buffer = column.CreateBuffer();
            buffers.Add(buffer);
            if (!buffer.TryTakeWritten(written, 0, written.Length, out object? values))
            {
                Release(buffers);
                return false;
            }

            decoded[c] = values;
        }

        rows = new T[written.Length];
        layout.BuildRows(decoded, rows, written.Length);
        Release(buffers);
        return true;
    }

    /// <summary>
    /// Takes the columns whose values can be taken from <paramref name="written"/>, the rows the file was written
    /// from (in order), instead of decoding them; the others are still decoded. Ignored unless the file holds
    /// exactly that many rows.
    /// </summary>
    public void UseWritten(T[] written)
    {
        long rows = 0;
        for (int i = 0; i < _reader.RowGroupCount; i++)
        {
            using ParquetRowGroupReader rowGroup = _reader.OpenRowGroupReader(i);
            rows += rowGroup.RowCount;
        }

        _written = rows == written.Length ? written : null;
        _writtenOffset = 0;
    }

    public static async Task<RecordFileReader<T>> OpenAsync(RecordLayout<T> layout, Stream source, CancellationToken cancellationToken)
    {
        long length = source.Length;
        ParquetReader reader;
        try
        {
            reader = await ParquetReader.CreateAsync(source, new ParquetOptions { UseDateOnlyTypeForDates = true }, leaveStreamOpen: true, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            throw new InvalidDataException(
                $"The stream is not a complete Parquet file ({length} bytes; truncated or not Parquet): {ex.Message}", ex);
        }

        try
        {
            CheckColumns(layout, reader.Schema);
        }
        catch
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new RecordFileReader<T>(layout, reader);
    }

    private static void CheckColumns(RecordLayout<T> layout, ParquetSchema fileSchema)
    {
        var problems = new List<string>();
        foreach (ColumnSpec<T> column in layout.Columns)
        {
            if (!column.Column.IsRead)
            {
                continue;
            }

            DataField expected = column.Field;
            DataField? actual = fileSchema.DataFields.FirstOrDefault(f => f.Path.Equals(expected.Path));
            if (actual is null)
            {
                problems.Add($"column '{column.Column.ColumnName}' is missing from the file");
            }
            else if (actual.MaxDefinitionLevel != expected.MaxDefinitionLevel || actual.MaxRepetitionLevel != expected.MaxRepetitionLevel)
            {
                problems.Add($"column '{column.Column.ColumnName}' is {(actual.IsNullable ? "nullable" : "required")} in the file but {(expected.IsNullable ? "nullable" : "required")} in '{typeof(T).Name}'");
            }
            else if (actual.ClrType != expected.ClrType && !(actual is TimeDataField && expected is TimeDataField))
            {
                problems.Add($"column '{column.Column.ColumnName}' holds {actual.ClrType.Name} in the file but '{typeof(T).Name}' stores {expected.ClrType.Name}");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException($"The Parquet file does not match record type '{typeof(T).Name}': {string.Join("; ", problems)}.");
        }
    }

    /// <summary>Reads one row group into <paramref name="rows"/> (grown when needed); returns the array and the row count.</summary>
    public async Task<(T[] Rows, int Count)> ReadRowGroupAsync(int index, T[] rows, CancellationToken cancellationToken)
    {
        using ParquetRowGroupReader rowGroup = _reader.OpenRowGroupReader(index);
        int count = checked((int)rowGroup.RowCount);
        for (int c = 0; c < _columns.Length; c++)
        {
            if (_columns[c] is not { } column)
            {
                continue;
            }

            if (_written is { } written && column.TryTakeWritten(written, _writtenOffset, count, out object? values))
            {
                _decoded[c] = values;
                continue;
            }

            try
            {
                _decoded[c] = await column.ReadAsync(rowGroup, count, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                throw new InvalidDataException(
                    $"Row group {index} of the Parquet file cannot be read (column '{_layout.Columns[c].Column.ColumnName}'); the file is damaged: {ex.Message}", ex);
            }
        }

        if (rows.Length < count)
        {
            rows = new T[count];
        }

        _layout.BuildRows(_decoded, rows, count);
        _writtenOffset += count;
        return (rows, count);
    }

    public ValueTask DisposeAsync()
    {
        // Released once: a buffer handed back twice would be given to two files at once.
        if (!_disposed)
        {
            _disposed = true;
            Release(_columns);
        }

        return _reader.DisposeAsync();
    }

    private static void Release(IEnumerable<ColumnBuffer<T>?> buffers)
    {
        foreach (ColumnBuffer<T>? buffer in buffers)
        {
            buffer?.Release();
        }
    }
}
