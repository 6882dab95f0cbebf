using Assets.Graph;

namespace Assets.Execution;

/// <summary>The steps of a run by index, with each step's dependencies and dependents inside the run; validated.</summary>
internal sealed class StepOrder
{
    private StepOrder(IReadOnlyList<ExecutionStep> steps, IReadOnlyList<IReadOnlyList<int>> dependencies, IReadOnlyList<IReadOnlyList<int>> dependents)
    {
        Steps = steps;
        Dependencies = dependencies;
        Dependents = dependents;
    }

    public IReadOnlyList<ExecutionStep> Steps { get; }

    /// <summary>The indices of the steps each step waits for (each once).</summary>
    public IReadOnlyList<IReadOnlyList<int>> Dependencies { get; }

    /// <summary>The indices of the steps that wait for each step, in step order.</summary>
    public IReadOnlyList<IReadOnlyList<int>> Dependents { get; }

    public static StepOrder Create(IReadOnlyList<ExecutionStep> steps, AssetGraph graph)
    {
        var index = new Dictionary<AssetPartition, int>(steps.Count);
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i] ?? throw new ArgumentException($"Step {i} is null.", nameof(steps));
            if (!graph.Contains(step.Partition.Asset))
            {
                throw new ArgumentException($"Step {step.Partition} names an asset that is not in the graph{Suggest(graph, step.Partition.Asset)}.", nameof(steps));
            }

            if (!index.TryAdd(step.Partition, i))
            {
                throw new ArgumentException($"{step.Partition} is a step of the run twice: list each partition once.", nameof(steps));
            }
        }

        var dependencies = new List<int>[steps.Count];
        var dependents = Enumerable.Range(0, steps.Count).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < steps.Count; i++)
        {
            dependencies[i] = [];
            foreach (var upstream in (steps[i].DependsOn ?? []).Distinct())
            {
                if (!index.TryGetValue(upstream, out var j))
                {
                    throw new ArgumentException(
                        $"{steps[i].Partition} depends on {upstream}, which is not a step of the run: leave out dependencies already published before the run.", nameof(steps));
                }

                if (j == i)
                {
                    throw new ArgumentException($"{steps[i].Partition} depends on itself.", nameof(steps));
                }

                dependencies[i].Add(j);
                dependents[j].Add(i);
            }
        }

        CheckAcyclic(steps, dependencies, dependents);
        return new StepOrder(steps, dependencies, dependents);
    }

    private static void CheckAcyclic(IReadOnlyList<ExecutionStep> steps, List<int>[] dependencies, List<int>[] dependents)
    {
        var remaining = dependencies.Select(d => d.Count).ToArray();
        var ready = new Queue<int>(Enumerable.Range(0, steps.Count).Where(i => remaining[i] == 0));
        var visited = 0;
        while (ready.TryDequeue(out var i))
        {
            visited++;
            foreach (var dependent in dependents[i])
            {
                if (--remaining[dependent] == 0)
                {
                    ready.Enqueue(dependent);
                }
            }
        }

        if (visited < steps.Count)
        {
            var cycle = Enumerable.Range(0, steps.Count).Where(i => remaining[i] > 0).Select(i => steps[i].Partition.ToString());
            throw new ArgumentException($"The steps' dependencies form a cycle among: {string.Join(", ", cycle)}.", nameof(steps));
        }
    }

    private static string Suggest(AssetGraph graph, AssetKey key)
        => graph.SuggestKey(key.Value) is { } suggestion ? $" (did you mean '{suggestion}'?)" : string.Empty;
}
