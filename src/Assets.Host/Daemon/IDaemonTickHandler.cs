using Assets.Freshness;

namespace Assets.Hosting.Daemon;

/// <summary>
/// Called by the daemon on every tick after freshness is evaluated: the hook for automation (an
/// <c>AutomationPlanner</c> that starts runs for overdue or stale assets). Register implementations in the host's services.
/// </summary>
public interface IDaemonTickHandler
{
    /// <summary>Acts on one tick; <paramref name="freshness"/> is every asset with a policy, judged now.</summary>
    Task OnTickAsync(IServiceProvider services, IReadOnlyList<AssetFreshness> freshness, CancellationToken cancellationToken);
}
