using Assets.Execution;

namespace Assets.Hosting.Daemon;

/// <summary>
/// The host's services as the daemon hands them to <see cref="IDaemonTickHandler"/>s: everything the host registered, plus
/// the daemon's <see cref="DaemonWork"/> (to start runs on its shared slots) and those <see cref="StepSlots"/>.
/// </summary>
internal sealed class DaemonServiceProvider(IServiceProvider services, DaemonWork work) : IServiceProvider
{
    public object? GetService(Type serviceType)
        => serviceType == typeof(DaemonWork) ? work
            : serviceType == typeof(StepSlots) ? work.Slots
            : serviceType == typeof(IServiceProvider) ? this
            : services.GetService(serviceType);
}
