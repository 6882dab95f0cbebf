using System.Diagnostics;
using Assets.Graph;
using Assets.Storage.Objects;
using Assets.Storage.Objects.Local;
using Assets.Storage.Parquet;
using Assets.Storage.Publishing;

namespace Assets.Benchmarks;

/// <summary>
/// The read path of the large partition (10 million rows; 1 million with --quick): the framework's verified read
/// (<see cref="PartitionReader"/> on a <see cref="LocalObjectStore"/>: size checked at open, SHA-256 taken from the
/// decoder's own reads, compared at the end) against the same file decoded by the same record reader with no
/// check, which is what a read cost before reads were verified.
/// </summary>
/// <remarks>
/// Both sides run in this process, interleaved for three rounds (two with --quick), after one warm-up read
/// that also brings the file into the page cache; the best wall and CPU time of each is kept. The file is
/// written once, by the framework's record writer.
/// </remarks>
public sealed class LargePartitionReadBenchmark : IBenchmark
{
    private static readonly AssetPartition Partition = new(AssetKey.Parse("large_rows"), null);

    public string Name => "large-partition-read";

    public async Task RunAsync(bool quick, Report report)
    {
        var rows = quick ? 1_000_000 : 10_000_000;
        var rounds = quick ? 2 : 3;
        var folder = Path.Combine(Path.GetTempPath(), "assets-bench-read-" + Guid.NewGuid().ToString("N"));
        try
        {
            var store = new LocalObjectStore(folder);
            var key = ObjectKey.Parse("data/large_rows/_/bench/part-00000.parquet");
            var path = Path.Combine(folder, key.Value);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            RecordFileSummary written;
            await using (var file = File.Create(path))
            {
                written = await ParquetRecordFormat.WriteAsync(LargePartitionAssets.Generate(rows), file);
            }

            var manifestFile = new ManifestFile(key.Value, written.Bytes, written.Sha256, written.Rows);
            var reader = new PartitionReader(store, Path.Combine(folder, "scratch"));
            var sides = new (string Name, Func<Task<long>> Read)[]
            {
                ("unverified", () => ReadUnverifiedAsync(store, key)),
                ("verified", () => ReadVerifiedAsync(reader, manifestFile)),
            };

            await ReadUnverifiedAsync(store, key);
            var results = sides.ToDictionary(s => s.Name, _ => new List<(TimeSpan Wall, TimeSpan Cpu)>());
            for (var round = 0; round < rounds; round++)
            {
                foreach (var (name, read) in sides)
                {
                    results[name].Add(await MeasureAsync(read, rows));
                }
            }

            report.Note($"{rows:N0} rows (string, long, decimal, timestamp), one {written.Bytes / 1e6:0.#} MB file read from a local root; "
                + $"{rounds} interleaved rounds in one process: best wall and CPU time");
            foreach (var (name, _) in sides)
            {
                report.Figure($"large_partition_read_{name}_seconds", results[name].Min(r => r.Wall.TotalSeconds), "s");
                report.Figure($"large_partition_read_{name}_cpu_seconds", results[name].Min(r => r.Cpu.TotalSeconds), "s");
            }

            report.Figure("large_partition_read_verified_time_ratio", results["verified"].Min(r => r.Wall.TotalSeconds) / results["unverified"].Min(r => r.Wall.TotalSeconds), "x");
            report.Figure("large_partition_read_verified_cpu_ratio", results["verified"].Min(r => r.Cpu.TotalSeconds) / results["unverified"].Min(r => r.Cpu.TotalSeconds), "x");
            report.Figure("large_partition_read_verified_extra_bytes", await ExtraBytesReadAsync(path), "bytes");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(TimeSpan Wall, TimeSpan Cpu)> MeasureAsync(Func<Task<long>> read, int expectedRows)
    {
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var count = await read();
        clock.Stop();
        process.Refresh();
        if (count != expectedRows)
        {
            throw new InvalidOperationException($"Read {count} rows, expected {expectedRows}.");
        }

        return (clock.Elapsed, process.TotalProcessorTime - cpu);
    }

    /// <summary>The read as it was before verification: the record reader straight on the store's stream.</summary>
    private static async Task<long> ReadUnverifiedAsync(LocalObjectStore store, ObjectKey key)
    {
        long count = 0;
        var file = (await store.OpenReadAsync(key))!;
        await using (file)
        {
            await foreach (var row in ParquetRecordFormat.ReadAsync<LargeRow>(file))
            {
                count += row.Quantity > 0 ? 1 : 0;
            }
        }

        return count;
    }

    private static async Task<long> ReadVerifiedAsync(PartitionReader reader, ManifestFile file)
    {
        long count = 0;
        await foreach (var row in reader.ReadFilesAsync(typeof(LargeRow), Partition, [file]))
        {
            count += ((LargeRow)row).Quantity > 0 ? 1 : 0;
        }

        return count;
    }

    /// <summary>Bytes verification read that the decoder did not (the footer, read first by the decoder, hashed at the end).</summary>
    private static async Task<long> ExtraBytesReadAsync(string path)
    {
        var stream = new VerifyingReadStream(LocalFiles.OpenReadOrNull(path)!);
        await using (stream)
        {
            await foreach (var _ in ParquetRecordFormat.ReadAsync<LargeRow>(stream))
            {
            }

            await stream.FinishAsync(CancellationToken.None);
            return stream.ExtraBytesRead;
        }
    }
}
