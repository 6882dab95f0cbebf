using Assets.Graph;
using Assets.Metadata;
using Assets.Partitions;
using NodaTime;

namespace Assets.Planning;

/// <summary>
/// Decides what to materialize: from a selection, a <see cref="PartitionRange"/> and a <see cref="PlanMode"/>,
/// against the evaluated <see cref="StatusGrid"/>, an ordered <see cref="Plan"/> whose steps each say why they
/// are in it.
/// <list type="bullet">
/// <item><description>Which partitions: see <see cref="PartitionRange"/>.</description></item>
/// <item><description>Which of them run: in <see cref="PlanMode.MissingOrStale"/> those missing, stale, failed,
/// quarantined or waiting; in <see cref="PlanMode.Force"/> all; in <see cref="PlanMode.Missing"/> the missing ones;
/// in <see cref="PlanMode.FailedAndMissing"/> the missing, failed, quarantined and waiting ones; in
/// <see cref="PlanMode.Eager"/> the missing, stale and waiting ones and those whose run died within their retry budget, none whose source is observed absent and none that reads a
/// stale upstream outside the plan. A running partition (another run holds its lease) is planned with that reason in
/// every mode but <see cref="PlanMode.Eager"/>, which blocks it: its step waits for the other run, then runs unless that
/// run published it.</description></item>
/// <item><description>No silent reads of missing data: a partition that reads (through its mappings, as of the grid's
/// <see cref="StatusGrid.AsOf"/>) an upstream partition that is not a step of the plan and has no published version
/// (missing, or failed, quarantined, waiting or running with nothing published before), that does not exist yet,
/// or that lies outside the upstream's range, is blocked with the reason; so is every step that reads a blocked
/// partition, transitively. An upstream partition that is not in the plan but has a published version (even a
/// stale or failed one) is read as it is.</description></item>
/// </list>
/// </summary>
public static class Planner
{
    /// <summary>
    /// How long <see cref="PlanMode.Eager"/> leaves a partition that last found its source absent (and has no observation
    /// saying it arrived since) before trying it again.
    /// </summary>
    public static readonly Duration EagerWaitingRetry = Duration.FromMinutes(5);

    private const string RunningReason = "being materialized by another run: waits for it, then runs unless that run published it";

    private const sbyte Planned = 1;
    private const sbyte Blocked = 2;
    private const int LinearDependencyLimit = 8;

    /// <summary>Makes the plan.</summary>
    /// <param name="graph">The assets; the graph <paramref name="grid"/> was evaluated from.</param>
    /// <param name="grid">The status of every partition, evaluated at the instant the plan is made for.</param>
    /// <param name="assets">The selected assets (from <see cref="Selection.AssetSelection"/>); their order does not
    /// matter, the plan follows the graph's topological order.</param>
    /// <param name="range">The partitions.</param>
    /// <param name="mode">Missing-or-stale (the default) or force.</param>
    /// <exception cref="PartitionKeyException">A key of <paramref name="range"/> is not valid for a selected asset that
    /// must accept it; the message names the asset and the valid form.</exception>
    public static Plan CreatePlan(AssetGraph graph, StatusGrid grid, IReadOnlyList<AssetDefinition> assets, PartitionRange range, PlanMode mode = PlanMode.MissingOrStale)
    {
        Preconditions.CheckNotNull(graph);
        Preconditions.CheckNotNull(grid);
        Preconditions.CheckNotNull(assets);
        Preconditions.CheckNotNull(range);
        Preconditions.CheckArgument(Enum.IsDefined(mode), $"Unknown plan mode {mode}.");

        var selected = new HashSet<AssetKey>();
        foreach (var asset in assets)
        {
            Preconditions.CheckArgument(graph.Contains(asset.Key), $"The selected asset {asset.Key} is not in the graph.", nameof(assets));
            selected.Add(asset.Key);
        }

        var ordered = new List<AssetStatuses>(selected.Count);
        foreach (var asset in graph.Assets)
        {
            if (selected.Contains(asset.Key))
            {
                ordered.Add(grid.Find(asset.Key)
                    ?? throw new ArgumentException($"The status grid has no asset {asset.Key}: evaluate it from the same graph.", nameof(grid)));
            }
        }

        // Every key is parsed before anything is planned, so a typo fails the whole request at once.
        NamedPartitionKeys.CheckEachNamesAPartition(ordered.ConvertAll(s => s.Definition), range);
        var picks = new Pick[ordered.Count];
        for (var a = 0; a < picks.Length; a++)
        {
            picks[a] = Pick.Of(ordered[a], range);
        }

        return new Planning(grid, mode, ordered).Run(picks, range, RangePicks(ordered, picks, range));
    }

