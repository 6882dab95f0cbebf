using Assets.Execution;
using Assets.Graph;
using Assets.Partitions;

namespace Assets.Sources;

/// <summary>Calls an asset's observer (<see cref="SourceObserverAttribute"/>) for one partition.</summary>
public static class SourceObservers
{
    /// <summary>
    /// Observes the source of <paramref name="partition"/> of <paramref name="asset"/>, resolving the observer's services
    /// (and its class, for an instance method) from <paramref name="services"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The asset has no observer, or the observer returned null.</exception>
    public static async Task<SourceObservation> ObserveAsync(AssetDefinition asset, PartitionKey? partition, IServiceProvider services, CancellationToken cancellationToken)
    {
        Preconditions.CheckNotNull(asset);
        Preconditions.CheckNotNull(services);
        var observer = asset.SourceObserver ?? throw new InvalidOperationException($"{asset.Key} declares no [SourceObserver].");
        var context = new SourceContext(new AssetPartition(asset.Key, partition), StepContext.WindowOf(asset.Partitions, partition));
        var arguments = new object?[observer.Parameters.Count];
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = observer.Parameters[i] switch
            {
                ContextBinding => context,
                CancellationBinding => cancellationToken,
                ServiceBinding service => ParameterBinder.Service(service, services, observer.Location),
                var other => throw new NotSupportedException($"Parameter binding {other.GetType().Name} is not supported for observers."),
            };
        }

        var owned = new List<object>();
        try
        {
            var target = StepExecution.TargetOf(observer.Method, services, owned);
            return await MethodCalls.InvokeAsync(observer.Method, target, arguments).ConfigureAwait(false) as SourceObservation
                ?? throw new InvalidOperationException($"{observer.Location} returned null for {context.Partition}: return SourceObservation.Absent(...) or SourceObservation.Present(...).");
        }
        finally
        {
            await StepExecution.DisposeAllAsync(owned).ConfigureAwait(false);
        }
    }
}
