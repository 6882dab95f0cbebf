using Assets.Core.Tests.Planning.Fixtures;
using Assets.Metadata;
using Assets.Partitions;
using Assets.Planning;
using Assets.Selection;
using static Assets.Core.Tests.Planning.StatusWorld;

namespace Assets.Core.Tests.Planning;

public sealed class PlannerTests
{
    private static Plan CreatePlan(StatusWorld world, string selection, PartitionRange? range = null, PlanMode mode = PlanMode.MissingOrStale)
        => Planner.CreatePlan(world.Graph, world.Evaluate(), AssetSelection.Parse(selection).Resolve(world.Graph), range ?? PartitionRange.All, mode);

    private static List<string> Steps(Plan plan) => plan.Steps.Select(s => s.Partition.ToString()).ToList();

    private static List<string> BlockedPartitions(Plan plan) => plan.Blocked.Select(s => s.Partition.ToString()).ToList();

    [Fact]
    public void CreatePlan_MissingOrStale_PicksExactlyMissingStaleFailedAndQuarantinedPartitionsWithReasons()
    {
        var world = new StatusWorld(typeof(SalesProject)).PublishAll(EndOfJanuary)
            .Forget(P("raw_orders", "2026-01-02"))
            .Republish(P("raw_orders", "2026-01-10"), "v2")
            .SetStatus(P("raw_orders", "2026-01-20"), PartitionStatus.Failed, "IOException: disk full")
            .SetStatus(P("raw_orders", "2026-01-21"), PartitionStatus.Quarantined, "check no_negative_amounts failed");

        var plan = CreatePlan(world, "raw_orders, clean_orders", PartitionRange.All);

        Assert.Equal(
            ["raw_orders[2026-01-02]", "raw_orders[2026-01-20]", "raw_orders[2026-01-21]", "clean_orders[2026-01-02]", "clean_orders[2026-01-10]"],
            Steps(plan));
        Assert.Equal(
            ["missing", "failed last time: IOException: disk full", "quarantined last time: check no_negative_amounts failed",
             "stale: upstream raw_orders[2026-01-02] no longer has a published version (this partition read v1)",
             "stale: upstream raw_orders[2026-01-10] was republished with another data version (v1 → v2)"],
            plan.Steps.Select(s => s.Reason));

        // clean_orders[2026-01-20] and [2026-01-21] read the failed and quarantined partitions' previous versions, which did not change.
        Assert.Empty(plan.Blocked);
    }

    [Fact]
    public void CreatePlan_Force_PicksEveryPartitionInTheRange()
    {
        var world = new StatusWorld(typeof(SalesProject)).PublishAll(EndOfJanuary);

        var plan = CreatePlan(world, "raw_orders, region_revenue", PartitionRange.Between("2026-01-05", "2026-01-07"), PlanMode.Force);

        Assert.Equal(
            ["raw_orders[2026-01-05]", "raw_orders[2026-01-06]", "raw_orders[2026-01-07]", "region_revenue[us]", "region_revenue[eu]", "region_revenue[apac]"],
            Steps(plan));
        Assert.All(plan.Steps, s => Assert.Equal("forced", s.Reason));
    }

    /// <summary>One partition of each status a reprocess mode tells apart: published, stale, failed, quarantined, missing.</summary>
    private static StatusWorld MixedJanuary()
        => new StatusWorld(typeof(SalesProject)).PublishAll(EndOfJanuary)
            .Forget(P("raw_orders", "2026-01-02"))
            .Republish(P("raw_orders", "2026-01-10"), "v2")
            .SetStatus(P("raw_orders", "2026-01-20"), PartitionStatus.Failed, "IOException: disk full")
            .SetStatus(P("raw_orders", "2026-01-21"), PartitionStatus.Quarantined, "check no_negative_amounts failed");

    [Theory]
    [InlineData(PlanMode.Missing, new[] { "raw_orders[2026-01-02]", "clean_orders[2026-01-02]" })]
    [InlineData(PlanMode.FailedAndMissing, new[] { "raw_orders[2026-01-02]", "raw_orders[2026-01-20]", "raw_orders[2026-01-21]", "clean_orders[2026-01-02]" })]
    [InlineData(PlanMode.MissingOrStale, new[] { "raw_orders[2026-01-02]", "raw_orders[2026-01-20]", "raw_orders[2026-01-21]", "clean_orders[2026-01-02]", "clean_orders[2026-01-10]" })]
    public void CreatePlan_ReprocessModes_PickExactlyTheirStatuses(PlanMode mode, string[] expected)
    {
        // clean_orders[2026-01-02] is missing because its upstream was forgotten with it; clean_orders[2026-01-10] is stale.
        var world = MixedJanuary().Forget(P("clean_orders", "2026-01-02"));

        var plan = CreatePlan(world, "raw_orders, clean_orders", PartitionRange.All, mode);

        Assert.Equal(expected, Steps(plan));
        Assert.Empty(plan.Blocked);
    }

