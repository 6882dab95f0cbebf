namespace Assets.Execution;

/// <summary>
/// Runs the steps of one run and returns what each did, as <see cref="AssetExecutor.RunAsync"/> does: in this process, or
/// by handing them to workers and following them (the shared mode's step queue). <paramref name="progress"/> receives the
/// same updates either way (at least each step's <see cref="StepPhase.Finished"/>).
/// </summary>
/// <param name="steps">The run's steps, with their dependencies within the run.</param>
/// <param name="run">The run's id.</param>
/// <param name="progress">Where step updates go, or <c>null</c>.</param>
/// <param name="cancellationToken">Cancels the run cleanly; the summary still comes back (<see cref="RunOutcome.Cancelled"/>).</param>
public delegate Task<RunSummary> RunSteps(IReadOnlyList<ExecutionStep> steps, RunId run, IProgress<StepUpdate>? progress, CancellationToken cancellationToken);
