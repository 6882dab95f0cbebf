using System.Runtime.CompilerServices;
using Assets.Graph;
using Assets.Metadata;
using Assets.Partitions;
using NodaTime;

namespace Assets.Planning;

/// <summary>
/// Evaluates the status of every (asset, partition) from what the metadata store holds: the stored states
/// and, for each published partition, the upstream data versions its materialization read.
/// <list type="bullet">
/// <item><description>No stored state: <see cref="PartitionStatus.Missing"/>, with the reason it cannot be made when an
/// upstream partition it reads has nothing published because it failed, was quarantined or waits for its source
/// (transitively: the root cause), else with no cause (never materialized). A stored missing, running, waiting, failed or
/// quarantined state keeps its status and cause (a stored missing state without one gets the same upstream
/// reason).</description></item>
/// <item><description>Published (or stored as stale): <see cref="PartitionStatus.Stale"/> when the asset's code version
/// differs from the one the data was made with; or when an upstream partition it reads now (through its mapping,
/// as of <c>asOf</c>) has another data version than the one read, has no published version any more, or was not
/// read at all (it is new since: a new partition under an all-partitions mapping); or when an upstream partition
/// it read is no longer one of its inputs; or when an upstream partition it reads is itself stale (for any
/// reason, code changes included: its data will change once it is re-materialized). Otherwise
/// <see cref="PartitionStatus.Published"/>. A stale cause names the first change found; a direct change wins over
/// a stale upstream.</description></item>
/// </list>
/// Assets are evaluated in topological order, so staleness travels down the graph in one pass, and a change
/// to one upstream partition marks exactly the downstream partitions that read it.
/// </summary>
public static partial class StatusEvaluator
{
    /// <summary>Evaluates the grid of every asset of <paramref name="graph"/> at <paramref name="asOf"/>.</summary>
    /// <param name="graph">The assets.</param>
    /// <param name="states">The stored states (states of assets or partitions that do not exist are ignored; for a
    /// partition stored twice the last one counts).</param>
    /// <param name="recordedUpstream">For each materialized partition, the upstream data versions it read (absent: it read nothing).</param>
    /// <param name="asOf">Which partitions exist, and what all-partitions and last-partition mappings read.</param>
    /// <param name="observations">
    /// The latest observation of each observed partition's source (<see cref="SourceObserverAttribute"/>): a published
    /// partition whose source has another version now than the one it was built from is stale; a partition with nothing
    /// published whose source is observed absent is waiting, and failed past its late-data deadline.
    /// </param>
    public static StatusGrid Evaluate(
        AssetGraph graph,
        IReadOnlyList<PartitionState> states,
        IReadOnlyDictionary<AssetPartition, IReadOnlyList<UpstreamVersion>> recordedUpstream,
        Instant asOf,
        IReadOnlyDictionary<AssetPartition, ObservedSource>? observations = null)
    {
        Preconditions.CheckNotNull(graph);
        Preconditions.CheckNotNull(states);
        Preconditions.CheckNotNull(recordedUpstream);
        return new Evaluation(graph, recordedUpstream, null, asOf, observations ?? new Dictionary<AssetPartition, ObservedSource>()).Run(states);
    }

    /// <summary>
    /// The same grid as <see cref="Evaluate(AssetGraph, IReadOnlyList{PartitionState}, IReadOnlyDictionary{AssetPartition, IReadOnlyList{UpstreamVersion}}, Instant, IReadOnlyDictionary{AssetPartition, ObservedSource}?)"/>,
    /// from inputs whose recorded versions the store compared already (<see cref="IStatusInputStore"/>).
    /// </summary>
    /// <param name="graph">The assets.</param>
    /// <param name="inputs">The compared inputs.</param>
    /// <param name="asOf">Which partitions exist, and what all-partitions and last-partition mappings read.</param>
    /// <param name="observations">The latest observation of each observed partition's source.</param>
    /// <param name="layout">The states of <paramref name="inputs"/> laid out for <paramref name="graph"/> at
    /// <paramref name="asOf"/> while the store read them (<see cref="StatesLayout"/>); made here when absent or made for
    /// other states, another graph or another time.</param>
    internal static StatusGrid EvaluateInputs(
        AssetGraph graph,
        StatusInputs inputs,
        Instant asOf,
        IReadOnlyDictionary<AssetPartition, ObservedSource>? observations = null,
        StatesLayout? layout = null)
    {
        Preconditions.CheckNotNull(graph);
        Preconditions.CheckNotNull(inputs);
        return new Evaluation(graph, null, inputs, asOf, observations ?? new Dictionary<AssetPartition, ObservedSource>(), layout).Run(null);
    }

