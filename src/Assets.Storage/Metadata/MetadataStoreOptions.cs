using NodaTime;

namespace Assets.Storage.Metadata;

/// <summary>Settings of the <see cref="DuckDbMetadataStore"/>.</summary>
public sealed class MetadataStoreOptions
{
    /// <summary>
    /// How long index writes (partition states, materialization records, run events, lease changes, check results,
    /// source observations) may wait in memory to be committed together with the writes that follow them. Every DuckDB
    /// commit costs milliseconds,
    /// and a publish makes half a dozen index writes, so grouping them is most of the per-partition cost of small
    /// partitions. Reads always see every write made before them (pending writes are committed first, or answered
    /// from memory), leases are decided in memory under the store's lock (this process is the file's only user),
    /// and <see cref="DuckDbMetadataStore.DisposeAsync"/> commits what is pending. What a crash can lose is at most
    /// this window of index entries: the published pointers are the truth, and reconciliation on the next open
    /// restores every partition's state and materialization record from them; run events, check results and source
    /// observations of the window are lost (a source is observed again when its partition next runs).
    /// <see cref="Duration.Zero"/> commits every write before it returns. Default: 1 second: a commit with its merges costs
    /// DuckDB several milliseconds of CPU however few writes it carries, so a busy run committing every 100 milliseconds
    /// spent about a twentieth of its CPU on them (a fresh materialize of the example: about 50 commits against 5).
    /// </summary>
    public Duration IndexWriteDelay { get; init; } = Duration.FromSeconds(1);

    /// <summary>
    /// How many index writes may wait before they are committed at once, whatever <see cref="IndexWriteDelay"/>
    /// says; a single write of more rows than this is committed before it returns. Default: 1,000.
    /// </summary>
    public int MaxPendingWrites { get; init; } = 1000;

    /// <summary>
    /// The worker threads DuckDB runs queries on. The store's queries are small and one runs at a time, so extra
    /// threads mostly spin waiting for work (15% of a warm CLI run's CPU with DuckDB's default of one per core);
    /// reading a grid of hundreds of thousands of states is bound by turning rows into objects, not by the scan.
    /// Default: 1.
    /// </summary>
    public int Threads { get; init; } = 1;

    /// <summary>The defaults.</summary>
    internal static MetadataStoreOptions Default { get; } = new();

    /// <summary>Throws when a setting is out of range.</summary>
    internal void Validate()
    {
        if (IndexWriteDelay < Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(IndexWriteDelay), IndexWriteDelay, "The index write delay cannot be negative.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPendingWrites, 1, nameof(MaxPendingWrites));
        ArgumentOutOfRangeException.ThrowIfLessThan(Threads, 1, nameof(Threads));
    }
}
