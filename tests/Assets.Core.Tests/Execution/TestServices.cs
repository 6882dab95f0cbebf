using Microsoft.Extensions.DependencyInjection;

namespace Assets.Core.Tests.Execution;

/// <summary>
/// A small service provider over a <see cref="ServiceCollection"/> (the test project has no DI container): singletons
/// by instance or type, transient and scoped types built with their dependencies; scopes are supported.
/// </summary>
public sealed class TestServices : IServiceProvider, IServiceScopeFactory
{
    private readonly IServiceCollection _descriptors;
    private readonly Dictionary<Type, object> _singletons = [];
    private readonly Lock _lock = new();

    public TestServices(IServiceCollection descriptors) => _descriptors = descriptors;

    public int ScopesCreated { get; private set; }

    public object? GetService(Type serviceType) => Resolve(serviceType, this);

    public IServiceScope CreateScope()
    {
        lock (_lock)
        {
            ScopesCreated++;
        }

        return new Scope(this);
    }

    private object? Resolve(Type serviceType, IServiceProvider from)
    {
        if (serviceType == typeof(IServiceScopeFactory))
        {
            return this;
        }

        if (serviceType == typeof(IServiceProvider))
        {
            return from;
        }

        var descriptor = _descriptors.LastOrDefault(d => d.ServiceType == serviceType);
        if (descriptor is null)
        {
            return null;
        }

        if (descriptor.ImplementationInstance is { } instance)
        {
            return instance;
        }

        if (descriptor.ImplementationFactory is { } factory)
        {
            return factory(from);
        }

        if (descriptor.Lifetime == ServiceLifetime.Singleton)
        {
            lock (_lock)
            {
                if (!_singletons.TryGetValue(serviceType, out var singleton))
                {
                    _singletons[serviceType] = singleton = ActivatorUtilities.CreateInstance(from, descriptor.ImplementationType!);
                }

                return singleton;
            }
        }

        return ActivatorUtilities.CreateInstance(from, descriptor.ImplementationType!);
    }

    private sealed class Scope(TestServices root) : IServiceScope, IServiceProvider
    {
        public IServiceProvider ServiceProvider => this;

        public object? GetService(Type serviceType) => root.Resolve(serviceType, this);

        public void Dispose()
        {
        }
    }
}
