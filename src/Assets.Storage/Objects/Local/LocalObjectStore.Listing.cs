using System.Runtime.CompilerServices;

using NodaTime;

namespace Assets.Storage.Objects.Local;

public sealed partial class LocalObjectStore
{
    // Listing keys under a prefix, sweeping abandoned temporary files, and pruning the folders a delete empties.
    /// <inheritdoc />
    public async IAsyncEnumerable<ObjectEntry> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var slash = prefix.LastIndexOf('/');
        string folder;
        if (slash <= 0)
        {
            folder = _root;
        }
        else if (ObjectKey.TryParse(prefix[..slash], out var folderKey, out _))
        {
            folder = PathOf(folderKey);
        }
        else
        {
            yield break; // No valid key can start with this prefix.
        }

        var entries = await Task.Run(() => Collect(folder, prefix, cancellationToken), cancellationToken).ConfigureAwait(false);
        foreach (var entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return entry;
        }
    }

    /// <summary>
    /// Deletes the temporary files of writes that never completed (a crash, a killed process) and were
    /// last written more than <paramref name="olderThan"/> ago. Choose an age far beyond the longest write:
    /// a live writer whose temporary file is deleted fails (it never corrupts an object).
    /// </summary>
    /// <param name="olderThan">The minimum age of a temporary file to delete.</param>
    /// <param name="cancellationToken">Stops the sweep.</param>
    /// <returns>How many files were deleted and their total size.</returns>
    public Task<DeletedTempFiles> DeleteAbandonedTempFilesAsync(TimeSpan olderThan, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(olderThan, TimeSpan.Zero);
        var cutoff = _timeProvider.GetUtcNow().UtcDateTime - olderThan;
        return Task.Run(
            () =>
            {
                var (count, bytes) = (0, 0L);
                foreach (var file in new DirectoryInfo(_root).EnumerateFiles(LocalFiles.TempPrefix + "*", AllFiles))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    try
                    {
                        if (!LocalFiles.IsTempName(file.Name) || file.LastWriteTimeUtc > cutoff)
                        {
                            continue;
                        }

                        var size = file.Length;
                        file.Delete();
                        (count, bytes) = (count + 1, bytes + size);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        // Gone meanwhile, or not ours to delete: the next sweep tries again.
                    }
                }

                return new DeletedTempFiles(count, bytes);
            },
            cancellationToken);
    }

    private static EnumerationOptions AllFiles => new()
    {
        RecurseSubdirectories = true,
        AttributesToSkip = 0, // Names starting with '.' count as hidden on Unix, and are valid keys.
        IgnoreInaccessible = true,
        MatchType = MatchType.Simple,
    };

    private List<ObjectEntry> Collect(string folder, string prefix, CancellationToken cancellationToken)
    {
        var entries = new List<ObjectEntry>();
        if (!Directory.Exists(folder))
        {
            return entries;
        }

        try
        {
            CollectFrom(folder, prefix, entries, cancellationToken);
        }
        catch (DirectoryNotFoundException) when (!Directory.Exists(folder))
        {
            // Pruned by a concurrent delete of its last object (a publish removing its staging marker while gc lists
            // the markers): nothing is under it any more.
            entries.Clear();
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.Key.Value, b.Key.Value));
        return entries;
    }

    private void CollectFrom(string folder, string prefix, List<ObjectEntry> entries, CancellationToken cancellationToken)
    {
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", AllFiles))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (LocalFiles.IsTempName(file.Name) || LocalFiles.IsLockName(file.Name))
            {
                continue;
            }

            var relative = Path.GetRelativePath(_root, file.FullName);
            if (Path.DirectorySeparatorChar != '/')
            {
                relative = relative.Replace(Path.DirectorySeparatorChar, '/');
            }

            if (!relative.StartsWith(prefix, StringComparison.Ordinal) || !ObjectKey.TryParse(relative, out var key, out _))
            {
                continue;
            }

            try
            {
                entries.Add(new ObjectEntry(key, file.Length, Instant.FromDateTimeUtc(file.LastWriteTimeUtc)));
            }
            catch (FileNotFoundException)
            {
                // Deleted while listing.
            }
        }
    }

    private void PruneEmptyFolders(string folder)
    {
        for (var current = folder; current.StartsWith(_rootWithSeparator, StringComparison.Ordinal); current = Path.GetDirectoryName(current)!)
        {
            try
            {
                Directory.Delete(current, recursive: false);
            }
            catch (DirectoryNotFoundException)
            {
                // Pruned by a concurrent delete: go on with the parent.
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return; // Not empty (or not ours): everything above it is not empty either.
            }
        }
    }
}
