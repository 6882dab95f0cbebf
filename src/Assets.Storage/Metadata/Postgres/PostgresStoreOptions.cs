using Microsoft.Extensions.Logging;
using NodaTime;

namespace Assets.Storage.Metadata.Postgres;

/// <summary>How a <see cref="PostgresMetadataStore"/> behaves when its database goes away for a while.</summary>
public sealed class PostgresStoreOptions
{
    /// <summary>
    /// How long an operation keeps retrying after its first transient fault (a restart, a failover, a dropped
    /// connection) before it fails with <see cref="MetadataStoreUnavailableException"/>. Default: one minute.
    /// </summary>
    public Duration ReconnectFor { get; init; } = Duration.FromMinutes(1);

    /// <summary>The wait before the first retry; it doubles (with jitter) up to two seconds. Default: 100 ms.</summary>
    public Duration FirstDelay { get; init; } = Duration.FromMilliseconds(100);

    /// <summary>Where the store says the database became unreachable and when it answered again. Default: nowhere.</summary>
    public ILogger? Logger { get; init; }
}
