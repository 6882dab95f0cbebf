using System.Globalization;
using System.Text.Json;
using Assets.Backfills;
using Assets.Planning;
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

    /// <summary>
    /// The answer of <c>POST /backfills</c> (and what <c>backfill start</c> shows first): <c>{"backfill": item or null,
    /// "runs", "description"}</c>; <c>backfill</c> is null when nothing in range needs a backfill (nothing was recorded).
    /// </summary>
    public static string Started(Backfill? backfill, int runs, BackfillRequest request)
        => JsonSerializer.Serialize(new StartedDocument(backfill is null ? null : Item(backfill), runs, Describe(request)), JsonOutput.Options);

    /// <summary>
    /// The answer of <c>POST /backfills</c> with <c>dryRun</c>: the <c>plan --json</c> document (<c>steps</c>, <c>blocked</c>)
    /// plus what the text dry run shows: <c>runs</c> (<c>{asset, partitions, reason}</c>, one per run of the backfill),
    /// <c>blockedSteps</c> (<c>{asset, partition, reason}</c>) and <c>description</c>.
    /// </summary>
    public static string DryRun(BackfillPlan plan)
    {
        var runs = plan.Steps.Where(s => s.BlockedReason is null).GroupBy(s => s.Chunk)
            .Select(run => new DryRunRun(run.First().Partition.Asset.Value, run.Select(s => s.Partition.Partition?.Value).ToArray(), run.First().Reason))
            .ToArray();
        var blocked = plan.Steps.Where(s => s.BlockedReason is not null)
            .Select(s => new PlanLineItem(s.Partition.Asset.Value, s.Partition.Partition?.Value, s.BlockedReason!)).ToArray();
        return JsonSerializer.Serialize(
            new DryRunDocument(
                plan.Plan.Steps.Select(s => new PlanLineItem(s.Partition.Asset.Value, s.Partition.Partition?.Value, s.Reason)).ToArray(),
                plan.Plan.Blocked.Select(b => new PlanLineItem(b.Partition.Asset.Value, b.Partition.Partition?.Value, b.Reason)).ToArray(),
                runs,
                blocked,
                Describe(plan.Request)),
            JsonOutput.Options);
    }

    /// <summary>Reads a <see cref="DryRun"/> document.</summary>
    public static DryRunDocument ParseDryRun(string json)
        => JsonSerializer.Deserialize<DryRunDocument>(json, JsonOutput.Options) ?? throw new JsonException("An empty dry run.");

    /// <summary>Reads a <see cref="Started"/> document.</summary>
    public static StartedView ParseStarted(string json)
        => JsonSerializer.Deserialize<StartedView>(json, JsonOutput.Options) ?? throw new JsonException("An empty answer.");

    /// <summary>Reads a <c>backfill status --json</c> document (or one item of the list).</summary>
    public static BackfillView ParseStatus(string json)
        => JsonSerializer.Deserialize<BackfillView>(json, JsonOutput.Options) ?? throw new JsonException("An empty backfill.");

    /// <summary>Reads a <c>backfill list --json</c> document.</summary>
    public static IReadOnlyList<BackfillView> ParseList(string json)
        => JsonSerializer.Deserialize<ListView>(json, JsonOutput.Options)?.Backfills ?? throw new JsonException("An empty list.");

    /// <summary>The request in words: <c>raw_orders, from 2026-01-01 to 2026-01-07, reprocess missing-or-stale, newest-first, at most 2 at once</c>.</summary>
    public static string Describe(BackfillRequest request)
        => string.Create(CultureInfo.InvariantCulture, $"{request.Selection}, {request.Range}, reprocess {BackfillRequest.Describe(request.Reprocess)}, {BackfillRequest.Describe(request.Order)}, at most {request.MaxConcurrency} at once")
            + (request.MaxPartitionsPerRun > 1 ? string.Create(CultureInfo.InvariantCulture, $", up to {request.MaxPartitionsPerRun} partitions per run") : string.Empty);

    /// <summary>The request of a document in the same words.</summary>
    public static string Describe(BackfillView b)
    {
        var range = b.Partitions is { Count: > 0 } keys ? PartitionRange.ForPartitions(keys) : PartitionRange.Between(b.From, b.To);
        var reprocess = b.Reprocess is not null && BackfillRequest.TryParseReprocess(b.Reprocess, out var mode) ? mode : PlanMode.MissingOrStale;
        var order = b.Order is not null && BackfillRequest.TryParseOrder(b.Order, out var o) ? o : BackfillOrder.NewestFirst;
        return Describe(new BackfillRequest
        {
            Selection = b.Selection,
            Range = range,
            Reprocess = reprocess,
            Order = order,
            MaxConcurrency = Math.Max(1, b.MaxConcurrency),
            MaxPartitionsPerRun = Math.Max(1, b.MaxPartitionsPerRun),
        });
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

    private sealed record StartedDocument(ItemJson? Backfill, int Runs, string Description);

    /// <summary>The <c>plan --json</c> document of a dry run, with its runs, blocked steps and description.</summary>
    internal sealed record DryRunDocument(
        IReadOnlyList<PlanLineItem> Steps, IReadOnlyList<PlanLineItem> Blocked, IReadOnlyList<DryRunRun> Runs, IReadOnlyList<PlanLineItem> BlockedSteps, string Description);

    /// <summary>One run of a dry run: one partition, or consecutive ones of a <c>[RangeRuns]</c> asset.</summary>
    internal sealed record DryRunRun(string Asset, IReadOnlyList<string?> Partitions, string? Reason);

    /// <summary>A read <see cref="Started"/> document.</summary>
    internal sealed record StartedView(BackfillView? Backfill, int Runs, string Description);

    private sealed record ListView(IReadOnlyList<BackfillView> Backfills);

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

/// <summary>A backfill as its <c>backfill list --json</c> item or <c>backfill status --json</c> document says it (<see cref="Failures"/> empty for an item).</summary>
internal sealed record BackfillView
{
    public required string Id { get; init; }

    public required string Status { get; init; }

    public required string Selection { get; init; }

    public string? From { get; init; }

    public string? To { get; init; }

    public int Steps { get; init; }

    public int Done { get; init; }

    public int Failed { get; init; }

    public IReadOnlyList<string>? Partitions { get; init; }

    public string? Reprocess { get; init; }

    public string? Order { get; init; }

    public int MaxConcurrency { get; init; }

    public int MaxPartitionsPerRun { get; init; }

    public int Skipped { get; init; }

    public int Remaining { get; init; }

    public string? CreatedAt { get; init; }

    public string? UpdatedAt { get; init; }

    public string? Message { get; init; }

    public IReadOnlyList<BackfillFailureView> Failures { get; init; } = [];

    /// <summary>Whether it still runs (<c>requested</c> or <c>running</c>).</summary>
    public bool IsRunning => Status is "requested" or "running";
}

/// <summary>One entry of a status document's <c>failures</c>.</summary>
internal sealed record BackfillFailureView(string Asset, string? Partition, string State, int Attempts, string? Error);
