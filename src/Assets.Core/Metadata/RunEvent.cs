using Assets.Graph;
using NodaTime;

namespace Assets.Metadata;

/// <summary>One entry of the event log: something that happened in a run, at a time. Events are never changed once appended.</summary>
/// <param name="RunId">The run.</param>
/// <param name="At">When it happened.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Partition">The asset partition it concerns, or <c>null</c> for a run-level event.</param>
/// <param name="Attempt">The attempt number (1 for the first) for step events, or <c>null</c>.</param>
/// <param name="Message">A sentence for people (the error, the reason), or <c>null</c>.</param>
public sealed record RunEvent(RunId RunId, Instant At, RunEventKind Kind, AssetPartition? Partition, int? Attempt, string? Message);
