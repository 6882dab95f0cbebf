using Assets.Storage.Metadata;
using DuckDB.NET.Data;

namespace Assets.Hosting.Storage;

/// <summary>
/// The metadata store's file seen from the command line: which folders and files opening it would create (so a command
/// that fails leaves none of them behind), and what a store that cannot be opened means for the user, with the remedy.
/// </summary>
internal static class MetadataFiles
{
    /// <summary>The metadata file, its write-ahead log and the folders above it that do not exist yet, deepest first.</summary>
    public static IReadOnlyList<string> NotYetThere(string path)
    {
        var missing = new List<string>();
        if (!File.Exists(path))
        {
            missing.Add(path);
            missing.Add(path + ".wal");
        }

        missing.AddRange(FoldersNotYetThere(Path.GetDirectoryName(path)));
        return missing;
    }

    /// <summary><paramref name="folder"/> and the folders above it that do not exist yet, deepest first.</summary>
    public static IReadOnlyList<string> FoldersNotYetThere(string? folder)
    {
        var missing = new List<string>();
        for (; !string.IsNullOrEmpty(folder) && !Directory.Exists(folder) && !File.Exists(folder); folder = Path.GetDirectoryName(folder))
        {
            missing.Add(folder);
        }

        return missing;
    }

    /// <summary>Removes what <see cref="NotYetThere"/> listed, as far as it exists now; folders only when empty.</summary>
    public static void Remove(IReadOnlyList<string> created)
    {
        foreach (var path in created)
        {
            try
            {
                if (File.Exists(path))
                {
                    File.Delete(path);
                }
                else if (Directory.Exists(path) && !Directory.EnumerateFileSystemEntries(path).Any())
                {
                    Directory.Delete(path);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Best effort: the command's own error is what the user needs to see.
            }
        }
    }

    /// <summary>The error to report when opening the store at <paramref name="path"/> failed with <paramref name="error"/> for a reason the user can remedy; null otherwise.</summary>
    public static MetadataFileUnusableException? Unavailable(string path, Exception error) => error switch
    {
        MetadataStoreLockedException => null,
        DuckDBException duckDb => new MetadataFileUnusableException(
            $"The metadata store {path} cannot be opened ({FirstLine(duckDb.Message)}). It is an index of the root: move it aside "
            + "or delete it and run again to rebuild it from the root's pointers (run history and backfill records start afresh), "
            + "or set Assets:Metadata to another file.",
            error),
        UnauthorizedAccessException or IOException when Path.GetDirectoryName(path) is { } folder && FirstFileAbove(folder) is { } file => new MetadataFileUnusableException(
            $"The root cannot hold the metadata store {path}: {file} is a file, not a folder. Give --root (or Assets:Root) a folder.", error),
        UnauthorizedAccessException or IOException => new MetadataFileUnusableException(
            $"The metadata store {path} cannot be written ({error.Message}). Make its folder writable, or set Assets:Metadata "
            + "to a file in a writable folder.",
            error),
        _ => null,
    };

    private static string? FirstFileAbove(string folder)
    {
        for (var current = folder; !string.IsNullOrEmpty(current); current = Path.GetDirectoryName(current))
        {
            if (File.Exists(current))
            {
                return current;
            }
        }

        return null;
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
