using System.Collections;
using System.Text;
using Assets.Graph;
using Assets.Metadata;
using NodaTime;

namespace Assets.Planning;

/// <summary>
/// The stored states of a status read, column by column: what the evaluation reads (partition, status, cause, code
/// version, whether a data version is published, when the state was written) in arrays, the texts that are distinct per
/// row (materialization id, data version) as their UTF-8 bytes, and a <see cref="PartitionState"/> made from them only
/// when a row is asked for one. A store reading 730,000 states allocated an object and two strings per row, about
/// 215 MB that all survived, so every collection during the read copied them; here the read fills a few large arrays
/// that no collection moves. Filled by one thread with <see cref="Add"/>, then read-only (and thread-safe to read).
/// </summary>
internal sealed class StoredStateColumns : IStoredStates, IReadOnlyList<PartitionState>
{
    private const byte HasId = 1;
    private const byte HasVersion = 2;
    private const byte HasSequence = 4;
    private const byte HasPublishedAt = 8;

    private AssetPartition[] _partitions;
    private PartitionStatus[] _statuses;
    private string?[] _causes;
    private string?[] _codeVersions;
    private long[] _sequences;
    private Instant[] _publishedAt;
    private Instant[] _updatedAt;
    private byte[] _flags;
    private Utf8Column _ids;
    private Utf8Column _versions;
    private PartitionState?[]? _made;
    private int _decodedDataVersions;

    /// <summary>Empty columns with room for <paramref name="capacity"/> states (they grow past it if need be).</summary>
    public StoredStateColumns(int capacity)
    {
        capacity = Math.Max(capacity, 0);
        _partitions = new AssetPartition[capacity];
        _statuses = new PartitionStatus[capacity];
        _causes = new string?[capacity];
        _codeVersions = new string?[capacity];
        _sequences = new long[capacity];
        _publishedAt = new Instant[capacity];
        _updatedAt = new Instant[capacity];
        _flags = new byte[capacity];
        _ids = new Utf8Column(capacity, 32);
        _versions = new Utf8Column(capacity, 64);
    }

    /// <summary>How many states were added.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// Adds a state. Texts that repeat between rows (<paramref name="cause"/>, <paramref name="codeVersion"/>) are best
    /// shared by the caller; <paramref name="materializationId"/> must be canonical text (written by this library).
    /// </summary>
    public void Add(
        AssetPartition partition,
        PartitionStatus status,
        string? cause,
        ReadOnlySpan<byte> materializationId,
        bool hasMaterializationId,
        ReadOnlySpan<byte> dataVersion,
        bool hasDataVersion,
        string? codeVersion,
        long? sequence,
        Instant? publishedAt,
        Instant updatedAt)
    {
        var k = Count;
        if (k == _partitions.Length)
        {
            Grow();
        }

        _partitions[k] = partition;
        _statuses[k] = status;
        _causes[k] = cause;
        _codeVersions[k] = codeVersion;
        _sequences[k] = sequence ?? 0;
        _publishedAt[k] = publishedAt ?? default;
        _updatedAt[k] = updatedAt;
        _ids.Add(k, hasMaterializationId ? materializationId : default);
        _versions.Add(k, hasDataVersion ? dataVersion : default);
        _flags[k] = (byte)((hasMaterializationId ? HasId : 0)
            | (hasDataVersion ? HasVersion : 0)
            | (sequence is null ? 0 : HasSequence)
            | (publishedAt is null ? 0 : HasPublishedAt));
        Count = k + 1;
    }

    /// <summary>How many states have been made into objects so far (what a caller asked for).</summary>
    public int MadeCount => Volatile.Read(ref _made)?.Count(state => state is not null) ?? 0;

    /// <summary>The state at <paramref name="index"/>, made on first use (<see cref="Get"/>).</summary>
    public PartitionState this[int index] => Get(index);

