using Assets.Graph;
using Assets.Partitions;
using Assets.Planning;
using Assets.Selection;

namespace Assets.Backfills;

/// <summary>
/// The steps of a backfill before it is recorded (what <c>backfill start --dry-run</c> prints): the planner's steps for
/// the request's selection, range and reprocess mode, in the request's order, grouped into runs, then the blocked
/// partitions with their reasons. Immutable.
/// </summary>
public sealed class BackfillPlan
{
    private BackfillPlan(BackfillRequest request, Plan plan, IReadOnlyList<BackfillPlanStep> steps)
    {
        Request = request;
        Plan = plan;
        Steps = steps;
    }

    /// <summary>The request.</summary>
    public BackfillRequest Request { get; }

    /// <summary>The planner's plan it came from.</summary>
    public Plan Plan { get; }

    /// <summary>Every step in order: runnable ones by priority (<see cref="BackfillRequest.Order"/>), then the blocked ones.</summary>
    public IReadOnlyList<BackfillPlanStep> Steps { get; }

    /// <summary>How many runs of a body the runnable steps take (a range run counts once).</summary>
    public int Runs => Steps.Where(s => s.BlockedReason is null).Select(s => s.Chunk).Distinct().Count();

    /// <summary>Plans <paramref name="request"/> against <paramref name="grid"/>.</summary>
    /// <exception cref="AssetSelectionException">The selection names no asset or is malformed.</exception>
    /// <exception cref="PartitionKeyException">A key of the range is not valid for a selected asset.</exception>
    public static BackfillPlan Create(AssetGraph graph, StatusGrid grid, BackfillRequest request)
    {
        Preconditions.CheckNotNull(graph);
        Preconditions.CheckNotNull(grid);
        Preconditions.CheckNotNull(request);
        var selected = AssetSelection.Parse(request.Selection).Resolve(graph);
        var plan = Planner.CreatePlan(graph, grid, selected, request.Range, request.Reprocess);

        var topological = new Dictionary<AssetKey, int>();
        foreach (var asset in graph.Assets)
        {
            topological[asset.Key] = topological.Count;
        }

        // Group consecutive partitions of range-capable assets into runs, then order runs by their time.
        var chunks = new List<List<PlanStep>>();
        foreach (var byAsset in plan.Steps.GroupBy(s => s.Partition.Asset))
        {
            var asset = graph[byAsset.Key];
            var limit = asset.RangeRuns is { } ranges ? Math.Min(ranges.MaxPartitions, request.MaxPartitionsPerRun) : 1;
            List<PlanStep>? open = null;
            int? lastIndex = null;
            foreach (var step in byAsset)
            {
                var index = TimeIndex(asset, step.Partition.Partition);
                if (open is not null && open.Count < limit && index is { } i && lastIndex == i - 1)
                {
                    open.Add(step);
                }
                else
                {
                    open = [step];
                    chunks.Add(open);
                }

                lastIndex = index;
            }
        }

        var newestFirst = request.Order == BackfillOrder.NewestFirst;
        var ordered = chunks
            .OrderBy(c => TimeOf(graph, c[0].Partition) is null ? 1 : 0)
            .ThenBy(c => TimeOf(graph, (newestFirst ? c[^1] : c[0]).Partition) is { } start ? (newestFirst ? -start.ToUnixTimeTicks() : start.ToUnixTimeTicks()) : 0)
            .ThenBy(c => topological[c[0].Partition.Asset])
            .ToList();

        var steps = new List<BackfillPlanStep>(plan.Steps.Count + plan.Blocked.Count);
        for (var chunk = 0; chunk < ordered.Count; chunk++)
        {
            foreach (var step in ordered[chunk])
            {
                steps.Add(new BackfillPlanStep(steps.Count, step.Partition, chunk, step.Reason, null, step.DependsOn));
            }
        }

        foreach (var blocked in plan.Blocked)
        {
            steps.Add(new BackfillPlanStep(steps.Count, blocked.Partition, ordered.Count + steps.Count, null, blocked.Reason, []));
        }

        return new BackfillPlan(request, plan, steps);
    }

    /// <summary>The step as recorded when the backfill is created.</summary>
    public IReadOnlyList<BackfillStep> ToSteps(NodaTime.Instant at)
        => Steps.Select(s => new BackfillStep(
                s.Position, s.Partition, s.Chunk, s.BlockedReason is null ? BackfillStepState.Pending : BackfillStepState.Blocked, 0, s.BlockedReason, at))
            .ToArray();

    /// <summary>The start of a partition's time window (of the time dimension for time x static), or <c>null</c>.</summary>
    internal static NodaTime.Instant? TimeOf(AssetGraph graph, AssetPartition partition)
        => (graph[partition.Asset].Partitions, partition.Partition) switch
        {
            (TimeWindowPartitionsDefinition time, { } key) => time.GetWindow(key).Start.ToInstant(),
            (MultiPartitionsDefinition multi, { } key) => multi.Time.GetWindow(multi.Split(key).Time).Start.ToInstant(),
            _ => null,
        };

    private static int? TimeIndex(AssetDefinition asset, PartitionKey? key)
        => asset.Partitions is TimeWindowPartitionsDefinition time && key is { } k ? time.IndexOf(k) : null;
}

/// <summary>One step of a <see cref="BackfillPlan"/>. Immutable.</summary>
/// <param name="Position">Its place in the order.</param>
/// <param name="Partition">The asset partition.</param>
/// <param name="Chunk">The run it belongs to (see <see cref="BackfillStep.Chunk"/>).</param>
/// <param name="Reason">Why it runs, as the planner says; <c>null</c> when blocked.</param>
/// <param name="BlockedReason">Why it cannot run; <c>null</c> when it can.</param>
/// <param name="DependsOn">The steps of the backfill it reads.</param>
public sealed record BackfillPlanStep(int Position, AssetPartition Partition, int Chunk, string? Reason, string? BlockedReason, IReadOnlyList<AssetPartition> DependsOn);
