using System.Collections.Concurrent;
using Assets.Hosting;
using Assets.Hosting.Daemon;
using Assets.Hosting.Storage;
using Assets.Metadata;
using Assets.Partitions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using NodaTime.Testing;

namespace Assets.Host.Tests.Daemon;

/// <summary>Which days' files the observed fixture finds.</summary>
public sealed class ArrivedFiles
{
    public ConcurrentDictionary<string, string> Versions { get; } = new();
}

/// <summary>A daily asset whose source is observed, with a freshness policy.</summary>
public static class ObservedDrop
{
    [Asset]
    [DailyPartitions("2026-01-01", End = "2026-01-02")]
    [Freshness(MaxLag = "3h")]
    public static IEnumerable<Export> Drop(AssetContext context) => [new(context.Partition!.Value.Value)];

    [Asset]
    [DailyPartitions("2026-01-01")]
    public static IEnumerable<Export> Ticker(AssetContext context) => [new(context.Partition!.Value.Value)];

    [SourceObserver(nameof(Drop))]
    public static SourceObservation DropFile(SourceContext context, ArrivedFiles files)
        => files.Versions.TryGetValue(context.PartitionKey!.Value.Value, out var version)
            ? SourceObservation.Present(version, $"drop/{context.PartitionKey}")
            : SourceObservation.Absent($"drop/{context.PartitionKey}");
}

/// <summary>The daemon's tick records what it noticed in the event log, once per change.</summary>
public sealed class DaemonServiceTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "assets-daemon-tick-" + Guid.NewGuid().ToString("N"));
    private readonly ArrivedFiles _files = new();
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 1, 5, 0, 0));
    private readonly IHost _host;

    public DaemonServiceTests()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection([new("Assets:Root", _root)]);
        builder.Services.AddSingleton(new AssetsClock(_clock));
        builder.Services.AddSingleton(_files);
        builder.Services.AddAssets(a => a.FromTypes(typeof(ObservedDrop)));
        _host = builder.Build();
    }

    public void Dispose()
    {
        _host.Dispose();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private async Task<List<RunEvent>> EventsAsync()
    {
        var metadata = await _host.Services.GetRequiredService<AssetsStorage>().OpenMetadataAsync(CancellationToken.None);
        return [.. (await metadata.GetEventsAsync()).Where(e => e.Kind is RunEventKind.FreshnessChanged or RunEventKind.SourceObserved or RunEventKind.PartitionsDue).Reverse()];
    }

    [Fact]
    public async Task Ticks_RecordFreshnessAndSourceChanges_OncePerChange_UnderTheDaemonsSession()
    {
        var daemon = new DaemonService(_host.Services, new DaemonState(), Duration.FromSeconds(30), [], NullLogger<DaemonService>.Instance);
        _files.Versions["2026-01-01"] = "v1";

        await daemon.TickAsync(CancellationToken.None);
        await daemon.TickAsync(CancellationToken.None);
        var first = await EventsAsync();

        Assert.Equal(
            [
                (RunEventKind.FreshnessChanged, "drop", "unknown when the daemon started: never published"),
                (RunEventKind.SourceObserved, "drop[2026-01-01]", "arrived in version v1: drop/2026-01-01"),
                (RunEventKind.SourceObserved, "drop[2026-01-02]", "not arrived: drop/2026-01-02"),
            ],
            first.Select(e => (e.Kind, e.Partition.ToString(), e.Message)).OrderBy(e => e.Item1).ThenBy(e => e.Item2, StringComparer.Ordinal));
        Assert.All(first, e => Assert.Equal(daemon.Session, e.RunId));

        _files.Versions["2026-01-02"] = "v1";
        await daemon.TickAsync(CancellationToken.None);

        var added = (await EventsAsync()).Skip(first.Count).ToList();
        Assert.Equal((RunEventKind.SourceObserved, "drop[2026-01-02]", "arrived in version v1: drop/2026-01-02"), Assert.Single(added.Select(e => (e.Kind, e.Partition.ToString(), e.Message))));
    }

    [Fact]
    public async Task ATickAfterADayEnds_NoticesTheNewPartition()
    {
        var daemon = new DaemonService(_host.Services, new DaemonState(), Duration.FromSeconds(30), [], NullLogger<DaemonService>.Instance);
        await daemon.TickAsync(CancellationToken.None);
        var before = (await EventsAsync()).Count;

        _clock.Advance(Duration.FromDays(1));
        await daemon.TickAsync(CancellationToken.None);

        var due = Assert.Single((await EventsAsync()).Skip(before), e => e.Kind == RunEventKind.PartitionsDue);
        Assert.Equal(("ticker[2026-01-05]", "1 new partition due, the newest 2026-01-05"), (due.Partition.ToString(), due.Message));
    }
}
