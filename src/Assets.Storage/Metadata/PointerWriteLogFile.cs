using System.Globalization;
using System.Text;
using Assets.Graph;
using Assets.Storage.Maintenance;
using Assets.Storage.Objects;
using Assets.Storage.Publishing;
using Microsoft.Win32.SafeHandles;

namespace Assets.Storage.Metadata;

/// <summary>
/// The pointer-write log of a <see cref="DuckDbMetadataStore"/> session (<see cref="IStoreSession.PointerWriteLogPath"/>):
/// one file beside the store file (<c>assets.duckdb.pointer-writes</c>), holding a header that names the session (the
/// instant it opened, as <c>store_session.opened_at</c> records it) and the root, then one line per pointer write the
/// session began: the pointer's key. A line is appended (no flush) when the write begins and reaches the disk in the flush
/// round that makes the staged files durable before the swap, so a pointer a crash left unrecorded is always in the log of
/// the session that wrote it. An open after an unclean close reads that log instead of listing every pointer.
/// <para>
/// The file is replaced (a new one renamed over it) when a session's index is known to agree with the root, dropping
/// the lines of the sessions before it, whose pointers that agreement covers; it is cut back to its header during a
/// session once every line's record is committed and it has grown past <see cref="DefaultTrimAfterBytes"/> (64 KiB); it is deleted by a
/// clean close. None of these needs a flush: a header or a cut that a power loss undoes leaves a log that names another
/// session (the next open lists the pointers instead) or lines already recorded (read again for nothing).
/// </para>
/// Thread-safe: publications of different partitions append at once.
/// </summary>
internal sealed class PointerWriteLogFile : IDisposable
{
    /// <summary>The first word of the header: the format, so a later one is never misread.</summary>
    private const string Format = "assets-pointer-writes/1";

    private readonly Lock _lock = new();
    private readonly SafeFileHandle _handle;
    private readonly long _headerLength;
    private long _length;
    private long _appended;
    private bool _disposed;

    private PointerWriteLogFile(string path, string root, SafeFileHandle handle, long headerLength)
    {
        Path = path;
        Root = root;
        _handle = handle;
        _headerLength = headerLength;
        _length = headerLength;
    }

    /// <summary>How long the log may grow (bytes; about 600 lines) before a commit that leaves every line recorded cuts it back to its header.</summary>
    public const long DefaultTrimAfterBytes = 64 * 1024;

    /// <summary>The log's file.</summary>
    public string Path { get; }

    /// <summary>The root whose pointers the log names (<see cref="IObjectStore.Location"/>).</summary>
    public string Root { get; }

    /// <summary>How many lines were appended since the session began (a lines' count, not the file's length).</summary>
    public long Appended
    {
        get
        {
            lock (_lock)
            {
                return _appended;
            }
        }
    }

    /// <summary>The log beside the store file at <paramref name="storePath"/>.</summary>
    public static string PathOf(string storePath) => storePath + ".pointer-writes";

    /// <summary>
    /// Starts the log of the session that opened at <paramref name="sessionTicks"/> for <paramref name="root"/>, replacing
    /// whatever log was there; <c>null</c> when the root's name cannot be written on one line (then nothing is logged, and
    /// an open after a crash lists the pointers).
    /// </summary>
    public static PointerWriteLogFile? Start(string path, long sessionTicks, string root)
    {
        if (root.AsSpan().IndexOfAny('\n', '\r') >= 0)
        {
            return null;
        }

        var header = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Format}\t{sessionTicks}\t{root}\n"));
        var temporary = path + ".tmp";
        var handle = File.OpenHandle(temporary, FileMode.Create, FileAccess.Write);
        try
        {
            RandomAccess.Write(handle, header, 0);

            // Renamed over the log of the session before, whose lines this session's reconciled index covers; the handle
            // stays open on the renamed file.
            File.Move(temporary, path, overwrite: true);
            return new PointerWriteLogFile(path, root, handle, header.Length);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads the log at <paramref name="path"/> if it is the log of the session that opened at <paramref name="sessionTicks"/>:
    /// the root and the partitions whose pointers that session began to write. <c>null</c> when there is no such log (none,
    /// another session's, an unknown format, a line that is not a pointer's key): the caller must then look at the pointers
    /// some other way. A last line without its line end is left out: its append never completed, so its flush never did,
    /// and no pointer was written after it.
    /// </summary>
    public static LoggedPointerWrites? Read(string path, long sessionTicks)
    {
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        var lines = text.Split('\n');
        var header = lines[0].Split('\t', 3);
        if (lines.Length < 2 || header.Length != 3 || header[0] != Format
            || !long.TryParse(header[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ticks) || ticks != sessionTicks)
        {
            return null;
        }

        var partitions = new HashSet<AssetPartition>();
        for (var i = 1; i < lines.Length - 1; i++)
        {
            if (!ObjectKey.TryParse(lines[i], out var key, out _) || StorageLayout.PartitionOfPointer(key) is not { } partition)
            {
                return null;
            }

            partitions.Add(partition);
        }

        return new LoggedPointerWrites(header[2], [.. partitions], []);
    }

    /// <summary>Appends the pointer write of <paramref name="partition"/>; durable once <see cref="Path"/> is flushed.</summary>
    public void Append(AssetPartition partition)
    {
        var line = Encoding.UTF8.GetBytes(StorageLayout.PointerOf(partition).Value + "\n");
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            RandomAccess.Write(_handle, line, _length);
            _length += line.Length;
            _appended++;
        }
    }

    /// <summary>
    /// Cuts the log back to its header when it has grown past <paramref name="trimAfterBytes"/> and no line was appended
    /// since <paramref name="appended"/> (<see cref="Appended"/> read when every line's record was known to be committed or
    /// in the commit that just succeeded). Returns whether it did.
    /// </summary>
    public bool TrimIfUnchangedSince(long appended, long trimAfterBytes)
    {
        lock (_lock)
        {
            if (_disposed || _appended != appended || _length <= _headerLength || _length <= trimAfterBytes)
            {
                return false;
            }

            RandomAccess.SetLength(_handle, _headerLength);
            _length = _headerLength;
            return true;
        }
    }

    /// <summary>Closes the file and deletes it (a clean close: the index holds every line's record).</summary>
    public void Delete()
    {
        Dispose();
        File.Delete(Path);
    }

    /// <summary>Closes the file and leaves it, as a crash would.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _handle.Dispose();
        }
    }
}
