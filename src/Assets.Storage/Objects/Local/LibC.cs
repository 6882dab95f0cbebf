using System.Runtime.InteropServices;

namespace Assets.Storage.Objects.Local;

/// <summary>
/// The few libc calls the local store makes where .NET has no equivalent or adds system calls a publish does not need
/// (flushing a folder, creating a file without an advisory lock, a link or rename that never replaces, an unlink that
/// reports a missing file without an exception). Each returns what libc returns; the error is <see cref="Marshal.GetLastPInvokeError"/>.
/// </summary>
internal static class LibC
{
    /// <summary>
    /// <c>open(path, flags, mode)</c>. <c>open</c> is variadic: the mode is read as a third argument only with
    /// <c>O_CREAT</c>, and passing it as a fixed one is right only where variadic and fixed integer arguments travel alike
    /// (Linux and FreeBSD; not macOS on Apple silicon, where they go on the stack), so create files through it only there.
    /// </summary>
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

    [DllImport("libc", EntryPoint = "write", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern nint Write(int descriptor, ref byte buffer, nint count);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int FSync(int descriptor);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Close(int descriptor);

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Link([MarshalAs(UnmanagedType.LPUTF8Str)] string existing, [MarshalAs(UnmanagedType.LPUTF8Str)] string created);

    [DllImport("libc", EntryPoint = "unlink", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Unlink([MarshalAs(UnmanagedType.LPUTF8Str)] string path);

    [DllImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int FTruncate(int descriptor, long length);

    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Rename([MarshalAs(UnmanagedType.LPUTF8Str)] string existing, [MarshalAs(UnmanagedType.LPUTF8Str)] string renamed);

    /// <summary><c>renameat2</c> (Linux only, glibc 2.28 and later); with <see cref="RenameNoReplace"/> it refuses an existing name.</summary>
    [DllImport("libc", EntryPoint = "renameat2", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int RenameAt2(int existingFolder, [MarshalAs(UnmanagedType.LPUTF8Str)] string existing, int renamedFolder, [MarshalAs(UnmanagedType.LPUTF8Str)] string renamed, uint flags);

    /// <summary><c>AT_FDCWD</c>: paths of <see cref="RenameAt2"/> relative to the working folder (absolute ones ignore it).</summary>
    public const int CurrentFolder = -100;

    /// <summary><c>RENAME_NOREPLACE</c>.</summary>
    public const uint RenameNoReplace = 1;

    [DllImport("libc", EntryPoint = "rmdir", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int RemoveDirectory([MarshalAs(UnmanagedType.LPUTF8Str)] string path);
}
