using Assets.Core.Tests.Graph.Fixtures;
using Assets.Graph;
using Assets.Mappings;
using Assets.Partitions;
using NodaTime;

namespace Assets.Core.Tests.Graph;

public sealed class AssetGraphBuilderTests
{
    private static readonly Instant February = Instant.FromUtc(2026, 2, 15, 0, 0);

    private static AssetGraph BuildValid()
        => new AssetGraphBuilder().AddTypes(typeof(ValidProject), typeof(InstanceAssets)).UseServices(t => t == typeof(IWeatherClient)).Build();

    private static IReadOnlyList<DefinitionError> ErrorsOf(params Type[] types)
    {
        var exception = Assert.Throws<AssetDefinitionException>(() => new AssetGraphBuilder().AddTypes(types).Build());
        return exception.Errors;
    }

    private static DefinitionError SingleErrorOf(string asset, IReadOnlyList<DefinitionError> errors)
        => Assert.Single(errors, e => e.Asset?.Value == asset);

    [Fact]
    public void Build_ValidProject_OrdersAssetsUpstreamFirstWithStableTies()
    {
        var graph = BuildValid();

        Assert.Equal(
            ["raw_orders", "clean_orders", "all_time_summary", "billing/invoices", "region_export", "rolling_revenue"],
            graph.Assets.Select(a => a.Key.Value));
    }

    [Fact]
    public void Build_ValidProject_ReadsEveryAttribute()
    {
        var graph = BuildValid();
        var raw = graph.Get("raw_orders");

        Assert.Equal("sales", raw.Group);
        Assert.Equal("Orders as exported", raw.Description);
        Assert.Equal(["data@shop.io"], raw.Owners);
        Assert.Equal(new Dictionary<string, string> { ["pii"] = "", ["tier"] = "gold" }, raw.Tags);
        Assert.Equal("daily from 2026-01-01 to 2026-01-31 (Europe/Berlin)", raw.Partitions!.Describe());
        Assert.Equal(Duration.FromHours(3), raw.Freshness!.MaxLag);
        Assert.Equal(Duration.FromHours(2), raw.Freshness.WarnAfter);
        Assert.Equal(new RetryPolicy(4, Duration.FromSeconds(2), Backoff.ExponentialWithJitter, Duration.FromMinutes(1)), raw.Retry);
        Assert.Equal(new AssetOutput(AssetOutputKind.Rows, typeof(Row), IsAwaitable: true), raw.Output);
        Assert.IsType<ContextBinding>(raw.Parameters[0]);
        Assert.IsType<CancellationBinding>(raw.Parameters[1]);
        Assert.False(raw.HasExplicitCodeVersion);
        Assert.Matches("^[0-9a-f]{16}$", raw.CodeVersion);
    }

    [Fact]
    public void Build_ValidProject_ResolvesDependenciesMappingsServicesAndChecks()
    {
        var graph = BuildValid();

        var rolling = graph.Get("rolling_revenue");
        var window = Assert.Single(rolling.Dependencies);
        Assert.Equal(new AssetDependency(AssetKey.Parse("clean_orders"), new TimeWindowPartitionMapping(-6, 0), "cleanOrders"), window);

        var summary = graph.Get("all_time_summary");
        Assert.Equal("7", summary.CodeVersion);
        Assert.True(summary.HasExplicitCodeVersion);
        Assert.Equal(new AssetOutput(AssetOutputKind.SingleRecord, typeof(Total), false), summary.Output);
        var stream = Assert.IsType<UpstreamBinding>(summary.Parameters[0]);
        Assert.Equal(InputShape.Stream, stream.Shape);
        Assert.Equal(typeof(IWeatherClient), Assert.IsType<ServiceBinding>(summary.Parameters[1]).ServiceType);

        var export = graph.Get("region_export");
        Assert.Equal(AssetOutputKind.Report, export.Output.Kind);
        Assert.Equal(
            [("clean_orders", PartitionMapping.AllPartitions, true), ("all_time_summary", PartitionMapping.Identity, false)],
            export.Dependencies.Select(d => (d.Upstream.Value, d.Mapping, d.IsData)));

        var invoices = graph.Get("billing/invoices");
        Assert.Equal("billing", invoices.Group);
        Assert.False(invoices.Method.IsStatic);
        Assert.Equal("clean_orders", Assert.Single(invoices.Dependencies).Upstream.Value);

        var checks = graph.Get("clean_orders").Checks;
        Assert.Equal([("no_negative_amounts", true), ("has_rows", false)], checks.Select(c => (c.Name, c.Blocking)));
    }

