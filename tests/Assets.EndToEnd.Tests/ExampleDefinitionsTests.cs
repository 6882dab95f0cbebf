using System.Reflection;
using Assets.Graph;
using Assets.Mappings;
using Assets.Partitions;
using ExampleAssets;
using ExampleAssets.Cleaning;
using ExampleAssets.Csv;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Assets.EndToEnd.Tests;

/// <summary>
/// The example project is the README's walk-through: its assets must build into the graph the design
/// describes, its shipped data must be there, and its bodies must turn that data into orders that pass
/// the blocking checks. The bodies run here against a hand-made context, without storage or a host.
/// </summary>
public sealed class ExampleDefinitionsTests
{
    private const string DailyDescription = "daily from 2026-01-01 to 2026-01-31 (Europe/Berlin)";

    private static readonly string[] DailyAssets = ["raw_orders", "clean_orders", "rolling_revenue"];

    // Long after January 2026, so every daily partition exists.
    private static readonly Instant AsOf = Instant.FromUtc(2030, 1, 1, 0, 0);

    private static readonly Lazy<AssetGraph> Graph = new(() => new AssetGraphBuilder()
        .AddAssembly(typeof(SalesAssets).Assembly)
        .UseServices(t => t == typeof(IOptions<ExampleOptions>))
        .Build());

    [Fact]
    public void Graph_HasTheFiveAssetsOfTheWalkThrough_InTheSalesGroup_UpstreamFirst()
    {
        var keys = Graph.Value.Assets.Select(a => a.Key.Value).ToList();

        Assert.Equal(["all_time_summary", "clean_orders", "raw_orders", "region_revenue", "rolling_revenue"], keys.Order(StringComparer.Ordinal));
        Assert.Equal(["raw_orders", "clean_orders"], keys.Take(2));
        Assert.All(Graph.Value.Assets, a => Assert.Equal("sales", a.Group));
        Assert.All(Graph.Value.Assets, a => Assert.False(string.IsNullOrWhiteSpace(a.Description), $"{a.Key} has no description"));
        Assert.All(Graph.Value.Assets, a => Assert.Equal(["data@shop.io"], a.Owners));
    }

    [Fact]
    public void DailyAssets_ShareOneDefinition_TheDaysOfJanuary2026InBerlin()
    {
        var definitions = DailyAssets.Select(key => Graph.Value.Get(key).Partitions).ToList();

        Assert.All(definitions, d =>
        {
            Assert.NotNull(d);
            Assert.Equal("daily", d.Kind);
            Assert.Equal(DailyDescription, d.Describe());
            var keys = d.GetKeys(AsOf);
            Assert.Equal(31, keys.Count);
            Assert.Equal("2026-01-01", keys[0].Value);
            Assert.Equal("2026-01-31", keys[^1].Value);
        });
        Assert.Single(definitions.Distinct());
    }

    [Fact]
    public void RegionRevenue_IsPartitionedByRegion()
    {
        var partitions = Graph.Value.Get("region_revenue").Partitions;

        Assert.NotNull(partitions);
        Assert.Equal("static", partitions.Kind);
        Assert.Equal("static (us, eu, apac)", partitions.Describe());
        Assert.Equal(SalesRegions.All, partitions.GetKeys(AsOf).Select(k => k.Value));
    }

    [Fact]
    public void AllTimeSummary_IsUnpartitioned_AndReturnsOneRecord()
    {
        var summary = Graph.Value.Get("all_time_summary");

        Assert.Null(summary.Partitions);
        Assert.Equal(new AssetOutput(AssetOutputKind.SingleRecord, typeof(Summary), false), summary.Output);
    }

