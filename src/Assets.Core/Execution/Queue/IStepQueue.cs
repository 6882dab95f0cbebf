using Assets.Graph;
using NodaTime;

namespace Assets.Execution.Queue;

/// <summary>
/// The step queue of the shared mode (DESIGN.md, "Shared mode"; PostgreSQL only): enqueuers (<c>materialize</c>,
/// backfills, automation) put a run's steps in with their dependencies, <c>worker</c> processes claim the ready ones,
/// renew their claims while they run them, and complete them with their outcome. The queue decides, atomically and
/// for every process at once:
/// <list type="bullet">
/// <item><description><b>Readiness.</b> A step is <see cref="QueuedStepState.Ready"/> once every step it depends on
/// published. When one of them ends otherwise, every step downstream of it (transitively) is skipped with the cause
/// the in-process executor gives (<c>upstream X failed</c>, <c>... was quarantined</c>, <c>... is waiting for its
/// source</c>; a skipped step passes its own cause on), in the completion's transaction.</description></item>
/// <item><description><b>Claims.</b> A claim is one worker's hold of one step until <see cref="StepClaim.ExpiresAt"/>;
/// renewing extends it. Its <see cref="StepClaim.Attempt"/> grows each time the step changes hands: a claim that
/// expired makes the step claimable again as the next attempt, and a renewal or completion of the older attempt is
/// refused.</description></item>
/// <item><description><b>Fairness.</b> The pool is the slots of the live workers (heartbeat younger than
/// <see cref="ClaimRequest.WorkerTtl"/>). Current work (<see cref="StepPriority.Current"/>) is claimed before backfill
/// work; a backfill step is claimed only while at least one slot of the pool stays free after it (unless the pool has
/// a single slot, as with <see cref="StepSlots"/>), and a run never
/// holds more claims than its <see cref="QueuedRun.ConcurrencyLimit"/> (a backfill: over all its runs). Within a
/// priority, older runs first, and within a run the step order the enqueuer gave.</description></item>
/// <item><description><b>Code versions.</b> A worker claims only steps whose asset has, in its own build, the code
/// version the enqueuer's build had; the others stay ready for a matching worker, with a
/// <see cref="QueuedStepStatus.Note"/> saying so (a rolling deploy).</description></item>
/// </list>
/// Times are the caller's (<c>now</c> parameters), as with <see cref="Metadata.IFencedLeaseStore"/>: keep the
/// machines' clocks in sync (NTP) and the TTLs well above their skew. Thread-safe; every operation is atomic.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It is a queue of steps: the domain's own word, as in Airflow and Dagster.")]
public interface IStepQueue
{
    /// <summary>
    /// Puts <paramref name="run"/> and all its steps in the queue in one transaction and wakes waiting workers. Steps
    /// without dependencies are ready at once. Enqueuing a run id that is already queued throws
    /// <see cref="InvalidOperationException"/> and changes nothing.
    /// </summary>
    Task EnqueueAsync(QueuedRun run, Instant now, CancellationToken ct = default);

    /// <summary>
    /// Adds <paramref name="worker"/> to the pool (or refreshes its row when the id is registered already), its
    /// heartbeat set to <see cref="QueueWorker.StartedAt"/>.
    /// </summary>
    Task RegisterWorkerAsync(QueueWorker worker, CancellationToken ct = default);

    /// <summary>
    /// Records that <paramref name="worker"/> is alive at <paramref name="now"/>. <c>false</c> when the worker is not
    /// registered (deregistered, or the database was reset): register again.
    /// </summary>
    Task<bool> HeartbeatWorkerAsync(WorkerId worker, Instant now, CancellationToken ct = default);

    /// <summary>
    /// Takes <paramref name="worker"/> out of the pool, and gives every claim it still holds back (as
    /// <see cref="ReleaseAsync"/> does), in one transaction: a clean shutdown. Unknown workers are ignored.
    /// </summary>
    Task DeregisterWorkerAsync(WorkerId worker, CancellationToken ct = default);

    /// <summary>The registered workers, live or not (for status and the UI), oldest first.</summary>
    Task<IReadOnlyList<QueueWorkerStatus>> ListWorkersAsync(Instant now, Duration workerTtl, CancellationToken ct = default);

