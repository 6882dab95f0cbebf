using System.Diagnostics;
using Amazon.S3.Model;
using Assets.Storage.Objects.S3;
using Assets.Storage.Parquet;

namespace Assets.Benchmarks;

/// <summary>
/// The small-partition publish on an S3 root against raw PutObject calls of the same Parquet bytes with the
/// same client. Needs a server: ASSETS_BENCH_S3_ENDPOINT (and _ACCESS_KEY, _SECRET_KEY, _BUCKET; optional
/// ASSETS_BENCH_S3_COMPATIBILITY=true and ASSETS_BENCH_S3_CONDITIONAL=false for s3rver).
/// </summary>
public sealed class S3SmallPartitionPublishBenchmark : IBenchmark
{
    public string Name => "publish-small-s3";

    public async Task RunAsync(bool quick, Report report)
    {
        if (Environment.GetEnvironmentVariable("ASSETS_BENCH_S3_ENDPOINT") is not { Length: > 0 } endpoint)
        {
            report.Note("publish-small-s3 skipped: set ASSETS_BENCH_S3_ENDPOINT, _ACCESS_KEY, _SECRET_KEY and _BUCKET to run it.");
            return;
        }

        var options = new S3ObjectStoreOptions
        {
            ServiceUrl = endpoint,
            ForcePathStyle = true,
            AccessKey = Environment.GetEnvironmentVariable("ASSETS_BENCH_S3_ACCESS_KEY"),
            SecretKey = Environment.GetEnvironmentVariable("ASSETS_BENCH_S3_SECRET_KEY"),
            CompatibilityMode = Environment.GetEnvironmentVariable("ASSETS_BENCH_S3_COMPATIBILITY") == "true",
            EnforcesConditionalWrites = Environment.GetEnvironmentVariable("ASSETS_BENCH_S3_CONDITIONAL") != "false",
        };
        var bucket = Environment.GetEnvironmentVariable("ASSETS_BENCH_S3_BUCKET") ?? "bench";
        var prefix = "bench-" + Guid.NewGuid().ToString("N")[..8];
        var partitions = quick ? 100 : 1000;
        var rows = Enumerable.Range(0, 50).Select(i => new SmallRow { Id = $"R-{i:D4}", Quantity = i % 5 + 1, Amount = i * 1.25m }).ToArray();
        var folder = Path.Combine(Path.GetTempPath(), "assets-bench-" + Guid.NewGuid().ToString("N"));
        using var client = options.CreateClient();
        try
        {
            using var buffer = new MemoryStream();
            await ParquetRecordFormat.WriteAsync(rows, buffer);
            var bytes = buffer.ToArray();
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < partitions; i++)
            {
                await client.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = bucket,
                    Key = $"{prefix}-raw/{i}.parquet",
                    InputStream = new MemoryStream(bytes),
                    UseChunkEncoding = !options.CompatibilityMode,
                });
            }

            var raw = watch.Elapsed;
            using var store = new S3ObjectStore(client, bucket, prefix, options);
            var (framework, published) = await SmallPartitionPublishBenchmark.FrameworkAsync(store, Path.Combine(folder, "meta.duckdb"), Path.Combine(folder, "staging"), partitions, rows);
            report.Note($"{partitions} partitions of 50 rows on {store.Location} ({endpoint})");
            report.Figure("publish_small_s3_per_partition", framework.Wall.TotalMilliseconds / partitions, "ms");
            report.Figure("raw_put_object_per_partition", raw.TotalMilliseconds / partitions, "ms");
            report.Figure("publish_small_s3_ratio", framework.Wall / raw, "x");
            report.Figure("publish_small_s3_bytes", published, "bytes");
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
