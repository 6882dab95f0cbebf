using Assets.Automation;
using Assets.Core.Tests.Automation.Fixtures;
using Assets.Core.Tests.Planning;
using Assets.Graph;
using Assets.Metadata;
using Assets.Planning;
using NodaTime;
using static Assets.Core.Tests.Planning.StatusWorld;

namespace Assets.Core.Tests.Automation;

/// <summary>Observed sources in the status grid and the plans: stale when a source changes, waiting then failed when it does not arrive.</summary>
public sealed class SourceStatusTests
{
    private static readonly Instant AfterTheTenth = Instant.FromUtc(2026, 1, 20, 0, 0);

    /// <summary>January 1 to 10 published, every orders day built from source version "s1" and observed so.</summary>
    private static StatusWorld Published()
    {
        var world = new StatusWorld(typeof(ObservedProject)).PublishAll(AfterTheTenth);
        for (var day = 1; day <= 10; day++)
        {
            var partition = P("orders", $"2026-01-{day:00}");
            world.BuiltFromSource(partition, "s1").Observe(partition, "s1", AfterTheTenth.Minus(Duration.FromHours(1)));
        }

        return world;
    }

    [Fact]
    public void ASourceObservedInAnotherVersion_MakesExactlyItsDayStale_AndWhatReadsIt()
    {
        var world = Published().Observe(P("orders", "2026-01-05"), "s2");

        var grid = world.Evaluate(AfterTheTenth);

        AssertStale(
            ["orders[2026-01-05]", "cleaned[2026-01-05]", .. Days("weekly", 5, 10), "total"],
            grid);
        Assert.Equal(
            "source changed since it was published: orders/2026-01-05.csv (s1 → s2)",
            grid.Find(AssetKey.Parse("orders"))!.Rows[4].Cause);
        Assert.Equal("upstream orders[2026-01-05] is stale", grid.Find(AssetKey.Parse("cleaned"))!.Rows[4].Cause);
    }

    [Fact]
    public void TheSameVersionObserved_IsPublished_AndTheSourceEntryIsNotTakenForAnInput()
    {
        var grid = Published().Evaluate(AfterTheTenth);

        Assert.Empty(Stale(grid));
    }

    [Fact]
    public void ASourceObservedAbsent_IsWaitingUntilItsDeadline_ThenFailed()
    {
        // 2026-01-05 in Berlin ends at 2026-01-05T23:00Z; late after 6h: due at 2026-01-06T05:00Z.
        var world = new StatusWorld(typeof(ObservedProject)).Observe(P("orders", "2026-01-05"), null, Instant.FromUtc(2026, 1, 6, 1, 0));
        var orders = AssetKey.Parse("orders");

        var before = world.Evaluate(Instant.FromUtc(2026, 1, 6, 4, 59, 59)).Find(orders)!.Rows[4];
        var after = world.Evaluate(Instant.FromUtc(2026, 1, 6, 5, 0)).Find(orders)!.Rows[4];

        Assert.Equal(PartitionStatus.Waiting, before.Status);
        Assert.Equal("source not arrived: orders/2026-01-05.csv (observed 2026-01-06T01:00:00Z); fails if still absent at 2026-01-06T05:00:00Z", before.Cause);
        Assert.True(before.AwaitsSource);
        Assert.Equal(PartitionStatus.Failed, after.Status);
        Assert.Equal("source not arrived by 2026-01-06T05:00:00Z: orders/2026-01-05.csv", after.Cause);

        // A day never observed is simply missing.
        Assert.Equal(PartitionStatus.Missing, world.Evaluate(AfterTheTenth).Find(orders)!.Rows[3].Status);
    }

