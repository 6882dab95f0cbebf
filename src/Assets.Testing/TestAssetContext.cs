using System.Runtime.CompilerServices;
using Assets.Partitions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Assets.Testing;

/// <summary>
/// An <see cref="AssetContext"/> built by a test, as Dagster's <c>build_asset_context</c>: the partition, its time window
/// and static key, and the rows of each upstream asset, given rather than read from a store, so an asset body is called
/// directly (<c>SalesAssets.CleanOrders(rows, context)</c>). <see cref="InMemoryAssets.ContextFor"/> builds one from the
/// asset's definition (window and static key worked out as the executor does); the constructor builds one by hand.
/// What the body attaches with <see cref="AddMetadata"/> is kept in <see cref="Metadata"/>.
/// </summary>
public sealed class TestAssetContext : AssetContext
{
    private readonly Dictionary<AssetKey, (IReadOnlyList<PartitionKey?> Partitions, IReadOnlyList<object> Rows)> _upstream = [];
    private readonly Dictionary<string, object?> _metadata = new(StringComparer.Ordinal);

    /// <summary>
    /// A context for <paramref name="asset"/> (its key, e.g. <c>clean_orders</c>) and <paramref name="partition"/>
    /// (<c>null</c> for an unpartitioned asset). Set <see cref="TimeWindow"/> and <see cref="StaticKey"/> when the body
    /// reads them, or build the context with <see cref="InMemoryAssets.ContextFor"/>, which knows them.
    /// </summary>
    public TestAssetContext(string asset, string? partition = null)
    {
        Asset = AssetKey.Parse(asset);
        Partition = partition is null ? null : new PartitionKey(partition);
    }

    /// <inheritdoc/>
    public override AssetKey Asset { get; }

    /// <inheritdoc/>
    public override PartitionKey? Partition { get; }

    /// <inheritdoc/>
    public override PartitionTimeWindow? TimeWindow => Window;

    /// <inheritdoc/>
    public override string? StaticKey => Static;

    /// <summary>The time window the body sees as <see cref="TimeWindow"/>. Default: none.</summary>
    public PartitionTimeWindow? Window { get; init; }

    /// <summary>The static key the body sees as <see cref="StaticKey"/>. Default: none.</summary>
    public string? Static { get; init; }

    /// <summary>The run the body sees. Default: a new run id.</summary>
    public override RunId RunId { get; } = RunId.New();

    /// <summary>The attempt the body sees. Default: 1.</summary>
    public override int Attempt => AttemptNumber;

    /// <summary>The value of <see cref="Attempt"/>. Default: 1.</summary>
    public int AttemptNumber { get; init; } = 1;

    /// <summary>The logger the body writes to. Default: one that discards everything.</summary>
    public override ILogger Logger => Log;

    /// <summary>The value of <see cref="Logger"/>. Default: <see cref="NullLogger.Instance"/>.</summary>
    public ILogger Log { get; init; } = NullLogger.Instance;

    /// <summary>What the body attached with <see cref="AddMetadata"/>, by key.</summary>
    public IReadOnlyDictionary<string, object?> Metadata => _metadata;

    /// <summary>
    /// Gives the rows of upstream asset <paramref name="upstreamAsset"/> (its key or <c>nameof</c> its method) that
    /// <see cref="LoadUpstreamAsync{T}"/> streams, and the partitions <see cref="GetUpstreamPartitions"/> reports
    /// (default: this context's partition). Returns the context, so calls chain.
    /// </summary>
    public TestAssetContext WithUpstream<T>(string upstreamAsset, IEnumerable<T> rows, params string?[] partitions)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(partitions);
        IReadOnlyList<PartitionKey?> keys = partitions.Length == 0
            ? [Partition]
            : [.. partitions.Select(p => p is null ? (PartitionKey?)null : new PartitionKey(p))];
        _upstream[ParseUpstream(upstreamAsset)] = (keys, [.. rows.Cast<object>()]);
        return this;
    }

    /// <inheritdoc/>
    public override void AddMetadata(string key, object? value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        _metadata[key] = value;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<PartitionKey?> GetUpstreamPartitions(string upstreamAsset) => Upstream(upstreamAsset).Partitions;

    /// <inheritdoc/>
    public override IAsyncEnumerable<T> LoadUpstreamAsync<T>(string upstreamAsset, CancellationToken cancellationToken = default)
        => Stream<T>(Upstream(upstreamAsset).Rows, upstreamAsset, cancellationToken);

    /// <summary>The rows given for <paramref name="upstream"/>, as the executor's parameter binding reads them.</summary>
    internal async IAsyncEnumerable<object> RowsOf(AssetKey upstream)
    {
        foreach (var row in Upstream(upstream.Value).Rows)
        {
            yield return row;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    private static async IAsyncEnumerable<T> Stream<T>(IReadOnlyList<object> rows, string upstreamAsset, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return row is T typed
                ? typed
                : throw new InvalidCastException($"The rows given for '{upstreamAsset}' are {row.GetType().Name}, but the body reads them as {typeof(T).Name}.");
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    private (IReadOnlyList<PartitionKey?> Partitions, IReadOnlyList<object> Rows) Upstream(string upstreamAsset)
        => _upstream.TryGetValue(ParseUpstream(upstreamAsset), out var given)
            ? given
            : throw new InvalidOperationException(
                $"No rows were given for upstream '{upstreamAsset}' of {Asset}: call WithUpstream(\"{upstreamAsset}\", rows) when building the context"
                + (_upstream.Count == 0 ? "." : $" (given: {string.Join(", ", _upstream.Keys)})."));

    /// <summary>Accepts the key (<c>clean_orders</c>) or the method name (<c>nameof(CleanOrders)</c>), as the executor's context does.</summary>
    private static AssetKey ParseUpstream(string upstreamAsset)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(upstreamAsset);
        return AssetKey.Parse(upstreamAsset.Any(char.IsUpper) ? AssetKey.ToSnakeCase(upstreamAsset) : upstreamAsset);
    }
}
