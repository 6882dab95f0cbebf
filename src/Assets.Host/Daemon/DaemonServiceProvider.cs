using Assets.Execution;
using Microsoft.Extensions.DependencyInjection;

namespace Assets.Hosting.Daemon;

/// <summary>
/// The host's services as the daemon hands them to <see cref="IDaemonTickHandler"/>s: everything the host registered
/// (keyed services too), plus the daemon's <see cref="DaemonWork"/> (to start runs on its shared slots) and those
/// <see cref="StepSlots"/>.
/// </summary>
internal sealed class DaemonServiceProvider(IServiceProvider services, DaemonWork work) : IKeyedServiceProvider
{
    public object? GetService(Type serviceType)
        => serviceType == typeof(DaemonWork) ? work
            : serviceType == typeof(StepSlots) ? work.Slots
            : serviceType == typeof(IServiceProvider) ? this
            : services.GetService(serviceType);

    public object? GetKeyedService(Type serviceType, object? serviceKey)
        => services is IKeyedServiceProvider keyed ? keyed.GetKeyedService(serviceType, serviceKey) : null;

    public object GetRequiredKeyedService(Type serviceType, object? serviceKey)
        => services is IKeyedServiceProvider keyed
            ? keyed.GetRequiredKeyedService(serviceType, serviceKey)
            : throw new InvalidOperationException($"The host's services do not support keyed services: no {serviceType} for key {serviceKey}.");
}
