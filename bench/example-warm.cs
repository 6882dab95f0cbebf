// The example's fresh `materialize --select '*'` several times in one process, each on a new root: the later runs
// show what the steps cost once the JIT has compiled them (issue 14, target 1: a fresh process spends about as much
// on start-up as on its 97 steps, and perf of a fresh run mixes the two). Prints each run's CPU, wall, garbage
// collections (gen0/gen1/gen2), GC pause, bytes allocated, and the methods the JIT compiled during the run with the time
// it took. Tiered compilation is off: each method is compiled once, optimized, when first called, so the later runs
// compile (almost) nothing; with it on, a background thread re-compiled hot methods for several runs and took about a
// third of the "warm" runs' CPU.
//
//   Example__SourceDir=example-assets/source dotnet run -c Release bench/example-warm.cs -- [RUNS] [SELECTION]
//
// For a profile of the warm runs, run it with DOTNET_PerfMapEnabled=1 and attach `perf record -g -p PID` once the
// first runs have printed. Roots are made under the temporary folder and deleted after each run.
#:project ../example-assets/ExampleAssets.csproj
#:property TreatWarningsAsErrors=false
#:property PublishAot=false
#:property NoWarn=$(NoWarn);RS0016
#:property TieredCompilation=false
using System.Diagnostics;

var runs = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 6;
var selection = args.Length > 1 ? args[1] : "*";
var entry = typeof(ExampleAssets.SalesAssets).Assembly.EntryPoint!;
using var process = Process.GetCurrentProcess();
for (var run = 1; run <= runs; run++)
{
    var root = Path.Combine(Path.GetTempPath(), "example-warm-" + Guid.NewGuid().ToString("N"));
    var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
    var (pause, allocated) = (GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes());
    var (compiled, compiling) = (System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime());
    process.Refresh();
    var cpu = process.TotalProcessorTime;
    var wall = Stopwatch.StartNew();
    var console = Console.Out;
    Console.SetOut(TextWriter.Null);
    int exitCode;
    try
    {
        exitCode = (int)entry.Invoke(null, [new[] { "materialize", "--select", selection, "--root", root }])!;
    }
    finally
    {
        Console.SetOut(console);
    }

    process.Refresh();
    Console.WriteLine(
        $"run {run}: exit {exitCode}, cpu {(process.TotalProcessorTime - cpu).TotalSeconds:F2} s, wall {wall.Elapsed.TotalSeconds:F2} s, "
        + $"gc {GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2}, "
        + $"pause {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds:F0} ms, allocated {(GC.GetTotalAllocatedBytes() - allocated) / (1 << 20)} MB, "
        + $"jit {System.Runtime.JitInfo.GetCompiledMethodCount() - compiled} methods in {(System.Runtime.JitInfo.GetCompilationTime() - compiling).TotalMilliseconds:F0} ms");
    Directory.Delete(root, recursive: true);
}
