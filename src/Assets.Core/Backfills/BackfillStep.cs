using Assets.Graph;
using NodaTime;

namespace Assets.Backfills;

/// <summary>One (asset, partition) of a backfill. Immutable.</summary>
/// <param name="Position">Its place in the backfill's order (0 first): ready steps start in this order.</param>
/// <param name="Partition">The asset partition.</param>
/// <param name="Chunk">
/// The run it belongs to: steps with the same chunk run in one call of a range-capable asset's body; a step that runs
/// alone has a chunk of its own.
/// </param>
/// <param name="State">Where it is.</param>
/// <param name="Attempts">How many attempts its last run made.</param>
/// <param name="Error">Why it failed, was skipped, blocked or quarantined; <c>null</c> otherwise.</param>
/// <param name="UpdatedAt">When its state last changed.</param>
public sealed record BackfillStep(int Position, AssetPartition Partition, int Chunk, BackfillStepState State, int Attempts, string? Error, Instant UpdatedAt);

/// <summary>A change of one step's state. Immutable.</summary>
/// <param name="Partition">The step.</param>
/// <param name="State">Its new state.</param>
/// <param name="Attempts">Attempts made.</param>
/// <param name="Error">The error or cause, or <c>null</c>.</param>
/// <param name="At">When.</param>
public sealed record BackfillStepUpdate(AssetPartition Partition, BackfillStepState State, int Attempts, string? Error, Instant At);
