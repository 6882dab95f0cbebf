using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Assets.Execution;
using Assets.Graph;
using Assets.Storage.Metadata;
using Assets.Storage.Objects.Local;
using Assets.Storage.Parquet;
using Assets.Storage.Publishing;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using Parquet;
using Parquet.Schema;
using Parquet.Serialization;

namespace Assets.Benchmarks;

/// <summary>A small record, as a large fact table has them: an id, a count, an amount and a time.</summary>
public sealed record LargeRow
{
    public string Id { get; init; } = "";

    public long Quantity { get; init; }

    public decimal Amount { get; init; }

    public DateTime CreatedAt { get; init; }
}

/// <summary>The asset the framework side runs: one unpartitioned asset streaming <see cref="Rows"/> records.</summary>
public static class LargePartitionAssets
{
    private static readonly DateTime Epoch = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>How many rows the asset streams (set by the child process before the run).</summary>
    public static int Rows { get; set; }

    [Asset]
    public static IAsyncEnumerable<LargeRow> LargeRows() => Generate(Rows);

    /// <summary>The rows both sides write, generated lazily so neither side holds them all.</summary>
    public static async IAsyncEnumerable<LargeRow> Generate(int count, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new LargeRow
            {
                Id = "O-" + i.ToString("D9", CultureInfo.InvariantCulture),
                Quantity = i % 17 + 1,
                Amount = (i % 100_000) * 0.01m,
                CreatedAt = Epoch.AddSeconds(i),
            };
        }

        await Task.CompletedTask;
    }
}

/// <summary>
/// One large partition (10 million rows; 1 million with --quick) streamed through the real framework path
/// (AssetExecutor, StorageMaterializationStore on a LocalObjectStore, DuckDB metadata: stage, hash, publish)
/// against a hand-written Parquet.Net columnar write of the same rows to one file (row groups of 100,000,
/// Snappy, fsynced), the least any careful writer pays.
/// </summary>
/// <remarks>
/// Each side runs in its own child process (this program again, told which side by an environment variable),
/// so one side's heap and native memory never count against the other. The child measures its own wall time
/// and CPU time (user + system, all threads) around the write, reads its peak working set (VmHWM on Linux)
/// through <see cref="Process.PeakWorkingSet64"/> when done, and the bytes it allocated in all; it prints
/// them on one line that the parent parses. Every child pays the same start-up, JIT and row generation.
/// The sides run interleaved for two rounds (one with --quick) and the best time of each is kept: on a shared machine the
/// CPU-time ratio is the steadier figure. "format" is the framework's record writer alone to a file, which
/// splits the gap between the Parquet encoding and the publish protocol (staging, hashing, copying, metadata).
/// </remarks>
public sealed class LargePartitionBenchmark : IBenchmark
{
    private const string SideVariable = "ASSETS_BENCH_LARGE_SIDE";
    private const string RowsVariable = "ASSETS_BENCH_LARGE_ROWS";
    private const string ResultPrefix = "large_partition_child:";
    private const int RowGroupSize = 100_000;

    public string Name => "large-partition";

    public async Task RunAsync(bool quick, Report report)
    {
        var childSide = Environment.GetEnvironmentVariable(SideVariable);
        if (childSide is not null)
        {
            await RunChildAsync(childSide, int.Parse(Environment.GetEnvironmentVariable(RowsVariable)!, CultureInfo.InvariantCulture));
            return;
        }

        var rows = quick ? 1_000_000 : 10_000_000;
        // --quick runs each side once so the whole quick run stays under a minute on a loaded machine.
        var rounds = quick ? 1 : 2;
        string[] sides = ["raw", "format", "framework"];
        var results = sides.ToDictionary(s => s, _ => new List<SideResult>());
        for (var round = 0; round < rounds; round++)
        {
            // Interleaved, so a burst of load from a neighbour hits every side rather than one.
            foreach (var side in sides)
            {
                results[side].Add(await RunSideAsync(side, rows));
            }
        }

        report.Note($"{rows:N0} rows (string, long, decimal, timestamp) in one partition; each side in its own process, "
            + $"{rounds} interleaved rounds: best wall and CPU time, highest peak working set");
        var raw = results["raw"];
        foreach (var side in sides)
        {
            var runs = results[side];
            var wall = runs.Min(r => r.Elapsed.TotalSeconds);
            var cpu = runs.Min(r => r.Cpu.TotalSeconds);
            report.Figure($"large_partition_{side}_seconds", wall, "s");
            report.Figure($"large_partition_{side}_seconds_spread", runs.Max(r => r.Elapsed.TotalSeconds) - wall, "s");
            report.Figure($"large_partition_{side}_cpu_seconds", cpu, "s");
            if (side != "raw")
            {
                report.Figure($"large_partition_{side}_time_ratio", wall / raw.Min(r => r.Elapsed.TotalSeconds), "x");
                report.Figure($"large_partition_{side}_cpu_ratio", cpu / raw.Min(r => r.Cpu.TotalSeconds), "x");
            }

            report.Figure($"large_partition_{side}_peak_working_set", runs.Max(r => r.PeakWorkingSet) / 1e6, "MB");
            report.Figure($"large_partition_{side}_allocated", runs[0].Allocated / 1e6, "MB");
            report.Figure($"large_partition_{side}_file_bytes", runs[0].FileBytes, "bytes");
        }
    }

