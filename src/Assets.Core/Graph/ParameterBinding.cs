using System.Reflection;

namespace Assets.Graph;

/// <summary>Where the value of one parameter of an asset or check method comes from.</summary>
public abstract record ParameterBinding
{
    private protected ParameterBinding(ParameterInfo parameter) => Parameter = parameter;

    /// <summary>The parameter.</summary>
    public ParameterInfo Parameter { get; }
}

/// <summary>The <see cref="AssetContext"/> of the materialization.</summary>
public sealed record ContextBinding(ParameterInfo Parameter) : ParameterBinding(Parameter);

/// <summary>The run's <see cref="CancellationToken"/>.</summary>
public sealed record CancellationBinding(ParameterInfo Parameter) : ParameterBinding(Parameter);

/// <summary>A service resolved from the host's <see cref="IServiceProvider"/>.</summary>
public sealed record ServiceBinding(ParameterInfo Parameter, Type ServiceType) : ParameterBinding(Parameter);

/// <summary>How a parameter receives upstream records.</summary>
public enum InputShape
{
    /// <summary>A collection: <c>IEnumerable&lt;T&gt;</c>, <c>IReadOnlyCollection&lt;T&gt;</c>, <c>IReadOnlyList&lt;T&gt;</c>, <c>List&lt;T&gt;</c> or <c>T[]</c>.</summary>
    Collection,

    /// <summary>An <c>IAsyncEnumerable&lt;T&gt;</c>, for inputs too large to hold in memory.</summary>
    Stream,

    /// <summary>One record: the single row of an upstream that returns one record.</summary>
    OneRecord,
}

/// <summary>The records of the upstream partitions <see cref="Dependency"/> maps to.</summary>
public sealed record UpstreamBinding(ParameterInfo Parameter, AssetDependency Dependency, InputShape Shape, Type RecordType)
    : ParameterBinding(Parameter);
