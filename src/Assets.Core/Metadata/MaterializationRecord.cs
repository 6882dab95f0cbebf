using Assets.Graph;
using NodaTime;

namespace Assets.Metadata;

/// <summary>
/// The index entry of one materialization: what its manifest says (step 4 of the publish protocol) and,
/// once it is published, when and under which pointer sequence. The manifest is the truth; this record
/// lets the status grid and staleness be computed without reading manifests.
/// </summary>
/// <param name="Partition">The asset and partition it materialized.</param>
/// <param name="Id">The materialization id (never reused).</param>
/// <param name="RunId">The run that made it.</param>
/// <param name="DataVersion">The hash of its content.</param>
/// <param name="CodeVersion">The code version of the asset that made it.</param>
/// <param name="Rows">The number of rows written.</param>
/// <param name="Bytes">The total size of its data files.</param>
/// <param name="ManifestKey">The object key of its manifest under the root.</param>
/// <param name="Upstream">Every input read, with the data version read.</param>
/// <param name="CreatedAt">When it was staged.</param>
/// <param name="PublishedAt">When it was published, or <c>null</c> while it is not (staged, quarantined, superseded before publish).</param>
/// <param name="Sequence">The pointer sequence it was published under, or <c>null</c>.</param>
public sealed record MaterializationRecord(
    AssetPartition Partition,
    MaterializationId Id,
    RunId RunId,
    string DataVersion,
    string CodeVersion,
    long Rows,
    long Bytes,
    string ManifestKey,
    IReadOnlyList<UpstreamVersion> Upstream,
    Instant CreatedAt,
    Instant? PublishedAt,
    long? Sequence);
