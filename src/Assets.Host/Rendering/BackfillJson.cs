using System.Text.Json;
using Assets.Backfills;
using NodaTime;
using NodaTime.Text;

namespace Assets.Hosting.Rendering;

/// <summary>
/// The stable JSON documents of <c>backfill list --json</c> (<c>{"backfills": [...]}</c>, newest first) and
/// <c>backfill status ID --json</c> (one such object, plus its <c>failures</c>). Each object has DESIGN's
/// <c>id, status, selection, from, to, steps, done, failed</c>, then <c>partitions</c> (named keys or null),
/// <c>reprocess</c>, <c>order</c>, <c>maxConcurrency</c>, <c>maxPartitionsPerRun</c>, <c>skipped</c>, <c>remaining</c>,
/// <c>createdAt</c>, <c>updatedAt</c> (ISO-8601 UTC) and <c>message</c>.
/// </summary>
internal static class BackfillJson
{
    public static string List(IEnumerable<Backfill> backfills)
        => JsonSerializer.Serialize(new ListDocument(backfills.Select(Item).ToArray()), JsonOutput.Options);

    public static string Status(Backfill backfill, IEnumerable<BackfillStep> steps)
    {
        var item = Item(backfill);
        var failures = steps
            .Where(s => s.State is BackfillStepState.Failed or BackfillStepState.Quarantined or BackfillStepState.Waiting or BackfillStepState.Skipped or BackfillStepState.Blocked)
            .Select(s => new FailureJson(s.Partition.Asset.Value, s.Partition.Partition?.Value, Name(s.State), s.Attempts, s.Error))
            .ToArray();
        return JsonSerializer.Serialize(new StatusDocument(item, failures), JsonOutput.Options);
    }

    public static string Name(BackfillStatus status) => status.ToString().ToLowerInvariant();

    public static string Name(BackfillStepState state) => state.ToString().ToLowerInvariant();

    private static ItemJson Item(Backfill b)
    {
        var range = b.Request.Range;
        return new ItemJson(
            b.Id.Value,
            Name(b.Status),
            b.Request.Selection,
            range.From,
            range.To,
            b.Counts.Steps,
            b.Counts.Published,
            b.Counts.Failed,
            range.Partitions ?? (range.Partition is { } one ? [one] : null),
            BackfillRequest.Describe(b.Request.Reprocess),
            BackfillRequest.Describe(b.Request.Order),
            b.Request.MaxConcurrency,
            b.Request.MaxPartitionsPerRun,
            b.Counts.Skipped,
            b.Counts.Remaining,
            Format(b.CreatedAt),
            Format(b.UpdatedAt),
            b.Message);
    }

    private static string Format(Instant at) => InstantPattern.ExtendedIso.Format(at);

    private sealed record ListDocument(IReadOnlyList<ItemJson> Backfills);

    private sealed record ItemJson(
        string Id, string Status, string Selection, string? From, string? To, int Steps, int Done, int Failed,
        IReadOnlyList<string>? Partitions, string Reprocess, string Order, int MaxConcurrency, int MaxPartitionsPerRun,
        int Skipped, int Remaining, string CreatedAt, string UpdatedAt, string? Message);

    private sealed record StatusDocument(
        string Id, string Status, string Selection, string? From, string? To, int Steps, int Done, int Failed,
        IReadOnlyList<string>? Partitions, string Reprocess, string Order, int MaxConcurrency, int MaxPartitionsPerRun,
        int Skipped, int Remaining, string CreatedAt, string UpdatedAt, string? Message, IReadOnlyList<FailureJson> Failures)
    {
        public StatusDocument(ItemJson i, IReadOnlyList<FailureJson> failures)
            : this(i.Id, i.Status, i.Selection, i.From, i.To, i.Steps, i.Done, i.Failed, i.Partitions, i.Reprocess, i.Order, i.MaxConcurrency,
                i.MaxPartitionsPerRun, i.Skipped, i.Remaining, i.CreatedAt, i.UpdatedAt, i.Message, failures)
        {
        }
    }

    private sealed record FailureJson(string Asset, string? Partition, string State, int Attempts, string? Error);
}
