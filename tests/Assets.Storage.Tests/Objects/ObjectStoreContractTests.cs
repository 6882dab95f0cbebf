using System.Security.Cryptography;
using System.Text;

using Assets.Storage.Objects;

namespace Assets.Storage.Tests.Objects;

/// <summary>
/// The behaviour every <see cref="IObjectStore"/> must have. Derive one class per store, return a fresh
/// store from <see cref="CreateStore"/> and clean up in <see cref="DisposeStoreAsync"/>; xunit builds a new
/// instance of the class, and so a new store, for every test. Every test writes under its own
/// <see cref="Scope"/>, so a store may share a bucket or folder with other tests.
/// <para>
/// Tests that rely on the store enforcing conditions are virtual and begin with
/// <see cref="RequireConditionalWrites"/>. A store that ignores conditions (s3rver) must override each of
/// them with <c>[Fact(Skip = ObjectStoreContractTests.ConditionsIgnored)]</c>, so the skip shows in the test
/// report instead of passing silently; <see cref="LastWriterWins_ExistingKey_CreateIfAbsentOverwrites"/> covers
/// such stores instead, and enforcing stores skip it the same way with <see cref="ConditionsEnforced"/>.
/// </para>
/// </summary>
public abstract class ObjectStoreContractTests : IAsyncLifetime
{
    /// <summary>The skip reason for the conditional tests on a store that ignores conditions.</summary>
    public const string ConditionsIgnored =
        "The store ignores conditional writes (EnforcesConditionalWrites is false, like s3rver): the last writer wins, which LastWriterWins_* tests cover.";

    /// <summary>The skip reason for the last-writer-wins tests on a store that enforces conditions.</summary>
    public const string ConditionsEnforced = "The store enforces conditional writes: the conditional tests cover it.";

    private const int Racers = 32;

    private IObjectStore? _store;

    /// <summary>The store under test.</summary>
    protected IObjectStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    /// <summary>The first key segment of every object this test writes; unique per test.</summary>
    protected string Scope { get; } = "contract-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Creates the store under test, empty or at least empty under <see cref="Scope"/>.</summary>
    protected abstract IObjectStore CreateStore();

