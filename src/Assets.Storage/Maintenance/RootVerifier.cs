using System.Security.Cryptography;
using Assets.Graph;
using Assets.Storage.Objects;
using Assets.Storage.Publishing;

namespace Assets.Storage.Maintenance;

/// <summary>Something <see cref="RootVerifier"/> found wrong.</summary>
/// <param name="Partition">The partition concerned, when known.</param>
/// <param name="Key">The object concerned.</param>
/// <param name="Problem">What is wrong, for people.</param>
public sealed record VerificationProblem(AssetPartition? Partition, string Key, string Problem)
{
    /// <inheritdoc />
    public override string ToString() => Partition is { } p ? $"{p}: {Key}: {Problem}" : $"{Key}: {Problem}";
}

/// <summary>What <see cref="RootVerifier.VerifyAsync"/> checked and found.</summary>
public sealed record VerificationReport(int Partitions, int Files, long Bytes, IReadOnlyList<VerificationProblem> Problems)
{
    /// <summary>Whether everything checked was intact.</summary>
    public bool IsIntact => Problems.Count == 0;
}

/// <summary>
/// <c>verify</c>: checks that every pointer names a readable manifest of its own partition and that every
/// file the manifest lists exists with its size and SHA-256. Reports every problem; never stops at the first,
/// never throws for a damaged root.
/// </summary>
public sealed class RootVerifier(IObjectStore store)
{
    /// <summary>Verifies every published partition of the assets <paramref name="include"/> accepts (all when <c>null</c>).</summary>
    public async Task<VerificationReport> VerifyAsync(Func<AssetKey, bool>? include = null, CancellationToken cancellationToken = default)
    {
        var problems = new List<VerificationProblem>();
        var partitions = 0;
        var files = 0;
        long bytes = 0;
        foreach (var entry in await PointerScan.ReadAllAsync(store, include, cancellationToken).ConfigureAwait(false))
        {
            if (entry.Problem is not null || entry.Current is null || entry.Partition is not { } partition)
            {
                problems.Add(new VerificationProblem(entry.Partition, entry.Key.Value, entry.Problem ?? "unreadable pointer."));
                continue;
            }

            partitions++;
            Manifest manifest;
            try
            {
                manifest = await PublishedPartitions.ReadManifestAsync(store, partition, entry.Current.MaterializationId, cancellationToken).ConfigureAwait(false);
            }
            catch (CorruptObjectException e)
            {
                problems.Add(new VerificationProblem(partition, e.Key.Value, e.Message));
                continue;
            }

            if (manifest.DataVersion != entry.Current.DataVersion)
            {
                problems.Add(new VerificationProblem(partition, entry.Key.Value, $"the pointer says data version {entry.Current.DataVersion} but its manifest says {manifest.DataVersion}."));
            }

            foreach (var file in manifest.Files)
            {
                files++;
                var problem = await CheckFileAsync(store, file, cancellationToken).ConfigureAwait(false);
                if (problem is null)
                {
                    bytes += file.Size;
                }
                else
                {
                    problems.Add(new VerificationProblem(partition, file.Path, problem));
                }
            }
        }

        return new VerificationReport(partitions, files, bytes, problems);
    }

    /// <summary>What is wrong with one listed file (missing, size, SHA-256), read whole; <c>null</c> when it is intact.</summary>
    internal static async Task<string?> CheckFileAsync(IObjectStore store, ManifestFile file, CancellationToken cancellationToken)
    {
        var key = ObjectKey.Parse(file.Path);
        var size = await store.GetSizeAsync(key, cancellationToken).ConfigureAwait(false);
        if (size is null)
        {
            return "the data file is missing.";
        }

        if (size != file.Size)
        {
            return $"the data file has {size} bytes, the manifest says {file.Size} (truncated or replaced).";
        }

        var stream = await store.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        if (stream is null)
        {
            return "the data file is missing.";
        }

        await using (stream.ConfigureAwait(false))
        {
            var sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
            return sha256 == file.Sha256 ? null : $"the data file's SHA-256 is {sha256}, the manifest says {file.Sha256} (corrupted).";
        }
    }
}
