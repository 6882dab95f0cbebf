using Assets.Automation;
using Assets.Core.Tests.Automation.Fixtures;
using Assets.Core.Tests.Planning;
using Assets.Graph;
using Assets.Metadata;
using Assets.Planning;
using NodaTime;
using NodaTime.Text;
using static Assets.Core.Tests.Planning.StatusWorld;

namespace Assets.Core.Tests.Automation;

public sealed class AutomationPlannerTests
{
    private static readonly Duration OnTime = Duration.FromMinutes(1);
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
    private static readonly Instant AfterTheTenth = Instant.FromUtc(2026, 1, 20, 0, 0);

    private static AssetGraph Scheduled() => new AssetGraphBuilder().AddTypes(typeof(ScheduledProject)).Build();

    private static AutomationPolicy PolicyOf(string asset) => Scheduled()[AssetKey.Parse(asset)].Automation!;

    private static Instant BerlinTime(string local)
        => LocalDateTimePattern.GeneralIso.Parse(local).Value.InZoneStrictly(Berlin).ToInstant();

    private static List<string> Steps(Plan plan) => plan.Steps.Select(s => s.Partition.ToString()).ToList();

    [Fact]
    public void DueTicks_FirstEvaluation_RunsNothingAndStartsTheCursorNow()
    {
        var now = BerlinTime("2026-03-10T09:00:00");

        var due = AutomationPlanner.DueTicks(PolicyOf("daily_export"), cursor: null, now, OnTime);

        Assert.Empty(due.Run);
        Assert.Empty(due.Skipped);
        Assert.Equal(now, due.Cursor);
    }

    [Theory]
    [InlineData("daily_export", new[] { "2026-03-11T06:00:00", "2026-03-12T06:00:00", "2026-03-13T06:00:00" }, new string[0])]
    [InlineData("region_export", new[] { "2026-03-13T06:00:00" }, new[] { "2026-03-11T06:00:00", "2026-03-12T06:00:00" })]
    [InlineData("snapshot", new string[0], new[] { "2026-03-11T06:00:00", "2026-03-12T06:00:00", "2026-03-13T06:00:00" })]
    public void DueTicks_AfterDowntime_FollowsTheMissedTickPolicy(string asset, string[] run, string[] skipped)
    {
        // Down from just after Tuesday's 06:00 tick until Friday 07:00: Wednesday's, Thursday's and Friday's ticks were missed.
        var cursor = BerlinTime("2026-03-10T06:00:00");
        var now = BerlinTime("2026-03-13T07:00:00");

        var due = AutomationPlanner.DueTicks(PolicyOf(asset), cursor, now, OnTime);

        Assert.Equal(run.Select(BerlinTime), due.Run);
        Assert.Equal(skipped.Select(BerlinTime), due.Skipped);
        Assert.Equal(BerlinTime("2026-03-13T06:00:00"), due.Cursor);
    }

    [Theory]
    [InlineData("daily_export")]
    [InlineData("region_export")]
    [InlineData("snapshot")]
    public void DueTicks_TickOnTime_RunsUnderEveryPolicy(string asset)
    {
        var cursor = BerlinTime("2026-03-10T06:00:00");
        var now = BerlinTime("2026-03-11T06:00:30");

        var due = AutomationPlanner.DueTicks(PolicyOf(asset), cursor, now, OnTime);

        Assert.Equal([BerlinTime("2026-03-11T06:00:00")], due.Run);
        Assert.Empty(due.Skipped);
    }

    [Fact]
    public void DueTicks_AllAfterAVeryLongDowntime_RunsOnlyTheNewestHundredAndSkipsTheRest()
    {
        // Daily ticks missed for 150 days.
        var cursor = BerlinTime("2026-03-10T06:00:00");
        var now = cursor + Duration.FromDays(150) + Duration.FromHours(1);

        var due = AutomationPlanner.DueTicks(PolicyOf("daily_export"), cursor, now, OnTime);

        Assert.Equal(AutomationPlanner.MaxCatchUpTicks, due.Run.Count);
        Assert.Equal(150 - AutomationPlanner.MaxCatchUpTicks, due.Skipped.Count);
        Assert.True(due.Skipped[^1] < due.Run[0]);
        Assert.Equal(due.Cursor, due.Run[^1]);
    }

    [Fact]
    public void DueTicks_BeforeTheNextTick_RunsNothingAndKeepsTheCursor()
    {
        var cursor = BerlinTime("2026-03-10T06:00:00");

        var due = AutomationPlanner.DueTicks(PolicyOf("daily_export"), cursor, BerlinTime("2026-03-11T05:59:59"), OnTime);

        Assert.Empty(due.Run);
        Assert.Equal(cursor, due.Cursor);
    }

