using System.Buffers;
using System.Text.Json;
using Assets.Graph;
using Assets.Storage.Objects;
using NodaTime;
using NodaTime.Text;

namespace Assets.Storage.Publishing;

/// <summary>
/// Staging markers: how <c>gc</c>, in this process, another one or on another machine sharing the root, knows that
/// a materialization is in flight. The rule, in order of the objects' lives:
/// <list type="number">
/// <item>A publication writes its marker (<c>staging/&lt;asset&gt;/&lt;partition&gt;~&lt;id&gt;.json</c>,
/// <see cref="StorageLayout.StagingMarkerOf"/>) before its
/// first data file, rewrites it whenever it is older than a quarter of <see cref="Lifetime"/> at a protocol step,
/// and removes it only after the pointer swap (or the failure, quarantine or abandonment is recorded).</item>
/// <item>A rollback writes a marker for its target before it verifies the target's files, and removes it after the
/// swap.</item>
/// <item><c>gc</c> skips every materialization whose marker is younger than <see cref="Lifetime"/>, whatever the
/// retention, removes markers older than that (their process died), and right before deleting an object
/// looks again: first for a marker, then at the pointer. Since the marker precedes the files and outlives the
/// swap, an object gc sees unmarked and unreferenced belongs to a materialization that is finished and not
/// published, or whose marker died.</item>
/// <item>A marker is created without being made durable where the store allows it (the local store): gc sees it as soon
/// as it is written, in any process, and a power loss that could take it ends the writer too, leaving nothing in flight.
/// Its rewrites and the objects it guards are made durable as usual. It lies in its asset's folder under <c>staging/</c>,
/// which stays when the marker is removed (<see cref="IDefersDurability.DeleteTransientAsync"/>): a publish creates and
/// removes one file, not a folder as well.</item>
/// <item>Markers in the form of earlier versions (<c>staging/&lt;asset&gt;/&lt;partition&gt;/&lt;id&gt;.json</c>, a folder per partition)
/// count the same: gc reads both forms, and the look right before a delete checks both keys, so a root shared with a
/// process of an earlier version stays safe.</item>
/// <item>A publication re-checks that its files exist right before the swap, so one stalled past its marker's
/// lifetime (and collected) fails instead of publishing a manifest whose files are gone.</item>
/// </list>
/// </summary>
public static class StagingMarkers
{
    /// <summary>How long a marker protects its materialization without being rewritten: 1 hour.</summary>
    public static Duration Lifetime { get; } = Duration.FromHours(1);

    /// <summary>A marker older than this is rewritten at the next protocol step.</summary>
    internal static Duration RefreshAfter { get; } = Lifetime / 4;

    /// <summary>
    /// Writes (or rewrites) the marker of <paramref name="id"/>; <paramref name="known"/> is the version this
    /// writer wrote last, if any. Returns the new version.
    /// </summary>
    internal static async Task<ObjectVersion?> WriteAsync(IObjectStore store, AssetPartition partition, MaterializationId id, RunId run, Instant now, ObjectVersion? known, CancellationToken cancellationToken)
    {
        var key = StorageLayout.StagingMarkerOf(partition, id);
        var content = Describe(partition, id, run, now);
        if (known is null)
        {
            // The first write creates (no lock needed: the id is new); only a long materialization ever replaces its marker.
            var first = await CreateAsync(store, key, content, cancellationToken).ConfigureAwait(false);
            if (first.Succeeded)
            {
                return first.Version;
            }

            known = first.Version;
        }

        var written = await store.ReplaceIfMatchAsync(key, content, known, cancellationToken).ConfigureAwait(false);
        if (!written.Succeeded)
        {
            // gc removed a marker it judged dead, or this writer lost track of its version: the marker is ours
            // (its id is unique), so write it against what is there now.
            written = await store.ReplaceIfMatchAsync(key, content, written.Version, cancellationToken).ConfigureAwait(false);
        }

        return written.Succeeded
            ? written.Version
            : throw new InvalidOperationException($"{key}: the staging marker could not be written (changed while it was written); the materialization stops so gc cannot mistake it for abandoned.");
    }

    /// <summary>
    /// Writes the marker of <paramref name="id"/> if there is none; returns whether this call wrote it (and so
    /// should remove it). One already there protects the materialization just as well.
    /// </summary>
    internal static async Task<bool> TryCreateAsync(IObjectStore store, AssetPartition partition, MaterializationId id, RunId run, Instant now, CancellationToken cancellationToken)
    {
        var written = await CreateAsync(store, StorageLayout.StagingMarkerOf(partition, id), Describe(partition, id, run, now), cancellationToken).ConfigureAwait(false);
        return written.Succeeded;
    }

    /// <summary>
    /// Creates a marker, without making it durable where the store can leave that out: a marker is for a gc that sees the
    /// root while its writer lives, which it does once the marker is written (<see cref="DurabilityBatch.Transient"/>).
    /// </summary>
    private static async Task<WriteResult> CreateAsync(IObjectStore store, ObjectKey key, byte[] content, CancellationToken cancellationToken)
    {
        if (store is IDefersDurability deferring)
        {
            return await deferring.CreateIfAbsentAsync(key, content, DurabilityBatch.Transient, cancellationToken).ConfigureAwait(false);
        }

        using var stream = new MemoryStream(content, writable: false);
        return await store.CreateIfAbsentAsync(key, stream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether a marker of <paramref name="id"/> exists now.</summary>
    internal static async Task<bool> ExistsAsync(IObjectStore store, AssetPartition partition, MaterializationId id, CancellationToken cancellationToken)
    {
        var key = StorageLayout.StagingMarkerOf(partition, id);
        var foldered = StorageLayout.FolderedStagingMarkerOf(partition, id);
        return await store.GetSizeAsync(key, cancellationToken).ConfigureAwait(false) is not null
            || (foldered != key && await store.GetSizeAsync(foldered, cancellationToken).ConfigureAwait(false) is not null);
    }

    /// <summary>
    /// Removes the marker of <paramref name="id"/>. A failure is swallowed: what the marker guarded is settled (published
    /// or recorded), and a marker left behind only delays gc by <see cref="Lifetime"/>.
    /// </summary>
    internal static async Task RemoveQuietlyAsync(IObjectStore store, AssetPartition partition, MaterializationId id)
    {
        try
        {
            var key = StorageLayout.StagingMarkerOf(partition, id);
            if (store is IDefersDurability deferring)
            {
                // A marker in its own partition's folder (a long segment) takes the folder with it; the asset's folder stays.
                await deferring.DeleteTransientAsync(key, removeEmptyFolder: key == StorageLayout.FolderedStagingMarkerOf(partition, id), CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await store.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // See the summary: nothing the caller could do, and its outcome is already decided.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private static byte[] Describe(AssetPartition partition, MaterializationId id, RunId run, Instant now)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("asset", partition.Asset.Value);
            json.WriteString("partition", partition.Partition?.Value);
            json.WriteString("materializationId", id.Value);
            json.WriteString("runId", run.ToString());
            json.WriteString("writtenAt", InstantPattern.ExtendedIso.Format(now));
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
