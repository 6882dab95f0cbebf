using Assets.Graph;

namespace Assets.Execution.Queue;

/// <summary>
/// A run to put in the step queue: its id, what started it, its priority, its concurrency limit and its steps in the
/// order workers should take them. The constructor checks what the in-process executor checks before it runs
/// anything (each partition once, dependencies within the run and acyclic, range members consistent) and throws
/// <see cref="ArgumentException"/> naming the offending step. Immutable.
/// </summary>
public sealed class QueuedRun
{
    /// <summary>Creates the run and checks its steps.</summary>
    /// <param name="id">The run's id.</param>
    /// <param name="origin">What started it.</param>
    /// <param name="priority">Current work or backfill work (see <see cref="IStepQueue"/>'s fairness rule).</param>
    /// <param name="concurrencyLimit">
    /// At most this many of the run's claims at once (a backfill's run: of all the backfill's runs together, so give the
    /// backfill's limit to each); <c>null</c>: only the pool limits it. At least 1.
    /// </param>
    /// <param name="steps">The steps, in the order to claim them among the ready ones (a backfill: newest first if so ordered); at least one.</param>
    public QueuedRun(RunId id, RunOrigin origin, StepPriority priority, int? concurrencyLimit, IReadOnlyList<QueuedStep> steps)
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(steps);
        if (concurrencyLimit is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(concurrencyLimit), concurrencyLimit, $"A run's concurrency limit must be at least 1, not {concurrencyLimit}; leave it out for no limit.");
        }

        if (origin.Kind == RunOriginKind.Backfill != origin.Backfill.HasValue)
        {
            throw new ArgumentException($"A backfill's run names its backfill, and only a backfill's run does (got {origin.Kind} with backfill '{origin.Backfill}').", nameof(origin));
        }

        if (steps.Count == 0)
        {
            throw new ArgumentException($"Run {id} has no steps: there is nothing to queue.", nameof(steps));
        }

        Check(steps);
        Id = id;
        Origin = origin;
        Priority = priority;
        ConcurrencyLimit = concurrencyLimit;
        Steps = steps.ToArray();
    }

    /// <summary>The run's id.</summary>
    public RunId Id { get; }

    /// <summary>What started it.</summary>
    public RunOrigin Origin { get; }

    /// <summary>Current work or backfill work.</summary>
    public StepPriority Priority { get; }

    /// <summary>At most this many claims of the run (a backfill's: of all its runs) at once; <c>null</c>: no limit but the pool.</summary>
    public int? ConcurrencyLimit { get; }

    /// <summary>The steps, in claim order.</summary>
    public IReadOnlyList<QueuedStep> Steps { get; }

    private static void Check(IReadOnlyList<QueuedStep> steps)
    {
        var index = new Dictionary<AssetPartition, int>(steps.Count);
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i] ?? throw new ArgumentException($"Step {i} is null.", nameof(steps));
            ArgumentNullException.ThrowIfNull(step.Step, nameof(steps));
            if (string.IsNullOrWhiteSpace(step.CodeVersion))
            {
                throw new ArgumentException($"{step.Step.Partition} has no code version: give the asset's code version in the enqueuer's build.", nameof(steps));
            }

            if (!index.TryAdd(step.Step.Partition, i))
            {
                throw new ArgumentException($"{step.Step.Partition} is a step of the run twice: list each partition once.", nameof(steps));
            }
        }

        var dependents = new List<int>[steps.Count];
        var waitingFor = new int[steps.Count];
        for (var i = 0; i < steps.Count; i++)
        {
            dependents[i] ??= [];
            var step = steps[i].Step;
            foreach (var upstream in (step.DependsOn ?? []).Distinct())
            {
                if (!index.TryGetValue(upstream, out var j))
                {
                    throw new ArgumentException($"{step.Partition} depends on {upstream}, which is not a step of the run: leave out dependencies already published before the run.", nameof(steps));
                }

                if (j == i)
                {
                    throw new ArgumentException($"{step.Partition} depends on itself.", nameof(steps));
                }

                (dependents[j] ??= []).Add(i);
                waitingFor[i]++;
            }

            CheckRange(steps, index, step);
        }

        var ready = new Queue<int>(Enumerable.Range(0, steps.Count).Where(i => waitingFor[i] == 0));
        var visited = 0;
        while (ready.TryDequeue(out var i))
        {
            visited++;
            foreach (var dependent in dependents[i])
            {
                if (--waitingFor[dependent] == 0)
                {
                    ready.Enqueue(dependent);
                }
            }
        }

        if (visited < steps.Count)
        {
            var cycle = Enumerable.Range(0, steps.Count).Where(i => waitingFor[i] > 0).Select(i => steps[i].Step.Partition.ToString());
            throw new ArgumentException($"The steps' dependencies form a cycle among: {string.Join(", ", cycle)}.", nameof(steps));
        }
    }

    private static void CheckRange(IReadOnlyList<QueuedStep> steps, Dictionary<AssetPartition, int> index, ExecutionStep step)
    {
        if (step.RunsWith is not { } range)
        {
            return;
        }

        if (!range.Contains(step.Partition))
        {
            throw new ArgumentException($"{step.Partition} runs with a range that does not include it.", nameof(steps));
        }

        foreach (var member in range)
        {
            if (!index.TryGetValue(member, out var j) || steps[j].Step.RunsWith is not { } other || !other.SequenceEqual(range))
            {
                throw new ArgumentException($"{step.Partition} runs with {member}, which is not a step of the run with the same range.", nameof(steps));
            }
        }
    }
}
