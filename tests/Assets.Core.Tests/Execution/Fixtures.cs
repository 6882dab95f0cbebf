using System.Collections.Concurrent;
using Assets.Mappings;
using Assets.Partitions;
using Microsoft.Extensions.Logging;

// Small asset projects the executor runs. Bodies do what the test's Probe (a service) scripts, so tests never share state.
namespace Assets.Core.Tests.Execution.Fixtures;

public sealed record Sale(string Id, decimal Amount);

/// <summary>A service every fixture asset takes: scripts per asset, and what the bodies saw.</summary>
public sealed class Probe
{
    private int _running;
    private int _sequence;

    public ConcurrentDictionary<string, Func<AssetContext, CancellationToken, Task>> Scripts { get; } = new();

    /// <summary>The rows a source asset returns for a partition; default two positive sales named after the partition.</summary>
    public Func<AssetContext, IReadOnlyList<Sale>> Rows { get; set; } =
        context => [new Sale($"{context.Partition}-1", 1m), new Sale($"{context.Partition}-2", 2m)];

    public ConcurrentQueue<AssetContext> Contexts { get; } = new();

    public ConcurrentDictionary<string, int> StartedAt { get; } = new();

    public ConcurrentDictionary<string, int> FinishedAt { get; } = new();

    private int _maxRunning;

    public int MaxRunning => Volatile.Read(ref _maxRunning);

    public void On(string asset, Func<AssetContext, CancellationToken, Task> script) => Scripts[asset] = script;

    public async Task EnterAsync(AssetContext context, CancellationToken cancellationToken)
    {
        Contexts.Enqueue(context);
        var running = Interlocked.Increment(ref _running);
        InterlockedMax(ref _maxRunning, running);
        var name = context.Partition is { } p ? $"{context.Asset}[{p}]" : context.Asset.Value;
        StartedAt[name] = Interlocked.Increment(ref _sequence);
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
            FinishedAt[name] = Interlocked.Increment(ref _sequence);
            Interlocked.Decrement(ref _running);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}

internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Information, Message = "raw for {Day}")]
    public static partial void Materializing(ILogger logger, string? day);
}

public interface IWarehouse
{
    IReadOnlyList<Sale> Stock();
}

public sealed class Warehouse : IWarehouse
{
    public IReadOnlyList<Sale> Stock() => [new Sale("w-1", 5m)];
}

/// <summary>raw -> clean (identity, checked) -> rolling (3-day window); side is independent.</summary>
public static class SalesProject
{
    [Asset]
    [DailyPartitions("2026-01-01", End = "2026-12-31", Timezone = "Europe/Berlin")]
    [Retry(MaxAttempts = 3, Delay = "2s", Backoff = Backoff.ExponentialWithJitter)]
    public static async Task<IReadOnlyList<Sale>> Raw(AssetContext context, Probe probe, CancellationToken cancellationToken)
    {
        await probe.EnterAsync(context, cancellationToken);
        Log.Materializing(context.Logger, context.Partition?.Value);
        return probe.Rows(context);
    }

    [Asset(CodeVersion = "clean-1")]
    [DailyPartitions("2026-01-01", End = "2026-12-31", Timezone = "Europe/Berlin")]
    public static async Task<IEnumerable<Sale>> Clean(IEnumerable<Sale> raw, AssetContext context, Probe probe, CancellationToken cancellationToken)
    {
        await probe.EnterAsync(context, cancellationToken);
        return raw.ToList();
    }

    [Asset]
    [DailyPartitions("2026-01-01", End = "2026-12-31", Timezone = "Europe/Berlin")]
    public static async IAsyncEnumerable<Sale> Rolling([Window(-2, 0)] IReadOnlyList<Sale> clean, AssetContext context, Probe probe)
    {
        await probe.EnterAsync(context, CancellationToken.None);
        foreach (var sale in clean)
        {
            yield return sale;
        }
    }

    [Asset]
    [DailyPartitions("2026-01-01", End = "2026-12-31", Timezone = "Europe/Berlin")]
    [Retry(MaxAttempts = 1)]
    public static async Task<Sale[]> Side(AssetContext context, Probe probe, CancellationToken cancellationToken)
    {
        await probe.EnterAsync(context, cancellationToken);
        return [.. probe.Rows(context)];
    }

    [AssetCheck(nameof(Clean), Blocking = true, Description = "no negative amounts")]
    public static CheckResult NoNegativeAmounts(IEnumerable<Sale> clean)
    {
        var negative = clean.Count(s => s.Amount < 0);
        return negative == 0 ? CheckResult.Pass() : CheckResult.Fail($"{negative} sales have negative amounts");
    }

    [AssetCheck(nameof(Clean), Description = "at least two sales a day")]
    public static async Task<CheckResult> AtLeastTwoSales(IAsyncEnumerable<Sale> clean)
    {
        var count = 0;
        await foreach (var _ in clean)
        {
            count++;
        }

        return count >= 2 ? CheckResult.Pass() : CheckResult.Fail($"only {count} sales");
    }
}

/// <summary>Resources: a service parameter, an instance class built with its dependencies, and a report output.</summary>
public sealed class WarehouseAssets(IWarehouse warehouse)
{
    [Asset]
    public IEnumerable<Sale> Stock() => warehouse.Stock();

    [Asset]
    [StaticPartitions("us", "eu")]
    public static MaterializeResult Export(AssetContext context, IWarehouse warehouse)
    {
        context.AddMetadata("exported_by", "context");
        return new MaterializeResult
        {
            Metadata = new Dictionary<string, object?> { ["rows"] = warehouse.Stock().Count },
            DataVersion = $"snapshot-{context.Partition}",
        };
    }

    [Asset]
    public static ValueTask<Sale> Largest(IReadOnlyList<Sale> stock) => ValueTask.FromResult(stock.MaxBy(s => s.Amount)!);
}
