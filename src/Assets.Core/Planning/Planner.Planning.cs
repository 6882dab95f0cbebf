using Assets.Graph;
using Assets.Metadata;

namespace Assets.Planning;

public static partial class Planner
{
    /// <summary>One plan made: the selected partitions walked in topological order, each taken as a step or blocked with its reason.</summary>
    private sealed class Planning(StatusGrid grid, PlanMode mode, List<AssetStatuses> ordered)
    {
        private readonly Dictionary<AssetKey, sbyte[]> _marks = [];
        private readonly Dictionary<AssetPartition, string> _blockedRoots = [];
        private readonly List<PlanStep> _steps = [];
        private readonly List<BlockedStep> _blocked = [];
        private readonly UpstreamReads _reads = new();

        public Plan Run(Pick[] picks, PartitionRange range, IReadOnlyList<RangePick> picked)
        {
            foreach (var statuses in ordered)
            {
                _marks[statuses.Definition.Key] = new sbyte[statuses.Space.Count];
            }

            for (var a = 0; a < ordered.Count; a++)
            {
                PlanAsset(ordered[a], picks[a]);
            }

            return new Plan(mode, range, grid.AsOf, _steps, _blocked) { Picked = picked };
        }

        private void PlanAsset(AssetStatuses statuses, Pick pick)
        {
            var asset = statuses.Definition;
            var marks = _marks[asset.Key];
            foreach (var key in pick.NotYet)
            {
                var reason = $"{new AssetPartition(asset.Key, key)} does not exist yet: its time window has not ended as of {grid.AsOf}";
                _blocked.Add(new BlockedStep(new AssetPartition(asset.Key, key), reason));
            }

            var edges = new (UpstreamEdge Edge, AssetStatuses Upstream, sbyte[]? Marks)[asset.Dependencies.Count];
            for (var d = 0; d < edges.Length; d++)
            {
                var dependency = asset.Dependencies[d];
                var upstream = grid.Find(dependency.Upstream)
                    ?? throw new InvalidOperationException($"The status grid has no asset {dependency.Upstream}: evaluate it from the same graph.");
                edges[d] = (new UpstreamEdge(asset, statuses.Space, dependency, upstream.Definition, upstream.Space, grid.AsOf), upstream, _marks.GetValueOrDefault(dependency.Upstream));
            }

            foreach (var i in pick.Positions())
            {
                var row = statuses.Rows[i];
                if (row.Status == PartitionStatus.Running && mode == PlanMode.Eager)
                {
                    // Automation leaves it to the run that has it, and sees what it did next tick.
                    Block(marks, i, row.Partition, "being materialized by another run", root: null);
                    continue;
                }

                // Work someone asked for waits for the other run's lease, then plans again (ExecutionOptions.LeaseWait).
                var reason = row.Status == PartitionStatus.Running ? (mode == PlanMode.Force ? "forced; " : string.Empty) + RunningReason
                    : mode == PlanMode.Force ? "forced" : ReasonFor(row, mode, asset.Retry.MaxAttempts);
                if (reason is null)
                {
                    continue;
                }

                if (mode == PlanMode.Eager && row.AwaitsSource)
                {
                    // Observed absent: the daemon observes again each tick, and plans the partition once the source is there.
                    Block(marks, i, row.Partition, "waiting for its source: " + row.Cause, root: null);
                    continue;
                }

                if (mode == PlanMode.Eager && row is { Status: PartitionStatus.Waiting, SourceChangedSince: false, Stored: { } waited }
                    && grid.AsOf - waited.UpdatedAt < EagerWaitingRetry)
                {
                    // Without an observer only the body can tell whether the source arrived: try again every few minutes,
                    // not every tick, so a missing file does not fill the event log with a run per tick.
                    Block(marks, i, row.Partition, $"waiting for its source, tried at {waited.UpdatedAt}; tried again from {waited.UpdatedAt + EagerWaitingRetry}", root: null);
                    continue;
                }

                List<AssetPartition>? dependsOn = null;
                HashSet<AssetPartition>? seen = null;
                string? blockedBy = null;
                string? root = null;
                foreach (var (edge, upstream, upstreamMarks) in edges)
                {
                    edge.Read(i, _reads);
                    if (_reads.Outside.Count > 0)
                    {
                        blockedBy = "needs " + _reads.Outside[0];
                        break;
                    }

                    if (_reads.NotYet.Count > 0)
                    {
                        blockedBy = $"needs {new AssetPartition(edge.Upstream, _reads.NotYet[0])}, which does not exist yet (its time window has not ended as of {grid.AsOf})";
                        break;
                    }

                    foreach (var j in _reads.Existing)
                    {
                        var mark = upstreamMarks is null ? 0 : upstreamMarks[j];
                        if (mark == Planned)
                        {
                            AddDependency(ref dependsOn, ref seen, new AssetPartition(edge.Upstream, edge.UpstreamSpace.Keys[j]));
                        }
                        else if (mark == Blocked)
                        {
                            var upstreamPartition = new AssetPartition(edge.Upstream, edge.UpstreamSpace.Keys[j]);
                            root = _blockedRoots[upstreamPartition];
                            blockedBy = $"waits for {upstreamPartition}, which is blocked: {root}";
                            break;
                        }
                        else if (!HasPublishedVersion(upstream.Rows[j]))
                        {
                            blockedBy = Unavailable(upstream.Rows[j], inSelection: upstreamMarks is not null, asset.Key);
                            break;
                        }
                        else if (mode == PlanMode.Eager && upstream.Rows[j].Status == PartitionStatus.Stale)
                        {
                            blockedBy = $"upstream {upstream.Rows[j].Partition} is stale and not refreshed by this plan: automate it, or materialize it first";
                            break;
                        }
                    }

                    if (blockedBy is not null)
                    {
                        break;
                    }
                }

                if (blockedBy is not null)
                {
                    Block(marks, i, row.Partition, blockedBy, root);
                }
                else
                {
                    marks[i] = Planned;
                    _steps.Add(new PlanStep(row.Partition, reason, dependsOn is null ? [] : dependsOn.ToArray()));
                }
            }
        }

