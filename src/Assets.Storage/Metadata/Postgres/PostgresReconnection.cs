using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NodaTime;
using Polly;
using Polly.Retry;

namespace Assets.Storage.Metadata.Postgres;

/// <summary>
/// How the shared store rides out a database that restarts, fails over or drops connections: an operation that met a
/// transient fault (connection refused or reset, <c>57P01</c> admin shutdown, <c>08xxx</c>, <c>53300</c> too many
/// connections, <c>40001</c>/<c>40P01</c> serialization failure or deadlock, <c>25P03</c> a session the server ended
/// because it sat idle in a transaction) runs again on a fresh connection, with
/// exponential backoff, for up to <see cref="PostgresStoreOptions.ReconnectFor"/> after its first fault, but only where
/// that cannot apply it twice: the fault happened before anything was sent, the server reported the statement failed,
/// the transaction never reached its commit (the server rolls back a transaction whose session ends), or the operation
/// is idempotent. An operation whose commit outcome is unknown (the connection broke while the commit or an autocommit
/// statement was in flight) and that is not idempotent is first checked (did it apply?) before it runs again. One log
/// line says when the database became unreachable, one when it answered again and after how long.
/// </summary>
internal sealed partial class PostgresReconnection
{
    private readonly ResiliencePipeline _pipeline;
    private readonly ILogger _logger;
    private readonly NpgsqlDataSource? _dataSource;
    private readonly string _database;
    private readonly TimeSpan _budget;
    private long _unreachableSince;

