using System.Text;

using Assets.Storage.Objects;
using Assets.Storage.Objects.Memory;

namespace Assets.Storage.Tests.Objects;

/// <summary>What only the in-memory store does: fault injection, last-writer-wins mode, versions, snapshots.</summary>
public sealed class InMemoryObjectStoreTests
{
    private static readonly ObjectKey A = ObjectKey.Parse("data/a");
    private static readonly ObjectKey B = ObjectKey.Parse("data/b");
    private static readonly ObjectKey Pointer = ObjectKey.Parse("current/a/_.json");

    [Fact]
    public async Task FailNextWriteAfterBytes_CreateIfAbsent_ThrowsMidStreamAndWritesNothing()
    {
        var store = CreateSut();
        store.Faults.FailNextWriteAfterBytes(100);
        using var content = new MemoryStream(new byte[1000]);

        await Assert.ThrowsAsync<InjectedFaultException>(() => store.CreateIfAbsentAsync(A, content));

        Assert.Equal(100, content.Position);
        Assert.Empty(store.Snapshot());
        Assert.True((await store.CreateIfAbsentAsync(A, new MemoryStream(new byte[1000]))).Succeeded);
    }

    [Fact]
    public async Task FailNextWriteAfterBytes_ContentShorterThanTheLimit_FailsAtItsEnd()
    {
        var store = CreateSut();
        store.Faults.FailNextWriteAfterBytes(100);

        await Assert.ThrowsAsync<InjectedFaultException>(() => store.CreateIfAbsentAsync(A, Content("short")));

        Assert.Empty(store.Snapshot());
    }

    [Fact]
    public async Task FailNextWriteAfterBytes_ForAKey_LeavesOtherKeysAlone()
    {
        var store = CreateSut();
        store.Faults.FailNextWriteAfterBytes(1, B);

        Assert.True((await store.CreateIfAbsentAsync(A, Content("a"))).Succeeded);
        await Assert.ThrowsAsync<InjectedFaultException>(() => store.CreateIfAbsentAsync(B, Content("b")));

        Assert.Equal(["data/a"], store.Snapshot().Keys);
    }

    [Fact]
    public async Task FailNextWriteAfterBytes_ReplaceIfMatch_WritesNothing()
    {
        var store = CreateSut();
        var v1 = await store.ReplaceIfMatchAsync(Pointer, Bytes("v1"), expected: null);
        store.Faults.FailNextWriteAfterBytes(1);

        await Assert.ThrowsAsync<InjectedFaultException>(() => store.ReplaceIfMatchAsync(Pointer, Bytes("v2"), v1.Version));

        var current = (await store.GetAsync(Pointer))!;
        Assert.Equal(("v1", v1.Version), (Text(current.Content), current.Version));
    }

    [Fact]
    public async Task FailCall_BeforeEffect_ThatCallWritesNothingAndTheNextSucceeds()
    {
        var store = CreateSut();
        store.Faults.FailCall(2);

        await store.CreateIfAbsentAsync(A, Content("a"));
        await Assert.ThrowsAsync<InjectedFaultException>(() => store.CreateIfAbsentAsync(B, Content("b")));
        await store.CreateIfAbsentAsync(B, Content("b again"));

        Assert.Equal("b again", Encoding.UTF8.GetString(store.Snapshot()["data/b"]));
        Assert.Equal(3, store.Faults.CallCount);
    }

    [Fact]
    public async Task FailCall_AfterEffect_TheWriteIsVisibleButTheCallerSeesAFailure()
    {
        var store = CreateSut();
        store.Faults.FailCall(1, FaultTiming.AfterEffect);

        await Assert.ThrowsAsync<InjectedFaultException>(() => store.ReplaceIfMatchAsync(Pointer, Bytes("v1"), expected: null));

        Assert.Equal("v1", Text((await store.GetAsync(Pointer))!.Content));
    }

    [Fact]
    public async Task FailCallsFrom_EveryLaterCallFailsReadsIncluded()
    {
        var store = CreateSut();
        store.Faults.FailCallsFrom(3);
        await store.CreateIfAbsentAsync(A, Content("a"));
        await store.GetAsync(A);

        await Assert.ThrowsAsync<InjectedFaultException>(() => store.CreateIfAbsentAsync(B, Content("b")));
        await Assert.ThrowsAsync<InjectedFaultException>(() => store.GetAsync(A));
        await Assert.ThrowsAsync<InjectedFaultException>(async () => await store.ListAsync("").ToListAsync());

        Assert.Equal(["data/a"], store.Snapshot().Keys);
    }