    [Fact]
    public void Dependencies_FollowTheParameterNames_WithTheDeclaredMappings()
    {
        Assert.Empty(Graph.Value.Get("raw_orders").Dependencies);
        AssertReads("clean_orders", "raw_orders", "rawOrders", "identity");
        AssertReads("rolling_revenue", "clean_orders", "cleanOrders", "window(-6, 0)");
        AssertReads("region_revenue", "clean_orders", "cleanOrders", "all partitions");
        AssertReads("all_time_summary", "clean_orders", "cleanOrders", "all partitions");
        Assert.Equal(new TimeWindowPartitionMapping(-6, 0), Graph.Value.Get("rolling_revenue").Dependencies[0].Mapping);
        Assert.Same(PartitionMapping.AllPartitions, Graph.Value.Get("region_revenue").Dependencies[0].Mapping);
        Assert.Equal(
            ["all_time_summary", "clean_orders", "region_revenue", "rolling_revenue"],
            Graph.Value.Downstream(AssetKey.Parse("raw_orders")).Select(k => k.Value).Order(StringComparer.Ordinal));

        static void AssertReads(string asset, string upstream, string parameter, string mapping)
        {
            var dependency = Assert.Single(Graph.Value.Get(asset).Dependencies);
            Assert.Equal(upstream, dependency.Upstream.Value);
            Assert.Equal(parameter, dependency.ParameterName);
            Assert.Equal(mapping, dependency.Mapping.Describe());
        }
    }

    [Theory]
    [InlineData("2026-01-01", "2026-01-01", 1)]
    [InlineData("2026-01-03", "2026-01-01", 3)]
    [InlineData("2026-01-07", "2026-01-01", 7)]
    [InlineData("2026-01-10", "2026-01-04", 7)]
    [InlineData("2026-01-31", "2026-01-25", 7)]
    public void RollingRevenue_ReadsTheSevenDaysEndingOnItsDay_OrTheDaysThatExist(string day, string first, int days)
    {
        var asset = Graph.Value.Get("rolling_revenue");

        var (_, partitions) = Assert.Single(Graph.Value.GetUpstreamPartitions(new AssetPartition(asset.Key, new PartitionKey(day)), AsOf));

        Assert.Equal(days, partitions.Keys.Count);
        Assert.Equal(first, partitions.Keys[0]?.Value);
        Assert.Equal(day, partitions.Keys[^1]?.Value);
        Assert.Empty(partitions.OutsideUpstreamRange);
    }

    [Fact]
    public void CleanOrders_HasTheTwoBlockingChecks_AndNoOtherAssetHasChecks()
    {
        var checks = Graph.Value.Get("clean_orders").Checks;

        Assert.Equal(["no_negative_amounts", "unique_order_ids"], checks.Select(c => c.Name));
        Assert.All(checks, c =>
        {
            Assert.True(c.Blocking, $"{c.Name} is not blocking");
            Assert.False(string.IsNullOrWhiteSpace(c.Description), $"{c.Name} has no description");
            Assert.Equal("clean_orders", Assert.Single(c.Parameters.OfType<UpstreamBinding>()).Dependency.Upstream.Value);
        });
        Assert.Equal(2, Graph.Value.Checks.Count());
    }

    [Fact]
    public void RawOrders_HasItsFreshnessAndRetryPolicies_AndTakesTheOptionsAsAService()
    {
        var raw = Graph.Value.Get("raw_orders");

        Assert.NotNull(raw.Freshness);
        Assert.Equal(Duration.FromHours(3), raw.Freshness.MaxLag);
        Assert.Equal(4, raw.Retry.MaxAttempts);
        Assert.Equal(Duration.FromSeconds(2), raw.Retry.Delay);
        Assert.Equal(Backoff.ExponentialWithJitter, raw.Retry.Backoff);
        Assert.Equal(typeof(IOptions<ExampleOptions>), Assert.Single(raw.Parameters.OfType<ServiceBinding>()).ServiceType);
        Assert.Single(raw.Parameters.OfType<ContextBinding>());
        Assert.Single(raw.Parameters.OfType<CancellationBinding>());
        Assert.All(Graph.Value.Assets.Where(a => a.Key != raw.Key), a => Assert.Null(a.Freshness));
    }

    [Fact]
    public void EveryAssetAndCheckMethodOfTheExample_IsInTheGraph()
    {
        var methods = typeof(SalesAssets).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .ToList();
        var assetMethods = methods.Where(m => m.GetCustomAttribute<AssetAttribute>() is not null).ToList();
        var checkMethods = methods.Where(m => m.GetCustomAttribute<AssetCheckAttribute>() is not null).ToList();

        Assert.Equal(5, assetMethods.Count);
        Assert.Equal(assetMethods.ToHashSet(), Graph.Value.Assets.Select(a => a.Method).ToHashSet());
        Assert.Equal(checkMethods.ToHashSet(), Graph.Value.Checks.Select(c => c.Method).ToHashSet());
    }

