using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Assets.Hosting.Daemon;

/// <summary>
/// The daemon's probes, shaped for Kubernetes: <c>/health/live</c> (liveness: restart me) answers 503 only when the
/// daemon's loop has ended or made no progress for <see cref="StuckAfter"/> ticks (and at least five minutes), which a
/// restart cures; <c>/health/ready</c> (readiness: send me requests) answers 503 until the first tick has succeeded (the
/// metadata store is open and reconciled with the root), then 200, degraded or not. Late data never fails either probe:
/// restarting the daemon would not make it arrive.
/// </summary>
internal static class DaemonProbes
{
    /// <summary>The tag of the checks behind <c>/health/live</c>.</summary>
    public const string Live = "live";

    /// <summary>The tag of the checks behind <c>/health/ready</c>.</summary>
    public const string Ready = "ready";

    /// <summary>How many tick intervals without progress make the loop stuck.</summary>
    public const int StuckAfter = 10;

    private static readonly TimeSpan MinimumStuck = TimeSpan.FromMinutes(5);

    /// <summary>Liveness: the loop runs and progresses.</summary>
    public sealed class LoopCheck(DaemonState state) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var limit = TimeSpan.FromTicks(Math.Max(state.Tick.Ticks * StuckAfter, MinimumStuck.Ticks));
            return Task.FromResult(
                !state.Running ? HealthCheckResult.Unhealthy("The daemon's loop is not running.")
                : state.SinceProgress > limit ? HealthCheckResult.Unhealthy($"The daemon's loop has made no progress for {state.SinceProgress.TotalSeconds:0}s (limit {limit.TotalSeconds:0}s).")
                : HealthCheckResult.Healthy("The daemon's loop runs."));
        }
    }

    /// <summary>Readiness: a tick has succeeded, so the store is open and the API answers from it.</summary>
    public sealed class StoreCheck(DaemonState state) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
            => Task.FromResult(state.Ready
                ? HealthCheckResult.Healthy("The metadata store is open and reconciled.")
                : HealthCheckResult.Unhealthy("Starting: the first tick (opening and reconciling the metadata store) has not succeeded yet."));
    }
}
