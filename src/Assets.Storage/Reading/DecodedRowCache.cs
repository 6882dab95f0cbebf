using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Reflection;
using System.Runtime.CompilerServices;
using Assets.Execution;
using Assets.Metadata;

namespace Assets.Storage.Reading;

/// <summary>
/// The rows of partitions a run has decoded, keyed by materialization id and record type, so each is decoded
/// once per run however many steps and checks read it. A materialization id names immutable files (staged or
/// published), so an entry can never be stale; it sits above the byte streams, so whatever a stream verifies
/// (sizes, checksums) is verified on the one decode. Bounded by <see cref="DecodedRowCacheOptions.MaxRows"/>,
/// least recently read first out; a partition too large for it is streamed as if there were no cache.
/// <para>
/// Rows are handed to several readers as the same objects, so only record types whose instances cannot be
/// changed after construction (every public property get-only or <c>init</c>, every public field read-only)
/// are kept; others are decoded for every reader. Thread-safe.
/// </para>
/// </summary>
public sealed class DecodedRowCache
{
    private static readonly Counter<long> RowsRead = AssetsTelemetry.Meter.CreateCounter<long>(
        "assets.rows.read", "{row}", "Rows of upstream and staged partitions handed to asset bodies and checks, by source: decoded from a file or from the run's cache.");

    private static readonly ConcurrentDictionary<Type, bool> Immutable = new();

    private readonly long _maxRows;
    private readonly Lock _gate = new();
    private readonly Dictionary<(MaterializationId Id, Type Type), LinkedListNode<Entry>> _entries = [];
    private readonly Dictionary<(MaterializationId Id, Type Type), LinkedListNode<Entry>> _written = [];
    private readonly LinkedList<Entry> _recency = new();
    private long _heldRows;
    private long _decoded;
    private long _fromMemory;
    private long _fromWrites;

    /// <summary>Creates a cache with <paramref name="options"/> (<see cref="DecodedRowCacheOptions.Default"/> when <c>null</c>).</summary>
    public DecodedRowCache(DecodedRowCacheOptions? options = null)
    {
        options ??= DecodedRowCacheOptions.Default;
        options.Validate();
        _maxRows = options.MaxRows;
    }

    /// <summary>Rows decoded from files so far.</summary>
    public long RowsDecoded => Interlocked.Read(ref _decoded);

    /// <summary>Rows handed out from memory so far, without decoding.</summary>
    public long RowsFromMemory => Interlocked.Read(ref _fromMemory);

    /// <summary>
    /// Of <see cref="RowsDecoded"/>, the rows built from the rows the run wrote (kept by <see cref="OfferWritten"/>):
    /// only values not proven to read back as written (times, GUIDs, byte arrays, a decimal with more decimals than its
    /// column's scale, ...) were decoded from the file, and a partition with none was not read back at all.
    /// </summary>
    public long RowsFromWrites => Interlocked.Read(ref _fromWrites);

    /// <summary>
    /// The rows of materialization <paramref name="id"/> as <paramref name="recordType"/>: from memory when held,
    /// otherwise from <paramref name="decode"/>, streamed, and kept when they fit.
    /// </summary>
    public async IAsyncEnumerable<object> ReadAsync(
        MaterializationId id, Type recordType, Func<IAsyncEnumerable<object>> decode, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recordType);
        ArgumentNullException.ThrowIfNull(decode);
        if (TryGet((id, recordType), out var held))
        {
            foreach (var row in held)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return row;
            }

