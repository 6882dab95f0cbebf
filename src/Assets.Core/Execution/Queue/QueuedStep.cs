namespace Assets.Execution.Queue;

/// <summary>
/// One step of a <see cref="QueuedRun"/>: what the in-process executor would run (<see cref="Step"/>, with its
/// dependencies inside the run, its reason and its range), and the code version its asset had in the enqueuer's
/// build, which the claiming worker's build must have too. Immutable.
/// </summary>
/// <param name="Step">The step: partition, dependencies within the run, <see cref="ExecutionStep.RunsWith"/>, reason.</param>
/// <param name="CodeVersion">The asset's code version in the enqueuer's build (<see cref="Graph.AssetDefinition.CodeVersion"/>).</param>
public sealed record QueuedStep(ExecutionStep Step, string CodeVersion);
