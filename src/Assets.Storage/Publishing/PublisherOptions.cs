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

    /// <summary>Where data files are written before they are uploaded under their final key. Default: the system's temp folder.</summary>
    public string StagingDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "assets-staging");
}
