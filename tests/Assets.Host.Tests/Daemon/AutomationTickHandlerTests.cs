using Assets.Automation;
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
using NodaTime.Text;

namespace Assets.Host.Tests.Daemon;

public sealed record Export(string Day);

/// <summary>The same daily export at 06:00 Berlin under each missed-tick policy.</summary>
public static class ScheduledExports
{
    [Asset]
    [DailyPartitions("2026-03-01", Timezone = "Europe/Berlin")]
    [Automation(Cron = "0 6 * * *", Timezone = "Europe/Berlin", MissedTicks = MissedTickPolicy.All)]
    public static IEnumerable<Export> EveryTick(AssetContext context) => [new(context.Partition!.Value.Value)];

    [Asset]
    [DailyPartitions("2026-03-01", Timezone = "Europe/Berlin")]
    [Automation(Cron = "0 6 * * *", Timezone = "Europe/Berlin", MissedTicks = MissedTickPolicy.Last)]
    public static IEnumerable<Export> LastTick(AssetContext context) => [new(context.Partition!.Value.Value)];

    [Asset]
    [DailyPartitions("2026-03-01", Timezone = "Europe/Berlin")]
    [Automation(Cron = "0 6 * * *", Timezone = "Europe/Berlin", MissedTicks = MissedTickPolicy.None)]
    public static IEnumerable<Export> NoMissedTick(AssetContext context) => [new(context.Partition!.Value.Value)];
}

/// <summary>An unpartitioned schedule whose run outlasts its interval: its body moves the fake clock past the next tick.</summary>
public static class SlowSchedule
{
    [Asset]
    [Automation(Cron = "0 6 * * *", Timezone = "Europe/Berlin", MissedTicks = MissedTickPolicy.All)]
    public static IEnumerable<Export> SlowSummary(AssetsClock clock)
    {
        ((FakeClock)clock.Clock).Advance(Duration.FromHours(25));
        return [new("all")];
    }
}

/// <summary>The daemon's automation against a real store, with the clock moved by hand across a downtime.</summary>
public sealed class AutomationTickHandlerTests : IDisposable
{
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
    private readonly string _root = Path.Combine(Path.GetTempPath(), "assets-automation-" + Guid.NewGuid().ToString("N"));
    private readonly FakeClock _clock = new(BerlinTime("2026-03-10T09:00:00"));
    private readonly IHost _host;

    public AutomationTickHandlerTests() => _host = BuildHost(_root, ("Assets:Daemon:TickSeconds", "30"));

