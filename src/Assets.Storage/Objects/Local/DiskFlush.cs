using System.Runtime.InteropServices;

namespace Assets.Storage.Objects.Local;

/// <summary>
/// Flushes a file's content or a folder's entries to disk, so the file, or a file renamed or linked into the folder,
/// survives a power loss. .NET cannot open a folder as a file (it refuses with <see cref="UnauthorizedAccessException"/>),
/// so on Linux and macOS a folder is flushed through <c>open</c>, <c>fsync</c> and <c>close</c> from libc; Windows has no
/// equivalent (NTFS journals its metadata) and the call does nothing there. On Linux a file is flushed the same way
/// (a <see cref="FileStream"/> would also take and drop an advisory lock and query the file, for nothing); elsewhere
/// through <see cref="FileStream.Flush(bool)"/>, which on macOS asks the drive itself to flush (<c>F_FULLFSYNC</c>).
/// </summary>
internal static partial class DiskFlush
{
    private const int LinuxCloseOnExec = 0x80000;
    private const int MacCloseOnExec = 0x1000000;
    private const int NoSuchFile = 2;
    private const int InvalidArgument = 22;
    private const int NotSupportedOnLinux = 95;
    private const int NotSupportedOnMac = 45;

    /// <summary>Flushes a file (<paramref name="isFolder"/> false) or a folder.</summary>
    public static void Flush(string path, bool isFolder)
    {
        if (isFolder)
        {
            FlushFolder(path);
        }
        else
        {
            FlushFile(path);
        }
    }

    /// <summary>Flushes <paramref name="directory"/>; a file system that cannot flush folders (EINVAL, ENOTSUP) is accepted as is.</summary>
    public static void FlushFolder(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            return;
        }

        FlushThroughLibc(directory, isFolder: true);
    }

    /// <summary>Flushes the content of the file <paramref name="path"/>.</summary>
    public static void FlushFile(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            FlushThroughLibc(path, isFolder: false);
            return;
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        file.Flush(flushToDisk: true);
    }

    private static void FlushThroughLibc(string path, bool isFolder)
    {
        var what = isFolder ? "folder" : "file";
        var flags = OperatingSystem.IsLinux() ? LinuxCloseOnExec : OperatingSystem.IsMacOS() ? MacCloseOnExec : 0;

        // Read-only is enough: fsync flushes whatever the file system holds for the inode, whoever wrote it.
        var descriptor = LibC.Open(path, flags, 0);
        if (descriptor < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            var message = $"Could not open the {what} '{path}' to flush it to disk: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).";
            throw errno == NoSuchFile && !isFolder ? new FileNotFoundException(message, path) : new IOException(message);
        }

        try
        {
            if (LibC.FSync(descriptor) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (!isFolder || errno is not (InvalidArgument or NotSupportedOnLinux or NotSupportedOnMac))
                {
                    throw new IOException($"Could not flush the {what} '{path}' to disk: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
                }
            }
        }
        finally
        {
            _ = LibC.Close(descriptor);
        }
    }
}
