using Assets.Hosting.Daemon;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NodaTime;

namespace Assets.Host.Tests.Daemon;

public sealed class DaemonProbesTests
{
    private static HealthStatus Check(IHealthCheck check) => check.CheckHealthAsync(new HealthCheckContext()).GetAwaiter().GetResult().Status;

    [Fact]
    public void Readiness_IsUnhealthyUntilATickSucceeds_AFailedTickDoesNotCount()
    {
        var state = new DaemonState();
        var ready = new DaemonProbes.StoreCheck(state);
        state.LoopStarted(Duration.FromSeconds(30));
        Assert.Equal(HealthStatus.Unhealthy, Check(ready));

        state.TickEnded(succeeded: false);
        Assert.Equal(HealthStatus.Unhealthy, Check(ready));

        state.TickEnded(succeeded: true);
        state.TickEnded(succeeded: false);
        Assert.Equal(HealthStatus.Healthy, Check(ready));
    }

    [Fact]
    public void Liveness_IsHealthyWhileTheLoopRuns_AndUnhealthyOnceItStops()
    {
        var state = new DaemonState();
        var live = new DaemonProbes.LoopCheck(state);
        Assert.Equal(HealthStatus.Unhealthy, Check(live));

        state.LoopStarted(Duration.FromSeconds(30));
        Assert.Equal(HealthStatus.Healthy, Check(live));
        state.TickEnded(succeeded: false);
        Assert.Equal(HealthStatus.Healthy, Check(live));

        state.LoopStopped();
        Assert.Equal(HealthStatus.Unhealthy, Check(live));
    }
}
