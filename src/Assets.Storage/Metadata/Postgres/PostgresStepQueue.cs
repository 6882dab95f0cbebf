using Assets.Execution;
using Assets.Execution.Queue;
using Npgsql;
using NodaTime;

namespace Assets.Storage.Metadata.Postgres;

/// <summary>
/// The step queue in the shared PostgreSQL metadata store (<see cref="IStepQueue"/> describes the rules; DESIGN.md,
/// "Shared mode"). There is no queue for the DuckDB store: workers need a database many processes share.
/// <para>
/// Each operation is one round trip: claims and completions run as functions inside the server
/// (<see cref="PostgresStepQueueSchema"/>), the rest as single statements or batches that PostgreSQL runs as one
/// implicit transaction. Claims are serialized by a transaction-scoped advisory lock, because the fairness rule (the
/// pool's last free slot, each backfill's limit) is a count over the whole queue that row locks cannot keep exact
/// between two claimers; a claim holds it for a millisecond or two, and takes its rows <c>FOR UPDATE SKIP LOCKED</c>
/// so it never waits for a completion in flight. Every change that can make work claimable or a run finished notifies
/// the schema's channel (<see cref="PostgresStepQueueSession"/>).
/// </para>
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It is a queue of steps: the domain's own word.")]
public sealed partial class PostgresStepQueue : IStepQueue, IAsyncDisposable
{
    /// <summary>Enqueuing a run of at least this many steps refreshes the queue tables' statistics.</summary>
    private const int AnalyzeAfterSteps = 500;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _listenConnectionString;
    private readonly IClock _clock;
    private readonly PostgresReconnection _reconnection;
    private int _disposed;

    private PostgresStepQueue(NpgsqlDataSource dataSource, string listenConnectionString, IClock clock, string description, PostgresStoreOptions options)
    {
        _dataSource = dataSource;
        _listenConnectionString = listenConnectionString;
        _clock = clock;
        _reconnection = new PostgresReconnection(dataSource, description, options);
        Description = description;
    }

    /// <summary>The database, for messages: host, port and database name (never the password).</summary>
    public string Description { get; }

    /// <summary>
    /// Opens the queue of the store named by <paramref name="connectionString"/> (see <see cref="PostgresConnectionString"/>)
    /// and brings the schema up to date under the migration lock, as <see cref="PostgresMetadataStore.OpenAsync(string, IClock, CancellationToken)"/> does.
    /// <paramref name="clock"/> stamps what has no caller's time (a release, a migration).
    /// </summary>
    /// <exception cref="FormatException">The connection string is malformed.</exception>
    /// <exception cref="MetadataStoreUnavailableException">The server cannot be reached or refuses the login.</exception>
    public static Task<PostgresStepQueue> OpenAsync(string connectionString, IClock clock, CancellationToken ct = default)
        => OpenAsync(connectionString, clock, new PostgresStoreOptions(), ct);

