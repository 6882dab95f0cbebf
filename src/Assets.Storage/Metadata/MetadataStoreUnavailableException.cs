using Npgsql;
using NodaTime;

namespace Assets.Storage.Metadata;

/// <summary>The shared metadata store's server cannot be reached, or refuses the login.</summary>
public sealed class MetadataStoreUnavailableException : Exception
{
    /// <summary>Creates the exception for the database described (host, port, name; never a password).</summary>
    public MetadataStoreUnavailableException(string database, Exception inner)
        : this(database, inner, null)
    {
    }

    /// <summary>
    /// Creates the exception for the database described (host, port, name; never a password) after its operations were
    /// retried for <paramref name="retriedFor"/> (<c>null</c> when the fault was not worth retrying).
    /// </summary>
    public MetadataStoreUnavailableException(string database, Exception inner, Duration? retriedFor)
        : base(Describe(database, inner, retriedFor), inner)
    {
        Database = database;
    }

    /// <summary>The database: host, port and name.</summary>
    public string Database { get; }

    /// <summary>What went wrong and what to check, by cause: a missing database or role and a refused login say so at once.</summary>
    private static string Describe(string database, Exception? inner, Duration? retriedFor)
    {
        var reason = inner?.Message.TrimEnd('.') ?? "unknown error";
        return (inner as PostgresException)?.SqlState switch
        {
            PostgresErrorCodes.InvalidCatalogName =>
                $"The PostgreSQL metadata store {database} does not exist ({reason}). Create it (createdb, or CREATE DATABASE as an "
                + "administrator) or name an existing database in Assets:Metadata.",
            PostgresErrorCodes.InvalidAuthorizationSpecification or PostgresErrorCodes.InvalidPassword =>
                $"The PostgreSQL server of the metadata store {database} refused the login ({reason}). Check the user and password "
                + "in Assets:Metadata (a password can also come from PGPASSWORD or a .pgpass file) and the server's pg_hba.conf.",
            _ when retriedFor == Duration.Zero =>
                $"Cannot reach the PostgreSQL metadata store {database}: {reason} (not retried: Assets:MetadataReconnectFor is 0s). "
                + "Check that the server runs and accepts connections from here, and the host, port and database in Assets:Metadata.",
            _ when retriedFor is { } budget =>
                $"Cannot reach the PostgreSQL metadata store {database}: {reason}, still after retrying for {DurationText.Approximately(budget)}. "
                + "Check that the server runs and accepts connections from here, and the host, port and database in Assets:Metadata "
                + "(Assets:MetadataReconnectFor sets how long to retry).",
            _ => $"Cannot reach the PostgreSQL metadata store {database}: {reason}. "
                + "Check that the server runs and accepts connections from here, and the user, password and database in Assets:Metadata.",
        };
    }
}
