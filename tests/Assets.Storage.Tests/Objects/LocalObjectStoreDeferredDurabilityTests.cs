using System.Text;

using Assets.Storage.Objects;
using Assets.Storage.Objects.Local;

namespace Assets.Storage.Tests.Objects;

/// <summary>
/// Creates whose flushes wait for a <see cref="DurabilityBatch"/>: visible at once, with exactly the file and the folders
/// that got new entries left to flush, each folder once; a replace flushes the batch before its swap.
/// </summary>
public sealed class LocalObjectStoreDeferredDurabilityTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "assets-deferred-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task DeferredCreate_UnderNewFolders_IsVisibleAtOnceAndLeavesTheFileAndEachNewEntrysFolderToTheBatch()
    {
        IDefersDurability store = new LocalObjectStore(_root);
        var batch = new DurabilityBatch();

        var written = await store.CreateIfAbsentAsync(ObjectKey.Parse("a/b/c.json"), Content("one"), batch);

        Assert.True(written.Succeeded);
        Assert.Equal("one", await ReadAsync("a/b/c.json"));
        Assert.Equal(written.Version, (await ((IObjectStore)store).GetAsync(ObjectKey.Parse("a/b/c.json")))!.Version);

        // The file, a/b (entry c.json), a (entry b) and the root (entry a): a/b did not exist, so its parents got entries too.
        Assert.Equal(4, batch.PendingFlushes);
        await store.CreateIfAbsentAsync(ObjectKey.Parse("a/b/d.json"), Content("two"), batch);
        Assert.Equal(5, batch.PendingFlushes); // one more file; a/b is flushed once for both entries

        await batch.FlushAsync();

        Assert.Equal(0, batch.PendingFlushes);
        Assert.Empty(TempFiles());
    }

    [Fact]
    public async Task DeferredCreate_Transient_IsVisibleAndLeavesNothingToFlush()
    {
        IDefersDurability store = new LocalObjectStore(_root);

        var written = await store.CreateIfAbsentAsync(ObjectKey.Parse("staging/x/1.json"), Content("marker"), DurabilityBatch.Transient);

        Assert.True(written.Succeeded);
        Assert.Equal("marker", await ReadAsync("staging/x/1.json"));
        Assert.Equal(0, DurabilityBatch.Transient.PendingFlushes);
    }

    [Fact]
    public async Task DeferredCreate_Transient_InAMissingFolder_CreatesItWithoutThrowing_AndAnExistingKeyConflicts()
    {
        IDefersDurability store = new LocalObjectStore(_root);
        var thread = Environment.CurrentManagedThreadId;
        var thrown = new List<string>();
        void Count(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
        {
            if (Environment.CurrentManagedThreadId == thread)
            {
                lock (thrown)
                {
                    thrown.Add(e.Exception.GetType().Name);
                }
            }
        }

        AppDomain.CurrentDomain.FirstChanceException += Count;
        WriteResult first;
        try
        {
            first = await store.CreateIfAbsentAsync(ObjectKey.Parse("staging/asset/p~1.json"), Content("marker"), DurabilityBatch.Transient);
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Count;
        }

        var second = await store.CreateIfAbsentAsync(ObjectKey.Parse("staging/asset/p~1.json"), Content("other"), DurabilityBatch.Transient);

        Assert.True(first.Succeeded);
        Assert.Empty(thrown); // a missing folder is the normal case for an asset's first marker
        Assert.False(second.Succeeded);
        Assert.Equal(first.Version, second.Version);
        Assert.Equal("marker", await ReadAsync("staging/asset/p~1.json"));
        Assert.Empty(TempFiles());
    }

    [Fact]
    public async Task DeferredCreate_ExistingKey_ReturnsConflictKeepsContentAndAddsNothing()
    {
        var store = new LocalObjectStore(_root);
        var first = await store.CreateIfAbsentAsync(ObjectKey.Parse("k"), new MemoryStream(Content("first").ToArray()));
        var batch = new DurabilityBatch();

        var second = await ((IDefersDurability)store).CreateIfAbsentAsync(ObjectKey.Parse("k"), Content("second"), batch);

        Assert.Equal(WriteOutcome.Conflict, second.Outcome);
        Assert.Equal(first.Version, second.Version);
        Assert.Equal("first", await ReadAsync("k"));
        Assert.Equal(0, batch.PendingFlushes);
        Assert.Empty(TempFiles());
    }

    [Fact]
    public async Task DeferredAdopt_MovesTheFileInAndLeavesItsFlushesToTheBatch()
    {
        IDefersDurability store = new LocalObjectStore(_root);
        var local = Path.Combine(_root, "..", Path.GetFileName(_root) + ".staged");
        await File.WriteAllTextAsync(local, "rows");
        try
        {
            var batch = new DurabilityBatch();
            var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("rows")));

            var written = await store.AdoptIfAbsentAsync(ObjectKey.Parse("data/p/id/part-00000.parquet"), local, sha, batch);

            Assert.True(written.Succeeded);
            Assert.False(File.Exists(local));
            Assert.Equal("rows", await ReadAsync("data/p/id/part-00000.parquet"));
            Assert.Equal(5, batch.PendingFlushes); // the file; data/p/id, data/p, data and the root got entries
        }
        finally
        {
            File.Delete(local);
        }
    }

    [Fact]
    public async Task DeferredReplace_FlushesTheBatchWithTheNewContentAndSwaps()
    {
        var store = new LocalObjectStore(_root);
        var deferring = (IDefersDurability)store;
        var batch = new DurabilityBatch();
        await deferring.CreateIfAbsentAsync(ObjectKey.Parse("manifests/p/1.json"), Content("manifest"), batch);
        Assert.NotEqual(0, batch.PendingFlushes);

        var created = await deferring.ReplaceIfMatchAsync(ObjectKey.Parse("current/p.json"), Content("pointer 1"), null, batch);
        Assert.True(created.Succeeded);
        Assert.Equal(0, batch.PendingFlushes);
        var replaced = await deferring.ReplaceIfMatchAsync(ObjectKey.Parse("current/p.json"), Content("pointer 2"), created.Version, batch);
        var stale = await deferring.ReplaceIfMatchAsync(ObjectKey.Parse("current/p.json"), Content("pointer 3"), created.Version, batch);

        Assert.True(replaced.Succeeded);
        Assert.Equal(WriteOutcome.Conflict, stale.Outcome);
        Assert.Equal(replaced.Version, stale.Version);
        Assert.Equal("pointer 2", await ReadAsync("current/p.json"));
        Assert.Equal((await store.GetAsync(ObjectKey.Parse("current/p.json")))!.Version, replaced.Version);
        Assert.Empty(TempFiles());
    }

    [Fact]
    public async Task DeferredReplace_WhenTheBatchCannotBeFlushed_LeavesTheOldObjectAndNoTemporaryFile()
    {
        var store = new LocalObjectStore(_root);
        var deferring = (IDefersDurability)store;
        var pointer = await store.ReplaceIfMatchAsync(ObjectKey.Parse("current/p.json"), Content("pointer 1"), null);
        var batch = new DurabilityBatch();
        await deferring.CreateIfAbsentAsync(ObjectKey.Parse("manifests/p/2.json"), Content("manifest"), batch);
        File.Delete(Path.Combine(_root, "manifests", "p", "2.json")); // removed behind the writer's back before it was flushed

        await Assert.ThrowsAnyAsync<IOException>(() => deferring.ReplaceIfMatchAsync(ObjectKey.Parse("current/p.json"), Content("pointer 2"), pointer.Version, batch));

        Assert.Equal("pointer 1", await ReadAsync("current/p.json"));
        Assert.Equal(0, batch.PendingFlushes);
        Assert.Empty(TempFiles());
    }

    [Fact]
    public async Task DeferredReplace_OfAnAbsentObject_LinksItWithoutALockFile_AndAReplaceAfterwardsStillComparesUnderTheLock()
    {
        var store = new LocalObjectStore(_root);
        var deferring = (IDefersDurability)store;

        var created = await deferring.ReplaceIfMatchAsync(ObjectKey.Parse("current/p.json"), Content("pointer 1"), null, new DurabilityBatch());
        var again = await deferring.ReplaceIfMatchAsync(ObjectKey.Parse("current/p.json"), Content("pointer x"), null, new DurabilityBatch());

        Assert.True(created.Succeeded);
        Assert.Equal(WriteOutcome.Conflict, again.Outcome);
        Assert.Equal(created.Version, again.Version);
        Assert.False(File.Exists(Path.Combine(_root, "current", "p.json" + LocalFiles.LockSuffix)));
        var replaced = await deferring.ReplaceIfMatchAsync(ObjectKey.Parse("current/p.json"), Content("pointer 2"), created.Version, new DurabilityBatch());
        Assert.True(replaced.Succeeded);
        Assert.True(File.Exists(Path.Combine(_root, "current", "p.json" + LocalFiles.LockSuffix)));
        Assert.Equal("pointer 2", await ReadAsync("current/p.json"));
        Assert.Empty(TempFiles());
    }

    [Fact]
    public async Task DeferredReplace_OfAnAbsentObject_RacingCreators_ExactlyOneWins()
    {
        var deferring = (IDefersDurability)new LocalObjectStore(_root);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => deferring.ReplaceIfMatchAsync(ObjectKey.Parse("current/p.json"), Content($"pointer {i}"), null, new DurabilityBatch()))));

        var winner = Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(winner.Version, r.Version));
        Assert.Empty(TempFiles());
    }

    [Fact]
    public async Task DeleteTransient_RemovesTheObjectAndItsEmptyFolder_KeepsTheFoldersAbove()
    {
        IDefersDurability store = new LocalObjectStore(_root);
        await store.CreateIfAbsentAsync(ObjectKey.Parse("staging/asset/p1/id.json"), Content("marker"), DurabilityBatch.Transient);
        await store.CreateIfAbsentAsync(ObjectKey.Parse("staging/asset/p2/id.json"), Content("marker"), DurabilityBatch.Transient);
        await store.CreateIfAbsentAsync(ObjectKey.Parse("staging/asset/p2/other.json"), Content("marker"), DurabilityBatch.Transient);

        Assert.True(await store.DeleteTransientAsync(ObjectKey.Parse("staging/asset/p1/id.json"), removeEmptyFolder: true));
        Assert.True(await store.DeleteTransientAsync(ObjectKey.Parse("staging/asset/p2/id.json"), removeEmptyFolder: true));
        Assert.False(await store.DeleteTransientAsync(ObjectKey.Parse("staging/asset/p1/id.json"), removeEmptyFolder: true));

        Assert.False(Directory.Exists(Path.Combine(_root, "staging", "asset", "p1")));
        Assert.True(Directory.Exists(Path.Combine(_root, "staging", "asset")));
        Assert.Equal("marker", await ReadAsync("staging/asset/p2/other.json"));
    }

    [Fact]
    public async Task DeleteTransient_OfAMarkerInItsAssetsFolder_LeavesTheFolderForTheNext()
    {
        IDefersDurability store = new LocalObjectStore(_root);
        await store.CreateIfAbsentAsync(ObjectKey.Parse("staging/asset/p1~id.json"), Content("marker"), DurabilityBatch.Transient);

        Assert.True(await store.DeleteTransientAsync(ObjectKey.Parse("staging/asset/p1~id.json"), removeEmptyFolder: false));
        Assert.False(await store.DeleteTransientAsync(ObjectKey.Parse("staging/asset/p1~id.json"), removeEmptyFolder: false));

        Assert.True(Directory.Exists(Path.Combine(_root, "staging", "asset")));
        Assert.Empty(await new LocalObjectStore(_root).ListAsync("staging/").ToListAsync());

        // Nothing but a spare for the next marker (Linux), a temporary file that no listing, reader or marker scan sees.
        Assert.All(Directory.EnumerateFileSystemEntries(Path.Combine(_root, "staging", "asset")), e => Assert.True(LocalFiles.IsTempName(Path.GetFileName(e)), e));
    }

    [Fact]
    public async Task TransientCreate_AfterADelete_ReusesTheFile_WithTheNewContentAFreshAgeAndStillExclusive()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // spare files need renameat2: elsewhere markers are created and deleted as before
        }

        IDefersDurability store = new LocalObjectStore(_root);
        var folder = Path.Combine(_root, "staging", "asset");
        await store.CreateIfAbsentAsync(ObjectKey.Parse("staging/asset/p1~first.json"), Content("a longer first marker"), DurabilityBatch.Transient);
        var inode = InodeOf(Path.Combine(folder, "p1~first.json"));
        File.SetLastWriteTimeUtc(Path.Combine(folder, "p1~first.json"), DateTime.UtcNow.AddHours(-3));
        await store.DeleteTransientAsync(ObjectKey.Parse("staging/asset/p1~first.json"), removeEmptyFolder: false);
        Assert.Equal(1, SpareFiles.CountIn(folder));

        var created = await store.CreateIfAbsentAsync(ObjectKey.Parse("staging/asset/p2~second.json"), Content("second"), DurabilityBatch.Transient);

        Assert.Equal(WriteOutcome.Written, created.Outcome);
        var second = Path.Combine(folder, "p2~second.json");
        Assert.Equal(inode, InodeOf(second)); // the same file: no inode allocated, none freed
        Assert.Equal("second", await File.ReadAllTextAsync(second)); // cut to the new content
        Assert.True(File.GetLastWriteTimeUtc(second) > DateTime.UtcNow.AddMinutes(-1), "gc reads a marker's age from its modification time");
        Assert.Equal(0, SpareFiles.CountIn(folder));
        Assert.Equal(["p2~second.json"], Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName));

        // A spare never replaces an existing name: the create reports the conflict and the marker there is unchanged.
        await store.CreateIfAbsentAsync(ObjectKey.Parse("staging/asset/p3~third.json"), Content("third"), DurabilityBatch.Transient);
        await store.DeleteTransientAsync(ObjectKey.Parse("staging/asset/p3~third.json"), removeEmptyFolder: false);
        var again = await store.CreateIfAbsentAsync(ObjectKey.Parse("staging/asset/p2~second.json"), Content("other"), DurabilityBatch.Transient);
        Assert.Equal(WriteOutcome.Conflict, again.Outcome);
        Assert.Equal("second", await File.ReadAllTextAsync(second));
        Assert.Equal(1, SpareFiles.CountIn(folder));
    }

    [Fact]
    public async Task TransientCreate_WhenGcSweptTheSpare_CreatesANewFile()
    {
        IDefersDurability store = new LocalObjectStore(_root);
        var folder = Path.Combine(_root, "staging", "asset");
        await store.CreateIfAbsentAsync(ObjectKey.Parse("staging/asset/p1~first.json"), Content("first"), DurabilityBatch.Transient);
        await store.DeleteTransientAsync(ObjectKey.Parse("staging/asset/p1~first.json"), removeEmptyFolder: false);
        foreach (var spare in Directory.EnumerateFiles(folder))
        {
            File.Delete(spare); // what gc's sweep of abandoned temporary files does to an old one
        }

        var created = await store.CreateIfAbsentAsync(ObjectKey.Parse("staging/asset/p2~second.json"), Content("second"), DurabilityBatch.Transient);

        Assert.Equal(WriteOutcome.Written, created.Outcome);
        Assert.Equal("second", await File.ReadAllTextAsync(Path.Combine(folder, "p2~second.json")));
        Assert.Equal(0, SpareFiles.CountIn(folder));
    }

    private static long InodeOf(string path)
    {
        var output = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true })!;
        var text = output.StandardOutput.ReadToEnd();
        output.WaitForExit();
        return long.Parse(text.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task DeferredAdopt_OfAnExistingKey_ReturnsConflictAndLeavesTheCallersFileInPlace()
    {
        var store = new LocalObjectStore(_root);
        await store.CreateIfAbsentAsync(ObjectKey.Parse("data/p/id/part-00000.parquet"), new MemoryStream(Content("first").ToArray()));
        var local = Path.Combine(_root, "..", Path.GetFileName(_root) + ".staged");
        await File.WriteAllTextAsync(local, "rows");
        try
        {
            var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("rows")));
            var batch = new DurabilityBatch();

            var written = await ((IDefersDurability)store).AdoptIfAbsentAsync(ObjectKey.Parse("data/p/id/part-00000.parquet"), local, sha, batch);

            Assert.Equal(WriteOutcome.Conflict, written.Outcome);
            Assert.Equal("rows", await File.ReadAllTextAsync(local));
            Assert.Equal("first", await ReadAsync("data/p/id/part-00000.parquet"));
            Assert.Equal(0, batch.PendingFlushes);
            Assert.Empty(TempFiles());
        }
        finally
        {
            File.Delete(local);
        }
    }

    [Fact]
    public async Task DeferredReplace_TransientBatch_IsRefused()
    {
        IDefersDurability store = new LocalObjectStore(_root);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.ReplaceIfMatchAsync(ObjectKey.Parse("current/p.json"), Content("p"), null, DurabilityBatch.Transient));

        Assert.Contains("always made durable", error.Message, StringComparison.Ordinal);
    }

    private static ReadOnlyMemory<byte> Content(string text) => Encoding.UTF8.GetBytes(text);

    private async Task<string> ReadAsync(string key) => Encoding.UTF8.GetString((await new LocalObjectStore(_root).GetAsync(ObjectKey.Parse(key)))!.Content.Span);

    private IEnumerable<string> TempFiles()
        => Directory.EnumerateFiles(_root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(f => Path.GetFileName(f).StartsWith(LocalFiles.TempPrefix, StringComparison.Ordinal));
}