    /// <summary>
    /// Opens the queue as <see cref="OpenAsync(string, IClock, CancellationToken)"/> does, riding out a database that
    /// restarts or drops connections as <paramref name="options"/> say, as the store does (see
    /// <see cref="PostgresMetadataStore.OpenAsync(string, IClock, PostgresStoreOptions, CancellationToken)"/>): every
    /// operation runs again after a transient fault where that cannot apply it twice. A claim whose reply was lost is
    /// not found again: the steps it took lapse at their claim TTL and are claimed anew (as their next attempt).
    /// </summary>
    /// <exception cref="FormatException">The connection string is malformed.</exception>
    /// <exception cref="MetadataStoreUnavailableException">The server cannot be reached within the reconnection budget or refuses the login.</exception>
    public static async Task<PostgresStepQueue> OpenAsync(string connectionString, IClock clock, PostgresStoreOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        var builder = PostgresConnectionString.Parse(connectionString);
        var description = PostgresConnectionString.Describe(builder);
        // A connection back in the pool is not reset (DISCARD ALL): that would throw away the plans the server cached for
        // the queue's functions, and re-planning them on every call costs more than the call. Nothing here changes
        // session state that a reset would need to clear. The few statements the queue repeats are prepared on the server
        // after a few uses, so a claim, renewal or completion is neither parsed nor planned again.
        var pooled = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { NoResetOnClose = true, MaxAutoPrepare = 16 };
        var dataSource = new NpgsqlDataSourceBuilder(pooled.ConnectionString).Build();
        try
        {
            // A listening session is its own server session: a pooled connection would carry the LISTEN to its next user.
            builder.Pooling = false;
            builder.KeepAlive = 5;
            var queue = new PostgresStepQueue(dataSource, builder.ConnectionString, clock, description, options);
            // The migration is one transaction: a fault before its commit rolled it back, and a repeat finds the version.
            await queue.RunAsync(connection => PostgresSchema.MigrateAsync(connection, StoredForm.Ticks(clock.GetCurrentInstant()), ct), ct).ConfigureAwait(false);
            return queue;
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Closes the queue's pooled connections (open sessions keep their own until disposed).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task EnqueueAsync(QueuedRun run, Instant now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        var positions = new Dictionary<Graph.AssetPartition, int>(run.Steps.Count);
        for (var i = 0; i < run.Steps.Count; i++)
        {
            positions[run.Steps[i].Step.Partition] = i;
        }

        var count = run.Steps.Count;
        var assets = new string[count];
        var partitions = new string[count];
        var versions = new string[count];
        var reasons = new string?[count];
        var rangeLeads = new int?[count];
        var ranges = new string?[count];
        var waitingFor = new int[count];
        var upstreams = new List<int>();
        var downstreams = new List<int>();
        for (var i = 0; i < count; i++)
        {
            var step = run.Steps[i].Step;
            assets[i] = step.Partition.Asset.Value;
            partitions[i] = StoredForm.Partition(step.Partition.Partition);
            versions[i] = run.Steps[i].CodeVersion;
            reasons[i] = step.Reason;
            if (step.RunsWith is { } range)
            {
                rangeLeads[i] = range.Min(member => positions[member]);
                ranges[i] = System.Text.Json.JsonSerializer.Serialize(range.Select(member => StoredForm.Partition(member.Partition)).ToArray());
            }

            foreach (var upstream in (step.DependsOn ?? []).Distinct())
            {
                upstreams.Add(positions[upstream]);
                downstreams.Add(i);
                waitingFor[i]++;
            }
        }

        var ticks = StoredForm.Ticks(now);
        var group = run.Origin.Backfill is { } backfill ? "backfill:" + backfill.Value : "run:" + run.Id.Value;
        try
        {
            // The batch is one implicit transaction: when its commit's reply was lost, the run is there or not at all.
            await RunAsync(
                async connection =>
                {
                    await using var batch = new NpgsqlBatch(connection);
                    batch.BatchCommands.Add(Statement(
                        """
                        INSERT INTO queue_runs (run_id, origin, backfill_id, priority, concurrency_group, concurrency_limit, enqueued_at)
                        VALUES (@run, @origin, @backfill, @priority, @group, @limit, @now)
                        """,
                        ("run", run.Id.Value),
                        ("origin", (short)run.Origin.Kind),
                        ("backfill", run.Origin.Backfill?.Value),
                        ("priority", (short)run.Priority),
                        ("group", group),
                        ("limit", run.ConcurrencyLimit),
                        ("now", ticks)));
                    batch.BatchCommands.Add(Statement(
                        """
                        INSERT INTO queue_steps (run_seq, position, asset, partition, code_version, reason, range_lead, range_partitions, waiting_for, state, updated_at)
                        SELECT (SELECT seq FROM queue_runs WHERE run_id = @run), s.position - 1, s.asset, s.partition, s.version, s.reason,
                               s.range_lead, s.range_partitions, s.waiting_for, CASE WHEN s.waiting_for = 0 THEN 1 ELSE 0 END, @now
                        FROM unnest(@assets, @partitions, @versions, @reasons, @rangeLeads, @ranges, @waitingFor)
                             WITH ORDINALITY AS s(asset, partition, version, reason, range_lead, range_partitions, waiting_for, position)
                        """,
                        ("run", run.Id.Value),
                        ("assets", assets),
                        ("partitions", partitions),
                        ("versions", versions),
                        ("reasons", reasons),
                        ("rangeLeads", rangeLeads),
                        ("ranges", ranges),
                        ("waitingFor", waitingFor),
                        ("now", ticks)));
                    if (upstreams.Count > 0)
                    {
                        batch.BatchCommands.Add(Statement(
                            """
                            INSERT INTO queue_edges (run_seq, upstream, downstream)
                            SELECT (SELECT seq FROM queue_runs WHERE run_id = @run), e.upstream, e.downstream FROM unnest(@upstreams, @downstreams) AS e(upstream, downstream)
                            """,
                            ("run", run.Id.Value),
                            ("upstreams", upstreams.ToArray()),
                            ("downstreams", downstreams.ToArray())));
                    }

                    if (count >= AnalyzeAfterSteps)
                    {
                        // A big run can be most of the table: without fresh statistics the server plans the claim and completion
                        // statements for the empty table it last saw and scans the whole run on every call (autovacuum catches up
                        // only a minute or more later). Sampling costs tens of milliseconds, once per big enqueue.
                        batch.BatchCommands.Add(Statement("ANALYZE queue_steps, queue_edges, queue_runs"));
                    }

                    batch.BatchCommands.Add(Statement("SELECT assets_queue_notify(@run)", ("run", run.Id.Value)));
                    await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                },
                ct,
                Replay<bool>.Checked(
                    async (connection, token) =>
                    {
                        await using var command = Command(connection, "SELECT EXISTS (SELECT 1 FROM queue_runs WHERE run_id = @run)", ("run", run.Id.Value));
                        return (bool)(await command.ExecuteScalarAsync(token).ConfigureAwait(false))!;
                    },
                    true)).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "queue_runs_run_id_key")
        {
            throw new InvalidOperationException($"Run {run.Id} is queued already: each run is enqueued once; make a new run id for new work.", e);
        }
    }

    /// <inheritdoc />
    public async Task<IStepQueueSession> OpenSessionAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var session = new PostgresStepQueueSession(_listenConnectionString, Description);
        await session.ListenAsync(ct).ConfigureAwait(false);
        return session;
    }

