using Assets.Benchmarks;

if (args is ["hourly-cli", .. var hourly])
{
    return await HourlyCommandLine.RunAsync(hourly);
}

// Figures are printed as "name: value unit", one per line, measured side by side in one run so
// a noisy shared machine affects the framework and the raw baseline alike. --quick stays under a minute.
var quick = args.Contains("--quick");
var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
Console.WriteLine($"# machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; quick={quick}");
IBenchmark[] benchmarks =
[
    new PlanningBenchmark(),
    new PlanningColdBenchmark(),
    new StoreOpenBenchmark(),
    new WebPagesBenchmark(),
    new SharedStoreReadBenchmark(),
    new StepQueueThroughputBenchmark(),
    new WorkerThroughputBenchmark(),
    new SmallPartitionPublishBenchmark(),
    new S3SmallPartitionPublishBenchmark(),
    new LargePartitionBenchmark(),
    new LargePartitionReadBenchmark(),
];
foreach (var benchmark in benchmarks)
{
    if (only is null || benchmark.Name == only)
    {
        await benchmark.RunAsync(quick, Report.Console);
    }
}

return 0;