    public void Dispose()
    {
        _host.Dispose();
        foreach (var root in new[] { _root, _root + "-off", _root + "-slow" })
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private IHost BuildHost(string root, params (string Key, string Value)[] settings) => BuildHost(root, typeof(ScheduledExports), settings);

    private IHost BuildHost(string root, Type assets, params (string Key, string Value)[] settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection([new("Assets:Root", root), .. settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))]);
        builder.Services.AddSingleton(new AssetsClock(_clock));
        builder.Services.AddAssets(a => a.FromTypes(assets));
        return builder.Build();
    }

    private static Instant BerlinTime(string local) => LocalDateTimePattern.GeneralIso.Parse(local).Value.InZoneStrictly(Berlin).ToInstant();

    private Task TickAsync() => new AutomationTickHandler(NullLogger<AutomationTickHandler>.Instance).OnTickAsync(_host.Services, [], CancellationToken.None);

    private async Task<Dictionary<string, string[]>> PublishedAsync()
    {
        var metadata = await _host.Services.GetRequiredService<AssetsStorage>().OpenMetadataAsync(CancellationToken.None);
        var states = await metadata.GetStatesAsync();
        return states.Where(s => s.Status == PartitionStatus.Published)
            .GroupBy(s => s.Partition.Asset.Value)
            .ToDictionary(g => g.Key, g => g.Select(s => s.Partition.Partition!.Value.Value).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task Schedules_StartFromNow_ThenAfterADowntimeFollowTheirMissedTickPolicy_AndRunOnTimeTicks()
    {
        // First sight of the schedules: nothing runs (no replay of history), the cursors start now.
        await TickAsync();
        Assert.Empty(await PublishedAsync());

        // Down from Tuesday 09:00 to Friday 07:00: the 06:00 ticks of Wednesday, Thursday and Friday were missed.
        _clock.Reset(BerlinTime("2026-03-13T07:00:00"));
        await TickAsync();
        var afterDowntime = await PublishedAsync();
        Assert.Equal(["2026-03-10", "2026-03-11", "2026-03-12"], afterDowntime["every_tick"]);
        Assert.Equal(["2026-03-12"], afterDowntime["last_tick"]);
        Assert.False(afterDowntime.ContainsKey("no_missed_tick"));

        // Ticking again before the next 06:00 runs nothing more: the cursors moved past the missed ticks.
        _clock.Reset(BerlinTime("2026-03-13T12:00:00"));
        await TickAsync();
        Assert.Equal(afterDowntime, await PublishedAsync());

        // Saturday 06:00, seen 20 seconds late: on time, so every policy runs it.
        _clock.Reset(BerlinTime("2026-03-14T06:00:20"));
        await TickAsync();
        var onTime = await PublishedAsync();
        Assert.Equal(["2026-03-10", "2026-03-11", "2026-03-12", "2026-03-13"], onTime["every_tick"]);
        Assert.Equal(["2026-03-12", "2026-03-13"], onTime["last_tick"]);
        Assert.Equal(["2026-03-13"], onTime["no_missed_tick"]);

        var metadata = await _host.Services.GetRequiredService<AssetsStorage>().OpenMetadataAsync(CancellationToken.None);
        var cursors = await ((IAutomationCursorStore)metadata).GetAutomationCursorsAsync();
        Assert.All(cursors.Values, c => Assert.Equal(BerlinTime("2026-03-14T06:00:00"), c));
        Assert.Equal(3, cursors.Count);
    }

    [Fact]
    public async Task ATickWhoseWorkWasDoneButWhoseCursorWasNotWritten_IsNotRunAgain_AndTheCursorMovesOn()
    {
        await TickAsync();
        var metadata = await _host.Services.GetRequiredService<AssetsStorage>().OpenMetadataAsync(CancellationToken.None);
        var cursors = (IAutomationCursorStore)metadata;
        var before = await cursors.GetAutomationCursorsAsync();

        // The leader runs Wednesday's 06:00 tick, and is killed between the tick's publish and its cursor write.
        _clock.Reset(BerlinTime("2026-03-11T06:00:10"));
        await TickAsync();
        foreach (var (asset, cursor) in before)
        {
            await cursors.SetAutomationCursorAsync(asset, cursor);
        }

        // The standby takes over a few seconds later and finds the tick due.
        _clock.Reset(BerlinTime("2026-03-11T06:00:20"));
        await TickAsync();

        foreach (var asset in new[] { "every_tick", "last_tick", "no_missed_tick" })
        {
            var tick = new AssetPartition(AssetKey.Parse(asset), new PartitionKey("2026-03-10"));
            Assert.Single(await metadata.GetMaterializationsAsync(tick));
        }

        Assert.All((await cursors.GetAutomationCursorsAsync()).Values, c => Assert.Equal(BerlinTime("2026-03-11T06:00:00"), c));
    }

    [Fact]
    public async Task ATickWhoseLeaderDiedBeforeItPublished_RunsOnTheNextLeader()
    {
        await TickAsync();
        _clock.Reset(BerlinTime("2026-03-11T06:00:20"));

        await TickAsync();

        Assert.Equal(["2026-03-10"], (await PublishedAsync())["every_tick"]);
    }

    [Fact]
    public async Task ATickAfterOneWhoseRunOutlastedIt_IsRunByTheNextLeader_NotTakenForDone()
    {
        using var host = BuildHost(_root + "-slow", typeof(SlowSchedule), ("Assets:Daemon:TickSeconds", "30"));
        Task Tick() => new AutomationTickHandler(NullLogger<AutomationTickHandler>.Instance).OnTickAsync(host.Services, [], CancellationToken.None);
        await Tick();

        // Wednesday's tick runs until after Thursday's 06:00: its publish comes after Thursday's tick.
        _clock.Reset(BerlinTime("2026-03-11T06:00:10"));
        await Tick();

        // The next leader finds Thursday's tick due: that publish was Wednesday's work, so Thursday's tick runs.
        await Tick();

        var metadata = await host.Services.GetRequiredService<AssetsStorage>().OpenMetadataAsync(CancellationToken.None);
        Assert.Equal(2, (await metadata.GetMaterializationsAsync(new AssetPartition(AssetKey.Parse("slow_summary"), null))).Count);
        Assert.Equal(BerlinTime("2026-03-12T06:00:00"), (await ((IAutomationCursorStore)metadata).GetAutomationCursorsAsync())[AssetKey.Parse("slow_summary")]);
    }

    [Fact]
    public async Task Automation_TurnedOffInConfiguration_RunsNothing()
    {
        using var host = BuildHost(_root + "-off", ("Assets:Daemon:Automation", "false"));
        var handler = new AutomationTickHandler(NullLogger<AutomationTickHandler>.Instance);
        await handler.OnTickAsync(host.Services, [], CancellationToken.None);
        _clock.Reset(BerlinTime("2026-03-13T07:00:00"));
        await handler.OnTickAsync(host.Services, [], CancellationToken.None);

        var metadata = await host.Services.GetRequiredService<AssetsStorage>().OpenMetadataAsync(CancellationToken.None);
        Assert.Empty(await metadata.GetStatesAsync());
        Assert.Empty(await ((IAutomationCursorStore)metadata).GetAutomationCursorsAsync());
    }
}