    /// <summary>
    /// Claims up to <see cref="ClaimRequest.MaxSteps"/> ready steps for the worker in one transaction, by the rules in
    /// this interface's summary: expired claims first become claimable again, steps of other code versions are left
    /// with a note, current work before backfill work, the pool's last free slot never to a backfill, and each run's
    /// concurrency limit kept. Steps of a range run (<see cref="ExecutionStep.RunsWith"/>) are claimed together, all
    /// or none, and count as one slot. Returns the claims in queue order; empty when nothing is claimable now.
    /// </summary>
    Task<IReadOnlyList<StepClaim>> ClaimAsync(ClaimRequest request, CancellationToken ct = default);

    /// <summary>
    /// Extends each of <paramref name="claims"/> to <paramref name="now"/> + <paramref name="ttl"/> if it is still
    /// current (same step, same attempt, not completed or released: even past its expiry, as long as no claim has
    /// taken the step back since), in one round trip. Returns one status per claim, in order:
    /// <see cref="ClaimStatus.Lost"/> means stop and publish nothing; <see cref="ClaimStatus.CancelRequested"/> means the
    /// run was cancelled: stop the step and complete it as <see cref="StepOutcome.Cancelled"/>.
    /// </summary>
    Task<IReadOnlyList<ClaimStatus>> RenewAsync(IReadOnlyList<StepClaim> claims, Instant now, Duration ttl, CancellationToken ct = default);

    /// <summary>
    /// Ends <paramref name="claim"/> with <paramref name="result"/>'s outcome, only if the claim is still current, and
    /// in the same transaction makes its dependents ready (when it published) or skips everything downstream of it
    /// (otherwise; downstream of a cancelled step is cancelled), then wakes waiters. <c>false</c>: the claim had
    /// changed hands, completed or been released; nothing was written. <see cref="StepResult.Checks"/> is not kept
    /// (check results live in the metadata store).
    /// </summary>
    Task<bool> CompleteAsync(StepClaim claim, StepResult result, Instant now, CancellationToken ct = default);

    /// <summary>
    /// Gives <paramref name="claim"/> back unfinished (the worker is shutting down): the step is ready again at once,
    /// for the next attempt. <c>false</c> when the claim was no longer current.
    /// </summary>
    Task<bool> ReleaseAsync(StepClaim claim, CancellationToken ct = default);

    /// <summary>
    /// Cancels <paramref name="run"/>: steps not started (pending, ready) become <see cref="QueuedStepState.Cancelled"/>
    /// with <paramref name="cause"/>, running ones are asked to stop (their next renewal answers
    /// <see cref="ClaimStatus.CancelRequested"/>). Returns how many steps were cancelled outright; 0 for an unknown or
    /// finished run.
    /// </summary>
    Task<int> CancelRunAsync(RunId run, string cause, Instant now, CancellationToken ct = default);

    /// <summary>The run's steps as they stand, in the order enqueued; <c>null</c> when the run was never queued.</summary>
    Task<QueuedRunStatus?> GetRunAsync(RunId run, CancellationToken ct = default);

    /// <summary>The newest <paramref name="limit"/> runs with their steps counted by state, newest first (the queue depth for status and the UI).</summary>
    Task<IReadOnlyList<QueuedRunSummary>> ListRunsAsync(int limit, CancellationToken ct = default);

    /// <summary>
    /// Removes what the queue no longer needs, in one transaction: runs with no open step whose last step ended before
    /// <paramref name="before"/> (with their steps; their outcomes stay in the metadata store's event log and partition
    /// states), and workers whose last heartbeat is older than it. Safe to call from any number of processes at once.
    /// </summary>
    Task<QueuePruning> PruneAsync(Instant before, CancellationToken ct = default);

    /// <summary>
    /// Opens a session that waits for the queue to change (a run enqueued, a step completed or released, a run
    /// cancelled, a worker gone), for a worker waiting for work and a <c>materialize</c> waiting for its run. Holds
    /// one connection of its own for as long as it is open.
    /// </summary>
    Task<IStepQueueSession> OpenSessionAsync(CancellationToken ct = default);
}
