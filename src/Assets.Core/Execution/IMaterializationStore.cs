using Assets.Graph;
using Assets.Metadata;
using NodaTime;

namespace Assets;

/// <summary>
/// Where the executor writes materializations and reads upstream data, without knowing files, Parquet
/// or S3 (Assets.Storage implements it with the publish protocol). Implementations are thread-safe.
/// </summary>
public interface IMaterializationStore
{
    /// <summary>
    /// Claims a partition for a run: takes its lease (throwing when another run holds it) and reads the
    /// published version as the fencing token. The returned materialization publishes only over that version.
    /// </summary>
    Task<IMaterialization> BeginAsync(AssetPartition partition, RunId run, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims a partition for one attempt of a step of <paramref name="run"/> whose lease is held under its own identity,
    /// <paramref name="leaseHolder"/> (a worker's claim of a queued step): when the step is claimed again by another
    /// worker after this one stalled, the new claim holds the lease under another identity, so the lease changes hands,
    /// its fencing epoch grows, and this attempt can no longer publish. Events and manifests still name
    /// <paramref name="run"/>. The default implementation supports only <paramref name="leaseHolder"/> equal to
    /// <paramref name="run"/> (the lease held by the run itself, as <see cref="BeginAsync(AssetPartition, RunId, CancellationToken)"/>).
    /// </summary>
    Task<IMaterialization> BeginAsync(AssetPartition partition, RunId run, RunId leaseHolder, CancellationToken cancellationToken = default)
        => leaseHolder == run
            ? BeginAsync(partition, run, cancellationToken)
            : throw new NotSupportedException($"{GetType().Name} holds leases only under the run's own id; steps claimed by workers need a store that supports lease holders of their own (the storage's).");

    /// <summary>The published data version of a partition; <c>null</c> when it was never published.</summary>
    Task<string?> GetDataVersionAsync(AssetPartition partition, CancellationToken cancellationToken = default);

    /// <summary>The records of the published version of a partition, streamed; none when it was never published.</summary>
    IAsyncEnumerable<object> ReadAsync(Type recordType, AssetPartition partition, CancellationToken cancellationToken = default);
}

/// <summary>
/// One materialization of one partition in progress (see <see cref="IMaterializationStore.BeginAsync(Graph.AssetPartition, RunId, CancellationToken)"/>).
/// Call <see cref="WriteRowsAsync"/> for a data output, run the checks against <see cref="ReadStagedAsync"/>,
/// then exactly one of <see cref="PublishAsync"/>, <see cref="QuarantineAsync"/> or <see cref="FailAsync"/>.
/// Disposing without one of them abandons it: nothing is published and the lease is released.
/// </summary>
public interface IMaterialization : IAsyncDisposable
{
    /// <summary>The materialization's id.</summary>
    MaterializationId Id { get; }

    /// <summary>Stages the rows (written as Parquet, invisible to readers); returns how many were written.</summary>
    Task<long> WriteRowsAsync(Type recordType, IAsyncEnumerable<object?> rows, CancellationToken cancellationToken = default);

    /// <summary>Reads the staged rows back (checks run on them before anything is published).</summary>
    IAsyncEnumerable<object> ReadStagedAsync(Type recordType, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the manifest and publishes by compare-and-swap of the pointer, then records the publish and the
    /// check results. Throws when another writer published first. Returns the new data version.
    /// </summary>
    Task<string> PublishAsync(
        string codeVersion,
        IReadOnlyList<UpstreamVersion> upstream,
        Interval? interval,
        IReadOnlyDictionary<string, object?> metadata,
        string? dataVersion,
        IReadOnlyList<CheckRecord> checkResults,
        CancellationToken cancellationToken = default);

    /// <summary>A blocking check failed: publish nothing, keep the staged data, record the quarantine and the results.</summary>
    Task QuarantineAsync(string cause, IReadOnlyList<CheckRecord> checkResults, CancellationToken cancellationToken = default);

    /// <summary>The materialization failed: the previous version stays published; the partition is marked failed with <paramref name="reason"/>.</summary>
    Task FailAsync(string reason, CancellationToken cancellationToken = default);

    /// <summary>
    /// The body found its source absent (<see cref="SourceNotArrivedException"/>): publish nothing; the previous version,
    /// if any, stays published; the partition is marked waiting with <paramref name="reason"/>, not failed, so a late
    /// upstream is never read as complete and never reported as a crash.
    /// </summary>
    Task WaitForSourceAsync(string reason, CancellationToken cancellationToken = default);
}
