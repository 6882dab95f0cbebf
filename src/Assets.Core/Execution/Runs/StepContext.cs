using System.Runtime.CompilerServices;
using Assets.Graph;
using Assets.Partitions;
using Microsoft.Extensions.Logging;

namespace Assets.Execution;

/// <summary>The <see cref="AssetContext"/> of one attempt of one step.</summary>
internal sealed class StepContext : AssetContext
{
    private readonly UpstreamInputs _inputs;
    private readonly Dictionary<string, object?> _metadata = new(StringComparer.Ordinal);
    private readonly Lock _metadataLock = new();
    private readonly PartitionKeyRange? _keyRange;

    public StepContext(AssetPartition partition, PartitionTimeWindow? timeWindow, string? staticKey, RunId runId, int attempt, ILogger logger, UpstreamInputs inputs)
    {
        Asset = partition.Asset;
        Partition = partition.Partition;
        TimeWindow = timeWindow;
        StaticKey = staticKey;
        RunId = runId;
        Attempt = attempt;
        Logger = logger;
        _inputs = inputs;
    }

    public override AssetKey Asset { get; }

    public override PartitionKey? Partition { get; }

    public override PartitionTimeWindow? TimeWindow { get; }

    public override string? StaticKey { get; }

    /// <summary>The range of a range run; otherwise the one partition.</summary>
    public override PartitionKeyRange? KeyRange => _keyRange ?? base.KeyRange;

    /// <summary>Set by a range run to the whole range.</summary>
    internal PartitionKeyRange? RangeOverride
    {
        get => _keyRange;
        init => _keyRange = value;
    }

    public override RunId RunId { get; }

    public override int Attempt { get; }

    public override ILogger Logger { get; }

    /// <summary>A copy of the metadata attached so far.</summary>
    public Dictionary<string, object?> Metadata
    {
        get
        {
            lock (_metadataLock)
            {
                return new Dictionary<string, object?>(_metadata, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>The time window of <paramref name="partition"/> of <paramref name="definition"/> (its time dimension for time x static).</summary>
    public static PartitionTimeWindow? WindowOf(PartitionsDefinition? definition, PartitionKey? partition)
        => (definition, partition) switch
        {
            (TimeWindowPartitionsDefinition time, { } key) => time.GetWindow(key),
            (MultiPartitionsDefinition multi, { } key) => multi.Time.GetWindow(multi.Split(key).Time),
            _ => null,
        };

    /// <summary>The static key of <paramref name="partition"/> of <paramref name="definition"/> (its static dimension for time x static).</summary>
    public static string? StaticKeyOf(PartitionsDefinition? definition, PartitionKey? partition)
        => (definition, partition) switch
        {
            (StaticPartitionsDefinition, { } key) => key.Value,
            (MultiPartitionsDefinition multi, { } key) => multi.Split(key).Static.Value,
            _ => null,
        };

    public override void AddMetadata(string key, object? value)
    {
        Preconditions.CheckNotBlank(key);
        if (value is not (null or string or bool or byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal))
        {
            throw new ArgumentException(
                $"Metadata '{key}' is a {value.GetType().Name}: attach strings, numbers or booleans (convert it with ToString() or pick its parts).", nameof(value));
        }

        lock (_metadataLock)
        {
            _metadata[key] = value;
        }
    }

    public override IReadOnlyList<PartitionKey?> GetUpstreamPartitions(string upstreamAsset)
        => _inputs.PartitionsOf(ParseUpstream(upstreamAsset));

    public override IAsyncEnumerable<T> LoadUpstreamAsync<T>(string upstreamAsset, CancellationToken cancellationToken = default)
        => Load<T>(ParseUpstream(upstreamAsset), cancellationToken);

    private async IAsyncEnumerable<T> Load<T>(AssetKey upstream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in _inputs.ReadAsync(typeof(T), upstream, cancellationToken).ConfigureAwait(false))
        {
            yield return (T)row;
        }
    }

    /// <summary>Accepts the key (<c>clean_orders</c>) or the method name (<c>nameof(CleanOrders)</c>).</summary>
    private static AssetKey ParseUpstream(string upstreamAsset)
    {
        Preconditions.CheckNotBlank(upstreamAsset);
        var text = upstreamAsset.Any(char.IsUpper) ? AssetKey.ToSnakeCase(upstreamAsset) : upstreamAsset;
        return AssetKey.TryParse(text, out var key, out var error)
            ? key
            : throw new ArgumentException($"'{AssetKey.Printable(upstreamAsset)}' is not an asset key: {error}", nameof(upstreamAsset));
    }
}