            yield break;
        }

        List<object>? kept = _maxRows > 0 && IsImmutable(recordType) ? [] : null;
        long count = 0;
        try
        {
            await foreach (var row in decode().WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                count++;
                if (kept is not null)
                {
                    if (kept.Count < _maxRows)
                    {
                        kept.Add(row);
                    }
                    else
                    {
                        kept = null;
                    }
                }

                yield return row;
            }
        }
        finally
        {
            Interlocked.Add(ref _decoded, count);
            RowsRead.Add(count, new KeyValuePair<string, object?>("source", "decoded"));
        }

        // Only a whole partition is kept: a reader that stopped early never gets here.
        if (kept is not null)
        {
            Add((id, recordType), [.. kept]);
        }
    }

    /// <summary>
    /// The rows of materialization <paramref name="id"/> as <paramref name="recordType"/>, as <see cref="ReadAsync"/>
    /// gives them, in chunks: the whole partition at once when held (the array kept, shared, never to be changed).
    /// </summary>
    internal async IAsyncEnumerable<IReadOnlyList<object>> ReadChunksAsync(
        MaterializationId id, Type recordType, Func<IAsyncEnumerable<object>> decode, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recordType);
        ArgumentNullException.ThrowIfNull(decode);
        if (TryGet((id, recordType), out var held))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return held;
            yield break;
        }

        var chunk = new List<object>();
        await foreach (var row in ReadAsync(id, recordType, decode, cancellationToken).ConfigureAwait(false))
        {
            chunk.Add(row);
        }

        yield return chunk;
    }

    /// <summary>
    /// How many rows of <paramref name="recordType"/> a write may keep for <see cref="OfferWritten"/>; <c>null</c> when
    /// they would not be kept (the cache is off, or the type's instances can change).
    /// </summary>
    internal long? WrittenRowsLimit(Type recordType) => _maxRows > 0 && IsImmutable(recordType) ? _maxRows : null;

    /// <summary>
    /// Keeps the rows materialization <paramref name="id"/> was just written from (its one file, in order), within
    /// the same bound as decoded rows, until its first reader takes them (<see cref="TakeWritten"/>) to build its rows
    /// without decoding the columns that come back unchanged. A second offer for the same key withdraws both: the
    /// materialization has more than one file.
    /// </summary>
    internal void OfferWritten(MaterializationId id, Type recordType, IReadOnlyList<object> rows)
    {
        ArgumentNullException.ThrowIfNull(recordType);
        ArgumentNullException.ThrowIfNull(rows);
        var key = (id, recordType);
        lock (_gate)
        {
            if (_written.Remove(key, out var offered))
            {
                Forget(offered);
                return;
            }

            if (WrittenRowsLimit(recordType) is not { } limit || rows.Count > limit || _entries.ContainsKey(key))
            {
                return;
            }

            MakeRoom(rows.Count);
            _written[key] = _recency.AddFirst(new Entry(key, null, rows));
            _heldRows += rows.Count;
        }
    }

    /// <summary>No longer keeps the rows offered for <paramref name="id"/> (it has a second file of <paramref name="recordType"/>).</summary>
    internal void WithdrawWritten(MaterializationId id, Type recordType)
    {
        lock (_gate)
        {
            if (_written.Remove((id, recordType), out var offered))
            {
                Forget(offered);
            }
        }
    }

    /// <summary>The rows offered for <paramref name="id"/> by <see cref="OfferWritten"/>, no longer kept; <c>null</c> when none are.</summary>
    internal IReadOnlyList<object>? TakeWritten(MaterializationId id, Type recordType)
    {
        lock (_gate)
        {
            if (!_written.Remove((id, recordType), out var node))
            {
                return null;
            }

            Forget(node);
            Interlocked.Add(ref _fromWrites, node.Value.Count);
            return node.Value.Written;
        }
    }

    private void Forget(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        _heldRows -= node.Value.Count;
    }

    private void MakeRoom(long rows)
    {
        while (_heldRows + rows > _maxRows && _recency.Last is { } oldest)
        {
            _recency.RemoveLast();
            (oldest.Value.Rows is null ? _written : _entries).Remove(oldest.Value.Key);
            _heldRows -= oldest.Value.Count;
        }
    }

    /// <summary>The held rows of <paramref name="key"/>, counted as read from memory; <c>false</c> when not held.</summary>
    private bool TryGet((MaterializationId, Type) key, out object[] rows)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                rows = node.Value.Rows!;
            }
            else
            {
                rows = [];
                return false;
            }
        }

        Interlocked.Add(ref _fromMemory, rows.Length);
        RowsRead.Add(rows.Length, new KeyValuePair<string, object?>("source", "memory"));
        return true;
    }

    private void Add((MaterializationId, Type) key, object[] rows)
    {
        lock (_gate)
        {
            if (_entries.ContainsKey(key))
            {
                return;
            }

            MakeRoom(rows.Length);
            _entries[key] = _recency.AddFirst(new Entry(key, rows, null));
            _heldRows += rows.Length;
        }
    }

    /// <summary>Whether instances of <paramref name="type"/> cannot change after construction, so one can be shared by several readers.</summary>
    internal static bool IsImmutable(Type type) => Immutable.GetOrAdd(type, static t =>
        t.IsClass
        && t.GetProperties(BindingFlags.Public | BindingFlags.Instance).All(p => p.SetMethod is not { IsPublic: true } setter || IsInitOnly(setter))
        && t.GetFields(BindingFlags.Public | BindingFlags.Instance).All(f => f.IsInitOnly));

    private static bool IsInitOnly(MethodInfo setter)
        => setter.ReturnParameter.GetRequiredCustomModifiers().Any(m => m == typeof(IsExternalInit));

    /// <summary>Decoded rows (<see cref="Rows"/>) or rows offered by their writer (<see cref="Written"/>).</summary>
    private sealed record Entry((MaterializationId Id, Type Type) Key, object[]? Rows, IReadOnlyList<object>? Written)
    {
        public int Count => Rows?.Length ?? Written!.Count;
    }
}
