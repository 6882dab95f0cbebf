using Assets.Storage.Objects;

namespace Assets.Storage.Metadata;

/// <summary>
/// A metadata store that commits its index writes in groups, later (the embedded one, see
/// <see cref="MetadataStoreOptions.IndexWriteDelay"/>), and flushes what it is handed before each commit. The publish
/// protocol hands it what makes a pointer swap durable (the pointer folder's flush) instead of flushing it before the
/// step goes on: the index then never records a publish whose swap a power loss could take back, and one flush of a
/// folder covers every swap into it since the last commit, where each publish paid one of its own. Only for a store one
/// process holds (DuckDB admits one), since only that process may write the root's pointers meanwhile.
/// </summary>
internal interface IFlushesBeforeCommit
{
    /// <summary>
    /// Takes what <paramref name="writes"/> holds (and empties it): flushed before the next commit of index writes, so before
    /// any record queued after this call is committed. A commit whose flush fails fails and keeps them for the next one.
    /// </summary>
    void FlushBeforeNextCommit(DurabilityBatch writes);
}
