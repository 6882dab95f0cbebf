using Assets.Freshness;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NodaTime;

namespace Assets.Hosting.Daemon;

/// <summary>
/// The daemon's health as ASP.NET Core health checks see it: degraded while an asset with a freshness policy is overdue
/// (the data is late; the daemon itself works), healthy otherwise. Judged from the daemon's last tick, or now before
/// the first one. <c>serve</c> maps it at <c>GET /health</c>.
/// </summary>
internal sealed class FreshnessHealthCheck(IServiceProvider services, DaemonState state, AssetsClock clock) : IHealthCheck
{
    /// <summary>The key of <see cref="HealthCheckResult.Data"/> that lists the overdue assets.</summary>
    public const string OverdueKey = "overdue";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var freshness = state.Freshness
            ?? await LocalAssetsQueries.EvaluateFreshnessAsync(services, clock.GetCurrentInstant(), cancellationToken).ConfigureAwait(false);
        var overdue = freshness.Where(f => f.State == FreshnessState.Overdue).Select(f => f.Asset.Value).ToArray();
        var data = new Dictionary<string, object> { [OverdueKey] = overdue };
        return overdue.Length == 0
            ? HealthCheckResult.Healthy("Every asset with a freshness policy is fresh, warned or not yet published.", data)
            : HealthCheckResult.Degraded($"Overdue: {string.Join(", ", overdue)}.", data: data);
    }
}