    [Fact]
    public void CreatePlan_MissingMode_StillRunsAMissingDownstreamOfAFailedUpstreamOnItsPublishedVersion()
    {
        var world = MixedJanuary().Forget(P("clean_orders", "2026-01-20"));

        var plan = CreatePlan(world, "raw_orders, clean_orders", PartitionRange.ForPartition("2026-01-20"), PlanMode.Missing);

        // raw_orders[2026-01-20] failed but still has its earlier version published: clean_orders reads that one.
        Assert.Equal(["clean_orders[2026-01-20]"], Steps(plan));
        Assert.Empty(plan.DependenciesOf(P("clean_orders", "2026-01-20")));
    }

    [Fact]
    public void CreatePlan_SeveralNamedPartitions_PicksExactlyThoseAndPlansStaticAndUnpartitionedAssetsWhole()
    {
        var world = new StatusWorld(typeof(SalesProject)).PublishAll(EndOfJanuary);

        var plan = CreatePlan(world, "raw_orders, region_revenue, all_time_summary", PartitionRange.ForPartitions(["2026-01-17", "2026-01-03", "2026-01-09", "2026-01-03"]), PlanMode.Force);

        Assert.Equal(
            ["raw_orders[2026-01-03]", "raw_orders[2026-01-09]", "raw_orders[2026-01-17]", "all_time_summary", "region_revenue[us]", "region_revenue[eu]", "region_revenue[apac]"],
            Steps(plan));
        Assert.Equal("partitions 2026-01-17, 2026-01-03, 2026-01-09", plan.Range.ToString());
    }

    [Fact]
    public void CreatePlan_SeveralNamedPartitions_OneInvalidKeyFailsTheWholeRequest()
    {
        var world = new StatusWorld(typeof(SalesProject)).PublishAll(EndOfJanuary);

        var error = Assert.Throws<PartitionKeyException>(() => CreatePlan(world, "raw_orders", PartitionRange.ForPartitions(["2026-01-03", "2026-01-32"])));

        Assert.Contains("raw_orders", error.Message, StringComparison.Ordinal);
        Assert.Contains("2026-01-32", error.Message, StringComparison.Ordinal);
        Assert.Throws<PartitionKeyException>(() => PartitionRange.ForPartitions([]));
    }

    [Fact]
    public void RowsInRange_PicksTheSamePartitionsAsAForcePlan_WhateverTheirStatus()
    {
        var world = new StatusWorld(typeof(SalesProject)).PublishAll(EndOfJanuary);
        var grid = world.Evaluate();
        var range = PartitionRange.Between("2026-01-05", "2026-01-07");

        var rows = new[] { "raw_orders", "region_revenue" }
            .SelectMany(key => Planner.RowsInRange(grid, world.Graph.Get(key), range))
            .Select(r => r.Partition.ToString());

        Assert.Equal(Steps(CreatePlan(world, "raw_orders, region_revenue", range, PlanMode.Force)), rows);
        Assert.Throws<PartitionKeyException>(() => Planner.RowsInRange(grid, world.Graph.Get("raw_orders"), PartitionRange.ForPartition("2026-02-30")));
    }

    [Fact]
    public void CreatePlan_NothingChanged_IsEmpty()
    {
        var plan = CreatePlan(new StatusWorld(typeof(SalesProject)).PublishAll(EndOfJanuary), "*");

        Assert.True(plan.IsEmpty);
        Assert.Empty(plan.Blocked);
    }

    [Fact]
    public void CreatePlan_TimeRange_PicksTimePartitionsAndPlansStaticAndUnpartitionedAssetsWhole()
    {
        var plan = CreatePlan(new StatusWorld(typeof(SalesProject)), "*", PartitionRange.Between("2026-01-30", null));

        Assert.Equal(
            ["raw_orders[2026-01-30]", "raw_orders[2026-01-31]", "clean_orders[2026-01-30]", "clean_orders[2026-01-31]", "latest_snapshot"],
            Steps(plan));

        // Whole assets and seven-day windows read days before the range, which are missing: blocked, not read.
        Assert.Equal(
            ["all_time_summary", "region_revenue[us]", "region_revenue[eu]", "region_revenue[apac]", "rolling_revenue[2026-01-30]", "rolling_revenue[2026-01-31]"],
            BlockedPartitions(plan));
        Assert.Equal(
            "upstream clean_orders[2026-01-24] is missing and not in this plan's range: widen the range or materialize it first",
            plan.Blocked[^2].Reason);
    }

