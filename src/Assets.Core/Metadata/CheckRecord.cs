using Assets.Graph;
using NodaTime;

namespace Assets.Metadata;

/// <summary>The outcome of one check evaluated against one materialization of an asset partition.</summary>
/// <param name="Partition">The asset partition checked.</param>
/// <param name="MaterializationId">The materialization whose (staged) data was checked.</param>
/// <param name="CheckName">The check's name.</param>
/// <param name="Passed">Whether it passed.</param>
/// <param name="Blocking">Whether a failure blocks the publish.</param>
/// <param name="Description">What was found, or <c>null</c>.</param>
/// <param name="EvaluatedAt">When it was evaluated.</param>
public sealed record CheckRecord(
    AssetPartition Partition,
    MaterializationId MaterializationId,
    string CheckName,
    bool Passed,
    bool Blocking,
    string? Description,
    Instant EvaluatedAt);
