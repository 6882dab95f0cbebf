using Assets.Graph;
using Assets.Metadata;

namespace Assets.Sources;

/// <summary>Where the latest observation of each observed partition's source is kept; the metadata store implements it.</summary>
public interface ISourceObservationStore
{
    /// <summary>Stores each observation, replacing the partition's previous one, in one transaction.</summary>
    Task RecordObservationsAsync(IReadOnlyList<ObservedSource> observations, CancellationToken ct = default);

    /// <summary>The latest observation of every observed partition (of <paramref name="assets"/>, or all when <c>null</c>).</summary>
    Task<IReadOnlyDictionary<AssetPartition, ObservedSource>> GetObservationsAsync(IReadOnlyCollection<AssetKey>? assets = null, CancellationToken ct = default);
}
