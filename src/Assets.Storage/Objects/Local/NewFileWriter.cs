using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Assets.Storage.Objects.Local;

/// <summary>
/// Writes a small new file in one go: on Linux and FreeBSD through <c>open</c> (exclusive create), <c>write</c> and
/// <c>close</c> from libc, three system calls where <see cref="File.OpenHandle"/> adds an advisory lock taken and dropped and
/// a seek (a publish writes three such files: its marker, manifest and new pointer); elsewhere through
/// <see cref="File.OpenHandle"/>. Errors are the ones .NET would raise: <see cref="DirectoryNotFoundException"/> for a missing
/// folder (callers create it and retry), <see cref="IOException"/> for an existing file or any other refusal.
/// </summary>
internal static class NewFileWriter
{
    private const int NoSuchFile = 2;
    private const int Interrupted = 4;
    private const int AlreadyExists = 17;
    private const int LinuxFlags = 0x1 | 0x40 | 0x80 | 0x80000; // O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC
    private const int FreeBsdFlags = 0x1 | 0x200 | 0x800 | 0x100000;
    private const int LinuxRewriteFlags = 0x1 | 0x80000; // O_WRONLY | O_CLOEXEC
    private const int FreeBsdRewriteFlags = 0x1 | 0x100000;
    private const int Permissions = 0x1B6; // 0666, less the process's umask, as .NET creates files

    /// <summary>Creates <paramref name="path"/>, which must not exist, with <paramref name="content"/>.</summary>
    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        switch (TryWrite(path, content))
        {
            case NewFileOutcome.FolderMissing:
                throw new DirectoryNotFoundException($"Could not create '{path}': its folder does not exist.");
            case NewFileOutcome.Exists:
                throw new IOException($"Could not create '{path}': a file of that name exists.");
        }
    }

    /// <summary>
    /// Creates <paramref name="path"/> with <paramref name="content"/>, or says, without throwing, that its folder is missing
    /// or that the name exists (nothing is written then); throws for any other refusal.
    /// </summary>
    public static NewFileOutcome TryWrite(string path, ReadOnlySpan<byte> content)
    {
        // Not on macOS: the mode is a variadic argument of open, which Apple silicon passes differently (see LibC.Open).
        var flags = OperatingSystem.IsLinux() ? LinuxFlags : OperatingSystem.IsFreeBSD() ? FreeBsdFlags : 0;
        if (flags == 0)
        {
            try
            {
                using SafeFileHandle handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                RandomAccess.Write(handle, content, fileOffset: 0);
                return NewFileOutcome.Written;
            }
            catch (DirectoryNotFoundException)
            {
                return NewFileOutcome.FolderMissing;
            }
            catch (IOException) when (File.Exists(path))
            {
                return NewFileOutcome.Exists;
            }
        }

        var descriptor = LibC.Open(path, flags, Permissions);
        if (descriptor < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno switch
            {
                NoSuchFile => NewFileOutcome.FolderMissing,
                AlreadyExists => NewFileOutcome.Exists,
                _ => throw new IOException($"Could not create '{path}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})."),
            };
        }

        WriteAllAndClose(descriptor, path, content, truncate: false);
        return NewFileOutcome.Written;
    }

    /// <summary>
    /// Replaces the content of the existing file <paramref name="path"/> with <paramref name="content"/> in place (Linux and
    /// FreeBSD only: <c>open</c> without creating, <c>write</c>, <c>ftruncate</c>, <c>close</c>; no block is freed and no inode
    /// allocated, see <see cref="SpareFiles"/>); <c>false</c>, changing nothing, when there is no such file.
    /// </summary>
    public static bool TryRewrite(string path, ReadOnlySpan<byte> content)
    {
        var flags = OperatingSystem.IsLinux() ? LinuxRewriteFlags : OperatingSystem.IsFreeBSD() ? FreeBsdRewriteFlags : throw new PlatformNotSupportedException();
        var descriptor = LibC.Open(path, flags, 0);
        if (descriptor < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == NoSuchFile
                ? false
                : throw new IOException($"Could not open '{path}' to write it: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
        }

        WriteAllAndClose(descriptor, path, content, truncate: true);
        return true;
    }

    /// <summary>Writes all of <paramref name="content"/> from the start, cuts the file there if asked, and closes it, throwing what fails.</summary>
    private static void WriteAllAndClose(int descriptor, string path, ReadOnlySpan<byte> content, bool truncate)
    {
        var length = content.Length;
        try
        {
            while (!content.IsEmpty)
            {
                var written = LibC.Write(descriptor, ref MemoryMarshal.GetReference(content), (nint)content.Length);
                if (written < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == Interrupted)
                    {
                        continue;
                    }

                    throw new IOException($"Could not write '{path}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
                }

                content = content[(int)written..];
            }

            if (truncate && LibC.FTruncate(descriptor, length) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw new IOException($"Could not cut '{path}' to {length} bytes: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
            }
        }
        catch
        {
            _ = LibC.Close(descriptor);
            throw;
        }

        // A failed close can mean a failed write (some file systems report it only here): the file is not whole.
        if (LibC.Close(descriptor) != 0 && Marshal.GetLastPInvokeError() is var closeErrno && closeErrno != Interrupted)
        {
            throw new IOException($"Could not close '{path}' after writing it: {Marshal.GetPInvokeErrorMessage(closeErrno)} (errno {closeErrno}).");
        }
    }
}

/// <summary>What <see cref="NewFileWriter.TryWrite"/> did.</summary>
internal enum NewFileOutcome
{
    /// <summary>The file was created with the content.</summary>
    Written,

    /// <summary>Nothing was created: the folder does not exist.</summary>
    FolderMissing,

    /// <summary>Nothing was created: a file or folder of that name exists.</summary>
    Exists,
}
