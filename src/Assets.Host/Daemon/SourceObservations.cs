using System.Collections.Concurrent;
using Assets.Graph;
using Assets.Hosting.CommandLine;
using Assets.Hosting.Storage;
using Assets.Metadata;
using Assets.Planning;
using Assets.Selection;
using Assets.Sources;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Assets.Hosting.Daemon;

/// <summary>
/// Observes the sources of observed assets (<see cref="SourceObserverAttribute"/>) for the partitions that exist now, and
/// records each observation in the metadata store: what the daemon does at the start of every tick, and <c>observe</c> on request.
/// </summary>
internal static class SourceObservations
{
    /// <summary>How many observers run at once: sources are files and HTTP endpoints, worth overlapping, not flooding.</summary>
    private const int Parallelism = 8;

    /// <summary>One partition's observation, compared with the one stored before.</summary>
    /// <param name="Partition">The observed partition.</param>
    /// <param name="Observed">The new observation (null when the observer failed).</param>
    /// <param name="Before">The observation stored before, if any.</param>
    /// <param name="Error">Why the observer failed, or null.</param>
    public sealed record Outcome(AssetPartition Partition, ObservedSource? Observed, ObservedSource? Before, string? Error)
    {
        /// <summary>Whether the observation differs from the stored one (arrived, vanished or another version), or is the first.</summary>
        public bool Changed => Observed is { } now && (Before is not { } before || !before.SaysTheSameAs(now));
    }

    /// <summary>
    /// Observes the selected assets' partitions in <paramref name="range"/> that exist now (every partition of a static or
    /// unpartitioned asset) and records the observations; an observer that throws is reported, not recorded.
    /// </summary>
    /// <returns>Every observation in partition order, empty when no selected asset is observed or the store keeps no observations.</returns>
    public static async Task<IReadOnlyList<Outcome>> ObserveAsync(IServiceProvider services, string? select, PartitionRange range, CancellationToken cancellationToken)
    {
        var graph = services.GetRequiredService<AssetGraph>();
        var observed = (select is { } s ? AssetSelection.Parse(s) : AssetSelection.All).Resolve(graph).Where(a => a.SourceObserver is not null).ToList();
        var metadata = await services.GetRequiredService<AssetsStorage>().OpenMetadataAsync(cancellationToken).ConfigureAwait(false);
        if (observed.Count == 0 || metadata is not ISourceObservationStore store)
        {
            return [];
        }

        var grid = await PlanningCommands.EvaluateAsync(services, cancellationToken).ConfigureAwait(false);
        var byKey = observed.ToDictionary(a => a.Key);
        var partitions = Planner.RowsInRange(grid, observed, range).Select(r => (Asset: byKey[r.Partition.Asset], r.Partition)).ToList();
        var before = await store.GetObservationsAsync([.. observed.Select(a => a.Key)], cancellationToken).ConfigureAwait(false);
        var clock = services.GetRequiredService<AssetsClock>();
        var outcomes = new ConcurrentDictionary<int, Outcome>();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, partitions.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var (asset, partition) = partitions[i];
                var previous = before.GetValueOrDefault(partition);
                try
                {
                    var observation = await SourceObservers.ObserveAsync(asset, partition.Partition, services, ct).ConfigureAwait(false);
                    outcomes[i] = new Outcome(partition, ObservedSource.Of(partition, observation, clock.GetCurrentInstant()), previous, null);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    outcomes[i] = new Outcome(partition, null, previous, $"{e.GetType().Name}: {e.Message}");
                }
            }).ConfigureAwait(false);

        var ordered = Enumerable.Range(0, partitions.Count).Select(i => outcomes[i]).ToList();
        await store.RecordObservationsAsync([.. ordered.Where(o => o.Changed).Select(o => o.Observed!)], cancellationToken).ConfigureAwait(false);
        return ordered;
    }
}
