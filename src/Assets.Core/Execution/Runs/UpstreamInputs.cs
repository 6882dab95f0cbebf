using System.Runtime.CompilerServices;
using Assets.Graph;
using Assets.Mappings;
using Assets.Metadata;
using Assets.Partitions;

namespace Assets.Execution;

/// <summary>
/// The upstream partitions one attempt reads, dependency by dependency through the mappings (computed once per
/// attempt), and how their rows are read: partition after partition, in upstream order.
/// </summary>
internal sealed class UpstreamInputs
{
    private readonly IMaterializationStore _store;
    private readonly IReadOnlyList<(AssetDependency Dependency, MappedPartitions Partitions)> _mapped;

    public UpstreamInputs(IMaterializationStore store, IReadOnlyList<(AssetDependency Dependency, MappedPartitions Partitions)> mapped)
    {
        _store = store;
        _mapped = mapped;
    }

    /// <summary>The partitions of <paramref name="upstream"/> read; throws <see cref="ArgumentException"/> naming the dependencies when it is not one.</summary>
    public IReadOnlyList<PartitionKey?> PartitionsOf(AssetKey upstream)
    {
        foreach (var (dependency, partitions) in _mapped)
        {
            if (dependency.Upstream == upstream)
            {
                return partitions.Keys;
            }
        }

        var known = _mapped.Count == 0 ? "it has no upstream assets" : "its upstream assets are " + string.Join(", ", _mapped.Select(m => m.Dependency.Upstream.Value));
        throw new ArgumentException($"'{upstream}' is not an upstream asset of this asset ({known}): declare it as a parameter or in [Asset(Deps = [...])].", nameof(upstream));
    }

    /// <summary>
    /// The rows of every partition of <paramref name="upstream"/> read, partition by partition; a reader that takes
    /// them all can ask the stream for chunks instead (<see cref="IRowChunks"/>).
    /// </summary>
    public IAsyncEnumerable<object> ReadAsync(Type recordType, AssetKey upstream, CancellationToken cancellationToken = default)
        => new UpstreamRows(this, recordType, upstream, cancellationToken);

    private async IAsyncEnumerable<object> ReadRowsAsync(Type recordType, AssetKey upstream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var key in PartitionsOf(upstream))
        {
            await foreach (var row in _store.ReadAsync(recordType, new AssetPartition(upstream, key), cancellationToken).ConfigureAwait(false))
            {
                yield return row;
            }
        }
    }

    private async IAsyncEnumerable<IReadOnlyList<object>> ReadChunksAsync(Type recordType, AssetKey upstream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var key in PartitionsOf(upstream))
        {
            var partition = new AssetPartition(upstream, key);
            if (_store is IRowChunkReader chunked)
            {
                await foreach (var chunk in chunked.ReadChunksAsync(recordType, partition, cancellationToken).ConfigureAwait(false))
                {
                    yield return chunk;
                }
            }
            else
            {
                var rows = new List<object>();
                await foreach (var row in _store.ReadAsync(recordType, partition, cancellationToken).ConfigureAwait(false))
                {
                    rows.Add(row);
                }

                yield return rows;
            }
        }
    }

    /// <summary>
    /// The data versions of every mapped upstream partition (data and non-data dependencies), in order, read
    /// before the body runs: a republish while the body runs then makes this partition stale rather than
    /// silently current. Partitions never published are left out (nothing of them was read).
    /// </summary>
    public async Task<IReadOnlyList<UpstreamVersion>> ReadVersionsAsync(CancellationToken cancellationToken)
    {
        var versions = new List<UpstreamVersion>();
        var seen = new HashSet<AssetPartition>();
        foreach (var (dependency, partitions) in _mapped)
        {
            foreach (var key in partitions.Keys)
            {
                var partition = new AssetPartition(dependency.Upstream, key);
                if (seen.Add(partition)
                    && await _store.GetDataVersionAsync(partition, cancellationToken).ConfigureAwait(false) is { } version)
                {
                    versions.Add(new UpstreamVersion(dependency.Upstream, key, version));
                }
            }
        }

        return versions;
    }

    /// <summary>The rows of one upstream asset: enumerated row by row, or taken in chunks by a reader that wants them all.</summary>
    private sealed class UpstreamRows(UpstreamInputs inputs, Type recordType, AssetKey upstream, CancellationToken madeWith) : IAsyncEnumerable<object>, IRowChunks
    {
        public IAsyncEnumerable<IReadOnlyList<object>> Chunks => inputs.ReadChunksAsync(recordType, upstream, madeWith);

        // The iterator combines the token given when the stream was made with the enumerator's own.
        public IAsyncEnumerator<object> GetAsyncEnumerator(CancellationToken cancellationToken = default)
            => inputs.ReadRowsAsync(recordType, upstream, madeWith).GetAsyncEnumerator(cancellationToken);
    }
}
