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
        private readonly ChildProgram _program;

        private LockHolder(ChildProgram program) => _program = program;

        public static LockHolder Start(string databasePath) => new(ChildProgram.Start("lock-holder.cs", databasePath));

        /// <summary>The holder's pid, once it has the file open.</summary>
        public async Task<int> WaitUntilHoldingAsync()
            => int.Parse(await _program.WaitForLineAsync("holding "), System.Globalization.CultureInfo.InvariantCulture);

        public Task StopAsync() => _program.StopAsync();

        public void Dispose() => _program.Dispose();
    }
}
