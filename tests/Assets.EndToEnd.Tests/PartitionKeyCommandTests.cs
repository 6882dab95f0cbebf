namespace Assets.EndToEnd.Tests;

/// <summary>Partition keys a user types into the example's real program: a key that names no partition is exit 2, before anything runs.</summary>
public sealed class PartitionKeyCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "assets-keys-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private Task<ExampleProgram.Result> RunAsync(params string[] args)
        => ExampleProgram.RunAsync(new Dictionary<string, string> { ["Assets__Root"] = _root }, args);

    [Theory]
    [InlineData("region_revenue: 'mars' is not a static partition key of this asset: expected one of us, eu, apac.", "materialize", "--select", "region_revenue", "--partition", "mars", "--force")]
    [InlineData("all_time_summary: '2026-01-01' is not a partition key: the asset is not partitioned; select it without --partition.", "materialize", "--select", "all_time_summary", "--partition", "2026-01-01")]
    [InlineData("region_revenue: '../../etc' is not a static partition key of this asset: expected one of us, eu, apac.", "backfill", "start", "--select", "region_revenue", "--partitions", "../../etc,us", "--reprocess", "all")]
    [InlineData("--partition needs a value, and '' is empty.\nRun 'materialize --help' to see its options.", "materialize", "--select", "raw_orders", "--partition", "")]
    public async Task KeyThatNamesNoPartition_ExitsTwoSayingWhatEachAssetTakes_AndRunsNothing(string expected, params string[] args)
    {
        var result = await RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(expected, result.Error.Trim().ReplaceLineEndings("\n"));
        Assert.False(Directory.Exists(Path.Combine(_root, "current")), "nothing may be published");
    }
}
