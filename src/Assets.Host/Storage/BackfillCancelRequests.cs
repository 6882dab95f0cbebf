using Assets.Backfills;

namespace Assets.Hosting.Storage;

/// <summary>
/// Cancel requests for a backfill running in another process. DuckDB lets one process open the metadata store, so
/// <c>backfill cancel</c> cannot write to it while the backfill's process holds it; it leaves a request file next to
/// the store instead (<c>&lt;metadata folder&gt;/cancel-requests/&lt;backfill id&gt;</c>), which the running backfill
/// watches for, takes (deletes) and acts on by cancelling cleanly. Ids are checked <see cref="BackfillId"/>s, so a
/// request path never holds user text beyond eight letters and digits.
/// </summary>
internal sealed class BackfillCancelRequests(string metadataPath)
{
    private readonly string _folder = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(metadataPath))!, "cancel-requests");

    /// <summary>How often a running backfill looks for a request.</summary>
    public static TimeSpan PollInterval { get; } = TimeSpan.FromMilliseconds(250);

    public string PathOf(BackfillId id) => Path.Combine(_folder, id.Value);

    public void Request(BackfillId id)
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllText(PathOf(id), "cancel");
    }

    public bool IsPending(BackfillId id) => File.Exists(PathOf(id));

    public void Withdraw(BackfillId id)
    {
        if (Directory.Exists(_folder))
        {
            File.Delete(PathOf(id));
        }
    }

    /// <summary>Cancels <paramref name="cancellation"/> when a request for <paramref name="id"/> appears, until <paramref name="stop"/>.</summary>
    public async Task WatchAsync(BackfillId id, CancellationTokenSource cancellation, CancellationToken stop)
    {
        // A request left from before this run started is stale: the user asked to cancel a run that had already ended.
        Withdraw(id);
        using var timer = new PeriodicTimer(PollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                if (IsPending(id))
                {
                    Withdraw(id);
                    await cancellation.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}
