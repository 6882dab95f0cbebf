using System.Collections.Concurrent;
using Assets.Graph;
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

/// <summary>An eager daily asset whose March 3 fails in its own code; each call is counted per day.</summary>
public static class EagerDays
{
    public static readonly ConcurrentDictionary<string, int> Calls = new();

    [Asset]
    [DailyPartitions("2026-03-01", End = "2026-03-03")]
    [Automation(AutomationKind.Eager)]
    public static IEnumerable<Export> EagerDay(AssetContext context)
    {
        var day = context.Partition!.Value.Value;
        Calls.AddOrUpdate(day, 1, (_, n) => n + 1);
        return day == "2026-03-03" ? throw new NonRetryableException("the export of 2026-03-03 is malformed") : [new Export(day)];
    }
}

/// <summary>
/// A partition whose run died (its process killed) is not the asset's fault: eager automation retries it on the next tick
/// and says why in the event log; a partition that failed in its own code waits for a person.
/// </summary>
[Collection(nameof(EagerDays))]
public sealed class InterruptedRunTests : IAsyncLifetime
{
    private static readonly AssetPartition March1 = new(AssetKey.Parse("eager_day"), new PartitionKey("2026-03-01"));
    private readonly string _root = Path.Combine(Path.GetTempPath(), "assets-interrupted-" + Guid.NewGuid().ToString("N"));
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 3, 10, 9, 0));

    public Task InitializeAsync()
    {
        EagerDays.Calls.Clear();
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        return Task.CompletedTask;
    }

    private IHost BuildHost()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection([new("Assets:Root", _root)]);
        builder.Services.AddSingleton(new AssetsClock(_clock));
        builder.Services.AddAssets(a => a.FromTypes(typeof(EagerDays)));
        return builder.Build();
    }

    private static Task<IMetadataStore> MetadataOf(IHost host) => host.Services.GetRequiredService<AssetsStorage>().OpenMetadataAsync(CancellationToken.None);

    private static Task TickAsync(IHost host) => new AutomationTickHandler(NullLogger<AutomationTickHandler>.Instance).OnTickAsync(host.Services, [], CancellationToken.None);

    /// <summary>What a process killed mid-step leaves: the partition marked running (the lease taken), nothing published.</summary>
    private async Task KillMidStepAsync(AssetPartition partition)
    {
        var host = BuildHost();
        await using (host as IAsyncDisposable)
        {
            var metadata = await MetadataOf(host);
            await metadata.SetStatesAsync([new PartitionState(partition, PartitionStatus.Running, null, null, null, null, null, null, _clock.GetCurrentInstant())]);
            Assert.True(await metadata.TryAcquireLeaseAsync(partition, RunId.New(), _clock.GetCurrentInstant(), Duration.FromMinutes(10)));
        }
    }

    [Fact]
    public async Task EagerAutomation_RetriesAPartitionWhoseRunDied_OnTheNextTick_ButNotOneThatFailedInItsOwnCode()
    {
        await KillMidStepAsync(March1);

        var host = BuildHost();
        await using (host as IAsyncDisposable)
        {
            // Opening the store settles the dead run: failed as interrupted, logged on the partition.
            var metadata = await MetadataOf(host);
            var settled = await metadata.GetStateAsync(March1);
            Assert.Equal(PartitionStatus.Failed, settled!.Status);
            Assert.Equal(Interruption.Cause(1), settled.Cause);
            Assert.Contains(await metadata.GetEventsAsync(partition: March1), e => e.Kind == RunEventKind.StepInterrupted && e.Message == Interruption.Cause(1));

            await TickAsync(host);

            Assert.Equal(PartitionStatus.Published, (await metadata.GetStateAsync(March1))!.Status);
            var started = Assert.Single(await metadata.GetEventsAsync(partition: March1), e => e.Kind == RunEventKind.StepStarted);
            Assert.Equal("interrupted last time (its process died); retried, as its retry budget allows 3 attempts", started.Message);
            Assert.Equal(PartitionStatus.Failed, (await metadata.GetStateAsync(March1 with { Partition = new PartitionKey("2026-03-03") }))!.Status);
            Assert.Equal(1, EagerDays.Calls["2026-03-03"]);

            // The next ticks leave the day that failed in its own code to a person.
            await TickAsync(host);
            _clock.Advance(Duration.FromMinutes(10));
            await TickAsync(host);
            Assert.Equal(1, EagerDays.Calls["2026-03-03"]);
            Assert.Equal(1, EagerDays.Calls["2026-03-01"]);
        }
    }

    [Fact]
    public async Task EagerAutomation_StopsRetryingAPartitionWhoseRunsKeepDying_AtItsRetryBudget()
    {
        // Three deaths in a row: the default budget of 3 attempts is spent.
        for (var i = 1; i <= 3; i++)
        {
            await KillMidStepAsync(March1);
        }

        var host = BuildHost();
        await using (host as IAsyncDisposable)
        {
            var metadata = await MetadataOf(host);
            Assert.Equal(Interruption.Cause(3), (await metadata.GetStateAsync(March1))!.Cause);

            await TickAsync(host);

            Assert.False(EagerDays.Calls.ContainsKey("2026-03-01"));
            Assert.Equal(Interruption.Cause(3), (await metadata.GetStateAsync(March1))!.Cause);
            Assert.Equal(3, (await metadata.GetEventsAsync(partition: March1)).Count(e => e.Kind == RunEventKind.StepInterrupted));
        }
    }
}
