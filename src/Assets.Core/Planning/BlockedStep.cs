using Assets.Graph;

namespace Assets.Planning;

/// <summary>An (asset, partition) the plan would materialize but cannot, and why; it is not run.</summary>
/// <param name="Partition">The asset partition.</param>
/// <param name="Reason">Why it cannot run, with what to do about it.</param>
public sealed record BlockedStep(AssetPartition Partition, string Reason);