    /// <summary>
    /// Runs <paramref name="work"/> (one autocommit statement or batch: PostgreSQL runs a batch as one implicit
    /// transaction) on a pooled connection of its own, again after a transient fault as <see cref="PostgresReconnection"/>
    /// allows: by default the work is idempotent.
    /// </summary>
    private Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct, Replay<T>? replay = null)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        replay ??= Replay<T>.Idempotent;
        return _reconnection.ExecuteOnConnectionAsync(_dataSource, (connection, _) => work(connection), replay, ct);
    }

    private Task<bool> RunAsync(Func<NpgsqlConnection, Task> work, CancellationToken ct, Replay<bool>? replay = null)
        => RunAsync(
            async connection =>
            {
                await work(connection).ConfigureAwait(false);
                return true;
            },
            ct,
            replay);

    private static NpgsqlBatchCommand Statement(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter(name, value ?? DBNull.Value));
        }

        return command;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter(name, value ?? DBNull.Value));
        }

        return command;
    }

    private static StepPriority Priority(short code) => code switch
    {
        0 => StepPriority.Current,
        1 => StepPriority.Backfill,
        _ => throw new InvalidDataException($"The step queue holds priority code {code}, which this version of Assets does not know: upgrade Assets."),
    };

    private static RunOrigin Origin(short code, string? backfill) => code switch
    {
        0 => RunOrigin.Materialize,
        1 => RunOrigin.ForBackfill(Backfills.BackfillId.Parse(backfill!)),
        2 => RunOrigin.Automation,
        _ => throw new InvalidDataException($"The step queue holds origin code {code}, which this version of Assets does not know: upgrade Assets."),
    };
}
