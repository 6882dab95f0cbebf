using System.Diagnostics;
using System.Runtime.CompilerServices;
using Assets.Storage.Metadata;

namespace Assets.Storage.Tests.Metadata;

/// <summary>
/// DuckDB allows one process per file. A second process is needed to see its lock error, so these tests run
/// <c>tests/tools/lock-holder.cs</c> (a file-based app) with <c>dotnet run --file</c>.
/// </summary>
public sealed class MetadataStoreLockTests
{
    [Fact]
    public async Task OpenAsync_FileHeldByAnotherProcess_NamesTheFileAndTheHoldersPid()
    {
        var folder = new StoreFolder();
        try
        {
            await (await folder.OpenAsync()).DisposeAsync();
            using var holder = LockHolder.Start(folder.DatabasePath);
            var pid = await holder.WaitUntilHoldingAsync();

            var error = await Assert.ThrowsAsync<MetadataStoreLockedException>(folder.OpenAsync);

            Assert.Equal(pid, error.HolderProcessId);
            Assert.Equal(folder.DatabasePath, error.Path);
            Assert.Contains($"'{folder.DatabasePath}'", error.Message, StringComparison.Ordinal);
            Assert.Contains($"stop the other process (pid {pid}) or run this command through its daemon (`serve`)", error.Message, StringComparison.Ordinal);

            await holder.StopAsync();
            await (await folder.OpenAsync()).DisposeAsync();
        }
        finally
        {
            folder.Delete();
        }
    }

    private sealed class LockHolder : IDisposable
    {
        private readonly Process _process;

        private LockHolder(Process process) => _process = process;

        public static LockHolder Start(string databasePath)
        {
            var script = Path.Combine(RepositoryRoot(), "tests", "tools", "lock-holder.cs");
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { "run", "--file", script, "--", databasePath })
            {
                start.ArgumentList.Add(argument);
            }

            return new LockHolder(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start."));
        }

        /// <summary>The holder's pid, once it has the file open (the first run compiles the script: allow for it).</summary>
        public async Task<int> WaitUntilHoldingAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            while (await _process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("holding ", StringComparison.Ordinal))
                {
                    return int.Parse(line["holding ".Length..], System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            throw new InvalidOperationException($"lock-holder exited without holding the file: {await _process.StandardError.ReadToEndAsync()}");
        }

        public async Task StopAsync()
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await _process.WaitForExitAsync(timeout.Token);
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
        }

        /// <summary>The folder with Assets.sln above the test assembly, or else above this source file.</summary>
        private static string RepositoryRoot([CallerFilePath] string sourceFile = "")
        {
            foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? string.Empty })
            {
                for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
                {
                    if (File.Exists(Path.Combine(folder.FullName, "Assets.sln")))
                    {
                        return folder.FullName;
                    }
                }
            }

            throw new InvalidOperationException("The repository root (with Assets.sln) is neither above the test assembly nor above this source file.");
        }
    }
}
