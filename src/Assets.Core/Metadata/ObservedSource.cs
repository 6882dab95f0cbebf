using Assets.Graph;
using NodaTime;

namespace Assets.Metadata;

/// <summary>The latest observation of one partition's source, as the metadata store keeps it.</summary>
/// <param name="Partition">The observed asset partition.</param>
/// <param name="Arrived">Whether the source was there.</param>
/// <param name="Version">Its version when there; <c>null</c> otherwise.</param>
/// <param name="Description">What was observed, for people.</param>
/// <param name="ObservedAt">When this observation was first made (a repeated identical observation keeps it).</param>
public sealed record ObservedSource(AssetPartition Partition, bool Arrived, string? Version, string Description, Instant ObservedAt)
{
    /// <summary>Whether <paramref name="other"/> says the same as this one: arrival and version (not when, nor how it is described).</summary>
    public bool SaysTheSameAs(ObservedSource other)
        => Preconditions.CheckNotNull(other).Arrived == Arrived && string.Equals(other.Version, Version, StringComparison.Ordinal);

    /// <summary>The stored form of <paramref name="observation"/> of <paramref name="partition"/>, made at <paramref name="at"/>.</summary>
    public static ObservedSource Of(AssetPartition partition, SourceObservation observation, Instant at)
        => new(partition, Preconditions.CheckNotNull(observation).Arrived, observation.Version, observation.Description, at);
}