    [Fact]
    public void EagerPlans_SkipASourceObservedAbsent_AndRefreshAChangedOne()
    {
        // Two hours after the 10th ended in Berlin (its deadline is 6 hours after): the 10th's file is observed absent.
        var now = Instant.FromUtc(2026, 1, 11, 1, 0);
        var world = new StatusWorld(typeof(ObservedProject)).PublishAll(now);
        for (var day = 1; day <= 10; day++)
        {
            world.BuiltFromSource(P("orders", $"2026-01-{day:00}"), "s1").Observe(P("orders", $"2026-01-{day:00}"), "s1");
        }

        world.Forget(P("orders", "2026-01-10")).Forget(P("cleaned", "2026-01-10")).Observe(P("orders", "2026-01-10"), null, now)
            .Observe(P("orders", "2026-01-07"), "s2");
        var graph = world.Graph;
        var grid = world.Evaluate(now);

        var eager = Planner.CreatePlan(graph, grid, graph.Assets, PartitionRange.ForPartitions(["2026-01-07", "2026-01-10"]), PlanMode.Eager);
        var asked = Planner.CreatePlan(graph, grid, [graph[AssetKey.Parse("orders")]], PartitionRange.ForPartition("2026-01-10"));

        Assert.Equal(["orders[2026-01-07]", "cleaned[2026-01-07]", "weekly[2026-01-07]"], eager.Steps.Select(s => s.Partition.ToString()));
        Assert.StartsWith("waiting for its source: source not arrived: orders/2026-01-10.csv", Assert.Single(eager.Blocked, b => b.Partition == P("orders", "2026-01-10")).Reason, StringComparison.Ordinal);

        // What reads the 10th waits for it rather than read an incomplete January.
        Assert.StartsWith("waits for orders[2026-01-10], which is blocked: waiting for its source", Assert.Single(eager.Blocked, b => b.Partition == P("cleaned", "2026-01-10")).Reason, StringComparison.Ordinal);
        Assert.Contains(eager.Blocked, b => b.Partition == P("total"));

        // Asked for, it runs: the executor observes again before calling the body.
        Assert.Equal(["orders[2026-01-10]"], asked.Steps.Select(s => s.Partition.ToString()));
    }

    [Fact]
    public void AQuarantinedDay_IsRetriedByEagerAutomation_OnlyOnceItsSourceChanged()
    {
        // The quarantine keeps the state's time (when the tenth was published); the source was observed (in s1) an hour before.
        var world = Published().SetStatus(P("orders", "2026-01-04"), PartitionStatus.Quarantined, "check no_negative_amounts failed");
        var graph = world.Graph;
        var orders = new[] { graph[AssetKey.Parse("orders")] };

        Assert.Empty(Planner.CreatePlan(graph, world.Evaluate(AfterTheTenth), orders, PartitionRange.All, PlanMode.Eager).Steps);

        world.Observe(P("orders", "2026-01-04"), "s2", AfterTheTenth.Plus(Duration.FromMinutes(1)));
        var plan = Planner.CreatePlan(graph, world.Evaluate(AfterTheTenth), orders, PartitionRange.All, PlanMode.Eager);

        var step = Assert.Single(plan.Steps);
        Assert.Equal(P("orders", "2026-01-04"), step.Partition);
        Assert.Equal("its source changed since it was quarantined: check no_negative_amounts failed", step.Reason);
    }

    [Fact]
    public void Build_ReadsTheObserver_AndReportsBadOnes()
    {
        var observer = new AssetGraphBuilder().AddTypes(typeof(ObservedProject)).Build()[AssetKey.Parse("orders")].SourceObserver!;
        Assert.Equal(Duration.FromHours(6), observer.LateAfter);
        Assert.Equal("ObservedProject.OrdersFile", observer.Location);

        var nothing = Assert.Throws<AssetDefinitionException>(() => new AssetGraphBuilder().AddTypes(typeof(ObserverOfNothing)).Build());
        Assert.Contains("[SourceObserver(\"no_such_asset\")] names no asset", Assert.Single(nothing.Errors).Message, StringComparison.Ordinal);

        var bad = Assert.Throws<AssetDefinitionException>(() => new AssetGraphBuilder().AddTypes(typeof(BadObservers)).Build()).Errors.Select(e => e.Message).ToList();
        Assert.Contains(bad, m => m.Contains("an observer must return SourceObservation", StringComparison.Ordinal));
        Assert.Contains(bad, m => m.Contains("parameter 'thing'", StringComparison.Ordinal) && m.Contains("an observer looks at the source, not at assets", StringComparison.Ordinal));
        Assert.Contains(bad, m => m.Contains("[SourceObserver(LateAfter = \"soon\")]", StringComparison.Ordinal));
        Assert.Contains(bad, m => m.Contains("already has a [SourceObserver]", StringComparison.Ordinal));
    }
}