    private static List<RangePick> RangePicks(List<AssetStatuses> ordered, Pick[] picks, PartitionRange range)
    {
        var result = new List<RangePick>();
        if (range.From is null && range.To is null)
        {
            return result;
        }

        for (var a = 0; a < ordered.Count; a++)
        {
            if (ordered[a].Definition.Partitions is TimeWindowPartitionsDefinition or MultiPartitionsDefinition)
            {
                var positions = picks[a].Positions().ToList();
                var keys = ordered[a].Space.Keys;
                result.Add(new RangePick(ordered[a].Definition.Key, positions.Count, positions.Count > 0 ? keys[positions[0]] : null, positions.Count > 0 ? keys[positions[^1]] : null));
            }
        }

        return result;
    }

    /// <summary>
    /// The rows of every asset of <paramref name="assets"/> (in their order) that <paramref name="range"/> picks, exactly
    /// as <see cref="CreatePlan"/> picks partitions for that selection, whatever their status: what
    /// <c>status --partition P</c> shows.
    /// </summary>
    /// <exception cref="PartitionKeyException">A key of <paramref name="range"/> is a partition of no asset of
    /// <paramref name="assets"/>, or not valid for one that must accept it; the message names the valid forms.</exception>
    public static IReadOnlyList<PartitionStatusRow> RowsInRange(StatusGrid grid, IReadOnlyList<AssetDefinition> assets, PartitionRange range)
    {
        Preconditions.CheckNotNull(assets);
        Preconditions.CheckNotNull(range);
        NamedPartitionKeys.CheckEachNamesAPartition(assets, range);
        return assets.SelectMany(asset => RowsInRange(grid, asset, range)).ToList();
    }

    /// <summary>
    /// The rows of <paramref name="asset"/> that <paramref name="range"/> picks, exactly as
    /// <see cref="CreatePlan"/> picks partitions (static-partitioned and unpartitioned assets whole), in
    /// partition order, whatever their status: what <c>status --from A --to B</c> shows, without planning.
    /// </summary>
    /// <exception cref="PartitionKeyException">A key of <paramref name="range"/> is not valid for the asset; the message names the valid form.</exception>
    public static IReadOnlyList<PartitionStatusRow> RowsInRange(StatusGrid grid, AssetDefinition asset, PartitionRange range)
    {
        Preconditions.CheckNotNull(grid);
        Preconditions.CheckNotNull(asset);
        Preconditions.CheckNotNull(range);
        var statuses = grid.Find(asset.Key)
            ?? throw new ArgumentException($"The status grid has no asset {asset.Key}: evaluate it from the same graph.", nameof(grid));
        var pick = Pick.Of(statuses, range);
        var rows = new List<PartitionStatusRow>();
        foreach (var i in pick.Positions())
        {
            rows.Add(statuses.Rows[i]);
        }

        return rows;
    }