    [Fact]
    public void CreatePlan_UpstreamMissingOutsideTheSelection_BlocksTheStepAndItsReadersTransitively()
    {
        var world = new StatusWorld(typeof(SalesProject)).PublishAll(EndOfJanuary)
            .Forget(P("raw_orders", "2026-01-05"))
            .Forget(P("clean_orders", "2026-01-05"));

        var plan = CreatePlan(world, "clean_orders, rolling_revenue");

        Assert.DoesNotContain(plan.Steps, s => s.Partition.Asset.Value == "clean_orders");
        var blocked = plan.Blocked.ToDictionary(b => b.Partition.ToString(), b => b.Reason);
        const string Root = "upstream raw_orders[2026-01-05] is missing and not in this plan: add it to the selection (+clean_orders) or materialize it first";
        Assert.Equal(Root, blocked["clean_orders[2026-01-05]"]);
        Assert.Equal($"waits for clean_orders[2026-01-05], which is blocked: {Root}", blocked["rolling_revenue[2026-01-11]"]);
        Assert.Equal(["clean_orders[2026-01-05]", .. Days("rolling_revenue", 5, 11)], BlockedPartitions(plan));

        // rolling_revenue[2026-01-05..11] are stale (their upstream lost its version) and blocked; nothing else runs.
        Assert.Empty(plan.Steps);
    }

    [Fact]
    public void CreatePlan_UpstreamMissingButSelected_RunsItFirst()
    {
        var world = new StatusWorld(typeof(SalesProject)).PublishAll(EndOfJanuary)
            .Forget(P("raw_orders", "2026-01-05"))
            .Forget(P("clean_orders", "2026-01-05"));

        var plan = CreatePlan(world, "raw_orders, clean_orders", PartitionRange.ForPartition("2026-01-05"));

        Assert.Equal(["raw_orders[2026-01-05]", "clean_orders[2026-01-05]"], Steps(plan));
        Assert.Equal([P("raw_orders", "2026-01-05")], plan.DependenciesOf(P("clean_orders", "2026-01-05")));
    }

    [Fact]
    public void CreatePlan_UpstreamMissingOutsideTheRange_SaysToWidenTheRange()
    {
        var plan = CreatePlan(new StatusWorld(typeof(SalesProject)), "raw_orders, clean_orders", PartitionRange.Between("2026-01-05", "2026-01-05"));

        Assert.Equal(["raw_orders[2026-01-05]", "clean_orders[2026-01-05]"], Steps(plan));

        var rolling = CreatePlan(new StatusWorld(typeof(SalesProject)), "clean_orders, rolling_revenue", PartitionRange.ForPartition("2026-01-03"));
        Assert.Equal(
            "upstream raw_orders[2026-01-03] is missing and not in this plan: add it to the selection (+clean_orders) or materialize it first",
            rolling.Blocked[0].Reason);
    }

    [Fact]
    public void CreatePlan_RunningPartition_IsBlockedAsBeingMaterializedByAnotherRun()
    {
        var world = new StatusWorld(typeof(SalesProject)).SetStatus(P("raw_orders", "2026-01-01"), PartitionStatus.Running);

        var plan = CreatePlan(world, "raw_orders", PartitionRange.ForPartition("2026-01-01"), PlanMode.Force);

        Assert.Empty(plan.Steps);
        Assert.Equal(new BlockedStep(P("raw_orders", "2026-01-01"), "being materialized by another run"), Assert.Single(plan.Blocked));
    }

    [Fact]
    public void CreatePlan_WindowReaders_AreOrderedAfterEveryStepTheyReadAndNameThem()
    {
        var plan = CreatePlan(new StatusWorld(typeof(SalesProject)), "*rolling_revenue", PartitionRange.Between("2026-01-01", "2026-01-03"));

        Assert.Equal(
            [.. Days("raw_orders", 1, 3), .. Days("clean_orders", 1, 3), .. Days("rolling_revenue", 1, 3)],
            Steps(plan));
        Assert.All(plan.Steps, s => Assert.Equal("missing", s.Reason));
        Assert.Equal([P("clean_orders", "2026-01-01"), P("clean_orders", "2026-01-02"), P("clean_orders", "2026-01-03")], plan.DependenciesOf(P("rolling_revenue", "2026-01-03")));
        Assert.Equal([P("raw_orders", "2026-01-02")], plan.DependenciesOf(P("clean_orders", "2026-01-02")));
        Assert.Empty(plan.DependenciesOf(P("raw_orders", "2026-01-01")));
        Assert.Equal(plan.Steps.Select(s => (s.Partition, s.DependsOn)), plan.ToExecutionSteps().Select(s => (s.Partition, s.DependsOn)));
    }

