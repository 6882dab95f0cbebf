using Assets.Metadata;

namespace Assets.Planning;

/// <summary>
/// Stored states kept in a compact form and made into <see cref="PartitionState"/> objects only when a row is asked for
/// one (<see cref="PartitionStatusRow.Stored"/>): a grid of 730,000 partitions asks for few, and making every one up front
/// was most of what reading or decoding the grid allocated.
/// </summary>
internal interface IStoredStates
{
    /// <summary>The stored state at <paramref name="index"/>, made on the first call and then kept.</summary>
    PartitionState Get(int index);

    /// <summary>
    /// The stored state at <paramref name="index"/> for a caller that reads it once and lets it go (a snapshot being
    /// written): the kept one if it was made, else one made and not kept, so a pass over every row leaves only garbage
    /// that dies young instead of an object per row that the grid holds.
    /// </summary>
    PartitionState Peek(int index);

    /// <summary>Whether the state at <paramref name="index"/> has a published data version (without making the state, where the form allows).</summary>
    bool HasDataVersion(int index);

    /// <summary>The published data version of the state at <paramref name="index"/>, or <c>null</c>.</summary>
    string? DataVersion(int index);
}
