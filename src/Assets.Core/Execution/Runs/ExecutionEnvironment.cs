using Assets.Graph;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Assets.Execution;

/// <summary>What every step of one run shares.</summary>
internal sealed record ExecutionEnvironment(
    AssetGraph Graph,
    IMaterializationStore Store,
    Metadata.IMetadataStore Metadata,
    IServiceProvider Services,
    IClock Clock,
    ILoggerFactory LoggerFactory,
    ILogger Logger,
    ExecutionOptions Options,
    RunId Run,
    RunEvents Events,
    IProgress<StepUpdate>? Progress)
{
    /// <summary>The shared body calls of range runs, by each of their partitions.</summary>
    public IReadOnlyDictionary<AssetPartition, RangeRun> RangeRuns { get; init; } = new Dictionary<AssetPartition, RangeRun>();

    /// <summary>
    /// The identity the steps hold their partitions' leases under: the run itself (the default), or a worker's claim of a
    /// queued step (<see cref="ClaimedSteps.LeaseHolder"/>), so a step claimed again by another worker fences this one off.
    /// </summary>
    public RunId? LeaseHolder { get; init; }

    /// <summary>Whether a lease held by <paramref name="holder"/> is this environment's own.</summary>
    public bool HoldsLease(RunId? holder) => holder is { } h && h == (LeaseHolder ?? Run);

    /// <summary>Claims <paramref name="partition"/> under this environment's lease holder.</summary>
    public Task<IMaterialization> BeginAsync(AssetPartition partition, CancellationToken cancellationToken)
        => LeaseHolder is { } holder && holder != Run
            ? Store.BeginAsync(partition, Run, holder, cancellationToken)
            : Store.BeginAsync(partition, Run, cancellationToken);

    /// <summary>Where the steps record what they observed of their sources; <c>null</c> when the metadata store keeps no observations.</summary>
    public Sources.ISourceObservationStore? Observations { get; init; }
}
