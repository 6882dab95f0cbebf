using NodaTime;

namespace Assets.Hosting.Daemon;

/// <summary>
/// What status, plan, freshness, observe, history, rollback and gc ask, answered as their documents: either by this process
/// from the metadata store (<see cref="LocalAssetsQueries"/>) or by a running daemon over HTTP (<see cref="DaemonClient"/>),
/// so each command has one code path and the same output either way, and the ones that write (observe, rollback, gc) do so
/// in the process that holds the store and its leases.
/// </summary>
internal interface IAssetsQueries
{
    /// <summary>The <c>status --json</c> document.</summary>
    Task<string> StatusAsync(string? select, (string? Partition, string? From, string? To) range, CancellationToken cancellationToken);

    /// <summary>The rows <c>status</c> draws as its grid: what <see cref="StatusAsync"/> says, one row per asset.</summary>
    Task<IReadOnlyList<Rendering.StatusRow>> StatusRowsAsync(string? select, (string? Partition, string? From, string? To) range, CancellationToken cancellationToken);

    /// <summary>The <c>plan --json</c> document.</summary>
    Task<string> PlanAsync(string select, (string? Partition, string? From, string? To) range, bool force, CancellationToken cancellationToken);

    /// <summary>The <c>freshness --json</c> document judged at <paramref name="asOf"/>.</summary>
    Task<string> FreshnessAsync(Instant asOf, CancellationToken cancellationToken);

    /// <summary>Observes the selected assets' sources, records the observations, and returns the <c>observe --json</c> document.</summary>
    Task<string> ObserveAsync(string? select, (string? Partition, string? From, string? To) range, CancellationToken cancellationToken);

    /// <summary>The <c>history --json</c> document of the one partition selected.</summary>
    Task<string> HistoryAsync(string select, string? partition, CancellationToken cancellationToken);

    /// <summary>Rolls the selected partitions back (to <paramref name="to"/>, or each to its previous version); the rollback document.</summary>
    Task<string> RollbackAsync(string select, string? partition, string? to, CancellationToken cancellationToken);

    /// <summary>Removes (or with <paramref name="dryRun"/> lists) what no pointer references, older than <paramref name="olderThan"/>; the gc document.</summary>
    Task<string> GcAsync(bool dryRun, Duration olderThan, CancellationToken cancellationToken);
}
