namespace Assets.Hosting.Configuration;

/// <summary>
/// Settings of an Assets project, bound from the configuration section <c>Assets</c>
/// (<c>appsettings.json</c>, environment variables such as <c>Assets__Root</c>, and <c>--root</c> on the
/// command line, which wins). Validated at start-up; a bad value stops the program with a message naming its key.
/// </summary>
public sealed class AssetsOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Assets";

    /// <summary>
    /// Where data, manifests and pointers live: a folder, or <c>s3://bucket/prefix</c>. A relative folder
    /// is resolved against the current directory. Default: <c>./.assets</c>.
    /// </summary>
    public string Root { get; set; } = "./.assets";

    /// <summary>
    /// The metadata store: a DuckDB file, or a PostgreSQL database for the shared mode, named by a URI
    /// (<c>postgresql://user:password@host:5432/database?sslmode=require</c>) or Npgsql's key=value pairs
    /// (<c>Host=db;Database=assets;Username=assets</c>), which any number of processes open at once. Default: the
    /// DuckDB file <c>&lt;root&gt;/_meta/assets.duckdb</c> for a local root; for an S3 root,
    /// <c>./.assets-meta/assets.duckdb</c> in the current directory (a DuckDB file must be local).
    /// </summary>
    public string? Metadata { get; set; }

    /// <summary>
    /// With a PostgreSQL <see cref="Metadata"/>: how long an operation keeps retrying while the database is unreachable
    /// (a restart, a failover, a server not up yet) before the command fails saying so, as <c>30s</c>, <c>5m</c>; <c>0s</c>
    /// fails at the first fault. A refused login or a missing database fails at once whatever this is. Default: <c>1m</c>.
    /// </summary>
    public string MetadataReconnectFor { get; set; } = DefaultMetadataReconnectFor;

    /// <summary>The default of <see cref="MetadataReconnectFor"/>.</summary>
    public const string DefaultMetadataReconnectFor = "1m";

    /// <summary>
    /// How many decoded rows a run keeps in memory so that a partition several steps (or a step's checks and
    /// then its readers) read is decoded from Parquet once; the least recently read partitions make room, and a
    /// partition larger than this is streamed. 0 turns it off. Default: 500,000.
    /// </summary>
    public long DecodedRowCacheRows { get; set; } = Assets.Storage.Reading.DecodedRowCacheOptions.DefaultMaxRows;

    /// <summary>S3 settings, used when <see cref="Root"/> is an <c>s3://</c> location.</summary>
    public S3Options S3 { get; set; } = new();

    /// <summary>Settings of the daemon (<c>serve</c>).</summary>
    public DaemonOptions Daemon { get; set; } = new();

    /// <summary>How long a step's partition lease lasts and how often it is renewed.</summary>
    public LeaseOptions Leases { get; set; } = new();

    /// <summary>Where <c>materialize</c> runs its steps: in its own process, or by <c>worker</c> processes (the shared mode).</summary>
    public ExecutionSettings Execution { get; set; } = new();

    /// <summary>Settings of the <c>worker</c> command (the shared mode).</summary>
    public WorkerOptions Worker { get; set; } = new();
}

/// <summary>
/// Partition leases (DESIGN.md, publish protocol step 1): a run that dies keeps others out of its partitions for at most
/// <see cref="Duration"/>. With the shared PostgreSQL store, a running step renews its lease every <see cref="Heartbeat"/>,
/// and a step whose lease expired and was taken by another run cannot publish.
/// </summary>
public sealed class LeaseOptions
{
    /// <summary>How long a lease lasts without renewal, as <c>30s</c>, <c>10m</c>, <c>1h</c>. Default: <c>10m</c>.</summary>
    public string Duration { get; set; } = "10m";

    /// <summary>How often a running step renews its lease with the shared store; shorter than <see cref="Duration"/>. Default: none, a third of it.</summary>
    public string? Heartbeat { get; set; }
}

/// <summary>
/// How to reach S3 or an S3-compatible server. Credentials come from the AWS SDK's usual chain
/// (environment, profile, instance role), never from this section, so they never land in a settings file.
/// </summary>
public sealed class S3Options
{
    /// <summary>The service URL of an S3-compatible server (MinIO, s3rver). Default: none (AWS S3).</summary>
    public string? Endpoint { get; set; }

    /// <summary>The AWS region. Default: none (the SDK's chain decides; <c>us-east-1</c> for a custom endpoint).</summary>
    public string? Region { get; set; }

    /// <summary>Whether to address buckets in the path (<c>host/bucket/key</c>) rather than the host name. Default: <c>false</c>; most S3-compatible servers need <c>true</c>.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>
    /// Talk to a server that supports only the core S3 protocol: checksums only when required and no
    /// aws-chunked uploads (s3rver needs this). Default: <c>false</c>.
    /// </summary>
    public bool CompatibilityMode { get; set; }

    /// <summary>
    /// Whether the server honours conditional writes (<c>If-None-Match</c>, <c>If-Match</c>): AWS S3 and MinIO do,
    /// s3rver does not. When <c>false</c>, publishes stay atomic, but only the metadata store's lease keeps
    /// two writers of one partition apart, so two machines must not share such a root. Default: <c>true</c>.
    /// </summary>
    public bool ConditionalWrites { get; set; } = true;
}