    public PostgresReconnection(NpgsqlDataSource? dataSource, string database, PostgresStoreOptions options)
    {
        _dataSource = dataSource;
        _database = database;
        _budget = options.ReconnectFor.ToTimeSpan();
        _logger = options.Logger ?? NullLogger.Instance;
        _pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<ReplayableFault>(),
                MaxRetryAttempts = int.MaxValue, // bounded by time instead: see Attempt.Failed
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.FirstDelay.ToTimeSpan(),
                MaxDelay = TimeSpan.FromSeconds(2),
            })
            .Build();
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a pooled connection of <paramref name="dataSource"/> of its own, as
    /// <see cref="ExecuteAsync{T}"/> does: after a fault that left the commit's outcome unknown, the replay's check on a
    /// fresh connection says whether the work already applied (then its result is <see cref="Replay{T}.WhenApplied"/>).
    /// </summary>
    public Task<T> ExecuteOnConnectionAsync<T>(NpgsqlDataSource dataSource, Func<NpgsqlConnection, Attempt, Task<T>> work, Replay<T> replay, CancellationToken ct)
        => ExecuteAsync(
            async attempt =>
            {
                await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
                if (attempt.OutcomeUnknown && replay.Applied is { } applied && await applied(connection, ct).ConfigureAwait(false))
                {
                    return replay.WhenApplied!;
                }

                attempt.Phase = Phase.Working;
                return await work(connection, attempt).ConfigureAwait(false);
            },
            replay,
            ct);

    /// <summary>
    /// Runs <paramref name="work"/> until it succeeds, fails for good, or the database stayed unreachable longer than the
    /// budget (then <see cref="MetadataStoreUnavailableException"/>).
    /// </summary>
    public async Task<T> ExecuteAsync<T>(Func<Attempt, Task<T>> work, Replay<T> replay, CancellationToken ct)
    {
        var attempt = new Attempt();
        try
        {
            var result = await _pipeline.ExecuteAsync(
                async token =>
                {
                    attempt.Begin();
                    try
                    {
                        return await work(attempt).ConfigureAwait(false);
                    }
                    catch (Exception e) when (attempt.Phase == Phase.Opening && !token.IsCancellationRequested && Classify(e, attempt.Phase) == Outcome.Permanent
                        && e is NpgsqlException or System.Net.Sockets.SocketException)
                    {
                        // A login refused, a database that does not exist: waiting does not help; say what to check.
                        throw new MetadataStoreUnavailableException(_database, e);
                    }
                    catch (Exception e) when (!token.IsCancellationRequested && Classify(e, attempt.Phase) is var outcome && outcome != Outcome.Permanent)
                    {
                        NoteUnreachable(e);
                        if (e is not PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected })
                        {
                            // The server went away: broken pooled connections would each cost an attempt, so start over with fresh ones.
                            _dataSource?.Clear();
                        }

                        if (outcome == Outcome.Unknown && replay.Kind == ReplayKind.Never)
                        {
                            throw new MetadataStoreUnavailableException(_database, e);
                        }

                        if (attempt.FailingFor() > _budget)
                        {
                            throw new MetadataStoreUnavailableException(_database, e, Duration.FromTimeSpan(_budget));
                        }

                        attempt.OutcomeUnknown |= outcome == Outcome.Unknown;
                        throw new ReplayableFault(e);
                    }
                },
                ct).ConfigureAwait(false);
            NoteReachable();
            return result;
        }
        catch (ReplayableFault fault)
        {
            // Only when the retry gave up another way (it does not: attempts are unbounded); keep the cause visible.
            throw new MetadataStoreUnavailableException(_database, fault.InnerException!);
        }
    }

    /// <summary>Whether <paramref name="e"/> is a fault the database recovers from by itself (a restart, a failover, a full pool).</summary>
    internal static bool IsTransient(Exception e) => e switch
    {
        PostgresException p => p.SqlState.StartsWith("08", StringComparison.Ordinal)
            || p.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                or PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected
                // The server ended a session that sat idle in a transaction too long (a stalled process): it rolled it back.
                or "25P03",
        NpgsqlException n => n.IsTransient,
        System.Net.Sockets.SocketException or IOException or TimeoutException => true,
        _ => false,
    };

    private static Outcome Classify(Exception e, Phase phase)
    {
        if (!IsTransient(e))
        {
            return Outcome.Permanent;
        }

        // The server answered with an error: the statement (and its transaction) did not apply. Before anything was sent,
        // or inside a transaction that never reached COMMIT, nothing applied either.
        return e is PostgresException || phase is Phase.Opening or Phase.InTransaction ? Outcome.NotApplied : Outcome.Unknown;
    }

    private void NoteUnreachable(Exception e)
    {
        // Without a budget the failure itself says it all; a warning that it "is retried for up to 0s" would only confuse.
        if (Interlocked.CompareExchange(ref _unreachableSince, Stopwatch.GetTimestamp(), 0) == 0 && _budget > TimeSpan.Zero)
        {
            LogUnreachable(_database, e.Message, DurationText.Approximately(Duration.FromTimeSpan(_budget)));
        }
    }

    private void NoteReachable()
    {
        if (Volatile.Read(ref _unreachableSince) != 0 && Interlocked.Exchange(ref _unreachableSince, 0) is var since and not 0)
        {
            LogReachable(_database, DurationText.Approximately(Duration.FromTimeSpan(Stopwatch.GetElapsedTime(since))));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The metadata store {Database} is unreachable ({Error}); its operations are retried for up to {Budget}")]
    private partial void LogUnreachable(string database, string error, string budget);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The metadata store {Database} answers again, after {Elapsed} unreachable")]
    private partial void LogReachable(string database, string elapsed);

    private enum Outcome
    {
        Permanent,
        NotApplied,
        Unknown,
    }

    /// <summary>Where an attempt was when it failed, which decides whether it may have applied.</summary>
    internal enum Phase
    {
        /// <summary>Taking a connection: nothing was sent.</summary>
        Opening,

        /// <summary>Running an autocommit statement: it applies when the server finishes it, reply or not.</summary>
        Working,

        /// <summary>Inside a transaction before its COMMIT: a broken session rolls it back.</summary>
        InTransaction,

        /// <summary>COMMIT sent: applied or not, the client cannot tell.</summary>
        Committing,
    }

    /// <summary>One call's attempts: the phase of the current one, and whether an earlier one may have applied.</summary>
    internal sealed class Attempt
    {
        private long _firstFault;

        public Phase Phase { get; set; }

        /// <summary>Whether an earlier attempt may have applied: the operation checks before it runs again.</summary>
        public bool OutcomeUnknown { get; set; }

        public void Begin() => Phase = Phase.Opening;

        public TimeSpan FailingFor()
        {
            if (_firstFault == 0)
            {
                _firstFault = Stopwatch.GetTimestamp();
            }

            return Stopwatch.GetElapsedTime(_firstFault);
        }
    }

    private sealed class ReplayableFault(Exception inner) : Exception(inner.Message, inner);
}

/// <summary>Whether an operation may run again after an attempt whose outcome is unknown.</summary>
internal enum ReplayKind
{
    /// <summary>Running it twice leaves what running it once does (reads, upserts, conditional updates).</summary>
    Idempotent,

    /// <summary>It runs again only after <see cref="Replay{T}.Applied"/> says the earlier attempt did not apply.</summary>
    Checked,

    /// <summary>It never runs again after an unknown outcome.</summary>
    Never,
}

/// <summary>How an operation runs again after an attempt whose outcome is unknown (see <see cref="PostgresReconnection"/>).</summary>
internal sealed record Replay<T>(ReplayKind Kind, Func<NpgsqlConnection, CancellationToken, Task<bool>>? Applied = null, T? WhenApplied = default)
{
    public static Replay<T> Idempotent { get; } = new(ReplayKind.Idempotent);

    /// <summary>Runs again unless <paramref name="applied"/> finds the earlier attempt's work; then returns <paramref name="whenApplied"/>.</summary>
    public static Replay<T> Checked(Func<NpgsqlConnection, CancellationToken, Task<bool>> applied, T whenApplied) => new(ReplayKind.Checked, applied, whenApplied);
}
