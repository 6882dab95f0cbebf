using Assets.Hosting.Configuration;
using NodaTime;

namespace Assets.Hosting.Workers;

/// <summary>A worker's settings as durations and counts (from <see cref="WorkerOptions"/>, validated at start-up). Immutable.</summary>
/// <param name="Slots">How many claims it runs at once (a range run is one).</param>
/// <param name="ClaimTtl">How long a claim, and the worker's registration, holds without renewal.</param>
/// <param name="Heartbeat">How often claims and the registration are renewed.</param>
/// <param name="PollInterval">How long a wait for the queue lasts without a notification.</param>
/// <param name="ShutdownGrace">How long running steps may finish after Ctrl+C or SIGTERM before they are cancelled.</param>
/// <param name="QueueRetention">How long finished runs and silent workers stay in the step queue.</param>
internal sealed record WorkerSettings(int Slots, Duration ClaimTtl, Duration Heartbeat, Duration PollInterval, Duration ShutdownGrace, Duration QueueRetention)
{
    /// <summary>The settings of <paramref name="options"/>, with <paramref name="slots"/> (the command line's) winning over the configured slots.</summary>
    public static WorkerSettings From(AssetsOptions options, int? slots)
    {
        var worker = options.Worker;
        var ttl = DurationText.Parse(worker.ClaimTtl);
        return new WorkerSettings(
            slots ?? worker.Slots ?? Environment.ProcessorCount,
            ttl,
            worker.Heartbeat is { } beat ? DurationText.Parse(beat) : ttl / 3,
            DurationText.Parse(worker.PollInterval),
            DurationText.Parse(worker.ShutdownGrace),
            DurationText.Parse(worker.QueueRetention));
    }
}
