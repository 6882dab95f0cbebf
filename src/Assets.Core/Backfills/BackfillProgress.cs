using Assets.Execution;

namespace Assets.Backfills;

/// <summary>A backfill's progress while it runs: its counts after <see cref="Update"/>. Immutable.</summary>
/// <param name="Id">The backfill.</param>
/// <param name="Counts">Its steps by state, over the whole backfill (earlier runs included).</param>
/// <param name="Update">The step change that moved it, or <c>null</c> for the report at the start of a run.</param>
public sealed record BackfillProgress(BackfillId Id, BackfillCounts Counts, StepUpdate? Update);
