using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Parquet;

namespace Assets.Storage.Parquet;

/// <summary>
/// Writes and reads asset outputs (streams of flat records) as Parquet files with Parquet.Net, one row group at a
/// time so memory stays bounded whatever the number of rows.
/// </summary>
/// <remarks>
/// <para>
/// A record type is a class, record or struct; each public property or field (except those marked
/// <c>[ParquetIgnore]</c> or <c>[JsonIgnore]</c>) is one column, named by <c>[JsonPropertyName]</c> or the member name.
/// Storable member types: <see cref="bool"/>, the integer types, <see cref="float"/>, <see cref="double"/>,
/// <see cref="decimal"/> (precision 38, scale 18 unless <c>[ParquetDecimal]</c> says otherwise), <see cref="string"/>,
/// <c>byte[]</c>, <see cref="DateTime"/>, <see cref="DateOnly"/>, <see cref="TimeOnly"/>, <see cref="Guid"/>,
/// enums (stored as their underlying integer), and nullable forms of these. <see cref="TrySupport"/> names anything else.
/// </para>
/// <para>
/// Records are read back through a public parameterless constructor and setters (including <c>init</c> and
/// <c>required</c> members), or, for positional records, through the public constructor whose parameters are named
/// like the properties. Properties that can be neither (computed, get-only) are written but not read back.
/// </para>
/// <para>
/// Files are deterministic: the same rows written with the same options give the same bytes (and SHA-256).
/// The row group size is part of that: the executor always writes with <see cref="ParquetWriteOptions.Default"/>.
/// <see cref="DateTime"/> values are read back with <see cref="DateTimeKind.Utc"/>, see <see cref="ReadAsync{T}(Stream, CancellationToken)"/>.
/// </para>
/// </remarks>
public static class ParquetRecordFormat
{
    private static readonly ConcurrentDictionary<Type, RecordAdapter> Adapters = new();

    /// <summary>Writes rows as one Parquet file, row group by row group, and summarizes what was written.</summary>
    /// <typeparam name="T">The record type; see <see cref="TrySupport"/>.</typeparam>
    /// <param name="rows">The records, enumerated once; never materialized beyond one row group.</param>
    /// <param name="destination">
    /// Where the bytes go; written forward only, so it may be non-seekable (an upload stream). It is flushed, not closed.
    /// If writing fails, the file is left without its footer, so it can never be read as a shorter valid file.
    /// </param>
    /// <param name="options">The write options; <see cref="ParquetWriteOptions.Default"/> when <c>null</c>.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>Rows, bytes, SHA-256 and schema of the file, computed while writing.</returns>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> cannot be stored.</exception>
    public static Task<RecordFileSummary> WriteAsync<T>(
        IAsyncEnumerable<T> rows, Stream destination, ParquetWriteOptions? options = null, CancellationToken cancellationToken = default)
        => WriteAsync(rows, destination, options, null, cancellationToken);

