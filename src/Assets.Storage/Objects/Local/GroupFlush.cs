using System.Collections.Concurrent;

namespace Assets.Storage.Objects.Local;

/// <summary>
/// Flushes files and folders to disk for every writer of the process at once, as a database's group commit does: writers
/// hand in what must reach the disk and wait; while one round of flushes runs, the requests that arrive meanwhile
/// collect, and the next round serves them all, each folder once however many of them added entries to it. So
/// concurrent publications share their flushes (the file system commits a round's flushes in one journal commit where it
/// can) instead of each paying its own round, and a run of many tiny partitions pays for fewer folder flushes than
/// partitions.
/// <para>
/// A request is served only by a round that starts after it was handed in: a folder flush that began before an entry was
/// linked into the folder may miss the entry, so a round never takes new requests once it runs. A request completes
/// when every one of its flushes is done, with the first failure among its own (another request's failure is not its).
/// </para>
/// <para>
/// The flushes run on a few threads of their own, started once and kept: a flush blocks its thread in the kernel, and
/// the thread pool would run a round's flushes a few at a time, while a thread started per flush costs more CPU than the
/// flush itself. The caller that opens a round takes part: it flushes what the flushers have not taken yet, so a round of
/// one flush wakes no other thread.
/// </para>
/// Thread-safe.
/// </summary>
internal sealed class GroupFlush : IDisposable
{
    /// <summary>How many flushes run at once: enough for a round of several publications to reach the kernel together.</summary>
    public const int DefaultConcurrency = 8;

    private readonly Action<string, bool> _flush;
    private readonly ConcurrentQueue<Work> _queue = new();

    // A kernel-style semaphore, not SemaphoreSlim (or BlockingCollection, built on it): idle flushers sleep without spinning,
    // where a dozen threads spinning for work each time a round is handed out cost more CPU than the flushes.
    private readonly Semaphore _queued = new(0, int.MaxValue);
    private readonly Thread[] _threads;
    private readonly Lock _gate = new();
    private List<Request> _arrived = [];
    private bool _roundRunning;
    private bool _disposed;
    private long _rounds;
    private long _flushes;

    /// <summary>A group flush that flushes with <paramref name="flush"/> (path, whether it is a folder) on <paramref name="concurrency"/> threads.</summary>
    public GroupFlush(Action<string, bool> flush, int concurrency = DefaultConcurrency)
    {
        ArgumentNullException.ThrowIfNull(flush);
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        _flush = flush;
        _threads = new Thread[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            _threads[i] = new Thread(Serve) { IsBackground = true, Name = "Assets disk flush" };
            _threads[i].Start();
        }
    }

    /// <summary>The process's group flush, flushing to the disk (<see cref="DiskFlush"/>).</summary>
    public static GroupFlush Disk { get; } = new(DiskFlush.Flush);

    /// <summary>How many rounds have run (for tests and figures).</summary>
    public long Rounds => Interlocked.Read(ref _rounds);

    /// <summary>How many flushes have run (for tests and figures).</summary>
    public long Flushes => Interlocked.Read(ref _flushes);

    /// <summary>
    /// Flushes <paramref name="files"/> (their content) and <paramref name="folders"/> (their entries) in the next round
    /// that starts; completes when all of them are flushed, or with the first of their failures. Once handed in, the
    /// flushes run whatever becomes of the caller. A caller whose request opens a round (none was running) flushes on its
    /// own thread before this returns, alongside the flushers, so a publication alone pays no thread hand-off for a round
    /// of one flush; a caller whose request waits for the next round returns at once.
    /// </summary>
    public Task FlushAsync(IReadOnlyCollection<string> files, IReadOnlyCollection<string> folders)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(folders);
        if (files.Count + folders.Count == 0)
        {
            return Task.CompletedTask;
        }

