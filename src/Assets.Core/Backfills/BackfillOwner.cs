using System.Diagnostics;
using NodaTime;

namespace Assets.Backfills;

/// <summary>
/// The process running a backfill: its id and start time, so a backfill whose process died is seen as
/// <see cref="BackfillStatus.Interrupted"/> even when the operating system has reused the id. Immutable.
/// </summary>
/// <param name="ProcessId">The process id.</param>
/// <param name="ProcessStartedAt">When that process started.</param>
public sealed record BackfillOwner(int ProcessId, Instant ProcessStartedAt)
{
    /// <summary>This process.</summary>
    public static BackfillOwner Current { get; } = Of(Process.GetCurrentProcess());

    /// <summary>Whether this is the current process.</summary>
    public bool IsCurrent => ProcessId == Environment.ProcessId;

    /// <summary>Whether the process still runs: one with the same id that started at the same time (to the second).</summary>
    public bool IsAlive()
    {
        if (IsCurrent)
        {
            return true;
        }

        try
        {
            using var process = Process.GetProcessById(ProcessId);
            var gap = Of(process).ProcessStartedAt - ProcessStartedAt;
            return !process.HasExited && gap < Duration.FromSeconds(1) && gap > Duration.FromSeconds(-1);
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        catch (InvalidOperationException)
        {
            return false; // it exited while we looked
        }
    }

    private static BackfillOwner Of(Process process)
        => new(process.Id, Instant.FromDateTimeUtc(process.StartTime.ToUniversalTime()));
}
