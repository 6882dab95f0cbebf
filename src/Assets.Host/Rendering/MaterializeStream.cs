using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Assets.Execution;
using Assets.Hosting.CommandLine;
using Assets.Hosting.Daemon;
using Assets.Planning;
using Spectre.Console;

namespace Assets.Hosting.Rendering;

/// <summary>
/// One line of a materialization as <c>POST /materialize</c> streams it (NDJSON) and as <c>materialize</c> renders it,
/// run in this process or by the daemon: one code path for the output. <see cref="Type"/> says which fields are set:
/// <list type="bullet">
/// <item><description><c>run</c> (first): <c>run</c> (the run id; null when nothing can run), <c>steps</c>, <c>parallel</c>, <c>blocked</c> (<c>{asset, partition, reason}</c>).</description></item>
/// <item><description><c>waiting</c> (a step found its partition leased by another run and waits for it): <c>asset</c>, <c>partition</c>, <c>cause</c> (<c>waiting for run X, ...</c>).</description></item>
/// <item><description><c>step</c> (one per finished step): <c>asset</c>, <c>partition</c>, <c>outcome</c> (published, failed, skipped, quarantined, waiting, cancelled), <c>attempts</c>, <c>seconds</c>, <c>cause</c>.</description></item>
/// <item><description><c>summary</c> (last): <c>run</c>, <c>outcome</c> (completed, failed, cancelled; null when nothing ran), <c>counts</c> (steps by outcome), <c>outcomes</c> (<c>{outcome, steps, seconds}</c>), <c>description</c>, <c>exitCode</c> (what the command returns).</description></item>
/// <item><description><c>error</c> (instead of the summary when the run could not go on): <c>error</c>, <c>exitCode</c>.</description></item>
/// </list>
/// </summary>
internal sealed record MaterializeLine(string Type)
{
    /// <summary>NDJSON: one compact object per line, unset fields left out.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonOutput.Options) { WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string? Run { get; init; }

    public int? Steps { get; init; }

    public int? Parallel { get; init; }

    public IReadOnlyList<PlanLineItem>? Blocked { get; init; }

    public string? Asset { get; init; }

    public string? Partition { get; init; }

    public string? Outcome { get; init; }

    public int? Attempts { get; init; }

    public double? Seconds { get; init; }

    public string? Cause { get; init; }

    public IReadOnlyDictionary<string, int>? Counts { get; init; }

    public IReadOnlyList<OutcomeLine>? Outcomes { get; init; }

    public string? Description { get; init; }

    public int? ExitCode { get; init; }

    public string? Error { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static MaterializeLine Parse(string json)
        => JsonSerializer.Deserialize<MaterializeLine>(json, Options) ?? throw new JsonException("An empty line.");

    /// <summary>The first line; <paramref name="parallel"/> <c>null</c> when the steps are queued for workers (<c>Assets:Execution:Mode=Workers</c>).</summary>
    public static MaterializeLine Started(Plan plan, RunId? run, int? parallel) => new("run")
    {
        Run = run?.Value,
        Steps = plan.Steps.Count,
        Parallel = parallel,
        Blocked = plan.Blocked.Select(b => new PlanLineItem(b.Partition.Asset.Value, b.Partition.Partition?.Value, b.Reason)).ToArray(),
    };

    public static MaterializeLine Step(StepResult result) => new("step")
    {
        Asset = result.Partition.Asset.Value,
        Partition = result.Partition.Partition?.Value,
        Outcome = Name(result.Outcome),
        Attempts = result.Attempts,
        Seconds = result.Duration.TotalSeconds,
        Cause = result.Cause,
    };

    public static MaterializeLine Waiting(StepUpdate update) => new("waiting")
    {
        Asset = update.Partition.Asset.Value,
        Partition = update.Partition.Partition?.Value,
        Cause = update.Message,
    };

    public static MaterializeLine Ended(RunSummary summary) => new("summary")
    {
        Run = summary.RunId.Value,
        Outcome = summary.Outcome.ToString().ToLowerInvariant(),
        Counts = Enum.GetValues<StepOutcome>().ToDictionary(Name, summary.Count),
        Outcomes = summary.Steps.GroupBy(s => s.Outcome).OrderBy(g => g.Key)
            .Select(g => new OutcomeLine(Name(g.Key), g.Count(), g.Sum(s => s.Duration.TotalSeconds))).ToArray(),
        Description = summary.Describe(),
        ExitCode = summary.Failed + summary.Quarantined > 0 || summary.Outcome == RunOutcome.Cancelled ? ExitCodes.Failure : ExitCodes.Success,
    };

    public static MaterializeLine NothingRan(Plan plan) => new("summary")
    {
        Counts = Enum.GetValues<StepOutcome>().ToDictionary(Name, _ => 0),
        Outcomes = [],
        Description = plan.Blocked.Count == 0 ? "Nothing to do: every selected partition is published and up to date." : "Nothing can run: every step is blocked.",
        ExitCode = plan.Blocked.Count == 0 ? ExitCodes.Success : ExitCodes.Failure,
    };

    public static MaterializeLine Failed(string error) => new("error") { Error = error, ExitCode = ExitCodes.Failure };

    public static string Name(StepOutcome outcome) => outcome.ToString().ToLowerInvariant();

    /// <summary><c>asset[partition]</c>, or the asset of an unpartitioned one.</summary>
    public static string PartitionText(string? asset, string? partition) => partition is null ? asset ?? string.Empty : $"{asset}[{partition}]";
}

/// <summary>A blocked step in a <c>run</c> line.</summary>
internal sealed record PlanLineItem(string Asset, string? Partition, string Reason);

/// <summary>How many steps ended with an outcome, and their time, in a <c>summary</c> line.</summary>
internal sealed record OutcomeLine(string Outcome, int Steps, double Seconds);

/// <summary>
/// Runs a materialization and reports it as <see cref="MaterializeLine"/>s: the plan, then the run with each finished
/// step reported, then the summary. The daemon's endpoint and the
/// command in this process both run it.
/// </summary>
internal static class MaterializeRun
{
    public delegate Task<RunSummary> Execute(Plan plan, RunId run, int parallel, IProgress<StepUpdate> progress, CancellationToken cancellationToken);

