using System.Collections;
using System.Runtime.CompilerServices;
using Assets.Graph;
using Assets.Metadata;

namespace Assets.Planning;

/// <summary>
/// The rows of one asset, one per position of its <see cref="PartitionSpace"/>, kept as numbers: the status, the flags,
/// and indexes into the asset's causes and stored states. A <see cref="PartitionStatusRow"/> is put together when asked for.
/// </summary>
/// <remarks>
/// Why not an array of rows: a row holds four references (the asset key, the partition's text, the cause, the stored
/// states), and 730,000 of them in arrays on the large object heap, all pointing at objects made moments before, had the
/// first collection of a cold plan scan every one of those references (about 40 MB of arrays; 40-100 ms of pause landing in
/// the plan step). Here the per-row arrays hold no references at all, so a collection passes over them; the few objects
/// they point at (causes, states made up front, the shared stored-state columns) are held once per asset.
/// </remarks>
internal sealed class StatusRows : IReadOnlyList<PartitionStatusRow>
{
    private const byte AwaitsSourceFlag = 1;
    private const byte SourceChangedSinceFlag = 2;

    /// <summary>Marks a row that is kept whole in <see cref="_irregular"/>.</summary>
    private const int Irregular = int.MinValue;

    private readonly AssetKey _asset;
    private readonly PartitionSpace _space;
    private readonly CompactRow[] _rows;
    private readonly List<string> _causes = [];
    private readonly List<PartitionState> _states = [];

    /// <summary>The one <see cref="IStoredStates"/> the rows' stored states come from (the first one a row brought).</summary>
    private IStoredStates? _columns;

    /// <summary>Rows that do not fit the compact form (a stored state from a second <see cref="IStoredStates"/>, or a partition not the position's); rare.</summary>
    private Dictionary<int, PartitionStatusRow>? _irregular;

    public StatusRows(AssetKey asset, PartitionSpace space)
    {
        _asset = asset;
        _space = space;
        _rows = new CompactRow[space.Count];
    }

    /// <summary>How many rows (the space's partitions).</summary>
    public int Length => _rows.Length;

    /// <inheritdoc />
    public int Count => _rows.Length;

    /// <summary>The status of the row at <paramref name="index"/>, without making the row (the evaluation asks once per recorded read).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public PartitionStatus StatusAt(int index)
    {
        var compact = _rows[index];
        return compact.Stored == Irregular ? _irregular![index].Status : (PartitionStatus)compact.Status;
    }

    /// <summary>The row at <paramref name="index"/>, made from its parts; setting it keeps its parts.</summary>
    // Compiled optimized on the first call: an evaluation sets hundreds of thousands of rows before tiering would step in.
    public PartitionStatusRow this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get
        {
            var compact = _rows[index];
            if (compact.Stored == Irregular)
            {
                return _irregular![index];
            }

            var partition = new AssetPartition(_asset, _space.Keys[index]);
            var cause = compact.Cause < 0 ? null : _causes[compact.Cause];
            var status = (PartitionStatus)compact.Status;
            var row = compact.Stored switch
            {
                0 => new PartitionStatusRow(partition, status, cause, null),
                > 0 => new PartitionStatusRow(partition, status, cause, _columns!, compact.Stored - 1),
                _ => new PartitionStatusRow(partition, status, cause, _states[-compact.Stored - 1]),
            };
            return compact.Flags == 0
                ? row
                : row with { AwaitsSource = (compact.Flags & AwaitsSourceFlag) != 0, SourceChangedSince = (compact.Flags & SourceChangedSinceFlag) != 0 };
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        set
        {
            var stored = value.Partition.Asset == _asset && value.Partition.Partition == _space.Keys[index]
                ? CompactStored(value)
                : Irregular;
            if (stored == Irregular)
            {
                (_irregular ??= [])[index] = value;
                _rows[index] = new CompactRow(Irregular, -1, 0, 0);
                return;
            }

            Store(index, stored, value.Status, value.Cause, value.SourceChangedSince, value.AwaitsSource);
        }
    }

    /// <summary>The partition at <paramref name="index"/>: the asset's, with the space's key there.</summary>
    public AssetPartition PartitionAt(int index) => new(_asset, _space.Keys[index]);

    /// <summary>
    /// Sets the row at <paramref name="index"/> from its parts, without making a <see cref="PartitionStatusRow"/>: the
    /// position's own partition, and the stored state at <paramref name="storedIndex"/> of <paramref name="columns"/>
    /// (none when <paramref name="columns"/> is <c>null</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Set(int index, PartitionStatus status, string? cause, IStoredStates? columns, int storedIndex, bool sourceChangedSince, bool awaitsSource = false)
    {
        if (columns is not null && (_columns ??= columns) != columns)
        {
            this[index] = new PartitionStatusRow(PartitionAt(index), status, cause, columns, storedIndex)
            {
                SourceChangedSince = sourceChangedSince,
                AwaitsSource = awaitsSource,
            };
            return;
        }

        Store(index, columns is null ? 0 : storedIndex + 1, status, cause, sourceChangedSince, awaitsSource);
    }

    /// <summary>Writes the compact row at <paramref name="index"/>, <paramref name="stored"/> as <see cref="CompactRow.Stored"/> says it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Store(int index, int stored, PartitionStatus status, string? cause, bool sourceChangedSince, bool awaitsSource)
    {
        _irregular?.Remove(index);
        var flags = (byte)((awaitsSource ? AwaitsSourceFlag : 0) | (sourceChangedSince ? SourceChangedSinceFlag : 0));
        _rows[index] = new CompactRow(stored, CauseIndex(cause), (byte)status, flags);
    }

    /// <summary>The row's stored state as <see cref="CompactRow.Stored"/> says it, or <see cref="Irregular"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int CompactStored(PartitionStatusRow value)
    {
        switch (value.StoredSource)
        {
            case null:
                return 0;
            case PartitionState state:
                _states.Add(state);
                return -_states.Count;
            case IStoredStates columns when (_columns ??= columns) == columns && value.StoredIndex < int.MaxValue:
                return value.StoredIndex + 1;
            default:
                return Irregular;
        }
    }

    /// <inheritdoc />
    public IEnumerator<PartitionStatusRow> GetEnumerator()
    {
        for (var i = 0; i < _rows.Length; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The cause's index; rows in a row that share one cause object (a stored cause, made once per text) share one entry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int CauseIndex(string? cause)
    {
        if (cause is null)
        {
            return -1;
        }

        if (_causes.Count > 0 && ReferenceEquals(_causes[^1], cause))
        {
            return _causes.Count - 1;
        }

        _causes.Add(cause);
        return _causes.Count - 1;
    }

    /// <summary>One row without references: 12 bytes.</summary>
    /// <param name="Stored">0: no stored state; above 0: the position + 1 in the shared columns; below 0: -(index + 1) in the states made up front.</param>
    /// <param name="Cause">The index in the causes, or -1 for none.</param>
    /// <param name="Status">The <see cref="PartitionStatus"/>.</param>
    /// <param name="Flags"><see cref="AwaitsSourceFlag"/> and <see cref="SourceChangedSinceFlag"/>.</param>
    private readonly record struct CompactRow(int Stored, int Cause, byte Status, byte Flags);
}
