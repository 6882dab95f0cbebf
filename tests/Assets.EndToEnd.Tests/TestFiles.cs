using System.Diagnostics;

namespace Assets.EndToEnd.Tests;

/// <summary>Files and tools the end-to-end tests set up: a copy of the example's sources, a named pipe.</summary>
internal static class TestFiles
{
    /// <summary>Copies every file under <paramref name="from"/> to the same place under <paramref name="to"/>.</summary>
    public static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>Runs a tool (<c>mkfifo</c>, <c>ln</c>) and asserts it succeeded.</summary>
    public static void Run(string program, params string[] arguments)
    {
        using var process = Process.Start(program, arguments)!;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}");
    }
}
