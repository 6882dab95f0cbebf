namespace Assets.Planning;

/// <summary>
/// A metadata store that keeps the last evaluated status grid across processes, so a command that plans on an
/// unchanged store reads one snapshot instead of every state and every recorded upstream version
/// (<see cref="StatusGridCache"/> writes and reads it). The store keeps one snapshot; writing another replaces it.
/// What a key stands for, and therefore when a snapshot is still valid, is the cache's business: the store only
/// compares keys.
/// </summary>
public interface IStatusGridSnapshotStore
{
    /// <summary>The kept snapshot's payload when its key is <paramref name="key"/>; <c>null</c> when there is none or it has another key.</summary>
    /// <remarks>The grid read from it keeps the payload (its rows' stored states are made from it when asked for), so the store must not change or reuse that memory afterwards.</remarks>
    Task<ReadOnlyMemory<byte>?> GetStatusGridSnapshotAsync(string key, CancellationToken ct = default);

    /// <summary>Keeps <paramref name="payload"/> under <paramref name="key"/>, replacing any snapshot kept before.</summary>
    Task SetStatusGridSnapshotAsync(string key, ReadOnlyMemory<byte> payload, CancellationToken ct = default);
}
