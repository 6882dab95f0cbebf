using Assets.Graph;

namespace Assets.Storage.Publishing;

/// <summary>
/// Another materialization replaced a partition's pointer between this one's claim and its publish.
/// Nothing of this materialization was published; its staged files stay for <c>gc</c>.
/// </summary>
public sealed class PublishConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PublishConflictException(AssetPartition partition, MaterializationId lost, MaterializationId? winner)
        : base($"{partition}: materialization {lost} was not published because {(winner is { } w ? $"materialization {w}" : "another writer")} "
            + "replaced the partition's pointer after this run read it. Nothing was overwritten; run again to build on the new version.")
    {
        Partition = partition;
        Lost = lost;
        Winner = winner;
    }

    /// <summary>The partition.</summary>
    public AssetPartition Partition { get; }

    /// <summary>The materialization that was not published.</summary>
    public MaterializationId Lost { get; }

    /// <summary>The materialization the pointer names now, if any.</summary>
    public MaterializationId? Winner { get; }
}
