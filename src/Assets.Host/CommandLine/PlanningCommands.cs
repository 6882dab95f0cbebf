using Assets.Graph;
using Assets.Hosting.Rendering;
using Assets.Hosting.Storage;
using Assets.Planning;
using Assets.Selection;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Assets.Hosting.CommandLine;

/// <summary>What status, plan and materialize share: the grid evaluated from the metadata store, and the plan.</summary>
internal static class PlanningCommands
{
    public static async Task<StatusGrid> EvaluateAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var graph = services.GetRequiredService<AssetGraph>();
        var metadata = await services.GetRequiredService<AssetsStorage>().OpenMetadataAsync(cancellationToken).ConfigureAwait(false);
        // The cache pays off in a long-lived process (the daemon plans again and again); a one-shot command
        // evaluates once either way.
        var cache = services.GetService<StatusGridCache>() ?? new StatusGridCache();
        return await cache.EvaluateAsync(graph, metadata, services.GetRequiredService<AssetsClock>().GetCurrentInstant(), cancellationToken).ConfigureAwait(false);
    }

    public static PartitionRange Range((string? Partition, string? From, string? To) range)
        => range.Partition is { } partition ? PartitionRange.ForPartition(partition)
            : range.From is null && range.To is null ? PartitionRange.All
            : PartitionRange.Between(range.From, range.To);

    public static async Task<Plan> PlanAsync(IServiceProvider services, string select, (string? Partition, string? From, string? To) range, bool force, CancellationToken cancellationToken)
    {
        var graph = services.GetRequiredService<AssetGraph>();
        var selected = AssetSelection.Parse(select).Resolve(graph);
        var grid = await EvaluateAsync(services, cancellationToken).ConfigureAwait(false);
        return Planner.CreatePlan(graph, grid, selected, Range(range), force ? PlanMode.Force : PlanMode.MissingOrStale);
    }

    /// <summary>The plan in words: <paramref name="steps"/> and <paramref name="blocked"/> as (partition, reason).</summary>
    public static async Task WritePlanAsync(Terminal terminal, IReadOnlyList<(string Partition, string Reason)> steps, IReadOnlyList<PlanLineItem> blocked)
    {
        foreach (var step in steps)
        {
            await terminal.Out.WriteLineAsync($"run      {step.Partition}  ({step.Reason})").ConfigureAwait(false);
        }

        foreach (var line in BlockedLines.Of(blocked))
        {
            await terminal.Out.WriteLineAsync(line).ConfigureAwait(false);
        }

        await terminal.Out.WriteLineAsync(steps.Count == 0 && blocked.Count == 0
            ? "Nothing to do: every selected partition is published and up to date."
            : $"{steps.Count} step{(steps.Count == 1 ? string.Empty : "s")} to run, {blocked.Count} blocked.").ConfigureAwait(false);
    }
}
