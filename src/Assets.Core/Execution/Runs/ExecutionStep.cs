using Assets.Graph;

namespace Assets.Execution;

/// <summary>
/// One (asset, partition) for <see cref="AssetExecutor"/> to materialize, with the steps of the same run
/// it must wait for. A step starts once every step in <see cref="DependsOn"/> has published; when one of
/// them did not (failed, quarantined, waiting, skipped) the step is skipped without running. Immutable.
/// </summary>
/// <param name="Partition">The asset partition to materialize.</param>
/// <param name="DependsOn">Partitions of other steps of the same run that must publish first.</param>
public sealed record ExecutionStep(AssetPartition Partition, IReadOnlyList<AssetPartition> DependsOn)
{
    /// <summary>
    /// For an asset with <see cref="RangeRunsAttribute"/>: the consecutive partitions, this one among them, whose steps
    /// share one call of the body (each still publishes its own share atomically). Every one of them must be a step
    /// of the run with the same list, and each should depend on what any of them reads, since the call reads it all.
    /// <c>null</c> (the default): the body is called for this partition alone.
    /// </summary>
    public IReadOnlyList<AssetPartition>? RunsWith { get; init; }

    /// <summary>
    /// Why the step runs (the plan step's reason: <c>missing</c>, <c>stale: ...</c>, <c>interrupted last time ...</c>),
    /// written with the first attempt's <see cref="Metadata.RunEventKind.StepStarted"/> event so the log says why a
    /// partition was materialized; <c>null</c> (the default) when there is nothing to say.
    /// </summary>
    public string? Reason { get; init; }
}
