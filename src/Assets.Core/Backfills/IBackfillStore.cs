using NodaTime;

namespace Assets.Backfills;

/// <summary>
/// Where backfills live: each with its request and the state of every step, so a backfill survives the process that
/// ran it. Implementations are safe to call concurrently; each operation is atomic.
/// </summary>
public interface IBackfillStore
{
    /// <summary>Records a new backfill and its steps in one transaction.</summary>
    /// <exception cref="InvalidOperationException">A backfill with the same id exists.</exception>
    Task CreateBackfillAsync(Backfill backfill, IReadOnlyList<BackfillStep> steps, CancellationToken ct = default);

    /// <summary>The backfill with its counts, as recorded; <c>null</c> when there is none with that id.</summary>
    Task<Backfill?> GetBackfillAsync(BackfillId id, CancellationToken ct = default);

    /// <summary>Every backfill with its counts, newest first (by creation time).</summary>
    Task<IReadOnlyList<Backfill>> ListBackfillsAsync(CancellationToken ct = default);

    /// <summary>The steps of a backfill in their order (<see cref="BackfillStep.Position"/>); empty when there is no such backfill.</summary>
    Task<IReadOnlyList<BackfillStep>> GetBackfillStepsAsync(BackfillId id, CancellationToken ct = default);

    /// <summary>Sets a backfill's status, owner and message, stamped <paramref name="at"/>.</summary>
    Task SetBackfillStatusAsync(BackfillId id, BackfillStatus status, BackfillOwner? owner, string? message, Instant at, CancellationToken ct = default);

    /// <summary>Applies step changes in one transaction, in order (the last change of a step wins). Unknown steps are an argument error.</summary>
    Task UpdateBackfillStepsAsync(BackfillId id, IReadOnlyList<BackfillStepUpdate> updates, CancellationToken ct = default);
}