    [Fact]
    public void CreatePlan_AllPartitionsReader_DependsOnEveryPlannedUpstreamPartition()
    {
        var plan = CreatePlan(new StatusWorld(typeof(SalesProject)), "raw_orders, clean_orders, all_time_summary");

        Assert.Equal("all_time_summary", Steps(plan)[^1]);
        Assert.Equal(31, plan.DependenciesOf(P("all_time_summary")).Count);
    }

    [Fact]
    public void CreatePlan_MappingAsksForAPartitionBeforeTheUpstreamsFirst_IsBlockedWithWhy()
    {
        var world = new StatusWorld(typeof(EarlyStartProject));

        var plan = CreatePlan(world, "late_source, early_report", PartitionRange.Between(null, "2026-01-01"));

        Assert.Equal(["late_source[2026-01-01]", "early_report[2026-01-01]"], Steps(plan));
        Assert.Equal(
            new BlockedStep(P("early_report", "2025-12-31"), "needs late_source[2025-12-31], which is before late_source's first partition (2026-01-01)"),
            Assert.Single(plan.Blocked));
    }

    [Fact]
    public void CreatePlan_InvalidRangeKey_NamesTheAssetAndTheValidForm()
    {
        var world = new StatusWorld(typeof(SalesProject));

        var malformed = Assert.Throws<PartitionKeyException>(() => CreatePlan(world, "raw_orders", PartitionRange.Between("2026-1-5", null)));
        Assert.Contains("raw_orders", malformed.Message, StringComparison.Ordinal);
        Assert.Contains("yyyy-MM-dd between 2026-01-01 and 2026-01-31", malformed.Message, StringComparison.Ordinal);

        var outside = Assert.Throws<PartitionKeyException>(() => CreatePlan(world, "raw_orders", PartitionRange.ForPartition("2026-02-05")));
        Assert.Contains("after the last partition 2026-01-31", outside.Message, StringComparison.Ordinal);

        var swapped = Assert.Throws<PartitionKeyException>(() => CreatePlan(world, "raw_orders", PartitionRange.Between("2026-01-09", "2026-01-05")));
        Assert.Contains("swap them", swapped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreatePlan_StaticKeyForATimePartitionedAsset_IsAnError()
    {
        var world = new StatusWorld(typeof(SalesProject));

        var error = Assert.Throws<PartitionKeyException>(() => CreatePlan(world, "raw_orders, region_revenue", PartitionRange.ForPartition("eu")));

        Assert.StartsWith("raw_orders: 'eu' is not a daily partition key", error.Message, StringComparison.Ordinal);
        var published = new StatusWorld(typeof(SalesProject)).PublishAll(EndOfJanuary);
        Assert.Equal(["region_revenue[eu]"], Steps(CreatePlan(published, "region_revenue", PartitionRange.ForPartition("eu"), PlanMode.Force)));
    }

    [Fact]
    public void CreatePlan_TwoDimensionalAsset_TheRangeAppliesToItsTimeDimension()
    {
        var world = new StatusWorld(typeof(MultiProject));

        var range = CreatePlan(world, "daily_orders, regional_orders", PartitionRange.Between("2026-01-02", "2026-01-03"));
        Assert.Equal(
            ["daily_orders[2026-01-02]", "daily_orders[2026-01-03]",
             "regional_orders[2026-01-02|us]", "regional_orders[2026-01-02|eu]", "regional_orders[2026-01-03|us]", "regional_orders[2026-01-03|eu]"],
            Steps(range));
        Assert.Equal([P("daily_orders", "2026-01-03")], range.DependenciesOf(P("regional_orders", "2026-01-03|eu")));

        var staticKey = CreatePlan(world, "regional_orders", PartitionRange.ForPartition("eu"));
        Assert.Equal(10, staticKey.Blocked.Count);
        Assert.All(staticKey.Blocked, b => Assert.EndsWith("|eu", b.Partition.Partition!.Value.Value, StringComparison.Ordinal));

        var full = CreatePlan(world, "regional_orders", PartitionRange.ForPartition("2026-01-04|us"), PlanMode.Force);
        Assert.Equal(["regional_orders[2026-01-04|us]"], BlockedPartitions(full));
    }
}