    /// <summary>
    /// The source version a materialization was built from is recorded among its upstream versions as an entry naming the
    /// partition itself (an asset never reads itself, so the entry cannot be mistaken for an input).
    /// </summary>
    public static UpstreamVersion SourceVersionEntry(AssetPartition partition, string version)
        => new(partition.Asset, partition.Partition, Preconditions.CheckNotBlank(version));

    /// <summary>One asset's stored states by position, with what each read: a list (<see cref="Recorded"/>) or, for inputs a store compared, the state's index among them (<see cref="StateIndex"/>).</summary>
    internal sealed record Slot(PartitionSpace Space, PartitionState?[]? States, IReadOnlyList<UpstreamVersion>?[]? Recorded, int[]? StateIndex);

    /// <summary>
    /// A partition's stored state as the evaluation reads it: a listed <see cref="PartitionState"/>, or a row of compared
    /// inputs' columns (<see cref="StoredStateColumns"/>), which becomes an object only when the grid's row is asked for it.
    /// </summary>
    private readonly struct StoredView
    {
        private readonly PartitionState? _state;
        private readonly StoredStateColumns? _columns;
        private readonly int _index;

        public StoredView(PartitionState? state) => (_state, _columns, _index) = (state, null, -1);

        public StoredView(StoredStateColumns columns, int index) => (_state, _columns, _index) = (null, index < 0 ? null : columns, index);

        public bool Exists => _state is not null || _columns is not null;

        public PartitionStatus Status => _state?.Status ?? _columns!.Status(_index);

        public string? Cause => _columns is null ? _state!.Cause : _columns.Cause(_index);

        public string? CodeVersion => _columns is null ? _state!.CodeVersion : _columns.CodeVersion(_index);

        public string? DataVersion => _columns is null ? _state!.DataVersion : _columns.DataVersion(_index);

        public Instant UpdatedAt => _state?.UpdatedAt ?? _columns!.UpdatedAt(_index);

        /// <summary>A row with this stored state (or none).</summary>
        public PartitionStatusRow Row(AssetPartition partition, PartitionStatus status, string? cause)
            => _columns is null ? new PartitionStatusRow(partition, status, cause, _state) : new PartitionStatusRow(partition, status, cause, _columns, _index);

        /// <summary>Sets the row at <paramref name="position"/> of <paramref name="rows"/> (the position's own partition) to this stored state.</summary>
        public void Set(StatusRows rows, int position, PartitionStatus status, string? cause, bool sourceChangedSince = false)
        {
            if (_state is null)
            {
                rows.Set(position, status, cause, _columns, _index, sourceChangedSince);
            }
            else
            {
                rows[position] = new PartitionStatusRow(rows.PartitionAt(position), status, cause, _state) { SourceChangedSince = sourceChangedSince };
            }
        }
    }

    /// <summary>Finds the slot and position of a partition, remembering the last asset.</summary>
    internal sealed class SlotFinder(Dictionary<AssetKey, Slot> slots)
    {
        private AssetKey? _lastAsset;
        private Slot? _last;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public (Slot Slot, int Position)? Find(AssetPartition partition)
        {
            var asset = partition.Asset;
            if (!ReferenceEquals(asset, _lastAsset) && asset != _lastAsset)
            {
                _lastAsset = asset;
                _last = asset is null ? null : slots.GetValueOrDefault(asset);
            }

            return _last is null ? null : (_last, _last.Space.IndexOf(partition.Partition));
        }
    }