    [Fact]
    public async Task FailWhen_OperationAndKey_FailsOnlyMatchingCallsAsOftenAsAsked()
    {
        var store = CreateSut();
        store.Faults.FailWhen(call => call.Operation == ObjectStoreOperation.ReplaceIfMatch && call.Key.StartsWith("current/", StringComparison.Ordinal), times: 2);

        await store.CreateIfAbsentAsync(ObjectKey.Parse("manifests/m.json"), Content("m"));
        await Assert.ThrowsAsync<InjectedFaultException>(() => store.ReplaceIfMatchAsync(Pointer, Bytes("p"), expected: null));
        await Assert.ThrowsAsync<InjectedFaultException>(() => store.ReplaceIfMatchAsync(Pointer, Bytes("p"), expected: null));
        var third = await store.ReplaceIfMatchAsync(Pointer, Bytes("p"), expected: null);

        Assert.True(third.Succeeded);
    }

    [Fact]
    public async Task ConflictOnNextReplaces_ReturnsConflictsWithTheCurrentVersionThenWrites()
    {
        var store = CreateSut();
        var v1 = await store.ReplaceIfMatchAsync(Pointer, Bytes("v1"), expected: null);
        store.Faults.ConflictOnNextReplaces(2);

        var first = await store.ReplaceIfMatchAsync(Pointer, Bytes("v2"), v1.Version);
        var second = await store.ReplaceIfMatchAsync(Pointer, Bytes("v2"), v1.Version);
        var third = await store.ReplaceIfMatchAsync(Pointer, Bytes("v2"), v1.Version);

        Assert.Equal(new WriteResult(WriteOutcome.Conflict, v1.Version), first);
        Assert.Equal(new WriteResult(WriteOutcome.Conflict, v1.Version), second);
        Assert.True(third.Succeeded);
        Assert.Equal("v2", Text((await store.GetAsync(Pointer))!.Content));
    }

    [Fact]
    public async Task Clear_RemovesArmedFaults()
    {
        var store = CreateSut();
        store.Faults.FailCallsFrom(1);
        store.Faults.ConflictOnNextReplaces(5);
        store.Faults.FailNextWriteAfterBytes(0);

        store.Faults.Clear();

        Assert.True((await store.ReplaceIfMatchAsync(Pointer, Bytes("v1"), expected: null)).Succeeded);
    }

    [Fact]
    public async Task IgnoringConditions_LastWriterWins()
    {
        var store = new InMemoryObjectStore(enforcesConditionalWrites: false);

        await store.CreateIfAbsentAsync(A, Content("first"));
        var second = await store.CreateIfAbsentAsync(A, Content("second"));
        var blind = await store.ReplaceIfMatchAsync(Pointer, Bytes("p"), new ObjectVersion("999"));

        Assert.False(store.EnforcesConditionalWrites);
        Assert.True(second.Succeeded);
        Assert.True(blind.Succeeded);
        Assert.Equal("second", Text((await store.GetAsync(A))!.Content));
    }

    [Fact]
    public async Task Versions_IncreaseWithEveryWriteAcrossKeys()
    {
        var store = CreateSut();

        var versions = new[]
        {
            (await store.CreateIfAbsentAsync(A, Content("a"))).Version,
            (await store.CreateIfAbsentAsync(B, Content("b"))).Version,
            (await store.ReplaceIfMatchAsync(Pointer, Bytes("p"), expected: null)).Version,
        };

        Assert.Equal(["1", "2", "3"], versions.Select(v => v!.Value.Value));
    }

    [Fact]
    public async Task Snapshot_IsACopyInOrdinalKeyOrder()
    {
        var store = CreateSut();
        await store.CreateIfAbsentAsync(ObjectKey.Parse("b"), Content("b"));
        await store.CreateIfAbsentAsync(ObjectKey.Parse("B"), Content("B"));
        await store.CreateIfAbsentAsync(ObjectKey.Parse("a"), Content("a"));

        var snapshot = store.Snapshot();
        snapshot["a"][0] = (byte)'z';

        Assert.Equal(["B", "a", "b"], snapshot.Keys);
        Assert.Equal("a", Text((await store.GetAsync(ObjectKey.Parse("a")))!.Content));
    }

    [Fact]
    public void Location_NamesTheStoreWithoutSecrets()
        => Assert.StartsWith("memory://", CreateSut().Location, StringComparison.Ordinal);

    private static InMemoryObjectStore CreateSut() => new();

    private static MemoryStream Content(string text) => new(Encoding.UTF8.GetBytes(text));

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);
}
