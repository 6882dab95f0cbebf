using NodaTime;

namespace Assets.Backfills;

/// <summary>A persisted backfill: its request, where it is, and its counts. Immutable.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Request">What it covers and how it runs.</param>
/// <param name="Status">Where it is.</param>
/// <param name="CreatedAt">When it was requested.</param>
/// <param name="UpdatedAt">When its status last changed.</param>
/// <param name="Owner">The process running (or that last ran) it; <c>null</c> before it first started.</param>
/// <param name="Counts">Its steps by state.</param>
/// <param name="Message">Why it ended as it did, in words; <c>null</c> while it runs.</param>
public sealed record Backfill(
    BackfillId Id,
    BackfillRequest Request,
    BackfillStatus Status,
    Instant CreatedAt,
    Instant UpdatedAt,
    BackfillOwner? Owner,
    BackfillCounts Counts,
    string? Message)
{
    /// <summary>Whether it can run again: anything but completed, or running in a live process.</summary>
    public bool CanResume => Status is not (BackfillStatus.Completed or BackfillStatus.Running);
}

/// <summary>A backfill's steps counted by state. Immutable.</summary>
/// <param name="Steps">Every step.</param>
/// <param name="Published">Published.</param>
/// <param name="Failed">Failed, quarantined or waiting for their source.</param>
/// <param name="Skipped">Skipped because an upstream step did not publish, or blocked.</param>
/// <param name="Remaining">Not run yet, running, or cancelled.</param>
public sealed record BackfillCounts(int Steps, int Published, int Failed, int Skipped, int Remaining)
{
    /// <summary>No steps.</summary>
    public static BackfillCounts None { get; } = new(0, 0, 0, 0, 0);

    /// <summary>Counts the states.</summary>
    public static BackfillCounts Of(IEnumerable<BackfillStepState> states)
    {
        var tally = new int[Enum.GetValues<BackfillStepState>().Length];
        foreach (var state in Preconditions.CheckNotNull(states))
        {
            tally[(int)state]++;
        }

        return OfTally(tally);
    }

    /// <summary>Counts from the number of steps in each state, indexed by <see cref="BackfillStepState"/>.</summary>
    public static BackfillCounts OfTally(IReadOnlyList<int> stepsByState)
    {
        Preconditions.CheckNotNull(stepsByState);
        int In(BackfillStepState state) => (int)state < stepsByState.Count ? stepsByState[(int)state] : 0;
        var published = In(BackfillStepState.Published);
        var failed = In(BackfillStepState.Failed) + In(BackfillStepState.Quarantined) + In(BackfillStepState.Waiting);
        var skipped = In(BackfillStepState.Skipped) + In(BackfillStepState.Blocked);
        var steps = stepsByState.Sum();
        return new(steps, published, failed, skipped, steps - published - failed - skipped);
    }
}
