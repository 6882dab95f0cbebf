using System.Security.Cryptography;
using System.Text;
using Assets.Graph;
using Assets.Metadata;
using Assets.Partitions;
using NodaTime;

namespace Assets.Planning;

/// <summary>
/// Keeps the last evaluated <see cref="StatusGrid"/> so that planning again when nothing changed costs one small
/// query instead of reading and evaluating every partition. The grid is reused only when all three inputs of
/// <see cref="StatusEvaluator.Evaluate"/> are the same:
/// <list type="bullet">
/// <item><description>the store's contents: its <see cref="IMetadataStore.GetStatusFingerprintAsync"/> is equal
/// (a store that keeps none is always read; source observations, when the store keeps them, count);</description></item>
/// <item><description>the graph: the same graph with the same code version for every asset;</description></item>
/// <item><description>time: the same partitions exist for every asset (same count and same last key), so
/// time passing without a new partition becoming due reuses the grid, and a new day's partition does not.
/// The built-in mappings read time only through which partitions exist; an observed source's late-data deadline is the
/// other way time changes a status, so the count of partitions past it is part of the key too.</description></item>
/// </list>
/// Otherwise it evaluates afresh and keeps the new grid. Thread-safe; one instance per process (the daemon's).
/// <para>
/// A store that is also an <see cref="IStatusGridSnapshotStore"/> keeps the grid across processes: a new process
/// (a one-shot <c>plan</c> or <c>status</c>) asks it for a snapshot under the same three inputs before evaluating,
/// and every evaluation replaces the snapshot. Across processes the graph cannot be compared by reference, so the
/// snapshot's key spells it out: every asset's key, code version, partitions definition, dependencies with their
/// mappings and source observer deadline, how many of its partitions exist and the last one, the partitions past a
/// late-data deadline, and the build of this library
/// (another build may evaluate differently), hashed with the store's fingerprint.
/// </para>
/// </summary>
public sealed class StatusGridCache
{
    private readonly Lock _lock = new();
    private Entry? _last;

    /// <summary>How many calls of <see cref="EvaluateAsync"/> reused the kept grid (for tests and diagnostics).</summary>
    public int Hits { get; private set; }

    /// <summary>How many calls of <see cref="EvaluateAsync"/> read the grid from the store's snapshot (for tests and diagnostics).</summary>
    public int SnapshotHits { get; private set; }

    /// <summary>The grid of <paramref name="graph"/> at <paramref name="asOf"/> from <paramref name="store"/>, reused when nothing it depends on changed.</summary>
    public async Task<StatusGrid> EvaluateAsync(AssetGraph graph, IMetadataStore store, Instant asOf, CancellationToken ct = default)
    {
        Preconditions.CheckNotNull(graph);
        Preconditions.CheckNotNull(store);

        // The fingerprint is taken before the rows are read: a write landing in between makes the kept grid newer
        // than its fingerprint, which only costs one needless evaluation next time, never a stale reuse.
        var fingerprint = await store.GetStatusFingerprintAsync(ct).ConfigureAwait(false);
        var spaces = new PartitionSpace.Cache(asOf);
        var key = new GridKey(fingerprint, store, graph, CodeVersions(graph), ExistingPartitions(graph, spaces), PastLateDataDeadline(graph, asOf));
        lock (_lock)
        {
            if (fingerprint is not null && _last is { } last && last.Key.Matches(key))
            {
                Hits++;
                return last.Grid.WithAsOf(asOf);
            }
        }

        var snapshots = fingerprint is null ? null : store as IStatusGridSnapshotStore;
        var snapshotKey = snapshots is null ? null : SnapshotKey(key);
        if (snapshots is not null
            && await snapshots.GetStatusGridSnapshotAsync(snapshotKey!, ct).ConfigureAwait(false) is { } payload
            && StatusGridSnapshotFormat.TryRead(graph, spaces, asOf, payload) is { } kept)
        {
            lock (_lock)
            {
                SnapshotHits++;
                _last = new Entry(key, kept);
            }

            return kept;
        }

        var observations = store is Sources.ISourceObservationStore sources && graph.Assets.Any(a => a.SourceObserver is not null)
            ? await sources.GetObservationsAsync(null, ct).ConfigureAwait(false)
            : null;
        StatusGrid grid;
        if (store is IStatusInputStore compared)
        {
            // The states are laid out while the store still reads the recorded reads.
            StatesLayout? layout = null;
            var inputs = await compared.GetStatusInputsAsync(states => layout = StatesLayout.Of(graph, states, asOf), ct).ConfigureAwait(false);
            grid = StatusEvaluator.EvaluateInputs(graph, inputs, asOf, observations, layout);
        }
        else
        {
            var states = await store.GetStatesAsync(null, ct).ConfigureAwait(false);
            var recorded = await store.GetRecordedUpstreamAsync(null, ct).ConfigureAwait(false);
            grid = StatusEvaluator.Evaluate(graph, states, recorded, asOf, observations);
        }

        if (fingerprint is not null)
        {
            lock (_lock)
            {
                _last = new Entry(key, grid);
            }
        }

        if (snapshots is not null)
        {
            await snapshots.SetStatusGridSnapshotAsync(snapshotKey!, StatusGridSnapshotFormat.Write(grid), ct).ConfigureAwait(false);
        }

        return grid;
    }

