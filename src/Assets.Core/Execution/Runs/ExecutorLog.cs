using Assets.Graph;
using Microsoft.Extensions.Logging;

namespace Assets.Execution;

/// <summary>The executor's structured log messages.</summary>
internal static partial class ExecutorLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Run {RunId} started: {Steps} steps, at most {MaxParallelism} at once")]
    public static partial void RunStarted(ILogger logger, RunId runId, int steps, int maxParallelism);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Run {RunId} {Outcome}: {Summary}")]
    public static partial void RunFinished(ILogger logger, RunId runId, RunOutcome outcome, string summary);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "{Partition} attempt {Attempt} started")]
    public static partial void AttemptStarted(ILogger logger, AssetPartition partition, int attempt);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "{Partition} attempt {Attempt} failed with a transient error; retrying in {Delay}: {Error}")]
    public static partial void Retrying(ILogger logger, Exception exception, AssetPartition partition, int attempt, string delay, string error);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "{Partition} published on attempt {Attempt}: {Rows} rows, data version {DataVersion}")]
    public static partial void Published(ILogger logger, AssetPartition partition, int attempt, long? rows, string dataVersion);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "{Partition} failed on attempt {Attempt}, with no retry left: {Error}")]
    public static partial void Failed(ILogger logger, Exception exception, AssetPartition partition, int attempt, string error);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "{Partition} skipped: {Cause}")]
    public static partial void Skipped(ILogger logger, AssetPartition partition, string cause);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "{Partition} quarantined: {Cause}")]
    public static partial void Quarantined(ILogger logger, AssetPartition partition, string cause);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "{Partition} is waiting for its source: {Message}")]
    public static partial void Waiting(ILogger logger, AssetPartition partition, string message);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "{Partition}: non-blocking check {Check} failed: {Description}")]
    public static partial void CheckWarning(ILogger logger, AssetPartition partition, string check, string? description);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "{Partition} cancelled during attempt {Attempt}; nothing was published")]
    public static partial void Cancelled(ILogger logger, AssetPartition partition, int attempt);

    [LoggerMessage(EventId = 12, Level = LogLevel.Error, Message = "Could not record the {Kind} event of run {RunId} in the metadata store")]
    public static partial void EventNotRecorded(ILogger logger, Exception exception, Metadata.RunEventKind kind, RunId runId);

    [LoggerMessage(EventId = 13, Level = LogLevel.Error, Message = "{Partition}: could not mark the materialization failed or release it")]
    public static partial void CleanupFailed(ILogger logger, Exception exception, AssetPartition partition);

    [LoggerMessage(EventId = 14, Level = LogLevel.Information, Message = "{Partition}: {Message}")]
    public static partial void WaitingForLease(ILogger logger, AssetPartition partition, string message);

    [LoggerMessage(EventId = 15, Level = LogLevel.Information, Message = "{Partition}: {Message}")]
    public static partial void DoneByAnotherRun(ILogger logger, AssetPartition partition, string message);
}
