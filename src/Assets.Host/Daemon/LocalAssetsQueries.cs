using Assets.Freshness;
using Assets.Graph;
using Assets.Hosting.CommandLine;
using Assets.Hosting.Rendering;
using Assets.Hosting.Storage;
using Assets.Planning;
using Assets.Selection;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Assets.Hosting.Daemon;

/// <summary>Answers the queries in this process, from the metadata store it opens (the daemon, or a command without one).</summary>
internal sealed class LocalAssetsQueries(IServiceProvider services) : IAssetsQueries
{
    public async Task<string> StatusAsync(string? select, (string? Partition, string? From, string? To) range, CancellationToken cancellationToken)
        => CommandJson.Status((await StatusRowsInRangeAsync(select, range, cancellationToken).ConfigureAwait(false)).Select(r =>
            (r.Partition, StatusStyle.Name(r.Status), r.Cause, r.Stored?.DataVersion, r.Stored?.PublishedAt)));

    /// <remarks>
    /// Straight from the grid, without the JSON document in between: writing and reading one JSON row per partition was
    /// most of what <c>status</c> spent beyond planning on a root with 20,000 partitions.
    /// </remarks>
    public async Task<IReadOnlyList<StatusRow>> StatusRowsAsync(string? select, (string? Partition, string? From, string? To) range, CancellationToken cancellationToken)
        => [.. (await StatusRowsInRangeAsync(select, range, cancellationToken).ConfigureAwait(false))
            .GroupBy(r => r.Partition.Asset)
            .Select(g => new StatusRow(g.Key, [.. g.Select(r => new StatusCell(r.Partition.Partition, r.Status, r.Cause))]))];

    private async Task<IReadOnlyList<PartitionStatusRow>> StatusRowsInRangeAsync(string? select, (string? Partition, string? From, string? To) range, CancellationToken cancellationToken)
    {
        var graph = services.GetRequiredService<AssetGraph>();
        var selected = (select is { } s ? AssetSelection.Parse(s) : AssetSelection.All).Resolve(graph);
        var grid = await PlanningCommands.EvaluateAsync(services, cancellationToken).ConfigureAwait(false);
        return Planner.RowsInRange(grid, selected, PlanningCommands.Range(range));
    }

    public async Task<string> PlanAsync(string select, (string? Partition, string? From, string? To) range, bool force, CancellationToken cancellationToken)
    {
        var plan = await PlanningCommands.PlanAsync(services, select, range, force, cancellationToken).ConfigureAwait(false);
        return plan.Range.From is null && plan.Range.To is null
            ? CommandJson.Plan(plan.Steps.Select(s => (s.Partition, s.Reason)), plan.Blocked.Select(b => (b.Partition, b.Reason)))
            : CommandJson.Plan(plan);
    }

    public async Task<string> ObserveAsync(string? select, (string? Partition, string? From, string? To) range, CancellationToken cancellationToken)
        => ObservationJson.Write(await SourceObservations.ObserveAsync(services, select, PlanningCommands.Range(range), cancellationToken).ConfigureAwait(false));

    public Task<string> HistoryAsync(string select, string? partition, CancellationToken cancellationToken)
        => StorageMaintenance.HistoryAsync(services, select, partition, cancellationToken);

    public Task<string> RollbackAsync(string select, string? partition, string? to, CancellationToken cancellationToken)
        => StorageMaintenance.RollbackAsync(services, select, partition, to, cancellationToken);

    public Task<string> GcAsync(bool dryRun, Duration olderThan, CancellationToken cancellationToken)
        => StorageMaintenance.GcAsync(services, dryRun, olderThan, cancellationToken);

    public async Task<string> FreshnessAsync(Instant asOf, CancellationToken cancellationToken)
        => FreshnessJson.Write(await EvaluateFreshnessAsync(services, asOf, cancellationToken).ConfigureAwait(false));

    /// <summary>Every asset with a policy judged at <paramref name="asOf"/> against what is published.</summary>
    public static async Task<IReadOnlyList<AssetFreshness>> EvaluateFreshnessAsync(IServiceProvider services, Instant asOf, CancellationToken cancellationToken)
    {
        var metadata = await services.GetRequiredService<AssetsStorage>().OpenMetadataAsync(cancellationToken).ConfigureAwait(false);
        var graph = services.GetRequiredService<AssetGraph>();

        // Only the states of assets with a policy: reading every state would make each `status` grow with the root.
        var watched = graph.Assets.Where(a => a.Freshness is not null).Select(a => a.Key).ToList();
        var states = watched.Count == 0 ? [] : await metadata.GetStatesAsync(watched, cancellationToken).ConfigureAwait(false);
        return FreshnessEvaluator.Evaluate(graph, states, asOf);
    }
}
