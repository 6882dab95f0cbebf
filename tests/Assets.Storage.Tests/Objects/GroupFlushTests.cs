using System.Collections.Concurrent;

using Assets.Storage.Objects.Local;

namespace Assets.Storage.Tests.Objects;

/// <summary>
/// The group flush: requests that arrive while a round runs are served together by the next round, each path once; a
/// request never completes before its own flushes are done, and is never served by a round that started before it.
/// </summary>
public sealed class GroupFlushTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly ConcurrentQueue<(string Path, bool IsFolder)> _flushed = new();
    private readonly ConcurrentDictionary<string, Exception> _failing = new();
    private readonly ConcurrentQueue<int> _threads = new();
    private readonly ManualResetEventSlim _gate = new(initialState: true);
    private readonly SemaphoreSlim _entered = new(0);
    private readonly GroupFlush _group;

    public GroupFlushTests() => _group = new GroupFlush(Flush, concurrency: 4);

    public void Dispose()
    {
        _gate.Set();
        _group.Dispose();
        _gate.Dispose();
        _entered.Dispose();
    }

    [Fact]
    public async Task RequestsArrivingDuringARound_AreServedByOneNextRound_EachFolderOnce()
    {
        _gate.Reset();
        var first = Task.Run(() => _group.FlushAsync(["f0"], ["shared"])); // its caller serves the round, held below
        Assert.True(await _entered.WaitAsync(Patience)); // the first round runs (and is held)

        var waiting = Enumerable.Range(1, 5).Select(i => _group.FlushAsync([$"f{i}"], ["shared", $"own{i}"])).ToArray();
        await Task.Delay(50);
        Assert.All(waiting, t => Assert.False(t.IsCompleted));
        _gate.Set();
        await first.WaitAsync(Patience);
        await Task.WhenAll(waiting).WaitAsync(Patience);

        Assert.Equal(2, _group.Rounds);
        var flushed = _flushed.ToArray();
        Assert.Equal(2, flushed.Count(f => f == ("shared", true))); // once per round: the second round's requests linked entries after the first began
        Assert.Equal(1 + 1 + 5 + 5 + 1, flushed.Length); // f0, shared; f1..f5, own1..own5, shared
    }

    [Fact]
    public async Task ARequest_CompletesOnlyWhenAllItsFlushesAreDone()
    {
        _gate.Reset();
        var request = Task.Run(() => _group.FlushAsync(["a", "b"], ["folder"]));
        Assert.True(await _entered.WaitAsync(Patience));

        await Task.Delay(50);
        Assert.False(request.IsCompleted);
        _gate.Set();
        await request.WaitAsync(Patience);

        Assert.Equal(["a", "b", "folder"], _flushed.Select(f => f.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AFailedFlush_FailsOnlyTheRequestsThatAskedForIt()
    {
        _failing["bad"] = new IOException("disk said no");
        _gate.Reset();
        var holder = Task.Run(() => _group.FlushAsync(["hold"], []));
        Assert.True(await _entered.WaitAsync(Patience));
        var failing = _group.FlushAsync(["bad"], ["shared"]);
        var healthy = _group.FlushAsync(["good"], ["shared"]);
        _gate.Set();

        var error = await Assert.ThrowsAsync<IOException>(() => failing.WaitAsync(Patience));
        Assert.Equal("disk said no", error.Message);
        await healthy.WaitAsync(Patience);
        await holder.WaitAsync(Patience);
    }

    [Fact]
    public async Task ALoneRequestOfOneFlush_IsFlushedOnTheCallersThread_AndIsDoneWhenTheCallReturns()
    {
        var caller = Environment.CurrentManagedThreadId;

        var request = _group.FlushAsync([], ["current/asset"]);

        Assert.True(request.IsCompletedSuccessfully);
        Assert.Equal([caller], _threads.ToArray());
        await request;
    }

    [Fact]
    public async Task ALoneRequestOfSeveralFlushes_IsServedByItsCallerAndTheFlushers_EachPathOnce()
    {
        var request = _group.FlushAsync(["a", "b", "c"], ["folder", "parent"]);
        await request.WaitAsync(Patience);

        Assert.Equal(["a", "b", "c", "folder", "parent"], _flushed.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.Equal(1, _group.Rounds);
    }

    [Fact]
    public async Task NothingToFlush_CompletesAtOnceWithoutARound()
    {
        await _group.FlushAsync([], []).WaitAsync(Patience);

        Assert.Equal(0, _group.Rounds);
        Assert.Empty(_flushed);
    }

    [Fact]
    public async Task ManyConcurrentWriters_AreAllServed_InFewerRoundsThanRequests()
    {
        var requests = Enumerable.Range(0, 200).Select(i => Task.Run(() => _group.FlushAsync([$"file{i}"], ["current/asset"]))).ToArray();

        await Task.WhenAll(requests).WaitAsync(Patience);

        Assert.Equal(200, _flushed.Count(f => !f.IsFolder));
        Assert.Equal(_group.Rounds, _flushed.Count(f => f.IsFolder)); // the shared folder once per round, not once per request
    }

    private void Flush(string path, bool isFolder)
    {
        _threads.Enqueue(Environment.CurrentManagedThreadId);
        _entered.Release();
        _gate.Wait(Patience);
        _flushed.Enqueue((path, isFolder));
        if (_failing.TryGetValue(path, out var error))
        {
            throw error;
        }
    }
}
