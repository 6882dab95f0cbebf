using Assets.Graph;

namespace Assets.Execution;

/// <summary>
/// One (asset, partition) for <see cref="AssetExecutor"/> to materialize, with the steps of the same run
/// it must wait for. A step starts once every step in <see cref="DependsOn"/> has published; when one of
/// them did not (failed, quarantined, waiting, skipped) the step is skipped without running. Immutable.
/// </summary>
/// <param name="Partition">The asset partition to materialize.</param>
/// <param name="DependsOn">Partitions of other steps of the same run that must publish first.</param>
public sealed record ExecutionStep(AssetPartition Partition, IReadOnlyList<AssetPartition> DependsOn);
