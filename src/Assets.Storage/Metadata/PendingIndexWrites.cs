using Assets.Graph;
using Assets.Metadata;
using Assets.Sources;

namespace Assets.Storage.Metadata;

/// <summary>A lease as the store keeps it in memory, its only place (times in stored ticks).</summary>
internal readonly record struct LeaseRow(string Holder, long AcquiredAt, long ExpiresAt);

/// <summary>
/// Index writes of a <see cref="DuckDbMetadataStore"/> not committed yet, merged so that one commit applies them
/// all: the last state per partition and the last record per materialization win (as they would had they been
/// committed one by one), and events keep their append order and sequence numbers. Not thread-safe: the store's
/// lock guards it.
/// </summary>
internal sealed class PendingIndexWrites
{
    /// <summary>Partition states, the last written per partition.</summary>
    public Dictionary<AssetPartition, PartitionState> States { get; } = [];

    /// <summary>Materialization records, the last written per id.</summary>
    public Dictionary<MaterializationId, MaterializationRecord> Materializations { get; } = [];

    /// <summary>Events in append order with the sequence numbers assigned when they were appended.</summary>
    public List<(long Seq, RunEvent Event)> Events { get; } = [];

    /// <summary>Check results in the order they were recorded (the table is append-only).</summary>
    public List<CheckRecord> CheckResults { get; } = [];

    /// <summary>Source observations in the order they were recorded (each is merged into the stored one in turn).</summary>
    public List<ObservedSource> Observations { get; } = [];

    /// <summary>How many writes are waiting (after merging).</summary>
    public int Count => States.Count + Materializations.Count + Events.Count + CheckResults.Count + Observations.Count;

    /// <summary>Forgets everything (after a commit, or when a crash is simulated).</summary>
    public void Clear()
    {
        States.Clear();
        Materializations.Clear();
        Events.Clear();
        CheckResults.Clear();
        Observations.Clear();
    }
}
