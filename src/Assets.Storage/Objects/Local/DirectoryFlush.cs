using System.Runtime.InteropServices;

namespace Assets.Storage.Objects.Local;

/// <summary>
/// Flushes a folder's entries to disk, so a file renamed or linked into it survives a power loss.
/// .NET cannot open a folder as a file (it refuses with <see cref="UnauthorizedAccessException"/>), so on
/// Linux and macOS this calls <c>open</c>, <c>fsync</c> and <c>close</c> from libc; Windows has no
/// equivalent (NTFS journals its metadata) and the call does nothing there.
/// </summary>
internal static partial class DirectoryFlush
{
    private const int LinuxCloseOnExec = 0x80000;
    private const int MacCloseOnExec = 0x1000000;
    private const int InvalidArgument = 22;
    private const int NotSupportedOnLinux = 95;
    private const int NotSupportedOnMac = 45;

    /// <summary>Flushes <paramref name="directory"/>; a file system that cannot flush folders (EINVAL, ENOTSUP) is accepted as is.</summary>
    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            return;
        }

        var flags = OperatingSystem.IsLinux() ? LinuxCloseOnExec : OperatingSystem.IsMacOS() ? MacCloseOnExec : 0;
        var descriptor = Native.Open(directory, flags);
        if (descriptor < 0)
        {
            throw new IOException($"Could not open the folder '{directory}' to flush it to disk (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Native.FSync(descriptor) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno is not (InvalidArgument or NotSupportedOnLinux or NotSupportedOnMac))
                {
                    throw new IOException($"Could not flush the folder '{directory}' to disk (errno {errno}).");
                }
            }
        }
        finally
        {
            _ = Native.Close(descriptor);
        }
    }

    private static class Native
    {
        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int FSync(int descriptor);

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Close(int descriptor);
    }
}