    /// <summary>Forgets the kept grid.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _last = null;
        }
    }

    private static string?[] CodeVersions(AssetGraph graph) => [.. graph.Assets.Select(a => a.CodeVersion)];

    /// <summary>Per asset, how many partitions exist and the last one: together they say which exist (keys only grow with time).</summary>
    private static (int Count, PartitionKey? Last)[] ExistingPartitions(AssetGraph graph, PartitionSpace.Cache spaces)
    {
        var existing = new (int, PartitionKey?)[graph.Assets.Count];
        for (var a = 0; a < existing.Length; a++)
        {
            var space = spaces.Get(graph.Assets[a].Partitions);
            existing[a] = (space.Count, space.Count == 0 ? null : space.Keys[^1]);
        }

        return existing;
    }

    /// <summary>
    /// Per observed asset with a late-data deadline, how many partitions are past it (those that existed
    /// <see cref="Graph.SourceObserverDefinition.LateAfter"/> ago): a source still absent turns from waiting to failed as
    /// time passes with nothing else changing, so crossing a deadline must not reuse the grid.
    /// </summary>
    private static int[] PastLateDataDeadline(AssetGraph graph, Instant asOf)
        => [.. graph.Assets.Select(a => a.SourceObserver?.LateAfter is { } late && a.Partitions is { } partitions ? partitions.GetKeys(asOf - late).Count : 0)];

    /// <summary>
    /// The key of the grid across processes: everything <see cref="GridKey"/> compares, with the graph spelled out
    /// (a reference means nothing in another process) and hashed, after the store's fingerprint.
    /// </summary>
    private static string SnapshotKey(GridKey key)
    {
        var text = new StringBuilder();
        text.Append("build ").Append(typeof(StatusGridCache).Assembly.ManifestModule.ModuleVersionId).Append('\n');
        var assets = key.Graph.Assets;
        for (var a = 0; a < assets.Count; a++)
        {
            var asset = assets[a];
            var (count, last) = key.Existing[a];
            text.Append("asset ").Append(asset.Key.Value.Length).Append(':').Append(asset.Key.Value)
                .Append(" code ").Append(asset.CodeVersion.Length).Append(':').Append(asset.CodeVersion)
                .Append(" partitions ").Append(asset.Partitions is { } partitions ? partitions.Kind + " " + partitions.Describe() : "none")
                .Append(" existing ").Append(count).Append(' ').Append(last?.Value)
                .Append(" observer ").Append(asset.SourceObserver is { } observer ? observer.LateAfter?.ToString() ?? "no deadline" : "none")
                .Append(" past deadline ").Append(key.PastDeadline[a]).Append('\n');
            foreach (var dependency in asset.Dependencies)
            {
                text.Append("  reads ").Append(dependency.Upstream.Value).Append(" through ").Append(dependency.Mapping.Describe())
                    .Append(dependency.IsData ? " (data)" : " (dependency)").Append('\n');
            }
        }

        return key.Fingerprint + "/" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private sealed record Entry(GridKey Key, StatusGrid Grid);

    /// <summary>A fingerprint is a store's own (a counter, for the DuckDB store), so the kept grid is reused only for the same store.</summary>
    private sealed record GridKey(string? Fingerprint, IMetadataStore Store, AssetGraph Graph, string?[] CodeVersions, (int Count, PartitionKey? Last)[] Existing, int[] PastDeadline)
    {
        public bool Matches(GridKey other)
            => string.Equals(Fingerprint, other.Fingerprint, StringComparison.Ordinal)
                && ReferenceEquals(Store, other.Store)
                && ReferenceEquals(Graph, other.Graph)
                && CodeVersions.AsSpan().SequenceEqual(other.CodeVersions)
                && Existing.AsSpan().SequenceEqual(other.Existing)
                && PastDeadline.AsSpan().SequenceEqual(other.PastDeadline);
    }
}