        var request = new Request(files, folders);
        List<Request>? round = null;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _arrived.Add(request);
            if (!_roundRunning)
            {
                _roundRunning = true;
                round = TakeArrived();
            }
        }

        if (round is not null)
        {
            // The caller that opens a round flushes too rather than only waiting: a round of one flush (the pointer's
            // folder after a swap) never leaves this thread, and a larger one wakes one flusher fewer.
            Start(round, callerServes: true);
        }

        return request.Done.Task;
    }

    /// <summary>Lets the flusher threads finish what was handed in and end (the process's <see cref="Disk"/> is never disposed).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        _queued.Release(_threads.Length);
        foreach (var thread in _threads)
        {
            thread.Join();
        }

        _queued.Dispose();
    }

    private List<Request> TakeArrived()
    {
        var taken = _arrived;
        _arrived = [];
        return taken;
    }

    /// <summary>
    /// Queues one flush per distinct path of <paramref name="requests"/>; the last one done finishes the round. With
    /// <paramref name="callerServes"/>, the calling thread takes flushes from the queue until it is empty, and wakes one
    /// flusher fewer than there are flushes.
    /// </summary>
    private void Start(List<Request> requests, bool callerServes = false)
    {
        Interlocked.Increment(ref _rounds);
        var targets = new Dictionary<(string Path, bool IsFolder), Target>();
        foreach (var request in requests)
        {
            foreach (var file in request.Files)
            {
                request.Targets.Add(TargetOf(file, false));
            }

            foreach (var folder in request.Folders)
            {
                request.Targets.Add(TargetOf(folder, true));
            }
        }

        var round = new Round(requests, targets.Count);
        foreach (var target in targets.Values)
        {
            _queue.Enqueue(new Work(round, target));
        }

        // One permit per queued flush (a flusher takes one flush per permit), less the one the caller takes itself.
        var woken = callerServes ? targets.Count - 1 : targets.Count;
        if (woken > 0)
        {
            _queued.Release(woken);
        }

        // A flusher woken for work the caller took meanwhile finds the queue empty and sleeps again (see Serve). The caller
        // serves its own round only: the queue is in order, so the next round's first flush (queued once this round is
        // done) means its own are all taken; that one goes back to the flushers.
        while (callerServes && _queue.TryDequeue(out var work))
        {
            if (work.Round != round)
            {
                _queue.Enqueue(work);
                _queued.Release();
                break;
            }

            Run(work);
        }

        Target TargetOf(string path, bool isFolder)
        {
            if (!targets.TryGetValue((path, isFolder), out var target))
            {
                target = new Target(path, isFolder);
                targets.Add((path, isFolder), target);
            }

            return target;
        }
    }

    private void Serve()
    {
        while (true)
        {
            _queued.WaitOne();
            if (_queue.TryDequeue(out var work))
            {
                Run(work);
                continue;
            }

            // Woken for work a round's caller took itself, or by Dispose, which releases without queuing: what was
            // queued before it is done by now or taken by another thread.
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One flush of a round; the last one done finishes the round.</summary>
    private void Run(Work work)
    {
        try
        {
            _flush(work.Target.Path, work.Target.IsFolder);
        }
#pragma warning disable CA1031 // Handed to the requests that asked for this flush; a flusher thread must not die.
        catch (Exception e)
#pragma warning restore CA1031
        {
            work.Target.Error = e;
        }

        Interlocked.Increment(ref _flushes);
        if (Interlocked.Decrement(ref work.Round.Remaining) == 0)
        {
            Finish(work.Round);
        }
    }

    private void Finish(Round round)
    {
        foreach (var request in round.Requests)
        {
            var error = request.Targets.FirstOrDefault(t => t.Error is not null)?.Error;
            if (error is null)
            {
                request.Done.TrySetResult();
            }
            else
            {
                request.Done.TrySetException(error);
            }
        }

        List<Request>? next = null;
        var disposed = false;
        lock (_gate)
        {
            if (_arrived.Count > 0)
            {
                next = TakeArrived();
                disposed = _disposed;
            }
            else
            {
                _roundRunning = false;
            }
        }

        if (next is null)
        {
            return;
        }

        if (disposed)
        {
            // Handed in just before Dispose: no thread is left to serve them.
            foreach (var request in next)
            {
                request.Done.TrySetException(new ObjectDisposedException(nameof(GroupFlush)));
            }

            return;
        }

        Start(next);
    }

    private sealed class Request(IReadOnlyCollection<string> files, IReadOnlyCollection<string> folders)
    {
        public IReadOnlyCollection<string> Files { get; } = files;

        public IReadOnlyCollection<string> Folders { get; } = folders;

        public List<Target> Targets { get; } = [];

        // Continuations run on the pool, not on the flusher thread that finished the round.
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Round(List<Request> requests, int flushes)
    {
        public List<Request> Requests { get; } = requests;

        public int Remaining = flushes;
    }

    private sealed class Target(string path, bool isFolder)
    {
        public string Path { get; } = path;

        public bool IsFolder { get; } = isFolder;

        public Exception? Error { get; set; }
    }

    private readonly record struct Work(Round Round, Target Target);
}
