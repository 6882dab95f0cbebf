using Assets.Execution;
using Assets.Execution.Queue;
using Assets.Graph;
using Assets.Partitions;
using Assets.Storage.Metadata.Postgres;
using NodaTime;

namespace Assets.Storage.Tests.Postgres;

/// <summary>Builders for step queue tests: steps of a small graph, registered workers, outcomes.</summary>
internal static class StepQueueHarness
{
    public static readonly Instant Start = Instant.FromUtc(2026, 1, 6, 3, 0);
    public static readonly Duration Lease = Duration.FromSeconds(30);
    public static readonly Duration WorkerTtl = Duration.FromSeconds(60);

    public static AssetPartition P(string asset, int day = 5) => new(AssetKey.Parse(asset), new PartitionKey($"2026-01-{day:00}"));

    public static QueuedStep Step(AssetPartition partition, params AssetPartition[] dependsOn) => new(new ExecutionStep(partition, dependsOn), "v1");

    public static QueuedRun Run(params QueuedStep[] steps) => new(RunId.New(), RunOrigin.Materialize, StepPriority.Current, null, steps);

    public static QueuedRun Backfill(Backfills.BackfillId backfill, int? limit, params QueuedStep[] steps)
        => new(RunId.New(), RunOrigin.ForBackfill(backfill), StepPriority.Backfill, limit, steps);

    public static async Task<PostgresStepQueue> OpenAsync(PostgresCluster cluster)
        => await PostgresStepQueue.OpenAsync(await cluster.CreateSchemaAsync(), new NodaTime.Testing.FakeClock(Start));

    public static async Task<WorkerId> RegisterAsync(IStepQueue queue, string name, int slots, Instant? at = null)
    {
        var id = WorkerId.Parse(name);
        await queue.RegisterWorkerAsync(new QueueWorker(id, "test-host", 1000, slots, at ?? Start));
        return id;
    }

    /// <summary>Claims for <paramref name="worker"/>, whose build has <paramref name="versions"/> (default: code version v1 of assets a to f).</summary>
    public static Task<IReadOnlyList<StepClaim>> ClaimAsync(IStepQueue queue, WorkerId worker, int max, Instant? now = null, IReadOnlyDictionary<AssetKey, string>? versions = null)
        => queue.ClaimAsync(new ClaimRequest(worker, max, versions ?? Versions("v1", "a", "b", "c", "d", "e", "f"), now ?? Start, Lease, WorkerTtl));

    public static Dictionary<AssetKey, string> Versions(string version, params string[] assets)
        => assets.ToDictionary(a => AssetKey.Parse(a), _ => version);

    public static StepResult Published(AssetPartition partition)
        => new(partition, StepOutcome.Published, 1, Duration.FromSeconds(2), null, null, MaterializationId.New(), 10, "dv-1", [], []);

    public static StepResult Ended(AssetPartition partition, StepOutcome outcome, string cause)
        => new(partition, outcome, 2, Duration.FromSeconds(3), cause, outcome == StepOutcome.Failed ? "System.IO.IOException" : null, null, null, null, [], []);

    public static async Task<Dictionary<AssetPartition, QueuedStepStatus>> StepsAsync(IStepQueue queue, RunId run)
        => (await queue.GetRunAsync(run))!.Steps.ToDictionary(s => s.Partition);
}
