using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

using Assets.Storage.Objects;
using Assets.Storage.Objects.Local;

namespace Assets.Storage.Tests.Objects;

/// <summary>What only the local store does: temporary files, the no-overwrite move, the cross-process lock, folders.</summary>
public sealed class LocalObjectStoreTests : IDisposable
{
    private const int EExist = 17;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "assets-local-store-" + Guid.NewGuid().ToString("N"));
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 2, 1, 12, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void Constructor_MissingRoot_CreatesIt()
    {
        var root = Path.Combine(_root, "nested", "root");

        var store = new LocalObjectStore(root);

        Assert.True(Directory.Exists(root));
        Assert.Equal(root, store.Location);
        Assert.True(store.EnforcesConditionalWrites);
    }

    [Fact]
    public async Task CreateIfAbsent_RacingCreatorsRoundAfterRound_NeverBothWin()
    {
        // File.Move(overwrite: false) let two racers win in a few percent of rounds on ext4 (.NET 10); with it, 300 rounds of
        // 16 racers failed in 3 runs out of 3. Each round's winner must also be the content that stayed.
        var store = new LocalObjectStore(_root);
        for (var round = 0; round < 300; round++)
        {
            var key = ObjectKey.Parse($"race/{round}");
            using var go = new ManualResetEventSlim();
            var racers = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
            {
                go.Wait();
                return (Index: i, Result: await store.CreateIfAbsentAsync(key, Content($"racer {i} of round {round}")));
            })).ToList();
            go.Set();
            var results = await Task.WhenAll(racers);

            var winner = Assert.Single(results, r => r.Result.Outcome == WriteOutcome.Written);
            Assert.Equal($"racer {winner.Index} of round {round}", Encoding.UTF8.GetString((await store.GetAsync(key))!.Content.ToArray()));
        }

        Assert.DoesNotContain(Directory.EnumerateFiles(Path.Combine(_root, "race")), f => Path.GetFileName(f).StartsWith(LocalFiles.TempPrefix, StringComparison.Ordinal));
    }

    [Fact]
    public void Constructor_RelativeRoot_IsRefused()
        => Assert.Contains("not an absolute path", Assert.Throws<ArgumentException>(() => new LocalObjectStore("relative/root")).Message, StringComparison.Ordinal);

    [Fact]
    public async Task CreateIfAbsent_KeySegments_BecomeFoldersUnderTheRoot()
    {
        var store = CreateSut();

        await store.CreateIfAbsentAsync(ObjectKey.Parse("data/sales/raw_orders/2026-01-01/m1/part-00000.parquet"), Content("x"));

        Assert.Equal("x", await File.ReadAllTextAsync(Path.Combine(_root, "data", "sales", "raw_orders", "2026-01-01", "m1", "part-00000.parquet")));
    }

    [Fact]
    public async Task CreateIfAbsent_ContentThrowsMidWrite_LeavesNoFileUnderTheKeyAndNoTempFile()
    {
        var store = CreateSut();
        var key = ObjectKey.Parse("data/a/part-00000.parquet");

        var error = await Assert.ThrowsAsync<IOException>(() => store.CreateIfAbsentAsync(key, new FailingStream(failAfter: 3 * 1024 * 1024)));

        Assert.Equal("The source broke.", error.Message);
        Assert.Null(await store.GetAsync(key));
        Assert.Empty(AllFiles());
    }

    [Fact]
    public async Task CreateIfAbsent_CancelledMidWrite_LeavesNoFileUnderTheKeyAndNoTempFile()
    {
        var store = CreateSut();
        var key = ObjectKey.Parse("data/a/part-00000.parquet");
        using var cancellation = new CancellationTokenSource();
        var content = new FailingStream(failAfter: long.MaxValue, afterBytes: (2 * 1024 * 1024, () => cancellation.Cancel()));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.CreateIfAbsentAsync(key, content, cancellation.Token));

        Assert.Null(await store.GetAsync(key));
        Assert.Empty(AllFiles());
    }

    [Fact]
    public async Task TempFileLeftByACrash_IsInvisibleAndRemovedOnceOldEnough()
    {
        var store = CreateSut();
        var key = ObjectKey.Parse("data/a/part-00000.parquet");
        await store.CreateIfAbsentAsync(ObjectKey.Parse("data/a/other"), Content("kept"));
        var folder = Path.Combine(_root, "data", "a");
        var abandoned = Path.Combine(folder, ".tmp-" + Guid.NewGuid().ToString("N"));
        var recent = Path.Combine(folder, ".tmp-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(abandoned, "half a parquet file");
        await File.WriteAllTextAsync(recent, "a write in progress");
        File.SetLastWriteTimeUtc(abandoned, _clock.GetUtcNow().UtcDateTime.AddHours(-2));
        File.SetLastWriteTimeUtc(recent, _clock.GetUtcNow().UtcDateTime.AddMinutes(-5));

        Assert.Null(await store.GetAsync(key));
        Assert.Equal(["data/a/other"], await Keys(store, ""));
        await Assert.ThrowsAsync<ArgumentException>(() => store.GetAsync(ObjectKey.Parse("data/a/" + Path.GetFileName(abandoned))));

        var deleted = await store.DeleteAbandonedTempFilesAsync(TimeSpan.FromHours(1));

        Assert.Equal(new DeletedTempFiles(1, "half a parquet file".Length), deleted);
        Assert.False(File.Exists(abandoned));
        Assert.True(File.Exists(recent));
    }

    [Fact]
    public async Task FileMove_WithoutOverwrite_RefusesAnExistingTargetAndKeepsBothFiles()
    {
        // The guarantee CreateIfAbsentAsync rests on: .NET on Unix moves without overwriting through link(), which fails with EEXIST.
        Directory.CreateDirectory(_root);
        var source = Path.Combine(_root, "source");
        var target = Path.Combine(_root, "target");
        await File.WriteAllTextAsync(source, "new");
        await File.WriteAllTextAsync(target, "old");

        var error = Assert.ThrowsAny<IOException>(() => File.Move(source, target, overwrite: false));

        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            Assert.Equal(EExist, error.HResult);
        }

        Assert.Equal("old", await File.ReadAllTextAsync(target));
        Assert.Equal("new", await File.ReadAllTextAsync(source));
    }

    [Fact]
    public void FileShareNone_SecondHandleInTheSameProcess_IsRefusedUntilTheFirstCloses()
    {
        // .NET on Unix takes flock(LOCK_EX) per open file description, so two handles exclude each other as two processes do.
        Directory.CreateDirectory(_root);
        var path = Path.Combine(_root, "x.lock");
        using (var first = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            Assert.ThrowsAny<IOException>(() => new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }

        using var again = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
    }

    [Fact]
    public async Task ReplaceIfMatch_LockHeldByAnotherHandle_WaitsAndThenWrites()
    {
        var store = CreateSut();
        var key = ObjectKey.Parse("current/a/_.json");
        var v1 = await store.ReplaceIfMatchAsync(key, Bytes("v1"), expected: null);
        var lockPath = Path.Combine(_root, "current", "a", "_.json.lock");

        Task<WriteResult> replace;
        using (new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            replace = store.ReplaceIfMatchAsync(key, Bytes("v2"), v1.Version);
            await Task.Delay(300);
            Assert.False(replace.IsCompleted);
        }

        Assert.True((await replace).Succeeded);
        Assert.Equal("v2", Text((await store.GetAsync(key))!.Content));
    }

    [Fact]
    public async Task ReplaceIfMatch_LockHeldByAnotherProcess_WaitsAndThenWrites()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/flock"))
        {
            return; // Needs util-linux's flock(1), which takes the same flock(2) lock .NET takes.
        }

        var store = CreateSut();
        var key = ObjectKey.Parse("current/a/_.json");
        var v1 = await store.ReplaceIfMatchAsync(key, Bytes("v1"), expected: null);
        var lockPath = Path.Combine(_root, "current", "a", "_.json.lock");
        using var holder = Process.Start(new ProcessStartInfo("/usr/bin/flock", ["--exclusive", lockPath, "/bin/sh", "-c", "echo held; sleep 1"])
        {
            RedirectStandardOutput = true,
        })!;
        Assert.Equal("held", await holder.StandardOutput.ReadLineAsync());

        var started = Stopwatch.StartNew();
        var result = await store.ReplaceIfMatchAsync(key, Bytes("v2"), v1.Version);

        Assert.True(result.Succeeded);
        Assert.True(started.Elapsed > TimeSpan.FromMilliseconds(500), $"The replace finished after {started.Elapsed} while another process held the lock.");
        await holder.WaitForExitAsync();
    }

    [Fact]
    public async Task ReplaceIfMatch_RacersThroughSeparateStoresOnOneRoot_ExactlyOneWins()
    {
        // Separate instances share no in-process state, as separate processes would not: only the file lock keeps them apart.
        var stores = Enumerable.Range(0, 32).Select(_ => CreateSut()).ToList();
        var key = ObjectKey.Parse("current/a/_.json");
        var start = await stores[0].ReplaceIfMatchAsync(key, Bytes("start"), expected: null);
        using var go = new ManualResetEventSlim();

        var racers = stores.Select((store, i) => Task.Run(() =>
        {
            go.Wait();
            return store.ReplaceIfMatchAsync(key, Bytes($"racer {i}"), start.Version);
        })).ToList();
        go.Set();
        var results = await Task.WhenAll(racers);

        var winner = Assert.Single(results, r => r.Succeeded);
        Assert.Equal(winner.Version, (await stores[^1].GetAsync(key))!.Version);
    }

    [Fact]
    public async Task Versions_AreTheContentHash_SameInEveryInstance()
    {
        var first = CreateSut();
        var key = ObjectKey.Parse("manifests/m.json");

        var written = await first.CreateIfAbsentAsync(key, Content("manifest"));

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Bytes("manifest")))[..32], written.Version!.Value.Value);
        Assert.Equal(written.Version, (await CreateSut().GetAsync(key))!.Version);
    }

    [Fact]
    public async Task List_SkipsLockAndTempFiles()
    {
        var store = CreateSut();
        var key = ObjectKey.Parse("current/a/_.json");
        await store.ReplaceIfMatchAsync(key, Bytes("v1"), expected: null);
        await File.WriteAllTextAsync(Path.Combine(_root, "current", "a", ".tmp-" + Guid.NewGuid().ToString("N")), "partial");

        Assert.True(File.Exists(Path.Combine(_root, "current", "a", "_.json.lock")));
        Assert.Equal(["current/a/_.json"], await Keys(store, ""));
    }

    [Theory]
    [InlineData("current/a/_.json.lock")]
    [InlineData("data/a/.tmp-0123456789abcdef0123456789abcdef")]
    public async Task ReservedNames_AreRefusedWithTheReason(string key)
    {
        var store = CreateSut();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.CreateIfAbsentAsync(ObjectKey.Parse(key), Content("x")));

        Assert.Contains("keeps for itself", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a/../b")]
    [InlineData("../b")]
    [InlineData("a/./b")]
    [InlineData("a\\..\\b")]
    [InlineData("/etc/passwd")]
    [InlineData("a//b")]
    [InlineData("a/\u0000")]
    public void ObjectKey_EscapingTheRoot_CannotBeConstructed(string text)
        => Assert.False(ObjectKey.TryParse(text, out _, out _));

    [Fact]
    public async Task Delete_LastObjectOfItsFolders_RemovesTheEmptyFoldersButNotTheRoot()
    {
        var store = CreateSut();
        await store.CreateIfAbsentAsync(ObjectKey.Parse("data/a/m1/part-00000.parquet"), Content("x"));
        await store.CreateIfAbsentAsync(ObjectKey.Parse("data/b"), Content("y"));

        await store.DeleteAsync(ObjectKey.Parse("data/a/m1/part-00000.parquet"));

        Assert.False(Directory.Exists(Path.Combine(_root, "data", "a")));
        Assert.True(File.Exists(Path.Combine(_root, "data", "b")));
        await store.DeleteAsync(ObjectKey.Parse("data/b"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root));
    }

    [Fact]
    public async Task CreateIfAbsent_KeyUnderAnObject_FailsSayingWhy()
    {
        var store = CreateSut();
        await store.CreateIfAbsentAsync(ObjectKey.Parse("a"), Content("x"));

        var error = await Assert.ThrowsAsync<IOException>(() => store.CreateIfAbsentAsync(ObjectKey.Parse("a/b"), Content("y")));

        Assert.Contains("cannot hold both an object and objects under", error.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetAsync(ObjectKey.Parse("a/b")));
    }

    [Fact]
    public async Task WritesToAKeyThatIsAFolder_FailSayingWhy()
    {
        var store = CreateSut();
        await store.CreateIfAbsentAsync(ObjectKey.Parse("a/b"), Content("x"));

        var create = await Assert.ThrowsAsync<IOException>(() => store.CreateIfAbsentAsync(ObjectKey.Parse("a"), Content("y")));
        var replace = await Assert.ThrowsAsync<IOException>(() => store.ReplaceIfMatchAsync(ObjectKey.Parse("a"), Bytes("y"), expected: null));

        Assert.Contains("cannot hold both an object and objects under", create.Message, StringComparison.Ordinal);
        Assert.Contains("cannot hold both an object and objects under", replace.Message, StringComparison.Ordinal);
        Assert.Equal("x", Text((await store.GetAsync(ObjectKey.Parse("a/b")))!.Content));
    }

    [Fact]
    public async Task GetAsync_KeyThatIsAFolder_ReturnsNull()
    {
        var store = CreateSut();
        await store.CreateIfAbsentAsync(ObjectKey.Parse("a/b"), Content("x"));

        Assert.Null(await store.GetAsync(ObjectKey.Parse("a")));
        Assert.Null(await store.GetSizeAsync(ObjectKey.Parse("a")));
        Assert.Null(await store.OpenReadAsync(ObjectKey.Parse("a")));
    }

    private static MemoryStream Content(string text) => new(Encoding.UTF8.GetBytes(text));

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    private static async Task<List<string>> Keys(LocalObjectStore store, string prefix)
    {
        var keys = new List<string>();
        await foreach (var entry in store.ListAsync(prefix))
        {
            keys.Add(entry.Key.Value);
        }

        return keys;
    }

    private LocalObjectStore CreateSut() => new(_root, _clock);

    private List<string> AllFiles()
        => Directory.EnumerateFiles(_root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).ToList();

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>Endless bytes that fail (or run a callback) after a given count, as a broken upstream would.</summary>
    private sealed class FailingStream(long failAfter, (long Bytes, Action Action)? afterBytes = null) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position >= failAfter)
            {
                throw new IOException("The source broke.");
            }

            if (afterBytes is { } after && _position >= after.Bytes)
            {
                after.Action();
            }

            var count = (int)Math.Min(buffer.Length, failAfter - _position);
            buffer[..count].Fill((byte)'x');
            _position += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.FromResult(Read(buffer.Span));
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task AdoptIfAbsent_MovesTheFileIntoPlace_WithTheVersionOfItsContent()
    {
        var store = new LocalObjectStore(Path.Combine(_root, "root"));
        var staged = Path.Combine(_root, "staged.bin");
        var content = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7)).ToArray();
        await File.WriteAllBytesAsync(staged, content);
        var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content));

        var result = await store.AdoptIfAbsentAsync(ObjectKey.Parse("a/b/data.parquet"), staged, sha256);

        Assert.Equal(WriteOutcome.Written, result.Outcome);
        Assert.Equal((await store.GetAsync(ObjectKey.Parse("a/b/data.parquet")))!.Version, result.Version);
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(_root, "root", "a", "b", "data.parquet")));
        Assert.False(File.Exists(staged));
        Assert.DoesNotContain(Directory.GetFiles(Path.Combine(_root, "root"), "*", SearchOption.AllDirectories), f => Path.GetFileName(f) != "data.parquet");
    }

    [Fact]
    public async Task AdoptIfAbsent_ExistingObject_IsAConflict_AndLeavesBothFilesAsTheyWere()
    {
        var store = new LocalObjectStore(Path.Combine(_root, "root"));
        var key = ObjectKey.Parse("data.parquet");
        await store.CreateIfAbsentAsync(key, new MemoryStream([1, 2, 3]));
        var staged = Path.Combine(_root, "staged.bin");
        await File.WriteAllBytesAsync(staged, [9, 9]);

        var result = await store.AdoptIfAbsentAsync(key, staged, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData([9, 9])));

        Assert.Equal(WriteOutcome.Conflict, result.Outcome);
        Assert.Equal([1, 2, 3], (await store.GetAsync(key))!.Content.ToArray());
        Assert.Equal([9, 9], await File.ReadAllBytesAsync(staged));
        await Assert.ThrowsAsync<ArgumentException>(() => store.AdoptIfAbsentAsync(ObjectKey.Parse("other"), staged, "not-a-hash"));
    }
}
