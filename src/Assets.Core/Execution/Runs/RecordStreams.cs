using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Assets.Execution;

/// <summary>Conversions between the untyped record streams of <see cref="IMaterializationStore"/> and the typed shapes of asset signatures.</summary>
internal static class RecordStreams
{
    private static readonly MethodInfo CastMethod = typeof(RecordStreams).GetMethod(nameof(Cast), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo BoxMethod = typeof(RecordStreams).GetMethod(nameof(Box), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>An <c>IAsyncEnumerable&lt;recordType&gt;</c> over <paramref name="rows"/>.</summary>
    public static object ToTyped(Type recordType, IAsyncEnumerable<object> rows)
        => CastMethod.MakeGenericMethod(recordType).Invoke(null, [rows, CancellationToken.None])!;

    /// <summary>The rows of an <c>IAsyncEnumerable&lt;T&gt;</c> returned by a body, as objects.</summary>
    /// <remarks>
    /// A stream of a reference type already is an <c>IAsyncEnumerable&lt;object?&gt;</c> (the interface is covariant), so
    /// it is passed on as it is: the writer can then see the typed stream and enumerate it without a second iterator
    /// per row, which for millions of rows costs as much as the Parquet encoding of a column. Only streams of value
    /// types are boxed.
    /// </remarks>
    public static IAsyncEnumerable<object?> FromTyped(Type recordType, object stream)
        => stream as IAsyncEnumerable<object?>
            ?? (IAsyncEnumerable<object?>)BoxMethod.MakeGenericMethod(recordType).Invoke(null, [stream, CancellationToken.None])!;

    /// <summary>The rows of a collection returned by a body, as an asynchronous stream.</summary>
    public static async IAsyncEnumerable<object?> FromCollection(IEnumerable rows, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return row;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <summary>
    /// Reads every row into the collection type a parameter declares: <c>T[]</c>, or a <c>List&lt;T&gt;</c>
    /// for <c>List&lt;T&gt;</c>, <c>IEnumerable&lt;T&gt;</c>, <c>IReadOnlyCollection&lt;T&gt;</c> and <c>IReadOnlyList&lt;T&gt;</c>.
    /// </summary>
    public static async Task<object> ToCollectionAsync(Type parameterType, Type recordType, IAsyncEnumerable<object> rows, CancellationToken cancellationToken)
    {
        var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(recordType))!;
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            list.Add(row);
        }

        if (!parameterType.IsArray)
        {
            return list;
        }

        var array = Array.CreateInstance(recordType, list.Count);
        list.CopyTo(array, 0);
        return array;
    }

    /// <summary>
    /// Reads every row into the collection type a parameter declares, as <see cref="ToCollectionAsync(Type, Type, IAsyncEnumerable{object}, CancellationToken)"/>,
    /// from chunks of rows: each chunk is copied into the typed array at once.
    /// </summary>
    public static async Task<object> ToCollectionAsync(Type parameterType, Type recordType, IAsyncEnumerable<IReadOnlyList<object>> chunks, CancellationToken cancellationToken)
    {
        var read = new List<IReadOnlyList<object>>();
        var count = 0;
        await foreach (var chunk in chunks.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            read.Add(chunk);
            count = checked(count + chunk.Count);
        }

        var array = Array.CreateInstance(recordType, count);
        var typed = (IList)array;
        var at = 0;
        foreach (var chunk in read)
        {
            if (chunk is object[] held)
            {
                // One copy with a type check per element, in the runtime: no interface call per row.
                Array.Copy(held, 0, array, at, held.Length);
                at += held.Length;
            }
            else
            {
                foreach (var row in chunk)
                {
                    typed[at++] = row;
                }
            }
        }

        return parameterType.IsArray ? array : Activator.CreateInstance(typeof(List<>).MakeGenericType(recordType), array)!;
    }

    private static async IAsyncEnumerable<T> Cast<T>(IAsyncEnumerable<object> rows, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return (T)row;
        }
    }

    private static async IAsyncEnumerable<object?> Box<T>(IAsyncEnumerable<T> rows, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return row;
        }
    }
}
