using Assets.Graph;
using Assets.Metadata;

namespace Assets.Planning;

/// <summary>
/// What the status grid is evaluated from, as a store that compares versions itself hands it over
/// (<see cref="IStatusInputStore"/>): the stored states, and for each state the upstream partitions its materialization
/// read, in the order recorded, each as the index of the upstream's state among <see cref="States"/>. A recorded version
/// travels only where it is not the upstream's current data version (or the upstream has no state at all); everywhere
/// else the store vouches that they are equal, so the 1.75 million recorded versions of a 730,000-partition grid are
/// compared where they are stored instead of being decoded. Read-only once built.
/// </summary>
internal sealed class StatusInputs
{
    /// <summary>Builds the inputs; <paramref name="readStart"/> has one more element than <paramref name="states"/>.</summary>
    /// <param name="states">The stored states, in any order, one per partition, each made into an object only when asked for.</param>
    /// <param name="readStart">The reads of state k are entries <c>readStart[k]</c> to <c>readStart[k + 1] - 1</c>.</param>
    /// <param name="readUpstream">Per entry, the index among <paramref name="states"/> of the partition read, or -1 when the
    /// store has no state for it (then <paramref name="differing"/> names it).</param>
    /// <param name="differing">Per entry whose recorded version is not the current data version of the partition it names:
    /// that version, and the partition when it has no state.</param>
    public StatusInputs(StoredStateColumns states, int[] readStart, int[] readUpstream, IReadOnlyDictionary<int, RecordedRead> differing)
    {
        Preconditions.CheckNotNull(states);
        Preconditions.CheckNotNull(readStart);
        Preconditions.CheckNotNull(readUpstream);
        Preconditions.CheckNotNull(differing);
        Preconditions.CheckArgument(readStart.Length == states.Count + 1, "There must be one read start per state, and one after the last.", nameof(readStart));
        States = states;
        ReadStart = readStart;
        ReadUpstream = readUpstream;
        Differing = differing;
        HasDiffering = new bool[readUpstream.Length];
        foreach (var entry in differing.Keys)
        {
            HasDiffering[entry] = true;
        }
    }

    /// <summary>The stored states.</summary>
    public StoredStateColumns States { get; }

    /// <summary>Where each state's reads start in <see cref="ReadUpstream"/>; the last element is the number of entries.</summary>
    public int[] ReadStart { get; }

    /// <summary>Per entry, the index of the state read, or -1 when the store has none for it.</summary>
    public int[] ReadUpstream { get; }

    /// <summary>Entries whose recorded version differs from the current one of the partition they name, by entry index.</summary>
    public IReadOnlyDictionary<int, RecordedRead> Differing { get; }

    /// <summary>Per entry, whether <see cref="Differing"/> has it (the usual answer, no, without a lookup).</summary>
    public bool[] HasDiffering { get; }
}

/// <summary>
/// One recorded read whose version is not the current data version of the partition it names.
/// </summary>
/// <param name="Partition">The partition read, when the store has no state for it; otherwise <c>null</c> (the state says which).</param>
/// <param name="DataVersion">The version read.</param>
internal readonly record struct RecordedRead(AssetPartition? Partition, string DataVersion);
