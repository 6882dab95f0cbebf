using NodaTime;

namespace Assets.Storage.Publishing;

/// <summary>Settings of the publish protocol.</summary>
public sealed class PublisherOptions
{
    /// <summary>
    /// How long a partition's lease lasts without renewal; every protocol step renews it. A run that
    /// dies keeps others out of its partitions for at most this long. Default: 10 minutes.
    /// </summary>
    public Duration LeaseDuration { get; init; } = Duration.FromMinutes(10);

    /// <summary>
    /// How often a step renews its lease in the background while it runs, with a metadata store whose leases are fenced
    /// (the shared PostgreSQL store): a step of any length keeps its partition, and a dead process's partitions are free
    /// again within <see cref="LeaseDuration"/>. Must be shorter than the lease. Default: <c>null</c>, a third of
    /// <see cref="LeaseDuration"/>.
    /// </summary>
    public Duration? HeartbeatInterval { get; init; }

    /// <summary>The heartbeat interval in effect.</summary>
    internal Duration EffectiveHeartbeat => HeartbeatInterval ?? LeaseDuration / 3;

    /// <summary>Throws when a setting is out of range.</summary>
    internal void Validate()
    {
        if (LeaseDuration <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(LeaseDuration), LeaseDuration, "The lease duration must be positive.");
        }

        if (EffectiveHeartbeat <= Duration.Zero || EffectiveHeartbeat >= LeaseDuration)
        {
            throw new ArgumentOutOfRangeException(nameof(HeartbeatInterval), HeartbeatInterval, "The heartbeat interval must be positive and shorter than the lease duration.");
        }
    }

    /// <summary>
    /// Where data files are written before they are uploaded under their final key, on a store that cannot write them in
    /// place (S3); a local root writes them where they end up. Default: the system's temp folder.
    /// </summary>
    public string StagingDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "assets-staging");
}
