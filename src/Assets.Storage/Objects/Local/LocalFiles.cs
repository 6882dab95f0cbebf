using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Assets.Storage.Objects.Local;

/// <summary>File-level steps shared by the local store: names it reserves, versions, and creating files in folders that may be pruned concurrently.</summary>
internal static class LocalFiles
{
    /// <summary>The start of a temporary file's name; the rest is 32 lower-case hex digits.</summary>
    public const string TempPrefix = ".tmp-";

    /// <summary>The end of a lock file's name: the object's file name plus this.</summary>
    public const string LockSuffix = ".lock";

    private const int TempIdLength = 32;
    public const int VersionHexLength = 32;
    private const int CreateAttempts = 5;
    private const int NoSuchFile = 2; // ENOENT on Linux, macOS and FreeBSD alike.

    private static readonly SearchValues<char> LowerHexDigits = SearchValues.Create("0123456789abcdef");

    // Temporary names are this process's random 64 bits and a count (a Guid each would cost a read of the kernel's random
    // source per file written); every temporary file is created exclusively, so even a repeated name fails rather than shares.
    private static readonly string ProcessTempPrefix = TempPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
    private static long _tempCount;

    /// <summary>A fresh temporary file name, unique with overwhelming probability across processes, and within this one by its count.</summary>
    public static string NewTempName() => ProcessTempPrefix + Interlocked.Increment(ref _tempCount).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Whether a file name is one of the store's temporary files.</summary>
    public static bool IsTempName(ReadOnlySpan<char> name)
        => name.Length == TempPrefix.Length + TempIdLength
            && name.StartsWith(TempPrefix, StringComparison.Ordinal)
            && !name[TempPrefix.Length..].ContainsAnyExcept(LowerHexDigits);

    /// <summary>Whether a file name is one of the store's lock files.</summary>
    public static bool IsLockName(ReadOnlySpan<char> name) => name.EndsWith(LockSuffix, StringComparison.Ordinal);

    /// <summary>The version of some content: the first 32 lower-case hex digits of its SHA-256, the same in every process.</summary>
    public static ObjectVersion VersionOf(ReadOnlySpan<byte> content)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(content, hash);
        return FromHash(hash);
    }

    /// <summary>The version from a SHA-256 hash.</summary>
    public static ObjectVersion FromHash(ReadOnlySpan<byte> hash) => new(Convert.ToHexStringLower(hash[..(VersionHexLength / 2)]));

    /// <summary>The version of a file's content; <c>null</c> when there is no such file.</summary>
    public static async Task<ObjectVersion?> VersionOfFileAsync(string path, CancellationToken cancellationToken)
    {
        var stream = OpenReadOrNull(path);
        if (stream is null)
        {
            return null;
        }

        await using (stream.ConfigureAwait(false))
        {
            return FromHash(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>Opens a file for reading without taking part in writers' locks; <c>null</c> when there is no such file.</summary>
    public static FileStream? OpenReadOrNull(string path)
    {
        // An absent pointer is the normal case for a partition's first publish: a stat costs far less than the
        // exception an open would throw. The catch below still covers a file deleted between the two.
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return new InlineReadFileStream(path);
        }
        catch (Exception e) when (IsMissing(e, path))
        {
            return null;
        }
    }

    /// <summary>Whether an exception from opening <paramref name="path"/> means that no file is there.</summary>
    public static bool IsMissing(Exception e, string path)
        => e is FileNotFoundException or DirectoryNotFoundException
            || (e is UnauthorizedAccessException && Directory.Exists(path));

    /// <summary>
    /// Creates a file through <paramref name="open"/> after creating its folder (unless <paramref name="folderExists"/>),
    /// retrying when a concurrent delete prunes the (then empty) folder between the two steps.
    /// </summary>
    public static T OpenCreatingFolder<T>(string path, Func<string, T> open, bool folderExists = false)
    {
        var folder = Path.GetDirectoryName(path)!;
        for (var attempt = 1; ; attempt++)
        {
            // A folder the caller just found in place is opened into at once (one mkdir and stat less); should a
            // concurrent delete prune it meanwhile, the open fails and the next attempt creates it.
            if (attempt > 1 || !folderExists)
            {
                CreateFolder(folder);
            }

            try
            {
                return open(path);
            }
            catch (DirectoryNotFoundException) when (attempt < CreateAttempts)
            {
            }
        }
    }

    /// <summary>Creates a folder; when an object's file stands where a folder must be, says so.</summary>
    public static void CreateFolder(string folder)
    {
        try
        {
            try
            {
                Directory.CreateDirectory(folder);
            }
            catch (DirectoryNotFoundException)
            {
                // gc pruned an ancestor it had just emptied between two of the mkdir calls: create the chain again.
                Directory.CreateDirectory(folder);
            }
        }
        catch (IOException e)
        {
            for (var ancestor = folder; ancestor is not null; ancestor = Path.GetDirectoryName(ancestor))
            {
                if (File.Exists(ancestor))
                {
                    throw new IOException(
                        $"Cannot create the folder '{folder}' because the file '{ancestor}' is in its way: a local object store cannot hold "
                        + "both an object and objects under the same name followed by '/'. Choose keys where no key is a folder of another.", e);
                }
            }

            throw;
        }
    }

    /// <summary>Removes the file <paramref name="path"/>; <c>false</c> when it was not there.</summary>
    public static bool TryUnlink(string path)
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            // File.Delete stats first and reports a missing file as success; unlink says which it was in one call.
            if (LibC.Unlink(path) == 0)
            {
                return true;
            }

            var errno = Marshal.GetLastPInvokeError();
            return errno == NoSuchFile
                ? false
                : throw new IOException($"Could not delete '{path}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
        }

        if (!File.Exists(path))
        {
            return false;
        }

        File.Delete(path);
        return true;
    }

    /// <summary>Removes <paramref name="folder"/> if it is empty; anything else (not empty, gone, not ours) leaves it be.</summary>
    public static void TryRemoveEmptyFolder(string folder)
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            // Directory.Delete would throw (and the caller catch) an exception whenever the folder is not empty.
            _ = LibC.RemoveDirectory(folder);
            return;
        }

        try
        {
            Directory.Delete(folder, recursive: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Deletes a file if it is there, ignoring failures: used to clean up after a write that did not complete.</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover temporary file is invisible and DeleteAbandonedTempFilesAsync removes it.
        }
    }
}
