using Assets.Graph;
using Assets.Hosting;
using Assets.Hosting.CommandLine;
using Assets.Host.Tests.CommandLine.Projects;
using Assets.Partitions;
using Assets.Storage.Metadata;
using Assets.Storage.Objects.Local;
using Assets.Storage.Parquet;
using Assets.Storage.Publishing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Assets.Host.Tests.CommandLine;

/// <summary>verify, rollback and gc from the command line, against a local root published through the storage API.</summary>
public sealed class StorageCommandsTests : IDisposable
{
    private static readonly AssetPartition Day = new(AssetKey.Parse("raw_orders"), new PartitionKey("2026-01-05"));
    private readonly string _root = Path.Combine(Path.GetTempPath(), "assets-cli-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private sealed record Outcome(int ExitCode, string Out, string Error);

    private async Task<Outcome> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await AssetsApplication.RunAsync(
            [.. args, "--root", _root],
            b => b.Services.AddAssets(a => a.FromTypes(typeof(ShopAssets))),
            Terminal.ForWriters(output, error),
            CancellationToken.None);
        return new Outcome(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Publishes versions of raw_orders[2026-01-05] the way the executor will, then closes the store so the CLI can open it.</summary>
    private async Task<PartitionPointer[]> PublishAsync(params int[] rowCounts)
    {
        var store = new LocalObjectStore(_root);
        await using var metadata = await DuckDbMetadataStore.OpenAsync(Path.Combine(_root, "_meta", "assets.duckdb"));
        var publisher = new PartitionPublisher(store, metadata, SystemClock.Instance);
        var pointers = new List<PartitionPointer>();
        foreach (var count in rowCounts)
        {
            await using var publication = await publisher.BeginAsync(Day, RunId.New());
            var rows = Enumerable.Range(0, count).Select(i => new OrderRow { Id = $"O-{count}-{i}", Amount = i });
            await publication.StageFileAsync(async (stream, ct) => (await ParquetRecordFormat.WriteAsync(rows, stream, cancellationToken: ct)).Rows);
            await publication.WriteManifestAsync("1", [], null, ParquetRecordFormat.DescribeSchema(typeof(OrderRow)));
            pointers.Add(await publication.PublishAsync());
        }

        return [.. pointers];
    }

    public sealed record OrderRow
    {
        public string Id { get; init; } = "";

        public decimal Amount { get; init; }
    }

    private async Task<int> RowsReadersGetAsync()
        => (await new PartitionReader(new LocalObjectStore(_root)).ReadAsync<OrderRow>(Day).ToListAsync()).Count;

    [Fact]
    public async Task VerifyReconcile_FindsAPointerRestoredWithAnOldModificationTime_WhichOpeningDoesNotRead()
    {
        var pointers = await PublishAsync(10, 20);
        Assert.Equal(ExitCodes.Success, (await RunAsync("status", "--json")).ExitCode);

        // A backup of the first version's pointer copied back with its modification time (cp -p, rsync -a).
        var pointerFile = Path.Combine(_root, StorageLayout.PointerOf(Day).Value);
        File.WriteAllBytes(pointerFile, ManifestJson.WritePointer(pointers[0]));
        File.SetLastWriteTimeUtc(pointerFile, DateTime.UtcNow.AddHours(-1));
        Assert.Contains(pointers[1].DataVersion, (await RunAsync("status", "--json")).Out, StringComparison.Ordinal);

        var reconciled = await RunAsync("verify", "--reconcile");

        Assert.Equal(ExitCodes.Success, reconciled.ExitCode);
        Assert.StartsWith("Reconciled the metadata store with all 1 pointers: 1 records rewritten.", reconciled.Out, StringComparison.Ordinal);
        Assert.Contains(pointers[0].DataVersion, (await RunAsync("status", "--json")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_IntactRoot_ExitsZero()
    {
        await PublishAsync(10);

        var outcome = await RunAsync("verify");

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Matches(@"^Checked 1 partition and 1 file \(.+\) in .+: all intact\.", outcome.Out);
    }

    [Fact]
    public async Task Verify_DeletedDataFile_ExitsOneNamingIt()
    {
        var pointers = await PublishAsync(10);
        File.Delete(Path.Combine(_root, StorageLayout.DataFile(Day, pointers[0].MaterializationId, 0).Value));

        var outcome = await RunAsync("verify", "--select", "raw_orders");

        Assert.Equal(ExitCodes.Failure, outcome.ExitCode);
        Assert.Contains($"raw_orders[2026-01-05]: data/raw_orders/2026-01-05/{pointers[0].MaterializationId}/part-00000.parquet: the data file is missing.", outcome.Out, StringComparison.Ordinal);
        Assert.Contains("1 problem.", outcome.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rollback_RepointsToThePreviousVersion()
    {
        var pointers = await PublishAsync(10, 20);

        var outcome = await RunAsync("rollback", "--select", "raw_orders", "--partition", "2026-01-05");

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.StartsWith($"raw_orders[2026-01-05]: now materialization {pointers[0].MaterializationId}", outcome.Out, StringComparison.Ordinal);
        Assert.Equal(10, await RowsReadersGetAsync());
    }

    [Fact]
    public async Task Rollback_ToAnExplicitVersion()
    {
        var pointers = await PublishAsync(10, 20, 30);

        var outcome = await RunAsync("rollback", "--select", "raw_orders", "--partition", "2026-01-05", "--to", pointers[1].MaterializationId.Value);

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Equal(20, await RowsReadersGetAsync());
    }

    [Theory]
    [InlineData("2026-02-30", "'2026-02-30' is not a daily partition key")]
    [InlineData("../../etc", "'../../etc' is not a daily partition key")]
    public async Task Rollback_BadPartitionKey_ExitsTwoShowingTheValidForm(string key, string expected)
    {
        await PublishAsync(10);

        var outcome = await RunAsync("rollback", "--select", "raw_orders", "--partition", key);

        Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
        Assert.Contains(expected, outcome.Error, StringComparison.Ordinal);
        Assert.Contains("yyyy-MM-dd", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rollback_MalformedMaterializationId_ExitsTwo()
    {
        await PublishAsync(10, 20);

        var outcome = await RunAsync("rollback", "--select", "raw_orders", "--partition", "2026-01-05", "--to", "../x");

        Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
        Assert.Contains("is not a materialization id", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rollback_NeverPublished_ExitsOneSayingSo()
    {
        var outcome = await RunAsync("rollback", "--select", "clean_orders", "--partition", "2026-01-05");

        Assert.Equal(ExitCodes.Failure, outcome.ExitCode);
        Assert.Contains("clean_orders[2026-01-05] was never published, so there is nothing to roll back.", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gc_DryRunThenReal_RemovesOnlyTheUnreferencedVersion()
    {
        var pointers = await PublishAsync(10, 20);
        var oldData = StorageLayout.DataFile(Day, pointers[0].MaterializationId, 0).Value;

        var dryRun = await RunAsync("gc", "--dry-run", "--older-than", "0s");
        Assert.Equal(ExitCodes.Success, dryRun.ExitCode);
        Assert.Contains("would remove " + oldData, dryRun.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_root, oldData)));

        var real = await RunAsync("gc", "--older-than", "0s");
        Assert.Equal(ExitCodes.Success, real.ExitCode);
        Assert.Contains("Removed 2 unreferenced objects", real.Out, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_root, oldData)));
        Assert.Equal(20, await RowsReadersGetAsync());
        Assert.Equal(ExitCodes.Success, (await RunAsync("verify")).ExitCode);
    }

    [Fact]
    public async Task Gc_DefaultRetention_KeepsRecentObjects()
    {
        await PublishAsync(10, 20);

        var outcome = await RunAsync("gc");

        Assert.Contains("Removed 0 unreferenced objects (0 B)", outcome.Out, StringComparison.Ordinal);
        Assert.Contains("kept 2 younger than 7d", outcome.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gc_BadRetention_ExitsTwo()
    {
        var outcome = await RunAsync("gc", "--older-than", "a week");

        Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
        Assert.Contains("--older-than: 'a week' is not a duration", outcome.Error, StringComparison.Ordinal);
    }
}
