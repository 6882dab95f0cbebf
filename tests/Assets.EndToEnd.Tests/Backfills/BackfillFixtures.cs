using System.Collections.Concurrent;
using Assets.Mappings;
using Assets.Partitions;
using NodaTime;

namespace Assets.EndToEnd.Tests.Backfills.Fixtures;

public sealed record Reading(string Day, long Value);

public sealed record DayTotal(DateOnly Day, long Total);

/// <summary>Scripts the fixture bodies per asset and records what ran: order, concurrency, the ranges range runs saw.</summary>
public sealed class Probe
{
    private int _running;
    private int _maxRunning;
    private int _sequence;

    public ConcurrentDictionary<string, Func<AssetContext, CancellationToken, Task>> Scripts { get; } = new();

    /// <summary>Every body call, in start order: "asset[partition]" or "asset[first..last]" for a range run.</summary>
    public ConcurrentQueue<string> Started { get; } = new();

    public ConcurrentDictionary<string, int> StartedAt { get; } = new();

    /// <summary>The key range of every body call, in start order.</summary>
    public ConcurrentQueue<PartitionKeyRange?> Ranges { get; } = new();

    public int MaxRunning => Volatile.Read(ref _maxRunning);

    /// <summary>The value meter_readings reports for a day (default 1): change it to make a republish change the data.</summary>
    public ConcurrentDictionary<string, long> Values { get; } = new();

    public void On(string asset, Func<AssetContext, CancellationToken, Task> script) => Scripts[asset] = script;

    public async Task EnterAsync(AssetContext context, CancellationToken cancellationToken)
    {
        var name = context.KeyRange is { Keys.Count: > 1 } range ? $"{context.Asset}[{range}]" : context.Partition is { } p ? $"{context.Asset}[{p}]" : context.Asset.Value;
        Started.Enqueue(name);
        Ranges.Enqueue(context.KeyRange);
        StartedAt[name] = Interlocked.Increment(ref _sequence);
        var running = Interlocked.Increment(ref _running);
        int seen;
        while (running > (seen = Volatile.Read(ref _maxRunning)) && Interlocked.CompareExchange(ref _maxRunning, running, seen) != seen)
        {
        }

        try
        {
            if (Scripts.TryGetValue(context.Asset.Value, out var script))
            {
                await script(context, cancellationToken);
            }
            else
            {
                await Task.Yield();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }
}

/// <summary>A source, a daily reader of it, a range-capable daily total, and an unpartitioned fan-in.</summary>
public static class MeterAssets
{
    [Asset(CodeVersion = "1")]
    [DailyPartitions("2026-01-01", End = "2026-01-10", Timezone = "Europe/Berlin")]
    public static async Task<IReadOnlyList<Reading>> MeterReadings(AssetContext context, Probe probe, CancellationToken cancellationToken)
    {
        await probe.EnterAsync(context, cancellationToken);
        var day = context.Partition!.Value.Value;
        return [new Reading(day, probe.Values.GetValueOrDefault(day, 1)), new Reading(day, 2)];
    }

    [Asset(CodeVersion = "1")]
    [DailyPartitions("2026-01-01", End = "2026-01-10", Timezone = "Europe/Berlin")]
    public static async Task<IReadOnlyList<Reading>> CheckedReadings(AssetContext context, IReadOnlyList<Reading> meterReadings, Probe probe, CancellationToken cancellationToken)
    {
        await probe.EnterAsync(context, cancellationToken);
        return meterReadings;
    }

    [Asset(CodeVersion = "1")]
    [DailyPartitions("2026-01-01", End = "2026-01-10", Timezone = "Europe/Berlin")]
    [RangeRuns(PartitionBy = nameof(DayTotal.Day), MaxPartitions = 4)]
    public static async Task<IReadOnlyList<DayTotal>> DailyTotals(AssetContext context, IReadOnlyList<Reading> checkedReadings, Probe probe, CancellationToken cancellationToken)
    {
        await probe.EnterAsync(context, cancellationToken);
        return checkedReadings
            .GroupBy(r => r.Day)
            .Select(g => new DayTotal(DateOnly.ParseExact(g.Key, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), g.Sum(r => r.Value)))
            .OrderBy(t => t.Day)
            .ToList();
    }

    [Asset(CodeVersion = "1")]
    public static async Task<IReadOnlyList<DayTotal>> MeterSummary(AssetContext context, [AllPartitions] IReadOnlyList<Reading> checkedReadings, Probe probe, CancellationToken cancellationToken)
    {
        await probe.EnterAsync(context, cancellationToken);
        return [new DayTotal(new DateOnly(2026, 1, 1), checkedReadings.Sum(r => r.Value))];
    }
}
