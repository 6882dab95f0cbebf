using System.Runtime.InteropServices;

namespace Assets.Storage.Objects.Local;

/// <summary>
/// Files kept for reuse instead of deleted and created again, for the store's transient objects (staging markers): every
/// publish creates one marker and removes it after its swap. Removing one renames it to a temporary name in its folder (a
/// spare, invisible to readers, listings and gc's marker scan like every temporary file); creating the next one in that
/// folder writes the new content into a spare and renames the spare to the marker's name, refusing an existing name
/// (<c>renameat2</c> with <c>RENAME_NOREPLACE</c>), so it stays an exclusive create, and its modification time (what gc
/// reads as the marker's age) is the write's. Why: on ext4 without a journal (this machine's root) the kernel allocates a
/// new inode by skipping, one buffer lookup each, every inode freed in the last minutes; a run that created and deleted a
/// marker per partition made every later file creation of the run slower, and the scan took a fifth of the CPU of a tiny
/// publish. A reused file allocates and frees nothing.
/// <para>
/// At most <see cref="MaxPerFolder"/> spares per folder; they are deleted when the process exits, and one left by a
/// process that died is a temporary file like any other, removed by <c>gc</c>'s sweep of abandoned temporary files (a
/// spare swept while in use fails only its own reuse, which then creates a new file). Linux only (<c>renameat2</c>);
/// elsewhere, and on a file system that refuses the rename's flag, files are created and deleted as before.
/// </para>
/// Thread-safe.
/// </summary>
internal static class SpareFiles
{
    /// <summary>The most spares kept in one folder: as many as publications of one asset usually run at once.</summary>
    public const int MaxPerFolder = 16;

    private const int NoSuchFile = 2;
    private const int AlreadyExists = 17;

    private static readonly Dictionary<string, Stack<string>> Spares = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();
    private static volatile bool _unsupported = !OperatingSystem.IsLinux();
    private static bool _cleanUpRegistered;

    /// <summary>How many spares <paramref name="folder"/> holds now (for tests).</summary>
    public static int CountIn(string folder)
    {
        lock (Gate)
        {
            return Spares.TryGetValue(folder, out var spares) ? spares.Count : 0;
        }
    }

    /// <summary>
    /// Removes the file <paramref name="path"/> (in <paramref name="folder"/>) by keeping it as a spare: <c>true</c> when it
    /// was, <c>false</c> when there was no such file, <c>null</c> when it was not kept (no room, not supported): the caller
    /// deletes it as before.
    /// </summary>
    public static bool? TryRetire(string path, string folder)
    {
        if (_unsupported)
        {
            return null;
        }

        lock (Gate)
        {
            if (Spares.TryGetValue(folder, out var kept) && kept.Count >= MaxPerFolder)
            {
                return null;
            }
        }

        var spare = Path.Combine(folder, LocalFiles.NewTempName());
        if (LibC.Rename(path, spare) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == NoSuchFile ? false : null;
        }

        lock (Gate)
        {
            if (!Spares.TryGetValue(folder, out var spares))
            {
                spares = new Stack<string>();
                Spares.Add(folder, spares);
            }

            spares.Push(spare);
            RegisterCleanUp();
        }

        return true;
    }

    /// <summary>
    /// Creates <paramref name="path"/> (in <paramref name="folder"/>) with <paramref name="content"/> from a spare of that
    /// folder: <see cref="NewFileOutcome.Written"/>, or <see cref="NewFileOutcome.Exists"/> when the name exists (nothing
    /// changed); <c>null</c> when no spare could be used: the caller creates the file as before.
    /// </summary>
    public static NewFileOutcome? TryReuse(string path, string folder, ReadOnlySpan<byte> content)
    {
        while (!_unsupported && Take(folder) is { } spare)
        {
            // Written while it has its temporary name, so the marker appears whole and with a fresh modification time.
            if (!NewFileWriter.TryRewrite(spare, content))
            {
                continue; // swept by gc as an abandoned temporary file: the next one, or a new file
            }

            if (LibC.RenameAt2(LibC.CurrentFolder, spare, LibC.CurrentFolder, path, LibC.RenameNoReplace) == 0)
            {
                return NewFileOutcome.Written;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == AlreadyExists)
            {
                Give(folder, spare);
                return NewFileOutcome.Exists;
            }

            LocalFiles.TryDelete(spare);
            if (errno != NoSuchFile)
            {
                // The file system (or an old kernel) refuses the flag: create and delete from now on.
                _unsupported = true;
            }

            return null;
        }

        return null;
    }

    /// <summary>Deletes every spare (at exit: a spare is of no use to another process).</summary>
    public static void DeleteAll()
    {
        List<string> all;
        lock (Gate)
        {
            all = [.. Spares.Values.SelectMany(s => s)];
            Spares.Clear();
        }

        foreach (var spare in all)
        {
            LocalFiles.TryDelete(spare);
        }
    }

    private static string? Take(string folder)
    {
        lock (Gate)
        {
            return Spares.TryGetValue(folder, out var spares) && spares.TryPop(out var spare) ? spare : null;
        }
    }

    private static void Give(string folder, string spare)
    {
        lock (Gate)
        {
            if (Spares.TryGetValue(folder, out var spares))
            {
                spares.Push(spare);
                return;
            }
        }

        LocalFiles.TryDelete(spare);
    }

    /// <summary>Called under the lock.</summary>
    private static void RegisterCleanUp()
    {
        if (!_cleanUpRegistered)
        {
            _cleanUpRegistered = true;
            AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteAll();
        }
    }
}
