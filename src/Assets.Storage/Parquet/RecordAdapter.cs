using System.Runtime.CompilerServices;

namespace Assets.Storage.Parquet;

/// <summary>The non-generic face of <see cref="ParquetRecordFormat"/> for one record type, made once per type.</summary>
internal abstract class RecordAdapter
{
    public Task<RecordFileSummary> WriteAsync(IAsyncEnumerable<object?> rows, Stream destination, ParquetWriteOptions? options, CancellationToken cancellationToken)
        => WriteAsync(rows, destination, options, null, cancellationToken);

    public abstract Task<RecordFileSummary> WriteAsync(IAsyncEnumerable<object?> rows, Stream destination, ParquetWriteOptions? options, WrittenRows? kept, CancellationToken cancellationToken);

    public abstract Task<RecordFileSummary> WriteAsync(IEnumerable<object?> rows, Stream destination, ParquetWriteOptions? options, CancellationToken cancellationToken);

    public abstract IAsyncEnumerable<object> ReadAsync(Stream source, IReadOnlyList<object>? written, CancellationToken cancellationToken);

    public abstract bool TryReadWritten(IReadOnlyList<object> written, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IReadOnlyList<object>? rows);
}

/// <summary>Casts rows to <typeparamref name="T"/> and calls the generic methods: no reflection per row.</summary>
internal sealed class RecordAdapter<T> : RecordAdapter
{
    public override Task<RecordFileSummary> WriteAsync(IAsyncEnumerable<object?> rows, Stream destination, ParquetWriteOptions? options, WrittenRows? kept, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);

        // A body's IAsyncEnumerable<T> of a reference type reaches here as it is (the interface is covariant):
        // enumerate it directly rather than through a casting iterator, one async step fewer per row. The writer
        // still rejects null rows, and every row of a typed stream is a T.
        return rows is IAsyncEnumerable<T> typed
            ? ParquetRecordFormat.WriteAsync(typed, destination, options, kept, cancellationToken)
            : ParquetRecordFormat.WriteAsync(CastAsync(rows, cancellationToken), destination, options, kept, cancellationToken);
    }

    public override Task<RecordFileSummary> WriteAsync(IEnumerable<object?> rows, Stream destination, ParquetWriteOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return rows is IEnumerable<T> typed
            ? ParquetRecordFormat.WriteAsync(typed, destination, options, cancellationToken)
            : ParquetRecordFormat.WriteAsync(Cast(rows), destination, options, cancellationToken);
    }

    public override async IAsyncEnumerable<object> ReadAsync(Stream source, IReadOnlyList<object>? written, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (T row in ParquetRecordFormat.ReadAsync<T>(source, written is null ? null : Typed(written), cancellationToken).ConfigureAwait(false))
        {
            yield return row!;
        }
    }

    public override bool TryReadWritten(IReadOnlyList<object> written, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IReadOnlyList<object>? rows)
    {
        rows = null;
        if (typeof(T).IsValueType || !RecordFileReader<T>.TryBuildFromWritten(RecordLayout<T>.Get(), Typed(written), out T[]? built))
        {
            return false;
        }

        // A record class: its array is an array of objects.
        rows = (IReadOnlyList<object>)(object)built;
        return true;
    }

    /// <summary>The rows as <typeparamref name="T"/>[]: the array the writer kept, or a copy of other lists.</summary>
    private static T[] Typed(IReadOnlyList<object> written) => written as T[] ?? written.Cast<T>().ToArray();

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
