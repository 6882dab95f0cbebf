namespace Assets.Execution.Queue;

/// <summary>What <see cref="IStepQueue.PruneAsync"/> removed.</summary>
/// <param name="Runs">Finished runs removed, with their steps.</param>
/// <param name="Steps">Steps of those runs.</param>
/// <param name="Workers">Workers removed from the list after being silent for the whole retention.</param>
public sealed record QueuePruning(int Runs, int Steps, int Workers)
{
    /// <summary>Whether anything was removed.</summary>
    public bool Any => Runs + Workers > 0;
}
