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

    /// <summary>Where the steps record what they observed of their sources; <c>null</c> when the metadata store keeps no observations.</summary>
    public Sources.ISourceObservationStore? Observations { get; init; }
}
