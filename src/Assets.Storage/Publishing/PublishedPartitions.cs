using Assets.Graph;
using Assets.Storage.Objects;

namespace Assets.Storage.Publishing;

/// <summary>
/// Resolves what readers get: pointer, then manifest, then the files the manifest lists. Never lists
/// folders, so a reader sees the old version or the new one, never a mix.
/// </summary>
public static class PublishedPartitions
{
    /// <summary>The pointer of a partition and its version (the fencing token); both <c>null</c> when never published.</summary>
    public static async Task<(PartitionPointer? Current, ObjectVersion? Version)> ReadPointerAsync(IObjectStore store, AssetPartition partition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var key = StorageLayout.PointerOf(partition);
        var stored = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return (null, null);
        }

        return ManifestJson.TryReadPointer(stored.Content.Span, partition, out var pointer, out var error)
            ? (pointer, stored.Version)
            : throw new CorruptObjectException(key, error);
    }

    /// <summary>
    /// The pointer of a partition for a writer about to replace it (<c>materialize</c>, <c>rollback</c>): like
    /// <see cref="ReadPointerAsync"/>, except that a damaged pointer (bytes that are not a pointer at all) is
    /// returned as <paramref name="partition"/>'s <c>Damaged</c> problem with its version, so the writer can replace
    /// it by compare-and-swap. A well-formed pointer naming another partition's manifest still throws.
    /// </summary>
    public static async Task<(PartitionPointer? Current, ObjectVersion? Version, string? Damaged)> ReadPointerToReplaceAsync(IObjectStore store, AssetPartition partition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var key = StorageLayout.PointerOf(partition);
        var stored = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return (null, null, null);
        }

        if (ManifestJson.TryReadPointer(stored.Content.Span, partition, out var pointer, out var error, out var malformed))
        {
            return (pointer, stored.Version, null);
        }

        return malformed
            ? (null, stored.Version, $"{key} held {stored.Content.Length} bytes that are not a pointer: {error}")
            : throw new CorruptObjectException(key, error);
    }

    /// <summary>The manifest of one materialization of a partition; throws <see cref="CorruptObjectException"/> when it is missing or malformed.</summary>
    public static async Task<Manifest> ReadManifestAsync(IObjectStore store, AssetPartition partition, MaterializationId id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var key = StorageLayout.ManifestOf(partition, id);
        var stored = await store.GetAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new CorruptObjectException(key, "the manifest does not exist.");
        if (!ManifestJson.TryReadManifest(stored.Content.Span, partition, out var manifest, out var error))
        {
            throw new CorruptObjectException(key, error);
        }

        return manifest.MaterializationId == id
            ? manifest
            : throw new CorruptObjectException(key, $"the manifest describes materialization {manifest.MaterializationId}, not {id}.");
    }

    /// <summary>The manifest readers get for a partition now; <c>null</c> when it was never published.</summary>
    public static async Task<Manifest?> ReadCurrentManifestAsync(IObjectStore store, AssetPartition partition, CancellationToken cancellationToken = default)
    {
        var (pointer, _) = await ReadPointerAsync(store, partition, cancellationToken).ConfigureAwait(false);
        return pointer is null ? null : await ReadManifestAsync(store, partition, pointer.MaterializationId, cancellationToken).ConfigureAwait(false);
    }
}