    /// <summary>
    /// The positions of one asset's space in the range: <see cref="First"/> to <see cref="Last"/> every
    /// <see cref="Stride"/>, or the <see cref="Listed"/> ones, plus partitions asked for by key that do not exist yet.
    /// </summary>
    private readonly record struct Pick(int First, int Last, int Stride, IReadOnlyList<PartitionKey> NotYet, IReadOnlyList<int>? Listed = null)
    {
        private static Pick Whole(AssetStatuses statuses) => new(0, statuses.Space.Count - 1, 1, []);

        private static Pick Nothing => new(0, -1, 1, []);

        private bool IsWhole(AssetStatuses statuses) => Listed is null && First == 0 && Last == statuses.Space.Count - 1 && Stride == 1;

        /// <summary>The positions picked, in partition order.</summary>
        public IEnumerable<int> Positions()
        {
            if (Listed is { } listed)
            {
                foreach (var i in listed)
                {
                    yield return i;
                }

                yield break;
            }

            for (var i = First; i <= Last; i += Stride)
            {
                yield return i;
            }
        }

        public static Pick Of(AssetStatuses statuses, PartitionRange range)
        {
            var definition = statuses.Definition.Partitions;
            if (range.IsAll || definition is null)
            {
                return Whole(statuses);
            }

            if (range.Partitions is { } keys)
            {
                return Several(statuses, definition, keys);
            }

            return range.Partition is { } text ? Single(statuses, definition, text) : Between(statuses, definition, range);
        }

        /// <summary>The union of each key's <see cref="Single"/> pick: an asset planned whole for one key is planned whole.</summary>
        private static Pick Several(AssetStatuses statuses, PartitionsDefinition definition, IReadOnlyList<string> keys)
        {
            var positions = new SortedSet<int>();
            var notYet = new List<PartitionKey>();
            foreach (var key in keys)
            {
                var pick = Single(statuses, definition, key);
                if (pick.IsWhole(statuses))
                {
                    return pick;
                }

                positions.UnionWith(pick.Positions());
                notYet.AddRange(pick.NotYet.Where(k => !notYet.Contains(k)));
            }

            return new(0, -1, 1, notYet, positions.ToArray());
        }

        private static Pick Single(AssetStatuses statuses, PartitionsDefinition definition, string text)
        {
            var key = statuses.Definition.Key;
            var count = statuses.Space.Count;
            switch (definition)
            {
                case TimeWindowPartitionsDefinition time:
                {
                    if (!time.TryParseKey(text, out var parsed, out var error))
                    {
                        throw new PartitionKeyException($"{key}: {error}");
                    }

                    var index = time.IndexOf(parsed);
                    return index < count ? new(index, index, 1, []) : Nothing with { NotYet = [parsed] };
                }

                case StaticPartitionsDefinition @static:
                    return @static.TryParseKey(text, out var staticKey, out _) ? At(statuses.Space.IndexOf(staticKey)) : Whole(statuses);

                case MultiPartitionsDefinition multi:
                {
                    var width = multi.Static.Keys.Count;
                    var windows = count / width;
                    if (multi.TryParseKey(text, out var full, out _))
                    {
                        return statuses.Space.IndexOf(full) is var index and >= 0 ? At(index) : Nothing with { NotYet = [full] };
                    }

                    if (multi.Time.TryParseKey(text, out var timeKey, out _))
                    {
                        var window = multi.Time.IndexOf(timeKey);
                        return window < windows
                            ? new(window * width, (window * width) + width - 1, 1, [])
                            : Nothing with { NotYet = multi.Static.Keys.Select(s => multi.Combine(timeKey, s)).ToArray() };
                    }

                    if (multi.Static.TryParseKey(text, out var staticPart, out _))
                    {
                        var position = multi.Static.IndexOf(staticPart);
                        return new(position, ((windows - 1) * width) + position, width, []);
                    }

                    throw new PartitionKeyException(
                        $"{key}: '{text}' is not a partition key of this asset: expected {multi.DescribeKeyForm()}, "
                        + $"a time key ({multi.Time.DescribeKeyForm()}) or a static key ({multi.Static.DescribeKeyForm()})");
                }

                default:
                    return Whole(statuses);
            }
        }

        private static Pick Between(AssetStatuses statuses, PartitionsDefinition definition, PartitionRange range)
        {
            var (time, width) = definition switch
            {
                TimeWindowPartitionsDefinition t => (t, 1),
                MultiPartitionsDefinition m => (m.Time, m.Static.Keys.Count),
                _ => (null, 1),
            };
            if (time is null)
            {
                return Whole(statuses);
            }

            var asset = statuses.Definition.Key;
            long first = 0, last = long.MaxValue;
            Instant? start = null, end = null;
            if (range.From is { } from)
            {
                first = TimeRangeBound.TryFirst(time, from, out var index, out var at, out var error) ? index : throw new PartitionKeyException($"{asset}: the range start {error}");
                start = at;
            }

            if (range.To is { } to)
            {
                last = TimeRangeBound.TryLast(time, to, out var index, out var at, out var error) ? index : throw new PartitionKeyException($"{asset}: the range end {error}");
                end = at;
            }

            if (start >= end)
            {
                throw new PartitionKeyException($"The range starts at {range.From} and ends at {range.To}, before it starts: swap them.");
            }

            // Windows before the first partition or after the last that exists are left out.
            first = Math.Max(first, 0);
            last = Math.Min(last, (statuses.Space.Count / width) - 1L);
            return first > last ? Nothing : new((int)first * width, ((int)(last + 1) * width) - 1, 1, []);
        }

        private static Pick At(int index) => index >= 0 ? new(index, index, 1, []) : Nothing;
    }

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
