namespace Assets.Execution;

/// <summary>Whose step asks for a <see cref="StepSlots"/> slot.</summary>
public enum StepPriority
{
    /// <summary>Current work: <c>materialize</c>, automation. Served first.</summary>
    Current,

    /// <summary>A backfill's step: never takes the slots reserved for current work.</summary>
    Backfill,
}

/// <summary>
/// The step slots of one process, shared by every run in it, so a backfill never starves current work. The rule:
/// <list type="number">
/// <item><description>At most <see cref="Count"/> steps run at once over all runs that share the slots.</description></item>
/// <item><description>Backfill steps never hold more than <see cref="Count"/> − <see cref="ReservedForCurrent"/>
/// slots, so a current step finds a free slot at once unless other current steps hold them.</description></item>
/// <item><description>A freed slot goes to a waiting current step before any waiting backfill step.</description></item>
/// </list>
/// A running step is never pre-empted. Each backfill also keeps to its own concurrency limit (its run's
/// <see cref="ExecutionOptions.MaxParallelism"/>). Thread-safe.
/// </summary>
public sealed class StepSlots
{
    private readonly Lock _gate = new();
    private readonly LinkedList<Waiter> _current = new();
    private readonly LinkedList<Waiter> _backfill = new();
    private int _busy;
    private int _busyBackfill;

    /// <summary>Creates the slots.</summary>
    /// <param name="count">How many steps may run at once in the process; at least 1.</param>
    /// <param name="reservedForCurrent">
    /// How many of them backfills may never take; default 1 when <paramref name="count"/> is 2 or more, else 0.
    /// </param>
    public StepSlots(int count, int? reservedForCurrent = null)
    {
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"The process needs at least one step slot, not {count}.");
        }

        var reserved = reservedForCurrent ?? (count >= 2 ? 1 : 0);
        if (reserved < 0 || reserved >= count)
        {
            throw new ArgumentOutOfRangeException(nameof(reservedForCurrent), reserved, $"The slots reserved for current work must be from 0 to {count - 1} (backfills need one), not {reserved}.");
        }

        Count = count;
        ReservedForCurrent = reserved;
    }

    /// <summary>How many steps may run at once.</summary>
    public int Count { get; }

    /// <summary>How many slots backfill steps never take.</summary>
    public int ReservedForCurrent { get; }

    /// <summary>Slots held now (for tests and gauges).</summary>
    public int Busy
    {
        get
        {
            lock (_gate)
            {
                return _busy;
            }
        }
    }

    /// <summary>Waits for a slot; dispose the result to give it back. Cancelling while waiting throws <see cref="OperationCanceledException"/>.</summary>
    public async ValueTask<IDisposable> AcquireAsync(StepPriority priority, CancellationToken cancellationToken = default)
    {
        Waiter waiter;
        LinkedListNode<Waiter> node;
        lock (_gate)
        {
            if (CanTake(priority) && (priority == StepPriority.Backfill ? _current.Count == 0 && _backfill.Count == 0 : _current.Count == 0))
            {
                Take(priority);
                return new Slot(this, priority);
            }

            waiter = new Waiter(priority);
            node = (priority == StepPriority.Current ? _current : _backfill).AddLast(waiter);
        }

        using (cancellationToken.Register(() => Abandon(node)))
        {
            await waiter.Granted.Task.ConfigureAwait(false);
        }

        return new Slot(this, priority);
    }

    private bool CanTake(StepPriority priority)
        => _busy < Count && (priority == StepPriority.Current || _busyBackfill < Count - ReservedForCurrent);

    private void Take(StepPriority priority)
    {
        _busy++;
        if (priority == StepPriority.Backfill)
        {
            _busyBackfill++;
        }
    }

    private void Abandon(LinkedListNode<Waiter> node)
    {
        lock (_gate)
        {
            if (node.List is { } list)
            {
                list.Remove(node);
                node.Value.Granted.TrySetCanceled();
            }
        }
    }

    private void Release(StepPriority priority)
    {
        lock (_gate)
        {
            _busy--;
            if (priority == StepPriority.Backfill)
            {
                _busyBackfill--;
            }

            // Hand freed slots to waiters: current steps first, then backfill steps while their share allows.
            foreach (var queue in new[] { _current, _backfill })
            {
                while (queue.First is { } first && CanTake(first.Value.Priority))
                {
                    queue.RemoveFirst();
                    Take(first.Value.Priority);
                    first.Value.Granted.TrySetResult();
                }
            }
        }
    }

    private sealed class Waiter(StepPriority priority)
    {
        public StepPriority Priority { get; } = priority;

        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Slot(StepSlots owner, StepPriority priority) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(priority);
            }
        }
    }
}