    [Fact]
    public void SourceFolder_HoldsOneExportPerDayOfJanuary_WithTheExpectedHeader()
    {
        var folder = Path.Combine(new ExampleOptions().ResolveSourceDir(), "orders");

        var files = Directory.GetFiles(folder, "*.csv").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(Enumerable.Range(1, 31).Select(d => $"2026-01-{d:00}.csv"), files);
        Assert.All(files, file =>
        {
            using var reader = new StreamReader(Path.Combine(folder, file!));
            Assert.Equal("order_id,ordered_at,customer,region,product,quantity,unit_price,amount,currency", reader.ReadLine());
        });
    }

    [Fact]
    public async Task ShippedData_EveryDayCleansToOrdersThatPassTheBlockingChecks_DroppingTheInjectedDefects()
    {
        var options = Options.Create(new ExampleOptions());
        var orderIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var day in DailyKeys())
        {
            var rawContext = ContextFor("raw_orders", day);
            var raw = await SalesAssets.RawOrders(rawContext, options, CancellationToken.None);
            var cleanContext = ContextFor("clean_orders", day);
            var clean = SalesAssets.CleanOrders(raw, cleanContext);

            Assert.InRange(raw.Count, 2_000, 3_500);
            Assert.Equal(raw.Count, rawContext.Metadata["rows"]);
            Assert.Equal(64, Assert.IsType<string>(rawContext.Metadata["source_sha256"]).Length);
            Assert.True(SalesAssets.NoNegativeAmounts(clean).Passed, day);
            Assert.True(SalesAssets.UniqueOrderIds(clean).Passed, day);
            Assert.All(clean, o => Assert.Equal(DateOnly.ParseExact(day, "yyyy-MM-dd"), o.OrderDate));
            Assert.All(clean, o => Assert.Equal(o.Quantity * o.UnitPrice, o.Amount));
            Assert.All(clean, o => Assert.True(orderIds.Add(o.OrderId), $"{o.OrderId} is in two days"));

            // The four defects the generator puts into every day, and only a handful of rows in all.
            foreach (var reason in new[] { DropReason.WrongFieldCount, DropReason.UnparsableQuantity, DropReason.DuplicateOrderId, DropReason.NegativeAmount })
            {
                Assert.True(cleanContext.Metadata.ContainsKey("dropped_" + reason.Name()), $"{day}: no row dropped as {reason.Name()}");
            }

            Assert.InRange(Assert.IsType<int>(cleanContext.Metadata["rows_dropped"]), 4, 8);
            Assert.Equal(raw.Count - clean.Count, cleanContext.Metadata["rows_dropped"]);

            // One warning for the partition, naming it, the counts and the reasons as the metadata does; not one per row or reason.
            var (level, message) = Assert.Single(cleanContext.Logs, l => l.Level >= LogLevel.Warning);
            Assert.Equal(LogLevel.Warning, level);
            Assert.StartsWith($"clean_orders[{day}]: dropped {cleanContext.Metadata["rows_dropped"]} of {raw.Count} rows: ", message, StringComparison.Ordinal);
            Assert.Contains("1 duplicate_order_id (line ", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void DroppedRowsSummary_CountsEachReasonWithItsFirstLines_InTheNumberItNeeds()
    {
        var outcome = new CleaningOutcome(
            [],
            RowsIn: 8,
            new Dictionary<DropReason, int> { [DropReason.DuplicateOrderId] = 7, [DropReason.UnparsableQuantity] = 1 },
            [
                new DroppedRow(13, "O-1", DropReason.UnparsableQuantity),
                .. Enumerable.Range(0, OrderCleaning.ExamplesPerReason).Select(i => new DroppedRow(100 + i, "O-2", DropReason.DuplicateOrderId)),
            ]);

        Assert.Equal(
            "dropped 8 of 8 rows: 1 unparsable_quantity (line 13), 7 duplicate_order_id (lines 100, 101, 102, 103, 104, …)",
            DroppedRowsSummary.Describe(outcome));
        Assert.Null(DroppedRowsSummary.Describe(new CleaningOutcome([], 0, new Dictionary<DropReason, int>(), [])));
    }

    [Fact]
    public async Task RawOrders_ReportsADayWhoseFileHasNotArrived_AsSourceNotArrived()
    {
        var missing = Path.Combine(Path.GetTempPath(), "example-assets-" + Guid.NewGuid().ToString("N"));
        var options = Options.Create(new ExampleOptions { SourceDir = missing });

        var error = await Assert.ThrowsAsync<SourceNotArrivedException>(() => SalesAssets.RawOrders(ContextFor("raw_orders", "2026-01-05"), options, CancellationToken.None));

        Assert.Equal(Path.Combine(missing, "orders", "2026-01-05.csv"), error.Source);
    }

    [Fact]
    public async Task RawOrders_FailsWithoutRetry_WhenTheHeaderChanged()
    {
        var folder = Directory.CreateTempSubdirectory("example-assets-");
        try
        {
            Directory.CreateDirectory(Path.Combine(folder.FullName, "orders"));
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "orders", "2026-01-05.csv"), "id,when,amount\nO-1,2026-01-05T10:00:00+01:00,1.00\n");
            var options = Options.Create(new ExampleOptions { SourceDir = folder.FullName });

            var error = await Assert.ThrowsAsync<NonRetryableException>(() => SalesAssets.RawOrders(ContextFor("raw_orders", "2026-01-05"), options, CancellationToken.None));

            Assert.Contains("expected 'order_id,ordered_at,customer,region,product,quantity,unit_price,amount,currency'", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void ExampleOptions_ResolvesTheDefaultFromTheAppFolder_WhenTheCurrentDirectoryIsElsewhere()
    {
        var options = new ExampleOptions();
        var expected = options.ResolveSourceDir(Directory.GetCurrentDirectory(), AppContext.BaseDirectory);

        var resolved = options.ResolveSourceDir(Path.GetTempPath(), AppContext.BaseDirectory);

        Assert.Equal(expected, resolved);
        Assert.True(Directory.Exists(Path.Combine(resolved, "orders")), resolved);
        Assert.Equal(Path.GetFullPath("/data/exports"), new ExampleOptions { SourceDir = "/data/exports" }.ResolveSourceDir(Path.GetTempPath(), AppContext.BaseDirectory));
    }

    [Fact]
    public void RollingRevenue_AtTheStartOfTheData_CoversTheDaysThatExist()
    {
        var orders = new[] { Sale("2026-01-01", "eu", 10m), Sale("2026-01-02", "us", 5m), Sale("2026-01-03", "eu", 2.5m) };
        var context = ContextFor("rolling_revenue", "2026-01-03", upstream: ["2026-01-01", "2026-01-02", "2026-01-03"]);

        var rows = SalesAssets.RollingRevenue(context, orders);

        Assert.Equal(["us", "eu", DailyRevenue.AllRegions], rows.Select(r => r.Region));
        var total = rows[^1];
        Assert.Equal((new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 3), 3, 3L, 17.5m, 5.83m), (total.WindowStart, total.WindowEnd, total.Days, total.Orders, total.Revenue, total.AverageDailyRevenue));
    }

    [Fact]
    public void RegionRevenue_AndAllTimeSummary_AggregateEveryDay()
    {
        var orders = new[] { Sale("2026-01-01", "eu", 10m), Sale("2026-01-02", "us", 5m), Sale("2026-01-09", "eu", 2.5m) };

        var eu = SalesAssets.RegionRevenue(ContextFor("region_revenue", "eu"), orders);
        var apac = SalesAssets.RegionRevenue(ContextFor("region_revenue", "apac"), orders);
        var summary = SalesAssets.AllTimeSummary(orders);

        Assert.Equal(("eu", 2L, 12.5m, 2), (eu.Region, eu.Orders, eu.Revenue, eu.Days));
        Assert.Equal((0L, 0m, (DateTime?)null), (apac.Orders, apac.Revenue, apac.FirstOrder));
        Assert.Equal((3L, 17.5m, new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 9), 2), (summary.Orders, summary.Revenue, summary.FirstDay, summary.LastDay, summary.Regions));
    }

    [Fact]
    public void Checks_NameTheFirstOffendingOrders_WhenTheyFail()
    {
        var orders = Enumerable.Range(1, 7).Select(i => Sale("2026-01-05", "eu", -i) with { OrderId = "O-1" }).ToList();

        var negative = SalesAssets.NoNegativeAmounts(orders);
        var unique = SalesAssets.UniqueOrderIds(orders);

        Assert.False(negative.Passed);
        Assert.Equal("7 of 7 orders have a negative amount: O-1 (-1), O-1 (-2), O-1 (-3), O-1 (-4), O-1 (-5), ....", negative.Description);
        Assert.False(unique.Passed);
        Assert.Equal("1 order ids occur more than once (6 surplus rows): O-1 (7x).", unique.Description);
    }

    [Theory]
    [InlineData("a,b,c", new[] { "a", "b", "c" })]
    [InlineData("\"Cable, USB-C 2m\",x", new[] { "Cable, USB-C 2m", "x" })]
    [InlineData("\"Mug \"\"Classic\"\"\",9.50", new[] { "Mug \"Classic\"", "9.50" })]
    [InlineData("\"\",,\"\"", new[] { "", "", "" })]
    [InlineData("\"two\nlines\",y", new[] { "two\nlines", "y" })]
    [InlineData("ab\"c,d", new[] { "ab\"c", "d" })]
    [InlineData("a,", new[] { "a", "" })]
    public void CsvRecords_ReadsRfc4180Fields(string text, string[] fields)
    {
        var record = Assert.Single(CsvRecords.ReadAll(text));

        Assert.Equal(fields, record.Fields);
    }

    [Fact]
    public void CsvRecords_SplitsRecordsOnAnyLineBreak_SkipsEmptyLines_AndCountsLines()
    {
        var records = CsvRecords.ReadAll("h1,h2\r\n1,\"a\r\nb\"\n\n2,c\r3,d");

        Assert.Equal([1, 2, 5, 6], records.Select(r => r.Line));
        Assert.Equal(["1", "a\r\nb"], records[1].Fields);
        Assert.Equal(["3", "d"], records[3].Fields);
    }

    [Fact]
    public void CsvRecords_RejectsAQuotedFieldThatIsNeverClosed_NamingItsLine()
    {
        var error = Assert.Throws<CsvFormatException>(() => CsvRecords.ReadAll("h\nok\n\"cut off,\n"));

        Assert.Equal(3, error.Line);
    }

    [Theory]
    [InlineData("O-1,2026-01-05T10:00:00+01:00,C-1,EU ,Mouse,2,24.50,49.00,eur", null)]
    [InlineData("O-1,2026-01-05T09:00:00Z,C-1,eu,Mouse,2,24.50,49.00,EUR", null)]
    [InlineData("O-1,2026-01-05T10:00:00+01:00,eu,Mouse,2,24.50,49.00,EUR", DropReason.WrongFieldCount)]
    [InlineData(",2026-01-05T10:00:00+01:00,C-1,eu,Mouse,2,24.50,49.00,EUR", DropReason.MissingOrderId)]
    [InlineData("O-1,2026-01-05T10:00:00,C-1,eu,Mouse,2,24.50,49.00,EUR", DropReason.UnparsableOrderedAt)]
    [InlineData("O-1,05.01.2026 10:00,C-1,eu,Mouse,2,24.50,49.00,EUR", DropReason.UnparsableOrderedAt)]
    [InlineData("O-1,2026-01-05T23:30:00Z,C-1,eu,Mouse,2,24.50,49.00,EUR", DropReason.OutsidePartitionDay)]
    [InlineData("O-1,2026-01-05T10:00:00+01:00,C-1,latam,Mouse,2,24.50,49.00,EUR", DropReason.UnknownRegion)]
    [InlineData("O-1,2026-01-05T10:00:00+01:00,C-1,eu,Mouse,two,24.50,49.00,EUR", DropReason.UnparsableQuantity)]
    [InlineData("O-1,2026-01-05T10:00:00+01:00,C-1,eu,Mouse,0,24.50,0.00,EUR", DropReason.NonPositiveQuantity)]
    [InlineData("O-1,2026-01-05T10:00:00+01:00,C-1,eu,Mouse,2,24.50,-49.00,EUR", DropReason.NegativeAmount)]
    [InlineData("O-1,2026-01-05T10:00:00+01:00,C-1,eu,Mouse,2,24.50,49.00,USD", DropReason.UnsupportedCurrency)]
    [InlineData("O-1,2026-01-05T10:00:00+01:00,C-1,eu,Mouse,2,24.50,24.50,EUR", DropReason.AmountMismatch)]
    public void OrderCleaning_JudgesARow(string line, DropReason? expected)
    {
        var record = Assert.Single(CsvRecords.ReadAll(line));
        string? Field(int i) => i < record.Fields.Count ? record.Fields[i] : null;
        var row = new RawOrder
        {
            Line = 2, FieldCount = record.Fields.Count, OrderId = Field(0), OrderedAt = Field(1), Customer = Field(2), Region = Field(3),
            Product = Field(4), Quantity = Field(5), UnitPrice = Field(6), Amount = Field(7), Currency = Field(8),
        };

        var reason = OrderCleaning.TryParse(row, WindowOf("2026-01-05"), out var order);

        Assert.Equal(expected, reason);
        if (expected is null)
        {
            Assert.Equal(("eu", "EUR", 49.00m, new DateTime(2026, 1, 5, 9, 0, 0, DateTimeKind.Utc)), (order!.Region, order.Currency, order.Amount, order.OrderedAt));
            Assert.Equal(DateTimeKind.Utc, order.OrderedAt.Kind);
        }
    }

    private static IEnumerable<string> DailyKeys()
        => Graph.Value.Get("raw_orders").Partitions!.GetKeys(AsOf).Select(k => k.Value);

    private static PartitionTimeWindow WindowOf(string day)
        => ((TimeWindowPartitionsDefinition)Graph.Value.Get("raw_orders").Partitions!).GetWindow(new PartitionKey(day));

    private static Order Sale(string day, string region, decimal amount) => new()
    {
        OrderId = $"O-{day}-{region}",
        OrderDate = DateOnly.ParseExact(day, "yyyy-MM-dd"),
        OrderedAt = DateOnly.ParseExact(day, "yyyy-MM-dd").ToDateTime(new TimeOnly(11, 0), DateTimeKind.Utc),
        Customer = "C-" + region,
        Region = region,
        Product = "Mouse",
        Quantity = 1,
        UnitPrice = amount,
        Amount = amount,
        Currency = "EUR",
    };

    private static RecordingContext ContextFor(string asset, string partition, IReadOnlyList<string>? upstream = null)
    {
        var definition = Graph.Value.Get(asset).Partitions;
        var key = new PartitionKey(partition);
        var window = definition is TimeWindowPartitionsDefinition time ? time.GetWindow(key) : null;
        return new RecordingContext(AssetKey.Parse(asset), key, window, upstream?.Select(k => (PartitionKey?)new PartitionKey(k)).ToList() ?? []);
    }

    /// <summary>A context for running a body directly: it records the metadata the body attaches.</summary>
    private sealed class RecordingContext(AssetKey asset, PartitionKey? partition, PartitionTimeWindow? window, IReadOnlyList<PartitionKey?> upstream) : AssetContext
    {
        public Dictionary<string, object?> Metadata { get; } = [];

        public override AssetKey Asset => asset;

        public override PartitionKey? Partition => partition;

        public override PartitionTimeWindow? TimeWindow => window;

        public override RunId RunId { get; } = RunId.New();

        public override int Attempt => 1;

        public List<(LogLevel Level, string Message)> Logs { get; } = [];

        public override ILogger Logger => new RecordingLogger(Logs);

        public override void AddMetadata(string key, object? value) => Metadata[key] = value;

        public override IReadOnlyList<PartitionKey?> GetUpstreamPartitions(string upstreamAsset) => upstream;

        public override IAsyncEnumerable<T> LoadUpstreamAsync<T>(string upstreamAsset, CancellationToken cancellationToken = default)
            => throw new NotSupportedException("The tests pass upstream rows to the bodies directly.");
    }

    private sealed class RecordingLogger(List<(LogLevel Level, string Message)> logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => logs.Add((logLevel, formatter(state, exception)));
    }
}