    /// <inheritdoc />
    public IEnumerator<PartitionState> GetEnumerator()
    {
        for (var k = 0; k < Count; k++)
        {
            yield return Get(k);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The partition of state <paramref name="index"/>.</summary>
    public AssetPartition Partition(int index) => _partitions[index];

    /// <summary>The stored status of state <paramref name="index"/>.</summary>
    public PartitionStatus Status(int index) => _statuses[index];

    /// <summary>The stored cause of state <paramref name="index"/>, or <c>null</c>.</summary>
    public string? Cause(int index) => _causes[index];

    /// <summary>The code version of state <paramref name="index"/>, or <c>null</c>.</summary>
    public string? CodeVersion(int index) => _codeVersions[index];

    /// <summary>When state <paramref name="index"/> was last written.</summary>
    public Instant UpdatedAt(int index) => _updatedAt[index];

    /// <inheritdoc />
    public bool HasDataVersion(int index) => (_flags[index] & HasVersion) != 0;

    /// <summary>How many times <see cref="DataVersion"/> made a string from a row's bytes (what a caller compared).</summary>
    public int DecodedDataVersions => Volatile.Read(ref _decodedDataVersions);

    /// <inheritdoc />
    public string? DataVersion(int index)
    {
        if (Volatile.Read(ref _made)?[index] is { } made)
        {
            return made.DataVersion;
        }

        if (!HasDataVersion(index))
        {
            return null;
        }

        Interlocked.Increment(ref _decodedDataVersions);
        return Encoding.UTF8.GetString(_versions.Bytes(index));
    }

    /// <inheritdoc />
    public PartitionState Get(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        var made = Volatile.Read(ref _made) ?? Interlocked.CompareExchange(ref _made, new PartitionState?[Count], null) ?? _made;
        if (Volatile.Read(ref made[index]) is { } state)
        {
            return state;
        }

        var built = Make(index);
        return Interlocked.CompareExchange(ref made[index], built, null) ?? built;
    }

    /// <inheritdoc />
    public PartitionState Peek(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        return Volatile.Read(ref _made)?[index] ?? Make(index);
    }

    private PartitionState Make(int index)
    {
        var flags = _flags[index];
        return new PartitionState(
            _partitions[index],
            _statuses[index],
            _causes[index],
            (flags & HasId) != 0 ? MaterializationId.FromCanonical(Encoding.UTF8.GetString(_ids.Bytes(index))) : null,
            HasDataVersion(index) ? Encoding.UTF8.GetString(_versions.Bytes(index)) : null,
            _codeVersions[index],
            (flags & HasSequence) != 0 ? _sequences[index] : null,
            (flags & HasPublishedAt) != 0 ? _publishedAt[index] : null,
            _updatedAt[index]);
    }

    private void Grow()
    {
        var capacity = Math.Max(16, 2 * _partitions.Length);
        Array.Resize(ref _partitions, capacity);
        Array.Resize(ref _statuses, capacity);
        Array.Resize(ref _causes, capacity);
        Array.Resize(ref _codeVersions, capacity);
        Array.Resize(ref _sequences, capacity);
        Array.Resize(ref _publishedAt, capacity);
        Array.Resize(ref _updatedAt, capacity);
        Array.Resize(ref _flags, capacity);
        _ids.Resize(capacity);
        _versions.Resize(capacity);
    }

    /// <summary>One text per row as UTF-8 bytes laid end to end: row k is bytes <c>End[k - 1]</c> to <c>End[k]</c>.</summary>
    private struct Utf8Column(int capacity, int expectedLength)
    {
        private byte[] _bytes = new byte[(long)capacity * expectedLength > Array.MaxLength ? Array.MaxLength : capacity * expectedLength];
        private int[] _end = new int[capacity];
        private int _used;

        public void Add(int row, ReadOnlySpan<byte> text)
        {
            if (_used + text.Length > _bytes.Length)
            {
                var needed = (long)_used + text.Length;
                var size = Math.Min(Array.MaxLength, Math.Max(needed, 2L * _bytes.Length));
                if (needed > size)
                {
                    throw new InvalidOperationException($"The stored states' texts exceed {Array.MaxLength} bytes.");
                }

                Array.Resize(ref _bytes, (int)size);
            }

            text.CopyTo(_bytes.AsSpan(_used));
            _used += text.Length;
            _end[row] = _used;
        }

        public readonly ReadOnlySpan<byte> Bytes(int row)
        {
            var start = row == 0 ? 0 : _end[row - 1];
            return _bytes.AsSpan(start, _end[row] - start);
        }

        public void Resize(int capacity) => Array.Resize(ref _end, capacity);
    }
}
