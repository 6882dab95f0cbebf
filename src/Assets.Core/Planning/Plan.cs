using Assets.Execution;
using Assets.Graph;
using NodaTime;

namespace Assets.Planning;

/// <summary>
/// What to materialize and why, made by <see cref="Planner.CreatePlan"/>. <see cref="Steps"/> are in
/// topological order of their assets, then partition order within an asset, and each names the earlier steps
/// it reads (<see cref="PlanStep.DependsOn"/>), so an executor runs a step once those are done without walking
/// the graph. <see cref="Blocked"/> are the partitions that would be in the plan but cannot run (an upstream
/// partition is not available and not in the plan, another run holds them, or they wait for a blocked step),
/// in the same order. Immutable and thread-safe.
/// </summary>
public sealed class Plan
{
    private readonly Lazy<Dictionary<AssetPartition, PlanStep>> _byPartition;

    internal Plan(PlanMode mode, PartitionRange range, Instant asOf, IReadOnlyList<PlanStep> steps, IReadOnlyList<BlockedStep> blocked)
    {
        Mode = mode;
        Range = range;
        AsOf = asOf;
        Steps = steps;
        Blocked = blocked;
        _byPartition = new(() => steps.ToDictionary(s => s.Partition));
    }

    /// <summary>The mode the plan was made in.</summary>
    public PlanMode Mode { get; }

    /// <summary>The range the plan was made for.</summary>
    public PartitionRange Range { get; }

    /// <summary>The instant of the status grid the plan was made from.</summary>
    public Instant AsOf { get; }

    /// <summary>The steps, upstream before downstream.</summary>
    public IReadOnlyList<PlanStep> Steps { get; }

    /// <summary>The partitions that cannot run, with their reasons.</summary>
    public IReadOnlyList<BlockedStep> Blocked { get; }

    /// <summary>
    /// For a <c>--from/--to</c> range: what it picked in each selected time-partitioned asset, in topological order;
    /// empty for other ranges.
    /// </summary>
    public IReadOnlyList<RangePick> Picked { get; init; } = [];

    /// <summary>Whether there is nothing to run.</summary>
    public bool IsEmpty => Steps.Count == 0;

    /// <summary>Whether <paramref name="partition"/> is a step of the plan.</summary>
    public bool Contains(AssetPartition partition) => _byPartition.Value.ContainsKey(partition);

    /// <summary>The steps of this plan <paramref name="partition"/> waits for; throws <see cref="KeyNotFoundException"/> when it is not a step.</summary>
    public IReadOnlyList<AssetPartition> DependenciesOf(AssetPartition partition)
        => _byPartition.Value.TryGetValue(partition, out var step)
            ? step.DependsOn
            : throw new KeyNotFoundException($"{partition} is not a step of this plan.");

    /// <summary>The steps as the executor takes them.</summary>
    public IReadOnlyList<ExecutionStep> ToExecutionSteps()
    {
        var steps = new ExecutionStep[Steps.Count];
        for (var i = 0; i < steps.Length; i++)
        {
            steps[i] = new ExecutionStep(Steps[i].Partition, Steps[i].DependsOn);
        }

        return steps;
    }
}
