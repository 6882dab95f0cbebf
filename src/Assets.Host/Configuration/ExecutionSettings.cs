namespace Assets.Hosting.Configuration;

/// <summary>Where the steps of <c>materialize</c> runs, bound from <c>Assets:Execution</c>.</summary>
public sealed class ExecutionSettings
{
    /// <summary>The value of <see cref="Mode"/> that runs steps in the command's own process.</summary>
    public const string InProcess = "InProcess";

    /// <summary>The value of <see cref="Mode"/> that puts steps in the shared step queue for <c>worker</c> processes.</summary>
    public const string Workers = "Workers";

    /// <summary>
    /// <c>InProcess</c> (the default): a command runs its steps itself. <c>Workers</c> (the shared mode only: a PostgreSQL
    /// <c>Assets:Metadata</c>): <c>materialize</c> plans, puts the run's steps in the step queue, and waits for
    /// <c>worker</c> processes to run them, showing the same progress and ending with the same summary and exit code.
    /// </summary>
    public string Mode { get; set; } = InProcess;

    /// <summary>
    /// How long a step waits for another run's lease on its partition, as <c>5m</c>; <c>0s</c> fails at once. Default:
    /// <c>5m</c> (read by every command that runs steps).
    /// </summary>
    public string? LeaseWait { get; set; }

    /// <summary>Whether <see cref="Mode"/> says <c>Workers</c> (case-insensitive).</summary>
    public bool UsesWorkers => string.Equals(Mode, Workers, StringComparison.OrdinalIgnoreCase);
}