    /// <summary>
    /// Reports <paramref name="plan"/> run by <paramref name="execute"/> to <paramref name="report"/> (called one line at a
    /// time, from the executor's threads) and returns the last line, the summary, which is not reported.
    /// </summary>
    /// <remarks><paramref name="queued"/>: the steps go to the step queue's workers, so the header says so instead of a parallelism.</remarks>
    public static async Task<MaterializeLine> RunAsync(Plan plan, int parallel, Execute execute, Action<MaterializeLine> report, CancellationToken cancellationToken, bool queued = false)
    {
        int? shown = queued ? null : parallel;
        if (plan.IsEmpty)
        {
            report(MaterializeLine.Started(plan, null, shown));
            return MaterializeLine.NothingRan(plan);
        }

        var run = RunId.New();
        report(MaterializeLine.Started(plan, run, shown));
        var progress = new SynchronousProgress<StepUpdate>(update =>
        {
            if (update is { Phase: StepPhase.Finished, Result: { } result })
            {
                report(MaterializeLine.Step(result));
            }
            else if (update.Phase == StepPhase.WaitingForLease)
            {
                report(MaterializeLine.Waiting(update));
            }
        });
        var summary = await execute(plan, run, parallel, progress, cancellationToken).ConfigureAwait(false);
        return MaterializeLine.Ended(summary);
    }
}

/// <summary>Shows a materialization's lines on the terminal: blocked steps, the run's header, live progress, the summary table.</summary>
internal sealed class MaterializeView(Terminal terminal) : IAsyncDisposable
{
    private RunProgressView? _progress;

    /// <summary>The exit code of the summary or error line, once seen.</summary>
    public int? ExitCode { get; private set; }

    /// <summary>Shows one line; an <c>error</c> line throws <see cref="DaemonException"/> with its message.</summary>
    public async Task ShowAsync(MaterializeLine line)
    {
        switch (line.Type)
        {
            case "run":
                foreach (var blocked in BlockedLines.Of(line.Blocked ?? []))
                {
                    await terminal.Out.WriteLineAsync(blocked).ConfigureAwait(false);
                }

                if (line.Run is { } run)
                {
                    var how = line.Parallel is { } parallel ? $"up to {parallel} at once" : "queued for the workers";
                    await terminal.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Run {run}: {Plural.Of(line.Steps ?? 0, "step")}, {how}.")).ConfigureAwait(false);
                    _progress = RunProgressView.Start(terminal, $"run {run}", line.Steps ?? 0);
                }

                break;
            case "waiting":
                _progress?.Note($"waiting     {MaterializeLine.PartitionText(line.Asset, line.Partition)}  {line.Cause}");
                break;
            case "step":
                _progress?.Finished(
                    Enum.TryParse<StepOutcome>(line.Outcome, ignoreCase: true, out var outcome) ? outcome : StepOutcome.Failed,
                    MaterializeLine.PartitionText(line.Asset, line.Partition),
                    TimeSpan.FromSeconds(line.Seconds ?? 0),
                    line.Cause);
                break;
            case "summary":
                await StopProgressAsync().ConfigureAwait(false);
                ExitCode = line.ExitCode ?? ExitCodes.Failure;
                if (line.Run is null)
                {
                    await terminal.Out.WriteLineAsync(line.Description).ConfigureAwait(false);
                    break;
                }

                // Steps run side by side, so their time summed is not the run's: the last line says how long it took.
                var table = new Table().Border(TableBorder.Simple)
                    .AddColumn("outcome").AddColumn(new TableColumn("steps").RightAligned()).AddColumn(new TableColumn("step time, summed").RightAligned());
                foreach (var group in line.Outcomes ?? [])
                {
                    table.AddRow(group.Outcome, group.Steps.ToString(CultureInfo.InvariantCulture), string.Create(CultureInfo.InvariantCulture, $"{group.Seconds:0.0}s"));
                }

                terminal.Console.Write(table);
                terminal.Console.MarkupLine(Markup.Escape($"Run {line.Run}: {line.Description}."));
                break;
            case "error":
                await StopProgressAsync().ConfigureAwait(false);
                ExitCode = line.ExitCode ?? ExitCodes.Failure;
                throw new DaemonException(line.Error ?? "The daemon's run failed.");
            default:
                break;
        }
    }

    /// <summary>Shows a line about the run that is not a step's end (a queued run waiting for workers): above the bar, or as a line.</summary>
    public void Note(string line)
    {
        if (_progress is { } progress)
        {
            progress.Note(line);
        }
        else
        {
            terminal.Out.WriteLine(line);
        }
    }

    /// <summary>Shows one line from a thread that cannot wait (the executor's progress): only <c>step</c> lines need no writes that wait.</summary>
    public void Show(MaterializeLine line) => ShowAsync(line).GetAwaiter().GetResult();

    public ValueTask DisposeAsync() => new(StopProgressAsync());

    private async Task StopProgressAsync()
    {
        if (_progress is { } progress)
        {
            _progress = null;
            await progress.DisposeAsync().ConfigureAwait(false);
        }
    }
}
