using System.Text.Json;
using Assets.Backfills;
using Assets.Hosting.CommandLine;
using Assets.Planning;

namespace Assets.Hosting.Daemon;

/// <summary>The body of <c>POST /materialize</c>: <c>materialize</c>'s options.</summary>
internal sealed record MaterializeRequest(string? Select, string? Partition, string? From, string? To, bool Force, int? Parallel)
{
    public (string? Partition, string? From, string? To) Range => (Partition, From, To);

    /// <summary>Checks what the command line's parser checks; a <see cref="CommandUsageException"/> says what is wrong.</summary>
    public MaterializeRequest Validate()
    {
        if (string.IsNullOrWhiteSpace(Select))
        {
            throw new CommandUsageException("select is required: the assets to materialize, for example raw_orders or *.");
        }

        if (Partition is not null && (From is not null || To is not null))
        {
            throw new CommandUsageException("Give either partition or from/to, not both.");
        }

        return Parallel is < 1 ? throw new CommandUsageException($"parallel must be at least 1, not {Parallel}.") : this;
    }
}

/// <summary>The body of <c>POST /backfills</c>: <c>backfill start</c>'s options (<c>partitions</c> the named keys of a selective backfill).</summary>
internal sealed record BackfillStartRequest(
    string? Select,
    string? Partition,
    string? From,
    string? To,
    IReadOnlyList<string>? Partitions,
    string? Reprocess,
    string? Order,
    int? MaxConcurrency,
    int? MaxPartitionsPerRun,
    bool DryRun)
{
    /// <summary>The backfill request, checked as the command line checks it; a <see cref="CommandUsageException"/> says what is wrong.</summary>
    public BackfillRequest ToRequest()
    {
        if (string.IsNullOrWhiteSpace(Select))
        {
            throw new CommandUsageException("select is required: the assets to backfill, for example raw_orders+ or *.");
        }

        if (Partitions is not null && (Partition is not null || From is not null || To is not null))
        {
            throw new CommandUsageException("Give either partitions or partition/from/to, not both.");
        }

        if (Partition is not null && (From is not null || To is not null))
        {
            throw new CommandUsageException("Give either partition or from/to, not both.");
        }

        if (!BackfillRequest.TryParseReprocess(Reprocess ?? "missing-or-stale", out var mode) || !BackfillRequest.TryParseOrder(Order ?? "newest-first", out var ordering))
        {
            throw new CommandUsageException("reprocess takes missing-or-stale, missing, failed-and-missing or all; order takes newest-first or oldest-first.");
        }

        if (MaxConcurrency is < 1 || MaxPartitionsPerRun is < 1)
        {
            throw new CommandUsageException("maxConcurrency and maxPartitionsPerRun must be at least 1.");
        }

        var keys = Partitions?.Where(k => !string.IsNullOrWhiteSpace(k)).ToArray();
        if (keys is { Length: 0 })
        {
            throw new CommandUsageException("partitions needs at least one partition key.");
        }

        return new BackfillRequest
        {
            Selection = Select,
            Range = keys is not null ? PartitionRange.ForPartitions(keys) : PlanningCommands.Range((Partition, From, To)),
            Reprocess = mode,
            Order = ordering,
            MaxConcurrency = MaxConcurrency ?? Environment.ProcessorCount,
            MaxPartitionsPerRun = MaxPartitionsPerRun ?? 1,
        };
    }
}

/// <summary>How request bodies are read: camelCase, case-insensitive.</summary>
internal static class DaemonJson
{
    public static JsonSerializerOptions Requests { get; } = new(JsonSerializerDefaults.Web);
}
