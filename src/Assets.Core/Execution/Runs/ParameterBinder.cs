using Assets.Graph;

namespace Assets.Execution;

/// <summary>
/// Resolves the arguments of an asset or check method from its <see cref="ParameterBinding"/>s: the context,
/// the run's token, services from the attempt's DI scope, and records (upstream partitions for an asset, the
/// staged rows for a check) in the shape the parameter declares.
/// </summary>
internal static class ParameterBinder
{
    public static async Task<object?[]> BindAsync(
        IReadOnlyList<ParameterBinding> parameters,
        AssetContext context,
        IServiceProvider services,
        Func<UpstreamBinding, IAsyncEnumerable<object>> records,
        CancellationToken cancellationToken)
    {
        var arguments = new object?[parameters.Count];
        for (var i = 0; i < parameters.Count; i++)
        {
            arguments[i] = parameters[i] switch
            {
                ContextBinding => context,
                CancellationBinding => cancellationToken,
                ServiceBinding service => Service(service, services, context.Asset.Value),
                UpstreamBinding upstream => await ReadAsync(upstream, records(upstream), cancellationToken).ConfigureAwait(false),
                var other => throw new NotSupportedException($"Parameter binding {other.GetType().Name} is not supported by the executor."),
            };
        }

        return arguments;
    }

    /// <summary>The service a parameter takes; an error naming <paramref name="owner"/> and the parameter when the host lacks it.</summary>
    public static object Service(ServiceBinding binding, IServiceProvider services, string owner)
        => services.GetService(binding.ServiceType)
            ?? throw new InvalidOperationException(
                $"{owner}: parameter '{binding.Parameter.Name}' needs a {binding.ServiceType.Name}, which the host's services do not provide: register it with builder.Services.");

    private static async Task<object?> ReadAsync(UpstreamBinding binding, IAsyncEnumerable<object> rows, CancellationToken cancellationToken)
    {
        switch (binding.Shape)
        {
            case InputShape.Stream:
                return RecordStreams.ToTyped(binding.RecordType, rows);
            case InputShape.Collection when rows is IRowChunks chunked:
                return await RecordStreams.ToCollectionAsync(binding.Parameter.ParameterType, binding.RecordType, chunked.Chunks, cancellationToken).ConfigureAwait(false);
            case InputShape.Collection:
                return await RecordStreams.ToCollectionAsync(binding.Parameter.ParameterType, binding.RecordType, rows, cancellationToken).ConfigureAwait(false);
            default:
                var read = new List<object>(1);
                await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    read.Add(row);
                }

                return read.Count == 1
                    ? read[0]
                    : throw new InvalidOperationException(
                        $"Parameter '{binding.Parameter.Name}' takes one {binding.RecordType.Name} from '{binding.Dependency.Upstream}', which gave {read.Count} rows: "
                        + (read.Count == 0 ? "materialize the upstream first." : $"take IEnumerable<{binding.RecordType.Name}>."));
        }
    }
}
