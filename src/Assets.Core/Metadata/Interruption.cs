using System.Globalization;

namespace Assets.Metadata;

/// <summary>
/// A run that died (killed, crashed, its machine lost) while it materialized a partition. That is not the asset's
/// fault, so unlike a failure in the asset's own code it is retried without a person: eager automation plans the
/// partition again on its next tick, up to the asset's retry budget (<see cref="RetryPolicy.MaxAttempts"/>
/// interruptions in a row), after which it waits for a person like any failure. The partition is recorded
/// <see cref="PartitionStatus.Failed"/> with a cause of the form this type owns (the stored state needs no field of
/// its own, so every metadata store keeps it): <c>The run materializing this partition was interrupted (its process
/// died) before it published[, N times in a row]; the previous version, if any, is still published.</c>
/// </summary>
public static class Interruption
{
    private const string Prefix = "The run materializing this partition was interrupted (its process died) before it published";
    private const string Suffix = "; the previous version, if any, is still published.";
    private const string InARow = " times in a row";

    /// <summary>The cause of a partition whose run died, the <paramref name="timesInARow"/>-th time in a row (at least 1).</summary>
    public static string Cause(int timesInARow)
    {
        Preconditions.CheckArgument(timesInARow >= 1, $"An interruption happens at least once, not {timesInARow} times.", nameof(timesInARow));
        return timesInARow == 1
            ? Prefix + Suffix
            : string.Create(CultureInfo.InvariantCulture, $"{Prefix}, {timesInARow}{InARow}{Suffix}");
    }

    /// <summary>
    /// Whether <paramref name="state"/> is a partition left failed by a run that died, and how many times in a row its
    /// runs died.
    /// </summary>
    public static bool TryRead(PartitionState? state, out int timesInARow)
    {
        timesInARow = 0;
        return state is { Status: PartitionStatus.Failed } && TryRead(state.Cause, out timesInARow);
    }

    /// <summary>Whether <paramref name="cause"/> is an interruption's cause (see <see cref="Cause"/>), and how many times in a row.</summary>
    public static bool TryRead(string? cause, out int timesInARow)
    {
        timesInARow = 0;
        if (cause is null || !cause.StartsWith(Prefix, StringComparison.Ordinal) || !cause.EndsWith(Suffix, StringComparison.Ordinal))
        {
            return false;
        }

        var middle = cause.AsSpan(Prefix.Length, cause.Length - Prefix.Length - Suffix.Length);
        if (middle.IsEmpty)
        {
            timesInARow = 1;
            return true;
        }

        return middle.StartsWith(", ", StringComparison.Ordinal) && middle.EndsWith(InARow, StringComparison.Ordinal)
            && int.TryParse(middle[2..^InARow.Length], NumberStyles.None, CultureInfo.InvariantCulture, out timesInARow) && timesInARow > 1;
    }
}
