using Assets.Storage.Objects;

namespace Assets.Storage.Metadata;

/// <summary>
/// Pointer swaps made durable by the group commit (<see cref="IFlushesBeforeCommit"/>): the folders of the swaps since the
/// last commit are flushed, each once, right before the commit that records them.
/// </summary>
public sealed partial class DuckDbMetadataStore : IFlushesBeforeCommit
{
    // Filled by publications on their own threads, taken by a commit under the store's lock: guarded by its own lock.
    private readonly Lock _flushBeforeCommitGate = new();
    private DurabilityBatch _flushBeforeCommit = new();

    /// <summary>How many flushes wait for the next commit (for tests).</summary>
    internal int FlushesBeforeNextCommit
    {
        get
        {
            lock (_flushBeforeCommitGate)
            {
                return _flushBeforeCommit.PendingFlushes;
            }
        }
    }

    /// <inheritdoc />
    void IFlushesBeforeCommit.FlushBeforeNextCommit(DurabilityBatch writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        lock (_flushBeforeCommitGate)
        {
            _flushBeforeCommit.AddAll(writes);
        }
    }

    /// <summary>
    /// Called with the store's lock held, before a commit: flushes what was handed in since the last one, in a round of the
    /// process's group flush, and waits. On failure the flushes stay for the next commit and the error goes to the caller,
    /// so the records that needed them are not committed.
    /// </summary>
    private void FlushWhatCommitsNeed()
    {
        DurabilityBatch due;
        lock (_flushBeforeCommitGate)
        {
            if (_flushBeforeCommit.PendingFlushes == 0)
            {
                return;
            }

            due = _flushBeforeCommit;
            _flushBeforeCommit = new DurabilityBatch();
        }

        var retry = due.Copy();
        try
        {
            // Synchronously, as the commit itself runs: the flushes run on the group flush's own threads and this one.
            due.FlushAsync().GetAwaiter().GetResult();
        }
        catch
        {
            lock (_flushBeforeCommitGate)
            {
                _flushBeforeCommit.AddAll(retry);
            }

            throw;
        }
    }

    /// <summary>Forgets what waits for a commit, as a killed process would (for <see cref="SimulateCrashAsync"/>).</summary>
    private void ForgetFlushesBeforeCommit()
    {
        lock (_flushBeforeCommitGate)
        {
            _flushBeforeCommit = new DurabilityBatch();
        }
    }
}
