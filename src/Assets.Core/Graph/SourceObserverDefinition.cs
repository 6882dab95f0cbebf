using System.Reflection;
using NodaTime;

namespace Assets.Graph;

/// <summary>How an asset's source is observed, declared with <see cref="SourceObserverAttribute"/>.</summary>
public sealed class SourceObserverDefinition
{
    internal SourceObserverDefinition(AssetKey asset, MethodInfo method, IReadOnlyList<ParameterBinding> parameters, Duration? lateAfter)
    {
        Asset = asset;
        Method = method;
        Parameters = parameters;
        LateAfter = lateAfter;
    }

    /// <summary>The observed asset.</summary>
    public AssetKey Asset { get; }

    /// <summary>The observer method.</summary>
    public MethodInfo Method { get; }

    /// <summary>Where each parameter's value comes from (<see cref="ContextBinding"/> is the <see cref="SourceContext"/>).</summary>
    public IReadOnlyList<ParameterBinding> Parameters { get; }

    /// <summary>How long after the end of a partition's window its source may arrive; <c>null</c>: no deadline.</summary>
    public Duration? LateAfter { get; }

    /// <summary><c>Type.Method</c>, for messages.</summary>
    public string Location => $"{Method.DeclaringType?.Name}.{Method.Name}";

    /// <summary>The instant after which an absent source fails <paramref name="window"/>'s partition; <c>null</c> without one.</summary>
    public Instant? DeadlineFor(Partitions.PartitionTimeWindow? window)
        => LateAfter is { } late && window is { } w ? w.Interval.End + late : null;

    /// <summary>Why a partition whose source is still absent at its deadline failed, the same from the executor and the status grid.</summary>
    internal static string NotArrivedBy(Instant deadline, string source) => $"source not arrived by {deadline}: {source}";
}