        private void Block(sbyte[] marks, int index, AssetPartition partition, string reason, string? root)
        {
            marks[index] = Blocked;
            _blockedRoots[partition] = root ?? reason;
            _blocked.Add(new BlockedStep(partition, reason));
        }

        private static void AddDependency(ref List<AssetPartition>? dependsOn, ref HashSet<AssetPartition>? seen, AssetPartition partition)
        {
            dependsOn ??= [];
            if (seen is null)
            {
                if (dependsOn.Contains(partition))
                {
                    return;
                }

                dependsOn.Add(partition);
                if (dependsOn.Count > LinearDependencyLimit)
                {
                    seen = [.. dependsOn];
                }
            }
            else if (seen.Add(partition))
            {
                dependsOn.Add(partition);
            }
        }

        private static string? ReasonFor(PartitionStatusRow row, PlanMode mode, int retryBudget) => row.Status switch
        {
            PartitionStatus.Missing => "missing",
            _ when mode == PlanMode.Missing => null,
            PartitionStatus.Stale when mode == PlanMode.FailedAndMissing => null,
            PartitionStatus.Failed when mode == PlanMode.Eager && !row.SourceChangedSince && Interruption.TryRead(row.Cause, out var times)
                => times < retryBudget ? Interrupted(times, retryBudget) : null,
            PartitionStatus.Failed or PartitionStatus.Quarantined when mode == PlanMode.Eager
                => row.SourceChangedSince ? WithCause("its source changed since it " + (row.Status == PartitionStatus.Failed ? "failed" : "was quarantined"), row.Cause) : null,
            PartitionStatus.Stale => WithCause("stale", row.Cause),
            PartitionStatus.Failed => WithCause("failed last time", row.Cause),
            PartitionStatus.Quarantined => WithCause("quarantined last time", row.Cause),
            PartitionStatus.Waiting => WithCause("waiting last time", row.Cause),
            _ => null,
        };

        /// <summary>Why eager automation retries a partition whose run died: not its fault, so no person is needed until the budget is spent.</summary>
        private static string Interrupted(int times, int retryBudget)
            => times == 1
                ? $"interrupted last time (its process died); retried, as its retry budget allows {retryBudget} attempts"
                : $"interrupted {times} times in a row (its process died); retried, as its retry budget allows {retryBudget} attempts";

        private static string WithCause(string status, string? cause) => cause is null ? status : $"{status}: {cause}";

        private static bool HasPublishedVersion(PartitionStatusRow row)
            => row.Status is PartitionStatus.Published or PartitionStatus.Stale || row.HasStoredDataVersion;

        private static string Unavailable(PartitionStatusRow upstream, bool inSelection, AssetKey reader)
        {
            var state = upstream.Status switch
            {
                PartitionStatus.Missing => "is missing and",
                PartitionStatus.Failed => "failed with nothing published, and is",
                PartitionStatus.Quarantined => "was quarantined with nothing published, and is",
                PartitionStatus.Waiting => "is waiting for its source, and is",
                PartitionStatus.Running => "is being materialized by another run with nothing published yet, and is",
                _ => "has no published version, and is",
            };
            return inSelection
                ? $"upstream {upstream.Partition} {state} not in this plan's range: widen the range or materialize it first"
                : $"upstream {upstream.Partition} {state} not in this plan: add it to the selection (+{reader}) or materialize it first";
        }
    }
}