    [Fact]
    public void Build_Cycle_ReportsThePathOnce()
    {
        var errors = ErrorsOf(typeof(CycleProject));

        var error = Assert.Single(errors);
        Assert.Equal("alpha", error.Asset!.Value);
        Assert.Contains("cycle: alpha -> gamma -> beta -> alpha", error.Message, StringComparison.Ordinal);
        Assert.Contains("remove one of these dependencies", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_UnknownDependencies_NameTheClosestKey()
    {
        var errors = ErrorsOf(typeof(UnknownDependencyProject));

        Assert.Equal(3, errors.Count);
        var parameter = SingleErrorOf("clean_orders", errors).Message;
        Assert.Contains("parameter 'rawOrder' (IEnumerable<Row>) is neither an upstream asset (there is no asset 'raw_order'; did you mean 'raw_orders'?)", parameter, StringComparison.Ordinal);
        Assert.Contains("add [From(\"key\")]", parameter, StringComparison.Ordinal);
        Assert.Contains("[From(\"raw_ordres\")] on parameter 'orders' names no asset (did you mean 'raw_orders'?)", SingleErrorOf("report", errors).Message, StringComparison.Ordinal);
        Assert.Contains("[Asset(Deps = [\"raw_orderz\"])] names no asset (did you mean 'raw_orders'?)", SingleErrorOf("export", errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_MismatchedPartitionsWithoutMapping_SuggestsAMapping()
    {
        var errors = ErrorsOf(typeof(MismatchProject));

        Assert.Equal(2, errors.Count);
        var daily = SingleErrorOf("daily", errors);
        Assert.Equal("MismatchProject.Daily", daily.Location);
        Assert.StartsWith("reads 'regions' (static", daily.Message, StringComparison.Ordinal);
        var unpartitioned = SingleErrorOf("unpartitioned", errors).Message;
        Assert.StartsWith("reads 'daily' (daily from 2026-01-01 (UTC)) but is unpartitioned:", unpartitioned, StringComparison.Ordinal);
        Assert.Contains("[AllPartitions]", unpartitioned, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_DuplicateKeys_NameBothDeclarations()
    {
        var errors = ErrorsOf(typeof(DuplicateProjectA), typeof(DuplicateProjectB));

        var error = Assert.Single(errors);
        Assert.Equal("DuplicateProjectB.RawOrders", error.Location);
        Assert.Contains("the key 'raw_orders' is declared twice, here and in DuplicateProjectA.RawOrders", error.Message, StringComparison.Ordinal);
        Assert.Contains("KeyPrefix", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_UnsupportedSignatures_SayWhatToChange()
    {
        var errors = ErrorsOf(typeof(SignatureProject));

        Assert.Contains("returns Void: return the rows", SingleErrorOf("no_result", errors).Message, StringComparison.Ordinal);
        Assert.Contains("returns Task: return the rows", SingleErrorOf("no_rows", errors).Message, StringComparison.Ordinal);
        Assert.Contains("is a generic method", SingleErrorOf("generic", errors).Message, StringComparison.Ordinal);
        Assert.Contains("parameter 'counter' is passed by reference", SingleErrorOf("by_ref", errors).Message, StringComparison.Ordinal);
        Assert.Contains("returns Int32 values: rows must be a class, record or struct with public properties", SingleErrorOf("scalars", errors).Message, StringComparison.Ordinal);
        Assert.Contains("register IWeatherClient with builder.Services", SingleErrorOf("unresolvable", errors).Message, StringComparison.Ordinal);
        Assert.Contains("return IAsyncEnumerable<Row> directly", SingleErrorOf("wrapped_stream", errors).Message, StringComparison.Ordinal);
        Assert.Equal(7, errors.Count);
    }

    [Fact]
    public void Build_BadTimeDefinitions_ReportEachWithTheFix()
    {
        var errors = ErrorsOf(typeof(TimeProject));

        Assert.Equal(3, errors.Count);
        Assert.Contains("Europe/Berlinn", SingleErrorOf("bad_zone", errors).Message, StringComparison.Ordinal);
        Assert.Contains("Europe/Berlin", SingleErrorOf("bad_zone", errors).Message.Replace("Europe/Berlinn", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("2026-01-01", SingleErrorOf("end_before_start", errors).Message, StringComparison.Ordinal);
        Assert.Contains("2026-13-01", SingleErrorOf("bad_start", errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_BadPolicies_ReportEveryBadValue()
    {
        var errors = ErrorsOf(typeof(PolicyProject));

        Assert.Contains("[Freshness(MaxLag = \"three hours\")]: 'three hours' is not a duration", SingleErrorOf("bad_lag", errors).Message, StringComparison.Ordinal);
        Assert.Contains("[Retry(MaxAttempts = 0)] must be at least 1", SingleErrorOf("no_attempts", errors).Message, StringComparison.Ordinal);
        var deadline = SingleErrorOf("bad_deadline", errors).Message;
        Assert.Contains("[Freshness(Deadline = \"61 6 * * *\")] is not a five-field cron expression", deadline, StringComparison.Ordinal);
        Assert.Contains("[Freshness(Timezone = \"Mars/Olympus\")] is not an IANA time zone id", deadline, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_InputsThatDoNotMatchTheUpstreamOutput_AreErrors()
    {
        var errors = ErrorsOf(typeof(TypeMismatchProject));

        Assert.Equal(2, errors.Count);
        Assert.Contains("parameter 'orders' reads Total records but 'orders' returns Row: use Row.", SingleErrorOf("totals", errors).Message, StringComparison.Ordinal);
        Assert.Contains("returns MaterializeResult and has no rows to read: list it in [Asset(Deps = [\"exported\"])] instead.", SingleErrorOf("reads_exported", errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_BadChecks_AreErrors()
    {
        var errors = ErrorsOf(typeof(CheckProblemsProject));

        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.Location == "CheckProblemsProject.UnknownAsset" && e.Message.Contains("names no asset (did you mean 'orders'?)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Location == "CheckProblemsProject.WrongResult" && e.Message.Contains("must return CheckResult", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Location == "CheckProblemsProject.NoData" && e.Message.Contains("must take the checked data as a parameter named after the asset (orders)", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_SeveralBrokenProjects_ReportsEveryErrorAtOnce()
    {
        var exception = Assert.Throws<AssetDefinitionException>(() => new AssetGraphBuilder().AddTypes(typeof(CycleProject), typeof(TimeProject)).Build());

        Assert.Equal(4, exception.Errors.Count);
        Assert.StartsWith("4 asset definition errors:", exception.Message, StringComparison.Ordinal);
        Assert.Contains("cycle", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Europe/Berlinn", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UpstreamAndDownstreamWalks_FollowTheEdges()
    {
        var graph = BuildValid();
        var clean = AssetKey.Parse("clean_orders");

        Assert.Equal(["raw_orders"], graph.Upstream(clean).Select(k => k.Value));
        Assert.Equal(["all_time_summary", "billing/invoices", "region_export", "rolling_revenue"], graph.Downstream(clean).Select(k => k.Value).Order());
        Assert.Equal(["region_export"], graph.Downstream(AssetKey.Parse("all_time_summary")).Select(k => k.Value));
        Assert.Equal(["all_time_summary", "clean_orders", "raw_orders"], graph.Upstream(AssetKey.Parse("region_export")).Select(k => k.Value).Order());
        Assert.Equal(["all_time_summary", "clean_orders"], graph.Upstream(AssetKey.Parse("region_export"), depth: 1).Select(k => k.Value).Order());
    }

    [Fact]
    public void GetUpstreamPartitions_FollowsEachMapping()
    {
        var graph = BuildValid();

        var rolling = graph.GetUpstreamPartitions(new AssetPartition(AssetKey.Parse("rolling_revenue"), new PartitionKey("2026-01-03")), February);
        Assert.Equal(["2026-01-01", "2026-01-02", "2026-01-03"], Assert.Single(rolling).Partitions.Keys.Select(k => k!.Value.Value));

        var summary = graph.GetUpstreamPartitions(new AssetPartition(AssetKey.Parse("all_time_summary"), null), February);
        Assert.Equal(31, Assert.Single(summary).Partitions.Keys.Count);

        var export = graph.GetUpstreamPartitions(new AssetPartition(AssetKey.Parse("region_export"), new PartitionKey("eu")), February);
        Assert.Equal([null], export[1].Partitions.Keys);
    }

    [Fact]
    public void GetDownstreamPartitions_ReturnsExactlyThePartitionsThatReadIt()
    {
        var graph = BuildValid();

        var readers = graph.GetDownstreamPartitions(new AssetPartition(AssetKey.Parse("clean_orders"), new PartitionKey("2026-01-28")), February);

        Assert.Equal(
            [
                "all_time_summary", "billing/invoices", "region_export[us]", "region_export[eu]", "region_export[apac]",
                "rolling_revenue[2026-01-28]", "rolling_revenue[2026-01-29]", "rolling_revenue[2026-01-30]", "rolling_revenue[2026-01-31]",
            ],
            readers.Select(p => p.ToString()));
    }

    [Fact]
    public void Get_UnknownKey_SuggestsTheClosest()
    {
        var graph = BuildValid();

        var error = Assert.Throws<UnknownAssetException>(() => graph.Get("clean_order"));

        Assert.Equal("There is no asset 'clean_order'; did you mean 'clean_orders'?", error.Message);
    }

    [Fact]
    public void Build_RangeRuns_KeepsThePolicyAndNamesWhatIsWrongWithBadOnes()
    {
        var errors = ErrorsOf(typeof(RangeRunsProject));

        Assert.Contains("needs daily, hourly, weekly or monthly partitions", SingleErrorOf("static_ranges", errors).Message, StringComparison.Ordinal);
        Assert.Contains("must name a public property of DatedRow of type DateOnly, DateTime (UTC) or string (the partition key); candidates: Day.", SingleErrorOf("wrong_property", errors).Message, StringComparison.Ordinal);
        Assert.Contains("needs a body that returns rows", SingleErrorOf("report_ranges", errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RangeRunPolicy_PartitionOf_ReadsTheDayInTheAssetsZone()
    {
        var asset = new AssetGraphBuilder().AddTypes(typeof(GoodRangeProject)).Build().Get("good_ranges");
        var policy = asset.RangeRuns!;
        var daily = (TimeWindowPartitionsDefinition)asset.Partitions!;

        Assert.Equal((nameof(DatedRow.Day), 7), (policy.PartitionBy.Name, policy.MaxPartitions));
        Assert.Equal(new PartitionKey("2026-01-05"), policy.PartitionOf(new DatedRow(new DateOnly(2026, 1, 5), 1m), daily));
        Assert.Null(policy.PartitionOf(new DatedRow(new DateOnly(2025, 12, 31), 1m), daily));
        Assert.All(BuildValid().Assets, a => Assert.Null(a.RangeRuns));
    }
}
