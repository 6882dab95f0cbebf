using System.Runtime.CompilerServices;
using Assets.Graph;
using Assets.Metadata;

namespace Assets.Planning;

// One asset's rows: each row depends only on the stored state and reads of its own partition and on the upstream assets'
// rows, which are complete before the asset's turn.
public static partial class StatusEvaluator
{
    /// <summary>What the rows of one asset are evaluated from, and the array they go into.</summary>
    private sealed record AssetRows(
        AssetDefinition Asset,
        PartitionSpace Space,
        PartitionState?[]? States,
        IReadOnlyList<UpstreamVersion>?[]? Recorded,
        int[]? StateIndex,
        StoredStateColumns? Columns,
        (UpstreamEdge Edge, StatusRows Rows)[] Edges,
        StatusRows Rows);

    private sealed partial class Evaluation
    {
        private readonly UpstreamReads _reads = new();

        /// <summary>Fills <see cref="AssetRows.Rows"/>, one row per partition that exists.</summary>
        // Compiled optimized on the first call, as Run is: a cold plan calls it with hundreds of thousands of rows in all.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void EvaluateAsset(AssetRows target)
        {
            var (asset, space, assetStates, assetRecorded, assetStateIndex, columns, edges, rows) = target;
            var observer = asset.SourceObserver;
            var reads = _reads;
            for (var i = 0; i < rows.Length; i++)
            {
                var partition = new AssetPartition(asset.Key, space.Keys[i]);
                var observed = observer is null ? null : observations.GetValueOrDefault(partition);
                var stored = assetStateIndex is null ? new StoredView(assetStates![i]) : new StoredView(columns!, assetStateIndex[i]);
                var status = stored.Exists ? stored.Status : PartitionStatus.Missing;
                if (stored.Exists && status is PartitionStatus.Published or PartitionStatus.Stale)
                {
                    var cause = assetStateIndex is null
                        ? StaleCause(asset, i, partition, stored, new ListedReads(assetRecorded![i] ?? []), observed, edges, reads)
                        : StaleCause(asset, i, partition, stored, new ComparedReads(inputs!, _positionOfState, assetStateIndex[i]), observed, edges, reads);
                    stored.Set(rows, i, cause is null ? PartitionStatus.Published : PartitionStatus.Stale, cause);
                }
                else if (status is PartitionStatus.Missing or PartitionStatus.Waiting && observed is { Arrived: false })
                {
                    rows[i] = NotArrived(asset, partition, observer!, observed, stored);
                }
                else if (!stored.Exists || (status == PartitionStatus.Missing && stored.Cause is null))
                {
                    stored.Set(rows, i, PartitionStatus.Missing, UnavailableUpstream(i, edges, reads));
                }
                else if (status is PartitionStatus.Failed or PartitionStatus.Quarantined or PartitionStatus.Waiting
                    && observed is { Arrived: true } && observed.ObservedAt > stored.UpdatedAt)
                {
                    stored.Set(rows, i, status, stored.Cause, sourceChangedSince: true);
                }
                else
                {
                    stored.Set(rows, i, status, stored.Cause);
                }
            }
        }
    }
}