    /// <summary>Writes rows as one Parquet file and keeps them in <paramref name="kept"/> when given (and they fit).</summary>
    internal static async Task<RecordFileSummary> WriteAsync<T>(
        IAsyncEnumerable<T> rows, Stream destination, ParquetWriteOptions? options, WrittenRows? kept, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        RecordFileWriter<T> writer = await RecordFileWriter<T>.CreateAsync(destination, options, cancellationToken).ConfigureAwait(false);
        writer.Keep(kept);
        await foreach (T row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (writer.Add(row))
            {
                await writer.WriteRowGroupAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes rows as one Parquet file, row group by row group, and summarizes what was written.</summary>
    /// <typeparam name="T">The record type; see <see cref="TrySupport"/>.</typeparam>
    /// <param name="rows">The records, enumerated once; never materialized beyond one row group.</param>
    /// <param name="destination">Where the bytes go; written forward only, flushed, not closed.</param>
    /// <param name="options">The write options; <see cref="ParquetWriteOptions.Default"/> when <c>null</c>.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>Rows, bytes, SHA-256 and schema of the file, computed while writing.</returns>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> cannot be stored.</exception>
    public static async Task<RecordFileSummary> WriteAsync<T>(
        IEnumerable<T> rows, Stream destination, ParquetWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        RecordFileWriter<T> writer = await RecordFileWriter<T>.CreateAsync(destination, options, cancellationToken).ConfigureAwait(false);
        foreach (T row in rows)
        {
            if (writer.Add(row))
            {
                await writer.WriteRowGroupAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes rows of a record type known only at run time (the executor's entry point).</summary>
    /// <param name="recordType">The record type; every row must be one.</param>
    /// <param name="rows">The records.</param>
    /// <param name="destination">Where the bytes go; written forward only, flushed, not closed.</param>
    /// <param name="options">The write options; <see cref="ParquetWriteOptions.Default"/> when <c>null</c>.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>Rows, bytes, SHA-256 and schema of the file.</returns>
    public static Task<RecordFileSummary> WriteAsync(
        Type recordType, IAsyncEnumerable<object?> rows, Stream destination, ParquetWriteOptions? options = null, CancellationToken cancellationToken = default)
        => AdapterFor(recordType).WriteAsync(rows, destination, options, cancellationToken);

    /// <summary>Writes rows of a record type known only at run time (the executor's entry point).</summary>
    /// <param name="recordType">The record type; every row must be one.</param>
    /// <param name="rows">The records.</param>
    /// <param name="destination">Where the bytes go; written forward only, flushed, not closed.</param>
    /// <param name="options">The write options; <see cref="ParquetWriteOptions.Default"/> when <c>null</c>.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>Rows, bytes, SHA-256 and schema of the file.</returns>
    public static Task<RecordFileSummary> WriteAsync(
        Type recordType, IEnumerable<object?> rows, Stream destination, ParquetWriteOptions? options = null, CancellationToken cancellationToken = default)
        => AdapterFor(recordType).WriteAsync(rows, destination, options, cancellationToken);

    /// <summary>Reads the records of a Parquet file, one row group at a time.</summary>
    /// <typeparam name="T">The record type the file was written with (or one with the same columns).</typeparam>
    /// <param name="source">A readable, seekable stream (Parquet keeps its footer at the end); not closed.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records, in the order they were written.</returns>
    /// <remarks>
    /// Parquet.Net returns timestamps with <see cref="DateTimeKind.Unspecified"/>; the columns this format writes
    /// are UTC-adjusted, so they are returned with <see cref="DateTimeKind.Utc"/> (the ticks are unchanged; a
    /// <see cref="DateTimeKind.Local"/> value is stored by its ticks as written, not converted).
    /// </remarks>
    /// <exception cref="InvalidDataException">The stream is not a complete Parquet file, or its columns do not match <typeparamref name="T"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> cannot be stored.</exception>
    public static IAsyncEnumerable<T> ReadAsync<T>(Stream source, CancellationToken cancellationToken = default)
        => ReadAsync<T>(source, null, cancellationToken);

    /// <summary>
    /// Reads the records of a Parquet file that was written from <paramref name="written"/> (in order): the columns
    /// whose values are proven to read back as taken (per row group, see <see cref="WrittenValues"/>) are taken from
    /// those rows instead of being decoded, the others are decoded; the records are the ones reading the file alone gives.
    /// </summary>
    internal static async IAsyncEnumerable<T> ReadAsync<T>(Stream source, T[]? written, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        RecordLayout<T> layout = RecordLayout<T>.Get();
        if (!source.CanRead || !source.CanSeek)
        {
            throw new ArgumentException("Parquet files are read from a readable, seekable stream (the footer is at the end): download to a file first.", nameof(source));
        }

        await using RecordFileReader<T> reader = await RecordFileReader<T>.OpenAsync(layout, source, cancellationToken).ConfigureAwait(false);
        if (written is not null)
        {
            reader.UseWritten(written);
        }

        T[] rows = [];
        for (int rowGroup = 0; rowGroup < reader.RowGroupCount; rowGroup++)
        {
            (rows, int count) = await reader.ReadRowGroupAsync(rowGroup, rows, cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < count; i++)
            {
                yield return rows[i];
            }

            Array.Clear(rows, 0, count);
        }
    }

    /// <summary>Reads the records of a Parquet file for a record type known only at run time.</summary>
    /// <param name="recordType">The record type the file was written with.</param>
    /// <param name="source">A readable, seekable stream; not closed.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records.</returns>
    public static IAsyncEnumerable<object> ReadAsync(Type recordType, Stream source, CancellationToken cancellationToken = default)
        => AdapterFor(recordType).ReadAsync(source, null, cancellationToken);

    /// <summary>
    /// Reads the records of a Parquet file written from <paramref name="written"/> (rows of <paramref name="recordType"/>,
    /// in order), taking the columns whose values are proven to read back as taken from those rows; see <see cref="ReadAsync{T}(Stream, T[], CancellationToken)"/>.
    /// </summary>
    internal static IAsyncEnumerable<object> ReadAsync(Type recordType, Stream source, IReadOnlyList<object>? written, CancellationToken cancellationToken = default)
        => AdapterFor(recordType).ReadAsync(source, written, cancellationToken);

    /// <summary>
    /// The records a file written from <paramref name="written"/> reads back as, built without the file when every
    /// value of every column it reads is proven to read back as taken; otherwise <c>false</c>, and the file must be read.
    /// </summary>
    internal static bool TryReadWritten(Type recordType, IReadOnlyList<object> written, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IReadOnlyList<object>? rows)
        => AdapterFor(recordType).TryReadWritten(written, out rows);

    /// <summary>
    /// Writes rows of a record type known only at run time and keeps them, when <paramref name="kept"/> is given and
    /// they are at most <see cref="WrittenRows.Limit"/>, for <see cref="ReadAsync(Type, Stream, IReadOnlyList{object}, CancellationToken)"/>.
    /// </summary>
    internal static Task<RecordFileSummary> WriteAsync(
        Type recordType, IAsyncEnumerable<object?> rows, Stream destination, WrittenRows? kept, CancellationToken cancellationToken = default)
        => AdapterFor(recordType).WriteAsync(rows, destination, null, kept, cancellationToken);

    /// <summary>
    /// The stable text description of a record type's columns, as stored in manifests: one line per column,
    /// <c>name:type:nullable</c> or <c>name:type:required</c>, in file order, <c>\n</c>-separated.
    /// </summary>
    /// <param name="recordType">The record type.</param>
    /// <returns>For example <c>OrderId:int64:required\nAmount:decimal(38,18):required\nNote:string:nullable</c>.</returns>
    /// <exception cref="NotSupportedException">The type cannot be stored.</exception>
    public static string DescribeSchema(Type recordType)
    {
        ArgumentNullException.ThrowIfNull(recordType);
        RecordShape? shape = RecordShape.Analyze(recordType, out IReadOnlyList<string> errors);
        return shape?.Describe() ?? throw new NotSupportedException(
            $"Records of type '{recordType.Name}' cannot be stored as Parquet: " + string.Join(" ", errors));
    }

    /// <summary>
    /// Whether records of a type can be written and read back; meant for definition time, so a user learns which
    /// property to change before anything runs.
    /// </summary>
    /// <param name="recordType">The record type.</param>
    /// <param name="error">When not supported: every problem, each naming the property and a supported type to use.</param>
    /// <returns><c>true</c> when the type can be stored and read back.</returns>
    public static bool TrySupport(Type recordType, out string? error)
    {
        ArgumentNullException.ThrowIfNull(recordType);
        RecordShape? shape = RecordShape.Analyze(recordType, out IReadOnlyList<string> errors);
        error = shape is null ? string.Join(Environment.NewLine, errors) : null;
        return shape is not null;
    }

    private static RecordAdapter AdapterFor(Type recordType)
    {
        ArgumentNullException.ThrowIfNull(recordType);
        return Adapters.GetOrAdd(
            recordType,
            static type => (RecordAdapter)Activator.CreateInstance(typeof(RecordAdapter<>).MakeGenericType(type))!);
    }
}
