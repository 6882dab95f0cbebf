using System.Runtime.CompilerServices;

namespace Assets.Storage.Parquet;

/// <summary>The non-generic face of <see cref="ParquetRecordFormat"/> for one record type, made once per type.</summary>
internal abstract class RecordAdapter
{
    public abstract Task<RecordFileSummary> WriteAsync(IAsyncEnumerable<object?> rows, Stream destination, ParquetWriteOptions? options, CancellationToken cancellationToken);

    public abstract Task<RecordFileSummary> WriteAsync(IEnumerable<object?> rows, Stream destination, ParquetWriteOptions? options, CancellationToken cancellationToken);

    public abstract IAsyncEnumerable<object> ReadAsync(Stream source, CancellationToken cancellationToken);
}

/// <summary>Casts rows to <typeparamref name="T"/> and calls the generic methods: no reflection per row.</summary>
internal sealed class RecordAdapter<T> : RecordAdapter
{
    public override Task<RecordFileSummary> WriteAsync(IAsyncEnumerable<object?> rows, Stream destination, ParquetWriteOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);

        // A body's IAsyncEnumerable<T> of a reference type reaches here as it is (the interface is covariant):
        // enumerate it directly rather than through a casting iterator, one async step fewer per row. The writer
        // still rejects null rows, and every row of a typed stream is a T.
        return rows is IAsyncEnumerable<T> typed
            ? ParquetRecordFormat.WriteAsync(typed, destination, options, cancellationToken)
            : ParquetRecordFormat.WriteAsync(CastAsync(rows, cancellationToken), destination, options, cancellationToken);
    }

    public override Task<RecordFileSummary> WriteAsync(IEnumerable<object?> rows, Stream destination, ParquetWriteOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return rows is IEnumerable<T> typed
            ? ParquetRecordFormat.WriteAsync(typed, destination, options, cancellationToken)
            : ParquetRecordFormat.WriteAsync(Cast(rows), destination, options, cancellationToken);
    }

    public override async IAsyncEnumerable<object> ReadAsync(Stream source, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (T row in ParquetRecordFormat.ReadAsync<T>(source, cancellationToken).ConfigureAwait(false))
        {
            yield return row!;
        }
    }

    private static T As(object? row, long index) => row switch
    {
        T typed => typed,
        null => throw new ArgumentException($"Row {index} is null; records cannot be null."),
        _ => throw new ArgumentException($"Row {index} is a {row.GetType().Name}, not a {typeof(T).Name}."),
    };

    private static IEnumerable<T> Cast(IEnumerable<object?> rows)
    {
        long index = 0;
        foreach (object? row in rows)
        {
            yield return As(row, index++);
        }
    }

    private static async IAsyncEnumerable<T> CastAsync(IAsyncEnumerable<object?> rows, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long index = 0;
        await foreach (object? row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return As(row, index++);
        }
    }
}
