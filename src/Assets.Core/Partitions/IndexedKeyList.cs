using System.Collections;

namespace Assets.Partitions;

/// <summary>
/// A read-only list of partition keys computed on demand from their index, so listing the keys of a
/// definition with a hundred thousand partitions costs nothing until they are read.
/// </summary>
internal sealed class IndexedKeyList : IReadOnlyList<PartitionKey>
{
    private readonly Func<int, PartitionKey> _keyAt;

    public IndexedKeyList(int count, Func<int, PartitionKey> keyAt)
    {
        Count = count;
        _keyAt = keyAt;
    }

    public int Count { get; }

    public PartitionKey this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return _keyAt(index);
        }
    }

    public IEnumerator<PartitionKey> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return _keyAt(i);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
