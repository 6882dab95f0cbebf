using NodaTime;

namespace Assets.Hosting.Daemon;

/// <summary>
/// What status, plan, freshness and observe ask, answered as their <c>--json</c> documents: either by this process from the
/// metadata store (<see cref="LocalAssetsQueries"/>) or by a running daemon over HTTP (<see cref="DaemonClient"/>),
/// so each command has one code path and the same output either way.
/// </summary>
internal interface IAssetsQueries
{
    /// <summary>The <c>status --json</c> document.</summary>
    Task<string> StatusAsync(string? select, (string? Partition, string? From, string? To) range, CancellationToken cancellationToken);

    /// <summary>The <c>plan --json</c> document.</summary>
    Task<string> PlanAsync(string select, (string? Partition, string? From, string? To) range, bool force, CancellationToken cancellationToken);

    /// <summary>The <c>freshness --json</c> document judged at <paramref name="asOf"/>.</summary>
    Task<string> FreshnessAsync(Instant asOf, CancellationToken cancellationToken);

    /// <summary>Observes the selected assets' sources, records the observations, and returns the <c>observe --json</c> document.</summary>
    Task<string> ObserveAsync(string? select, (string? Partition, string? From, string? To) range, CancellationToken cancellationToken);
}
