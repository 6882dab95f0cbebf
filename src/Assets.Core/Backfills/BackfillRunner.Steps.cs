using Assets.Execution;
using Assets.Graph;
using Assets.Metadata;
using NodaTime;

namespace Assets.Backfills;

public sealed partial class BackfillRunner
{
    // Which of a backfill's remaining steps are settled, runnable or not, and which run as one range.
    /// <summary>Steps not recorded as published whose partition has been published since the backfill was requested.</summary>
    private async Task<List<BackfillStepUpdate>> SettlePublishedAsync(Backfill backfill, IReadOnlyList<BackfillStep> steps, Instant now)
    {
        var open = steps.Where(s => s.State != BackfillStepState.Published).ToList();
        var updates = new List<BackfillStepUpdate>();
        if (open.Count == 0)
        {
            return updates;
        }

        var assets = open.Select(s => s.Partition.Asset).ToHashSet();
        var published = new Dictionary<AssetPartition, Instant>();
        foreach (var state in await _metadata.GetStatesAsync(assets, CancellationToken.None).ConfigureAwait(false))
        {
            if (state.PublishedAt is { } at && state.Status is PartitionStatus.Published or PartitionStatus.Stale)
            {
                published[state.Partition] = at;
            }
        }

        foreach (var step in open)
        {
            if (published.TryGetValue(step.Partition, out var at) && at >= backfill.CreatedAt)
            {
                updates.Add(new BackfillStepUpdate(step.Partition, BackfillStepState.Published, step.Attempts, null, now));
            }
        }

        return updates;
    }

    /// <summary>
    /// The remaining steps that can run, each depending on the remaining steps it reads, and the updates of those that
    /// cannot: they read a partition that is neither a runnable step of the backfill nor published.
    /// </summary>
    private async Task<(List<ExecutionStep> Runnable, List<BackfillStepUpdate> Unrunnable)> SplitRunnableAsync(List<BackfillStep> remaining, Instant now)
    {
        var remainingSet = remaining.Select(s => s.Partition).ToHashSet();
        var upstreamAssets = remaining.SelectMany(s => _graph[s.Partition.Asset].Dependencies.Select(d => d.Upstream)).ToHashSet();
        var available = new HashSet<AssetPartition>();
        foreach (var state in await _metadata.GetStatesAsync(upstreamAssets, CancellationToken.None).ConfigureAwait(false))
        {
            if (state.DataVersion is not null || state.Status is PartitionStatus.Published or PartitionStatus.Stale)
            {
                available.Add(state.Partition);
            }
        }

        // Upstream before downstream, so a step's blocked upstream is known when it is looked at.
        var topological = new Dictionary<AssetKey, int>();
        foreach (var asset in _graph.Assets)
        {
            topological[asset.Key] = topological.Count;
        }

        var cannotRun = new Dictionary<AssetPartition, string>();
        var dependencies = new Dictionary<AssetPartition, List<AssetPartition>>();
        foreach (var step in remaining.OrderBy(s => topological[s.Partition.Asset]))
        {
            var dependsOn = new List<AssetPartition>();
            string? blocked = null;
            foreach (var (dependency, mapped) in _graph.GetUpstreamPartitions(step.Partition, now))
            {
                if (mapped.OutsideUpstreamRange.Count > 0)
                {
                    blocked = $"needs {mapped.OutsideUpstreamRange[0]}, outside the upstream's partitions";
                    break;
                }

                foreach (var key in mapped.Keys)
                {
                    var upstream = new AssetPartition(dependency.Upstream, key);
                    if (cannotRun.TryGetValue(upstream, out var root))
                    {
                        blocked = $"waits for {upstream}, which cannot run: {root}";
                        break;
                    }

                    if (remainingSet.Contains(upstream))
                    {
                        dependsOn.Add(upstream);
                    }
                    else if (!available.Contains(upstream))
                    {
                        blocked = $"upstream {upstream} has no published version and is not part of this backfill: materialize it first, or start a backfill that includes it";
                        break;
                    }
                }

                if (blocked is not null)
                {
                    break;
                }
            }

            if (blocked is null)
            {
                dependencies[step.Partition] = dependsOn;
            }
            else
            {
                cannotRun[step.Partition] = blocked;
            }
        }

        var together = RangeRunsOf(remaining.Where(s => dependencies.ContainsKey(s.Partition)));
        var runnable = new List<ExecutionStep>();
        var unrunnable = new List<BackfillStepUpdate>();
        foreach (var step in remaining)
        {
            if (!dependencies.TryGetValue(step.Partition, out var dependsOn))
            {
                unrunnable.Add(new BackfillStepUpdate(step.Partition, BackfillStepState.Blocked, step.Attempts, cannotRun[step.Partition], now));
            }
            else if (together.TryGetValue(step.Partition, out var range))
            {
                // One call of the body reads what any partition of the range reads: each step waits for all of it.
                var union = range.SelectMany(p => dependencies[p]).Where(p => !range.Contains(p)).Distinct().ToArray();
                runnable.Add(new ExecutionStep(step.Partition, union) { RunsWith = range });
            }
            else
            {
                runnable.Add(new ExecutionStep(step.Partition, dependsOn));
            }
        }

        return (runnable, unrunnable);
    }

    /// <summary>
    /// The range runs among the runnable steps: steps of one chunk, split where a partition of the chunk is already
    /// published or cannot run, so every range is consecutive; a range of one runs as a plain step.
    /// </summary>
    private Dictionary<AssetPartition, IReadOnlyList<AssetPartition>> RangeRunsOf(IEnumerable<BackfillStep> runnable)
    {
        var result = new Dictionary<AssetPartition, IReadOnlyList<AssetPartition>>();
        foreach (var chunk in runnable.GroupBy(s => s.Chunk))
        {
            var asset = _graph[chunk.First().Partition.Asset];
            if (asset.RangeRuns is null || asset.Partitions is not Partitions.TimeWindowPartitionsDefinition time)
            {
                continue;
            }

            var ordered = chunk.OrderBy(s => time.IndexOf(s.Partition.Partition!.Value)).Select(s => s.Partition).ToList();
            var run = new List<AssetPartition>();
            foreach (var partition in ordered)
            {
                if (run.Count > 0 && time.IndexOf(run[^1].Partition!.Value) + 1 != time.IndexOf(partition.Partition!.Value))
                {
                    Add(run);
                    run = [];
                }

                run.Add(partition);
            }

            Add(run);
        }

        return result;

        void Add(List<AssetPartition> run)
        {
            if (run.Count > 1)
            {
                foreach (var partition in run)
                {
                    result[partition] = run;
                }
            }
        }
    }
}