    [Fact]
    public void TicksBetween_FollowsTheZoneAcrossTheSpringChange()
    {
        // 06:00 Berlin is 05:00Z in winter and 04:00Z from Sunday 29 March 2026.
        var ticks = PolicyOf("daily_export").TicksBetween(Instant.FromUtc(2026, 3, 28, 0, 0), Instant.FromUtc(2026, 3, 30, 12, 0)).ToList();

        Assert.Equal([Instant.FromUtc(2026, 3, 28, 5, 0), Instant.FromUtc(2026, 3, 29, 4, 0), Instant.FromUtc(2026, 3, 30, 4, 0)], ticks);
    }

    [Fact]
    public void PartitionsAt_DailyAsset_IsTheNewestEndedDayAtTheTick()
    {
        var graph = Scheduled();

        Assert.Equal(PartitionRange.ForPartition("2026-03-10"), AutomationPlanner.PartitionsAt(graph[AssetKey.Parse("daily_export")], BerlinTime("2026-03-11T06:00:00")));
        Assert.Equal(PartitionRange.ForPartition("2026-01-01"), AutomationPlanner.PartitionsAt(graph[AssetKey.Parse("daily_export")], BerlinTime("2026-01-02T00:00:00")));
        Assert.Null(AutomationPlanner.PartitionsAt(graph[AssetKey.Parse("daily_export")], BerlinTime("2026-01-01T23:59:59")));
    }

    [Fact]
    public void PartitionsAt_StaticUnpartitionedAndMultiAssets()
    {
        var graph = Scheduled();
        var tick = BerlinTime("2026-03-11T06:00:00");

        Assert.Equal(PartitionRange.All, AutomationPlanner.PartitionsAt(graph[AssetKey.Parse("region_export")], tick));
        Assert.Equal(PartitionRange.All, AutomationPlanner.PartitionsAt(graph[AssetKey.Parse("snapshot")], tick));
        Assert.Equal(["2026-03-10|us", "2026-03-10|eu"], AutomationPlanner.PartitionsAt(graph[AssetKey.Parse("regional_daily")], tick)!.Partitions);
    }

    [Fact]
    public void PlanEager_RunsMissingStaleAndWaitingButLeavesFailedAndQuarantinedToAPerson()
    {
        var world = new StatusWorld(typeof(EagerProject)).PublishAll(AfterTheTenth)
            .Forget(P("source_orders", "2026-01-02"))
            .SetStatus(P("source_orders", "2026-01-03"), PartitionStatus.Waiting, "The source has not arrived yet: 2026-01-03.csv.")
            .SetStatus(P("source_orders", "2026-01-04"), PartitionStatus.Failed, "IOException: disk full")
            .SetStatus(P("source_orders", "2026-01-05"), PartitionStatus.Quarantined, "check failed")
            .Republish(P("source_orders", "2026-01-09"), "v2");

        // Six minutes later: the waiting day's last attempt is old enough to try again.
        var plan = AutomationPlanner.PlanEager(world.Graph, world.Evaluate(AfterTheTenth + Duration.FromMinutes(6)))!;

        // The failed, quarantined and waiting days keep their published v1, so what reads them is up to date until they
        // publish again (the next tick sees that); the weekly window reads the missing and republished days.
        Assert.Equal(PlanMode.Eager, plan.Mode);
        Assert.Equal(
            ["source_orders[2026-01-02]", "source_orders[2026-01-03]",
             "tidy_orders[2026-01-02]", "tidy_orders[2026-01-09]",
             "weekly_orders[2026-01-02]", "weekly_orders[2026-01-03]", "weekly_orders[2026-01-04]", "weekly_orders[2026-01-05]",
             "weekly_orders[2026-01-06]", "weekly_orders[2026-01-07]", "weekly_orders[2026-01-08]", "weekly_orders[2026-01-09]", "weekly_orders[2026-01-10]"],
            Steps(plan));
        Assert.Empty(plan.Blocked);
    }