    private sealed partial class Evaluation(
        AssetGraph graph,
        IReadOnlyDictionary<AssetPartition, IReadOnlyList<UpstreamVersion>>? recordedUpstream,
        StatusInputs? inputs,
        Instant asOf,
        IReadOnlyDictionary<AssetPartition, ObservedSource> observations,
        StatesLayout? layout = null)
    {
        private const int StackLimit = 256;
        private const int IndexedLimit = 16;

        // With compared inputs: each state's position in its asset's space (-1 when it does not exist now), so a recorded
        // read is matched with an upstream partition by comparing two numbers.
        private int[] _positionOfState = [];

        // Run, StaleCause and Find are compiled optimized on their first call: a plan evaluates once per process, through
        // loops of hundreds of thousands of rows, and the tiered JIT left them in unoptimized code for most of that one
        // call (a cold evaluation of 730,000 partitions took 0.57-0.62 s, 0.44-0.47 s with this; 0.24-0.33 s warm).
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public StatusGrid Run(IReadOnlyList<PartitionState>? states)
        {
            var columns = inputs?.States;
            Dictionary<AssetKey, Slot> slots;
            SlotFinder finder;
            if (inputs is not null)
            {
                var laidOut = layout is not null && layout.IsFor(graph, inputs.States, asOf) ? layout : StatesLayout.Of(graph, inputs.States, asOf);
                (slots, _positionOfState) = (laidOut.Slots, laidOut.PositionOfState);
                finder = new SlotFinder(slots);
            }
            else
            {
                var spaces = new PartitionSpace.Cache(asOf);
                slots = new Dictionary<AssetKey, Slot>(graph.Assets.Count);
                foreach (var asset in graph.Assets)
                {
                    var space = spaces.Get(asset.Partitions);
                    slots[asset.Key] = new Slot(space, new PartitionState?[space.Count], new IReadOnlyList<UpstreamVersion>?[space.Count], null);
                }

                // Laid out by position once, in one sequential pass (states usually arrive grouped by asset, so the asset
                // is looked up once per group), rather than looked up by (asset, partition) 730,000 times at random.
                finder = new SlotFinder(slots);
                foreach (var state in states!)
                {
                    if (finder.Find(state.Partition) is { Position: >= 0 } slot)
                    {
                        slot.Slot.States![slot.Position] = state;
                    }
                }
            }

            foreach (var (partition, read) in recordedUpstream ?? new Dictionary<AssetPartition, IReadOnlyList<UpstreamVersion>>())
            {
                if (finder.Find(partition) is { } slot && slot.Position >= 0)
                {
                    slot.Slot.Recorded![slot.Position] = read;
                }
            }

            var byAsset = new Dictionary<AssetKey, AssetStatuses>(graph.Assets.Count);
            var order = new AssetKey[graph.Assets.Count];
            for (var a = 0; a < graph.Assets.Count; a++)
            {
                var asset = graph.Assets[a];
                var (space, assetStates, assetRecorded, assetStateIndex) = slots[asset.Key];
                var edges = new (UpstreamEdge Edge, StatusRows Rows)[asset.Dependencies.Count];
                for (var d = 0; d < edges.Length; d++)
                {
                    var dependency = asset.Dependencies[d];
                    var upstream = byAsset[dependency.Upstream];
                    edges[d] = (new UpstreamEdge(asset, space, dependency, upstream.Definition, upstream.Space, asOf), upstream.Rows);
                }

                var rows = new StatusRows(asset.Key, space);
                EvaluateAsset(new AssetRows(asset, space, assetStates, assetRecorded, assetStateIndex, columns, edges, rows));
                byAsset[asset.Key] = new AssetStatuses(asset, space, rows);
                order[a] = asset.Key;
            }

            return new StatusGrid(asOf, order, byAsset);
        }

        /// <summary>
        /// Why a missing partition cannot be made now: the first upstream partition it reads that has nothing published
        /// because it failed, was quarantined or waits for its source (in the executor's words for a skipped step), or the
        /// root cause of a missing upstream; <c>null</c> when everything it reads is available (it was never materialized).
        /// </summary>
        private static string? UnavailableUpstream(int index, (UpstreamEdge Edge, StatusRows Rows)[] edges, UpstreamReads reads)
        {
            foreach (var (edge, upstreamRows) in edges)
            {
                edge.Read(index, reads);
                foreach (var j in reads.Existing)
                {
                    var upstream = upstreamRows[j];
                    if (upstream.HasStoredDataVersion)
                    {
                        continue;
                    }

                    var cause = upstream.Status switch
                    {
                        PartitionStatus.Failed => $"upstream {upstream.Partition} failed",
                        PartitionStatus.Quarantined => $"upstream {upstream.Partition} was quarantined",
                        PartitionStatus.Waiting => $"upstream {upstream.Partition} is waiting for its source",
                        PartitionStatus.Missing => upstream.Cause,
                        _ => null,
                    };
                    if (cause is not null)
                    {
                        return cause;
                    }
                }
            }

            return null;
        }

        /// <summary>A partition with nothing published whose source is observed absent: waiting until its late-data deadline, failed after.</summary>
        private PartitionStatusRow NotArrived(AssetDefinition asset, AssetPartition partition, SourceObserverDefinition observer, ObservedSource observed, StoredView stored)
        {
            var deadline = observer.DeadlineFor(Execution.StepContext.WindowOf(asset.Partitions, partition.Partition));
            return deadline is { } due && asOf >= due
                ? stored.Row(partition, PartitionStatus.Failed, SourceObserverDefinition.NotArrivedBy(due, observed.Description)) with { AwaitsSource = true }
                : stored.Row(
                    partition,
                    PartitionStatus.Waiting,
                    $"source not arrived: {observed.Description} (observed {observed.ObservedAt})" + (deadline is { } d ? $"; fails if still absent at {d}" : string.Empty)) with { AwaitsSource = true };
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private string? StaleCause<TReads>(
            AssetDefinition asset, int index, AssetPartition partition, StoredView state, TReads recorded, ObservedSource? observed, (UpstreamEdge Edge, StatusRows Rows)[] edges, UpstreamReads reads)
            where TReads : struct, IRecordedReads
        {
            if (!string.Equals(state.CodeVersion, asset.CodeVersion, StringComparison.Ordinal))
            {
                return StalenessCauses.CodeVersionChanged(state.CodeVersion, asset.CodeVersion);
            }

            if (edges.Length == 0 && recorded.Count == 0)
            {
                return null;
            }

            Span<bool> matched = recorded.Count <= StackLimit ? stackalloc bool[recorded.Count] : new bool[recorded.Count];
            var matchedCount = 0;
            if (asset.SourceObserver is not null)
            {
                for (var r = 0; r < recorded.Count; r++)
                {
                    if (recorded.Matches(r, partition.Asset, partition.Partition, index))
                    {
                        matched[r] = true;
                        matchedCount++;

                        // A version the store found equal to the current one of the partition it names, here itself.
                        var read = recorded.DifferingVersion(r) ?? state.DataVersion;
                        if (observed is { Arrived: true, Version: { } now } && !string.Equals(now, read, StringComparison.Ordinal))
                        {
                            return StalenessCauses.SourceChanged(observed.Description, read ?? string.Empty, now);
                        }
                    }
                }
            }
            var cursor = 0;
            Dictionary<AssetPartition, int>? positions = null;
            string? upstreamStale = null;
            foreach (var (edge, upstreamRows) in edges)
            {
                edge.Read(index, reads);
                var keys = edge.UpstreamSpace.Keys;
                foreach (var j in reads.Existing)
                {
                    var key = keys[j];
                    var r = Find(recorded, edge.Upstream, key, j, ref cursor, ref positions);
                    if (r < 0)
                    {
                        return StalenessCauses.NotRead(new AssetPartition(edge.Upstream, key));
                    }

                    if (!matched[r])
                    {
                        matched[r] = true;
                        matchedCount++;
                    }


                    // null: the store found the recorded version equal to this partition's current one. The current one is
                    // asked for only then: from compared inputs it is decoded from the store's bytes on each call (1.72
                    // million strings in a cold plan of 730,000 partitions, when asked for every read).
                    if (recorded.DifferingVersion(r) is { } read)
                    {
                        var upstream = upstreamRows[j];
                        var current = upstream.StoredDataVersion;
                        if (!string.Equals(read, current, StringComparison.Ordinal))
                        {
                            return current is null
                                ? StalenessCauses.Unpublished(upstream.Partition, read)
                                : StalenessCauses.Republished(upstream.Partition, read, current);
                        }
                    }

                    if (upstreamStale is null && upstreamRows.StatusAt(j) == PartitionStatus.Stale)
                    {
                        upstreamStale = StalenessCauses.UpstreamStale(upstreamRows[j].Partition);
                    }
                }
            }

            if (matchedCount < recorded.Count)
            {
                for (var r = 0; r < recorded.Count; r++)
                {
                    if (!matched[r])
                    {
                        return StalenessCauses.NoLongerRead(recorded.PartitionAt(r));
                    }
                }
            }

            return upstreamStale;
        }

        /// <summary>
        /// The position of (<paramref name="asset"/>, <paramref name="key"/>) (at <paramref name="position"/> of the
        /// upstream's space) in <paramref name="recorded"/>, or -1. Recorded inputs are usually in the order they are read
        /// now, so the entry after the last match is tried first; a long list that is not gets an index.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static int Find<TReads>(TReads recorded, AssetKey asset, PartitionKey? key, int position, ref int cursor, ref Dictionary<AssetPartition, int>? positions)
            where TReads : struct, IRecordedReads
        {
            var count = recorded.Count;
            if (cursor < count && recorded.Matches(cursor, asset, key, position))
            {
                return cursor++;
            }

            if (count > IndexedLimit)
            {
                if (positions is null)
                {
                    positions = new Dictionary<AssetPartition, int>(count);
                    for (var r = 0; r < count; r++)
                    {
                        positions.TryAdd(recorded.PartitionAt(r), r);
                    }
                }

                if (positions.TryGetValue(new AssetPartition(asset, key), out var found))
                {
                    cursor = found + 1;
                    return found;
                }

                return -1;
            }

            for (var r = 0; r < count; r++)
            {
                if (recorded.Matches(r, asset, key, position))
                {
                    cursor = r + 1;
                    return r;
                }
            }

            return -1;
        }
    }
}