    /// <summary>Cleans up after a test (deletes a temporary folder, a bucket prefix); may also assert on what the test left behind.</summary>
    protected virtual ValueTask DisposeStoreAsync(IObjectStore store) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public virtual Task InitializeAsync()
    {
        _store = CreateStore();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await DisposeStoreAsync(_store);
        }
    }

    [Fact]
    public async Task CreateIfAbsent_NewKey_GetReturnsSameBytesAndTheWrittenVersion()
    {
        var key = Key("data/part-00000.parquet");

        var written = await Store.CreateIfAbsentAsync(key, Content("hello"));
        var read = await Store.GetAsync(key);

        Assert.Equal(WriteOutcome.Written, written.Outcome);
        Assert.NotNull(written.Version);
        Assert.NotNull(read);
        Assert.Equal(key, read.Key);
        Assert.Equal("hello", Text(read.Content));
        Assert.Equal(written.Version, read.Version);
    }

    [Fact]
    public async Task CreateIfAbsent_Content_IsReadToItsEndAndNotDisposed()
    {
        using var content = Content("some bytes");

        await Store.CreateIfAbsentAsync(Key("a"), content);

        Assert.True(content.CanRead);
        Assert.Equal(content.Length, content.Position);
    }

    [Fact]
    public async Task CreateIfAbsent_EmptyContent_IsAnObjectOfSizeZero()
    {
        var key = Key("empty");

        var written = await Store.CreateIfAbsentAsync(key, new MemoryStream());

        Assert.True(written.Succeeded);
        Assert.Equal(0, await Store.GetSizeAsync(key));
        Assert.Equal(0, (await Store.GetAsync(key))!.Content.Length);
    }

    [Fact]
    public virtual async Task CreateIfAbsent_ExistingKey_ReturnsConflictAndKeepsContent()
    {
        RequireConditionalWrites();
        var key = Key("manifests/m1.json");
        var first = await Store.CreateIfAbsentAsync(key, Content("first"));

        var second = await Store.CreateIfAbsentAsync(key, Content("second"));

        Assert.Equal(WriteOutcome.Conflict, second.Outcome);
        Assert.Equal(first.Version, second.Version);
        Assert.Equal("first", Text((await Store.GetAsync(key))!.Content));
    }

    [Fact]
    public virtual async Task CreateIfAbsent_ConcurrentCreators_ExactlyOneWins()
    {
        RequireConditionalWrites();
        var key = Key("race/create");
        using var go = new ManualResetEventSlim();

        var creators = Enumerable.Range(0, Racers).Select(i => Task.Run(async () =>
        {
            go.Wait();
            return (Index: i, Result: await Store.CreateIfAbsentAsync(key, Content($"creator {i}")));
        })).ToList();
        go.Set();
        var results = await Task.WhenAll(creators);

        var winner = Assert.Single(results, r => r.Result.Succeeded);
        var stored = (await Store.GetAsync(key))!;
        Assert.Equal($"creator {winner.Index}", Text(stored.Content));
        Assert.Equal(winner.Result.Version, stored.Version);
    }

    [Fact]
    public async Task ReplaceIfMatch_CurrentVersion_WritesAndChangesVersion()
    {
        var key = Key("current/sales/raw_orders/2026-01-01.json");
        var created = await Store.ReplaceIfMatchAsync(key, Bytes("v1"), expected: null);

        var replaced = await Store.ReplaceIfMatchAsync(key, Bytes("v2"), created.Version);

        Assert.Equal(WriteOutcome.Written, replaced.Outcome);
        Assert.NotNull(replaced.Version);
        Assert.NotEqual(created.Version, replaced.Version);
        var read = (await Store.GetAsync(key))!;
        Assert.Equal("v2", Text(read.Content));
        Assert.Equal(replaced.Version, read.Version);
    }

    [Fact]
    public async Task ReplaceIfMatch_VersionFromCreateIfAbsent_Writes()
    {
        var key = Key("pointer.json");
        var created = await Store.CreateIfAbsentAsync(key, Content("v1"));

        var replaced = await Store.ReplaceIfMatchAsync(key, Bytes("v2"), created.Version);

        Assert.True(replaced.Succeeded);
        Assert.Equal("v2", Text((await Store.GetAsync(key))!.Content));
    }

    [Fact]
    public virtual async Task ReplaceIfMatch_StaleVersion_ReturnsConflictNamingCurrentVersionAndKeepsContent()
    {
        RequireConditionalWrites();
        var key = Key("pointer.json");
        var v1 = await Store.ReplaceIfMatchAsync(key, Bytes("v1"), expected: null);
        var v2 = await Store.ReplaceIfMatchAsync(key, Bytes("v2"), v1.Version);

        var stale = await Store.ReplaceIfMatchAsync(key, Bytes("v3"), v1.Version);

        Assert.Equal(WriteOutcome.Conflict, stale.Outcome);
        Assert.Equal(v2.Version, stale.Version);
        Assert.Equal("v2", Text((await Store.GetAsync(key))!.Content));
    }

    [Fact]
    public async Task ReplaceIfMatch_NoExpectedVersionOnAbsentKey_Writes()
    {
        var key = Key("pointer.json");

        var written = await Store.ReplaceIfMatchAsync(key, Bytes("first"), expected: null);

        Assert.Equal(WriteOutcome.Written, written.Outcome);
        Assert.Equal(written.Version, (await Store.GetAsync(key))!.Version);
    }

    [Fact]
    public virtual async Task ReplaceIfMatch_NoExpectedVersionOnPresentKey_ReturnsConflictWithCurrentVersion()
    {
        RequireConditionalWrites();
        var key = Key("pointer.json");
        var first = await Store.ReplaceIfMatchAsync(key, Bytes("first"), expected: null);

        var second = await Store.ReplaceIfMatchAsync(key, Bytes("second"), expected: null);

        Assert.Equal(WriteOutcome.Conflict, second.Outcome);
        Assert.Equal(first.Version, second.Version);
        Assert.Equal("first", Text((await Store.GetAsync(key))!.Content));
    }

    [Fact]
    public virtual async Task ReplaceIfMatch_ExpectedVersionOnAbsentKey_ReturnsConflictWithoutVersion()
    {
        RequireConditionalWrites();
        var key = Key("pointer.json");
        var other = await Store.CreateIfAbsentAsync(Key("other.json"), Content("x"));

        var result = await Store.ReplaceIfMatchAsync(key, Bytes("v1"), other.Version);

        Assert.Equal(WriteOutcome.Conflict, result.Outcome);
        Assert.Null(result.Version);
        Assert.Null(await Store.GetAsync(key));
    }

    [Fact]
    public virtual async Task ReplaceIfMatch_ConcurrentRacersFromSameVersion_ExactlyOneWins()
    {
        RequireConditionalWrites();
        var key = Key("current/asset/_.json");
        var start = await Store.ReplaceIfMatchAsync(key, Bytes("start"), expected: null);
        using var go = new ManualResetEventSlim();

        var racers = Enumerable.Range(0, Racers).Select(i => Task.Run(async () =>
        {
            go.Wait();
            return (Index: i, Result: await Store.ReplaceIfMatchAsync(key, Bytes($"racer {i}"), start.Version));
        })).ToList();
        go.Set();
        var results = await Task.WhenAll(racers);

        var winner = Assert.Single(results, r => r.Result.Succeeded);
        var stored = (await Store.GetAsync(key))!;
        Assert.Equal($"racer {winner.Index}", Text(stored.Content));
        Assert.All(results.Where(r => !r.Result.Succeeded), r => Assert.Equal(WriteOutcome.Conflict, r.Result.Outcome));
        Assert.Equal(winner.Result.Version, stored.Version);
    }

    [Fact]
    public virtual async Task LastWriterWins_ExistingKey_CreateIfAbsentOverwrites()
    {
        Assert.False(Store.EnforcesConditionalWrites, "This store enforces conditional writes: override this test with [Fact(Skip = ObjectStoreContractTests.ConditionsEnforced)].");
        var key = Key("manifests/m1.json");
        await Store.CreateIfAbsentAsync(key, Content("first"));

        var second = await Store.CreateIfAbsentAsync(key, Content("second"));
        var stale = await Store.ReplaceIfMatchAsync(key, Bytes("third"), new ObjectVersion("not-the-current-version"));

        Assert.True(second.Succeeded);
        Assert.True(stale.Succeeded);
        var read = (await Store.GetAsync(key))!;
        Assert.Equal("third", Text(read.Content));
        Assert.Equal(stale.Version, read.Version);
    }

    [Fact]
    public async Task Replace_WhileReadersRead_ReadersSeeOneWholeVersionOrTheOther()
    {
        var key = Key("pointer.json");
        var a = Enumerable.Repeat((byte)'a', 256 * 1024).ToArray();
        var b = Enumerable.Repeat((byte)'b', 128 * 1024).ToArray();
        var version = (await Store.ReplaceIfMatchAsync(key, a, expected: null)).Version;
        using var stop = new CancellationTokenSource();

        var reader = Task.Run(async () =>
        {
            var reads = 0;
            while (!stop.IsCancellationRequested || reads == 0)
            {
                var read = (await Store.GetAsync(key))!.Content.ToArray();
                Assert.True(read.SequenceEqual(a) || read.SequenceEqual(b), $"A reader saw {read.Length} bytes that are neither version.");
                reads++;
            }
        });
        for (var i = 0; i < 40; i++)
        {
            var result = await Store.ReplaceIfMatchAsync(key, i % 2 == 0 ? b : a, version);
            Assert.True(result.Succeeded);
            version = result.Version;
        }

        await stop.CancelAsync();
        await reader;
    }

    [Fact]
    public async Task GetOpenReadAndGetSize_MissingKey_ReturnNull()
    {
        var key = Key("missing/object");

        Assert.Null(await Store.GetAsync(key));
        Assert.Null(await Store.OpenReadAsync(key));
        Assert.Null(await Store.GetSizeAsync(key));
    }

    [Fact]
    public async Task GetSize_ExistingKey_ReturnsLength()
    {
        var key = Key("sized");
        await Store.CreateIfAbsentAsync(key, Content("12345"));

        Assert.Equal(5, await Store.GetSizeAsync(key));
    }

    [Fact]
    public async Task Delete_ExistingKey_RemovesItAndReturnsTrue()
    {
        var key = Key("data/a/b/part-00000.parquet");
        await Store.CreateIfAbsentAsync(key, Content("x"));

        Assert.True(await Store.DeleteAsync(key));

        Assert.Null(await Store.GetAsync(key));
        Assert.Empty(await List(Scope + "/"));
    }

    [Fact]
    public async Task Delete_MissingKey_ReturnsFalse()
        => Assert.False(await Store.DeleteAsync(Key("never/written")));

    [Fact]
    public async Task Delete_ThenCreateIfAbsent_WritesAgain()
    {
        var key = Key("data/x/part-00000.parquet");
        await Store.CreateIfAbsentAsync(key, Content("one"));
        await Store.DeleteAsync(key);

        var again = await Store.CreateIfAbsentAsync(key, Content("two"));

        Assert.True(again.Succeeded);
        Assert.Equal("two", Text((await Store.GetAsync(key))!.Content));
    }

    [Fact]
    public async Task Delete_ReplacedPointer_RemovesIt()
    {
        var key = Key("current/a/_.json");
        var v1 = await Store.ReplaceIfMatchAsync(key, Bytes("v1"), expected: null);
        await Store.ReplaceIfMatchAsync(key, Bytes("v2"), v1.Version);

        Assert.True(await Store.DeleteAsync(key));

        Assert.Null(await Store.GetAsync(key));
        Assert.Empty(await List(Scope + "/"));
        Assert.True((await Store.ReplaceIfMatchAsync(key, Bytes("v3"), expected: null)).Succeeded);
    }

    [Fact]
    public async Task List_FolderPrefix_ReturnsKeysUnderItInOrdinalOrderWithSizes()
    {
        string[] names = ["list/x/2", "list/x/1", "list/x-y/1", "list/x.z", "list/xa/1", "list/Z", "list/x/10", "other/1"];
        foreach (var name in names)
        {
            await Store.CreateIfAbsentAsync(Key(name), Content(name));
        }

        var folder = await List($"{Scope}/list/x/");

        Assert.Equal([Key("list/x/1"), Key("list/x/10"), Key("list/x/2")], folder.Select(e => e.Key));
        Assert.All(folder, e => Assert.Equal(e.Key.Value.Length - Scope.Length - 1, e.Size));
    }

    [Fact]
    public async Task List_PrefixEndingMidSegment_MatchesLikeS3InOrdinalOrder()
    {
        string[] names = ["list/x/2", "list/x/1", "list/x-y/1", "list/x.z", "list/xa/1", "list/Z", "other/1"];
        foreach (var name in names)
        {
            await Store.CreateIfAbsentAsync(Key(name), Content(name));
        }

        var midSegment = await List($"{Scope}/list/x");
        var all = await List($"{Scope}/");

        // Ordinal: '-' < '.' < '/' < 'Z' < 'a'; a walk of folders would give another order.
        Assert.Equal(
            [Key("list/x-y/1"), Key("list/x.z"), Key("list/x/1"), Key("list/x/2"), Key("list/xa/1")],
            midSegment.Select(e => e.Key));
        Assert.Equal(
            [Key("list/Z"), Key("list/x-y/1"), Key("list/x.z"), Key("list/x/1"), Key("list/x/2"), Key("list/xa/1"), Key("other/1")],
            all.Select(e => e.Key));
    }

    [Fact]
    public async Task List_PrefixMatchingNothing_IsEmpty()
    {
        await Store.CreateIfAbsentAsync(Key("a/b"), Content("x"));

        Assert.Empty(await List($"{Scope}/b"));
        Assert.Empty(await List($"{Scope}/a//"));
        Assert.Empty(await List($"{Scope}/../"));
    }

    [Fact]
    public async Task List_KeysStartingWithADot_AreListed()
    {
        await Store.CreateIfAbsentAsync(Key(".hidden/.keep"), Content("x"));

        Assert.Equal([Key(".hidden/.keep")], (await List($"{Scope}/")).Select(e => e.Key));
    }

    [Fact]
    public async Task OpenRead_LargeContent_RoundTrips()
    {
        var key = Key("data/big/part-00000.parquet");
        var content = new byte[20 * 1024 * 1024 + 123];
        new Random(42).NextBytes(content);

        var written = await Store.CreateIfAbsentAsync(key, new MemoryStream(content));
        await using var stream = await Store.OpenReadAsync(key);

        Assert.True(written.Succeeded);
        Assert.NotNull(stream);
        Assert.Equal(SHA256.HashData(content), await SHA256.HashDataAsync(stream));
        Assert.Equal(content.Length, await Store.GetSizeAsync(key));
    }

    [Fact]
    public async Task CreateIfAbsent_CancelledToken_ThrowsAndWritesNothing()
    {
        var key = Key("cancelled");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.CreateIfAbsentAsync(key, Content("x"), cancelled.Token));

        Assert.Null(await Store.GetAsync(key));
    }

    /// <summary>Fails a conditional test on a store that ignores conditions, saying how to skip it instead.</summary>
    protected void RequireConditionalWrites()
        => Assert.True(
            Store.EnforcesConditionalWrites,
            "This store reports EnforcesConditionalWrites == false: override this test with [Fact(Skip = ObjectStoreContractTests.ConditionsIgnored)].");

    /// <summary>A key under this test's <see cref="Scope"/>.</summary>
    protected ObjectKey Key(string relative) => ObjectKey.Parse($"{Scope}/{relative}");

    /// <summary>A stream of UTF-8 text.</summary>
    protected static MemoryStream Content(string text) => new(Encoding.UTF8.GetBytes(text));

    /// <summary>UTF-8 bytes.</summary>
    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Bytes as UTF-8 text.</summary>
    protected static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    /// <summary>A listing, collected.</summary>
    protected async Task<List<ObjectEntry>> List(string prefix)
    {
        var entries = new List<ObjectEntry>();
        await foreach (var entry in Store.ListAsync(prefix))
        {
            entries.Add(entry);
        }

        return entries;
    }
}