    [Fact]
    public void PlanEager_RetriesAPartitionWhoseRunDied_UntilItsRetryBudgetIsSpent()
    {
        // source_orders has the default retry budget of 3 attempts.
        var world = new StatusWorld(typeof(EagerProject)).PublishAll(AfterTheTenth)
            .SetStatus(P("source_orders", "2026-01-04"), PartitionStatus.Failed, Interruption.Cause(1))
            .SetStatus(P("source_orders", "2026-01-05"), PartitionStatus.Failed, Interruption.Cause(2))
            .SetStatus(P("source_orders", "2026-01-06"), PartitionStatus.Failed, Interruption.Cause(3))
            .SetStatus(P("source_orders", "2026-01-07"), PartitionStatus.Failed, "IOException: disk full");

        var plan = AutomationPlanner.PlanEager(world.Graph, world.Evaluate(AfterTheTenth))!;
        var everyMode = Planner.CreatePlan(world.Graph, world.Evaluate(AfterTheTenth), [world.Graph[AssetKey.Parse("source_orders")]], PartitionRange.All);

        Assert.Equal(["source_orders[2026-01-04]", "source_orders[2026-01-05]"], Steps(plan));
        Assert.Equal("interrupted last time (its process died); retried, as its retry budget allows 3 attempts", plan.Steps[0].Reason);
        Assert.Equal("interrupted 2 times in a row (its process died); retried, as its retry budget allows 3 attempts", plan.Steps[1].Reason);
        Assert.Empty(plan.Blocked);

        // materialize without --force retries every failed partition, interrupted or not, as it always did.
        Assert.Equal(["source_orders[2026-01-04]", "source_orders[2026-01-05]", "source_orders[2026-01-06]", "source_orders[2026-01-07]"], Steps(everyMode));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(12)]
    public void Interruption_CauseReadsBackItsCount(int times)
    {
        Assert.True(Interruption.TryRead(Interruption.Cause(times), out var read));
        Assert.Equal(times, read);
        Assert.False(Interruption.TryRead("IOException: disk full", out _));
        Assert.False(Interruption.TryRead(Interruption.Cause(2).Replace("2 times", "many times", StringComparison.Ordinal), out _));
    }

    [Fact]
    public void PlanEager_TriesAPartitionWaitingForItsSourceAgainOnlyEveryFewMinutes()
    {
        var world = new StatusWorld(typeof(EagerProject)).PublishAll(AfterTheTenth)
            .SetStatus(P("source_orders", "2026-01-03"), PartitionStatus.Waiting, "The source has not arrived yet: 2026-01-03.csv.");
        var waiting = P("source_orders", "2026-01-03");

        var soon = AutomationPlanner.PlanEager(world.Graph, world.Evaluate(AfterTheTenth + Duration.FromMinutes(4)))!;
        var later = AutomationPlanner.PlanEager(world.Graph, world.Evaluate(AfterTheTenth + Planner.EagerWaitingRetry))!;

        Assert.DoesNotContain(soon.Steps, s => s.Partition == waiting);
        Assert.Equal("waiting for its source, tried at 2026-01-20T00:00:00Z; tried again from 2026-01-20T00:05:00Z", Assert.Single(soon.Blocked, b => b.Partition == waiting).Reason);
        Assert.Equal("waiting last time: The source has not arrived yet: 2026-01-03.csv.", Assert.Single(later.Steps, s => s.Partition == waiting).Reason);
    }

    [Fact]
    public void PlanEager_DoesNotReadAStaleUpstreamThatNoAutomationRefreshes()
    {
        // manual_orders is not automated: its republished day makes manual_report stale, which eager automation refreshes;
        // but when manual_orders is itself stale (its code changed), refreshing the report would read data about to change.
        var world = new StatusWorld(typeof(EagerProject)).PublishAll(AfterTheTenth)
            .Republish(P("manual_orders", "2026-01-04"), "v2");

        var plan = AutomationPlanner.PlanEager(world.Graph, world.Evaluate(AfterTheTenth))!;
        Assert.Equal(["manual_report[2026-01-04]"], Steps(plan));

        var changed = new StatusWorld(typeof(EagerProject)).PublishAll(AfterTheTenth).WithCodeVersion("manual_orders", "2");
        var blocked = AutomationPlanner.PlanEager(changed.Graph, changed.Evaluate(AfterTheTenth))!;

        Assert.Empty(blocked.Steps);
        var first = blocked.Blocked[0];
        Assert.Equal(P("manual_report", "2026-01-01"), first.Partition);
        Assert.Equal("upstream manual_orders[2026-01-01] is stale and not refreshed by this plan: automate it, or materialize it first", first.Reason);
        Assert.Equal(10, blocked.Blocked.Count);
    }

    [Fact]
    public void PlanEager_NothingChanged_IsEmpty()
    {
        var world = new StatusWorld(typeof(EagerProject)).PublishAll(AfterTheTenth);

        Assert.True(AutomationPlanner.PlanEager(world.Graph, world.Evaluate(AfterTheTenth))!.IsEmpty);
        Assert.Null(AutomationPlanner.PlanEager(Scheduled(), new StatusWorld(typeof(ScheduledProject)).Evaluate(AfterTheTenth)));
    }
}
