using Assets.Hosting;
using Assets.Hosting.CommandLine;
using Assets.Host.Tests.CommandLine.Projects;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Assets.Host.Tests.CommandLine;

/// <summary>Configuration a user got wrong, and roots the program cannot use: exit 2 naming the key, or the remedy.</summary>
public sealed class ConfigurationErrorsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "assets-config-" + Guid.NewGuid().ToString("N"));

    public ConfigurationErrorsTests() => Directory.CreateDirectory(_folder);

    [Theory]
    [InlineData("Assets:S3:ForcePathStyle", "maybe", "'maybe' is not true or false")]
    [InlineData("Assets:S3:ConditionalWrites", "yes", "'yes' is not true or false")]
    [InlineData("Assets:Daemon:TickSeconds", "soon", "'soon' is not a whole number")]
    [InlineData("Assets:Daemon:Slots", "many", "'many' is not a whole number")]
    [InlineData("Assets:Daemon:Automation", "sometimes", "'sometimes' is not true or false")]
    [InlineData("Assets:Daemon:TickSeconds", "-1", "-1 is not a number of seconds between ticks: give 1 or more")]
    [InlineData("Assets:Daemon:TickSeconds", "0", "0 is not a number of seconds between ticks: give 1 or more")]
    [InlineData("Assets:Daemon:Slots", "0", "0 is not a number of steps to run at once")]
    [InlineData("Assets:Execution:Mode", "Sideways", "'Sideways' is not a mode: give InProcess")]
    [InlineData("Assets:Execution:Mode", "Workers", "Workers needs the shared mode: set Assets:Metadata to a PostgreSQL connection string")]
    [InlineData("Assets:Worker:Slots", "0", "0 is not a number of steps to run at once")]
    [InlineData("Assets:Worker:ClaimTtl", "500ms", "'500ms' is not a duration of at least 1s")]
    [InlineData("Assets:Worker:ShutdownGrace", "1m", "'1m' is not a duration from 0s to 25s")]
    [InlineData("Assets:Worker:QueueRetention", "10m", "'10m' is not a duration of at least 1h such as 7d")]
    [InlineData("Assets:MetadataReconnectFor", "soon", "'soon' is not a duration such as 1m or 30s")]
    public async Task ValueOfTheWrongTypeOrRange_ExitsTwoNamingTheKey(string key, string value, string expected)
    {
        var outcome = await RunAsync([new(key, value)], "list");

        Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
        Assert.Contains($"Invalid configuration:{Environment.NewLine}  - {key}: {expected}", outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task S3RootWithoutRegion_ExitsTwoNamingTheKeys_AndLeavesNoMetadataFolderBehind()
    {
        var metadataFolder = Path.Combine(Environment.CurrentDirectory, ".assets-meta");
        var existed = Directory.Exists(metadataFolder);
        var previousRegion = Environment.GetEnvironmentVariable("AWS_REGION");
        Environment.SetEnvironmentVariable("AWS_REGION", null);
        try
        {
            var outcome = await RunAsync([], "status", "--root", "s3://bucket/x");

            Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
            Assert.Contains("Assets:S3:Region", outcome.Error, StringComparison.Ordinal);
            Assert.Contains("Assets:S3:Endpoint", outcome.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("S3 Region option", outcome.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("(Parameter", outcome.Error, StringComparison.Ordinal);
            Assert.True(existed || !Directory.Exists(metadataFolder), "the failed command left .assets-meta/ behind");
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_REGION", previousRegion);
        }
    }

    [Fact]
    public async Task Worker_WithoutASharedStore_ExitsTwoSayingWhatToSet()
    {
        var outcome = await RunAsync([], "worker", "--root", Path.Combine(_folder, "root"));

        Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
        Assert.Contains("worker needs the shared mode: the step queue lives in PostgreSQL. Set Assets:Metadata", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RootOnAFile_ExitsTwoSayingItIsAFile()
    {
        var file = Path.Combine(_folder, "data.csv");
        await File.WriteAllTextAsync(file, "a,b");

        var outcome = await RunAsync([], "status", "--root", file);

        Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
        Assert.Contains($"Assets:Root: '{file}' is not a folder ({file} is a file)", outcome.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4096)]
    public async Task UnreadableMetadataFile_SaysItIsRebuiltFromThePointersWhenRemoved(int length)
    {
        var metadata = Path.Combine(_folder, "root", "_meta", "assets.duckdb");
        Directory.CreateDirectory(Path.GetDirectoryName(metadata)!);
        await File.WriteAllBytesAsync(metadata, Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray());

        var outcome = await RunAsync([], "status", "--root", Path.Combine(_folder, "root"));

        Assert.Equal(ExitCodes.Failure, outcome.ExitCode);
        Assert.Contains($"The metadata store {metadata} cannot be opened", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("move it aside or delete it and run again to rebuild it from the root's pointers", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("Assets:Metadata", outcome.Error, StringComparison.Ordinal);
        Assert.True(File.Exists(metadata), "the store was removed: only the user decides that");
    }

    [Fact]
    public async Task FailedCommandOnANewRoot_LeavesNoMetadataFolder()
    {
        // The metadata folder would be created below a file: opening fails, and what was created on the way is removed.
        var blocker = Path.Combine(_folder, "blocker");
        await File.WriteAllTextAsync(blocker, "x");
        var root = Path.Combine(_folder, "fresh");

        var outcome = await RunAsync([new("Assets:Metadata", Path.Combine(blocker, "meta", "assets.duckdb"))], "status", "--root", root);

        Assert.Equal(ExitCodes.Failure, outcome.ExitCode);
        Assert.Contains("blocker is a file, not a folder", outcome.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(root), "the failed command left its root folder behind");
    }

    [Theory]
    [InlineData("materialise", "'materialise' is not a command (did you mean 'materialize'?)")]
    [InlineData("stauts", "'stauts' is not a command (did you mean 'status'?)")]
    [InlineData("backfill strat", "'strat' is not a command of 'backfill' (did you mean 'start'?)")]
    public async Task MisspeltCommand_SuggestsTheClosestOne(string command, string expected)
    {
        var outcome = await RunAsync([], command.Split(' '));

        Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
        Assert.StartsWith(expected, outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Required command was not provided", outcome.Error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<(int ExitCode, string Out, string Error)> RunAsync(KeyValuePair<string, string?>[] settings, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await AssetsApplication.RunAsync(
            args,
            b =>
            {
                b.Configuration.AddInMemoryCollection(settings);
                b.Services.AddAssets(a => a.FromTypes(typeof(ShopAssets)));
            },
            Terminal.ForWriters(output, error),
            CancellationToken.None);
        return (exitCode, output.ToString(), error.ToString());
    }
}
