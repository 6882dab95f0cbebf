using Assets.Graph;

namespace Assets.Planning;

/// <summary>
/// One (asset, partition) a <see cref="Plan"/> materializes, with why, and the steps of the same plan it reads
/// and so must wait for.
/// </summary>
/// <param name="Partition">The asset partition.</param>
/// <param name="Reason">Why it is in the plan: <c>missing</c>, <c>stale: ...</c>, <c>failed last time: ...</c>,
/// <c>quarantined last time: ...</c>, <c>waiting last time: ...</c> or <c>forced</c>.</param>
/// <param name="DependsOn">The partitions of earlier steps of the plan this one reads (through its mappings), each once.</param>
public sealed record PlanStep(AssetPartition Partition, string Reason, IReadOnlyList<AssetPartition> DependsOn);