    private static async Task<SideResult> RunSideAsync(string side, int rows)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell this program's path to start a child.");
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(LargePartitionBenchmark).Assembly.Location);
        }

        start.ArgumentList.Add("--only");
        start.ArgumentList.Add("large-partition");
        start.Environment[SideVariable] = side;
        start.Environment[RowsVariable] = rows.ToString(CultureInfo.InvariantCulture);
        using var child = Process.Start(start) ?? throw new InvalidOperationException("The child did not start.");
        var output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith(ResultPrefix, StringComparison.Ordinal));
        if (child.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"The {side} child failed (exit code {child.ExitCode}):\n{output}");
        }

        var parts = line[ResultPrefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => long.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return new SideResult(TimeSpan.FromTicks(parts[0]), TimeSpan.FromTicks(parts[1]), parts[2], parts[3], parts[4]);
    }

    private static async Task RunChildAsync(string side, int rows)
    {
        var folder = Path.Combine(Path.GetTempPath(), "assets-bench-large-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            using var self = Process.GetCurrentProcess();
            var cpuBefore = self.TotalProcessorTime;
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var watch = Stopwatch.StartNew();
            var bytes = side switch
            {
                "raw" => await RawAsync(Path.Combine(folder, "raw.parquet"), rows),
                "format" => await FormatAsync(Path.Combine(folder, "format.parquet"), rows),
                "framework" => await FrameworkAsync(folder, rows),
                _ => throw new ArgumentException($"Unknown side '{side}'.", nameof(side)),
            };
            watch.Stop();
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            self.Refresh();
            var cpu = self.TotalProcessorTime - cpuBefore;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ResultPrefix} {watch.Elapsed.Ticks} {cpu.Ticks} {self.PeakWorkingSet64} {allocated} {bytes}"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The framework path a scheduled run takes: the executor, the storage materialization store, DuckDB events.</summary>
    private static async Task<long> FrameworkAsync(string folder, int rows)
    {
        LargePartitionAssets.Rows = rows;
        var root = new LocalObjectStore(Path.Combine(folder, "root"));
        await using var metadata = await DuckDbMetadataStore.OpenAsync(Path.Combine(folder, "meta.duckdb"));
        var store = new StorageMaterializationStore(root, metadata, SystemClock.Instance, new PublisherOptions { StagingDirectory = Path.Combine(folder, "staging") });
        var graph = new AssetGraphBuilder().AddTypes(typeof(LargePartitionAssets)).Build();
        var executor = new AssetExecutor(graph, store, metadata, new NoServices(), SystemClock.Instance, NullLoggerFactory.Instance);
        var step = new ExecutionStep(new AssetPartition(AssetKey.Parse("large_rows"), null), []);
        var summary = await executor.RunAsync([step], RunId.New());
        if (summary.Published != 1)
        {
            throw new InvalidOperationException("The partition was not published: " + summary.Describe());
        }

        long bytes = 0;
        await foreach (var entry in root.ListAsync("data/"))
        {
            bytes += entry.Size;
        }

        return bytes;
    }

    /// <summary>
    /// The framework's record writer alone (ParquetRecordFormat, the writer the executor uses)
    /// to one fsynced file: splits the gap into the format's share and the protocol's (staging, hashing, publish).
    /// </summary>
    private static async Task<long> FormatAsync(string path, int rows)
    {
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        await ParquetRecordFormat.WriteAsync(LargePartitionAssets.Generate(rows), file);
        await file.FlushAsync();
        file.Flush(flushToDisk: true);
        return file.Length;
    }

    /// <summary>
    /// The same rows through Parquet.Net's columnar API by hand: one buffer per column, a row group every
    /// 100,000 rows, Snappy, then flushed to disk.
    /// </summary>
    private static async Task<long> RawAsync(string path, int rows)
    {
        var schema = typeof(LargeRow).GetParquetSchema(forWriting: true);
        var fields = schema.GetDataFields();
        DataField Field(string name) => fields.Single(f => f.Name == name);
        DataField idField = Field(nameof(LargeRow.Id)), quantityField = Field(nameof(LargeRow.Quantity));
        DataField amountField = Field(nameof(LargeRow.Amount)), createdField = Field(nameof(LargeRow.CreatedAt));
        var ids = new string[RowGroupSize];
        var quantities = new long[RowGroupSize];
        var amounts = new decimal[RowGroupSize];
        var created = new DateTime[RowGroupSize];
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        await using (var writer = await ParquetWriter.CreateAsync(schema, file, new ParquetOptions { CompressionMethod = CompressionMethod.Snappy }))
        {
            var count = 0;
            async Task FlushRowGroupAsync()
            {
                using var group = writer.CreateRowGroup();
                await group.WriteAsync(idField, count == ids.Length ? ids : ids[..count], null);
                await group.WriteAsync(quantityField, new ReadOnlyMemory<long>(quantities, 0, count));
                await group.WriteAsync(amountField, new ReadOnlyMemory<decimal>(amounts, 0, count));
                await group.WriteAsync(createdField, new ReadOnlyMemory<DateTime>(created, 0, count));
                group.CompleteValidate();
                count = 0;
            }

            await foreach (var row in LargePartitionAssets.Generate(rows))
            {
                ids[count] = row.Id;
                quantities[count] = row.Quantity;
                amounts[count] = row.Amount;
                created[count] = row.CreatedAt;
                if (++count == RowGroupSize)
                {
                    await FlushRowGroupAsync();
                }
            }

            if (count > 0)
            {
                await FlushRowGroupAsync();
            }
        }

        await file.FlushAsync();
        file.Flush(flushToDisk: true);
        return file.Length;
    }

    private sealed record SideResult(TimeSpan Elapsed, TimeSpan Cpu, long PeakWorkingSet, long Allocated, long FileBytes);

    /// <summary>The asset takes no services.</summary>
    private sealed class NoServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
