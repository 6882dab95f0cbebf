using System.Diagnostics;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;

namespace Assets.Hosting.Daemon;

/// <summary>
/// <c>daemon.json</c> next to the metadata store: where a running daemon answers, and which process it is. DuckDB
/// admits one process per file, so while a live daemon is advertised the commands ask it instead of opening the store.
/// A file whose process is gone (or whose pid now belongs to another process, told by its start time) is stale.
/// </summary>
internal sealed record DaemonAdvertisement(string Url, int ProcessId, string ProcessStartedAt)
{
    public const string FileName = "daemon.json";

    public static string PathFor(string metadataPath) => Path.Combine(Path.GetDirectoryName(metadataPath)!, FileName);

    /// <summary>This process serving at <paramref name="url"/>.</summary>
    public static DaemonAdvertisement ForCurrentProcess(string url)
    {
        using var self = Process.GetCurrentProcess();
        return new DaemonAdvertisement(url, self.Id, StartedAt(self));
    }

    /// <summary>Writes the file atomically (a temporary file renamed over it), so a reader never sees half of it.</summary>
    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + $".{ProcessId}.tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Rendering.JsonOutput.Options));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The advertised daemon if its process is alive, else null (no file, unreadable, or stale).</summary>
    public static DaemonAdvertisement? ReadLive(string path)
    {
        DaemonAdvertisement? advertised;
        try
        {
            advertised = JsonSerializer.Deserialize<DaemonAdvertisement>(File.ReadAllText(path), Rendering.JsonOutput.Options);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }

        return advertised is not null && advertised.IsAlive() ? advertised : null;
    }

    /// <summary>Removes the file if it still advertises this process (a newer daemon's file is left alone).</summary>
    public void RemoveIfOurs(string path)
    {
        try
        {
            var current = JsonSerializer.Deserialize<DaemonAdvertisement>(File.ReadAllText(path), Rendering.JsonOutput.Options);
            if (current == this)
            {
                File.Delete(path);
            }
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            // Nothing to remove.
        }
    }

    private bool IsAlive()
    {
        try
        {
            using var process = Process.GetProcessById(ProcessId);
            return !process.HasExited && StartedAt(process) == ProcessStartedAt;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    // Whole seconds: the start time read back from /proc is not always as precise as the one read at startup.
    private static string StartedAt(Process process)
        => InstantPattern.ExtendedIso.Format(Instant.FromDateTimeUtc(process.StartTime.ToUniversalTime()).Minus(Duration.FromTicks(process.StartTime.Ticks % NodaConstants.TicksPerSecond)));
}
