using Npgsql;

namespace Assets.Storage.Metadata.Postgres;

/// <summary>
/// How <c>Assets:Metadata</c> names a PostgreSQL database: a URI (<c>postgresql://user:password@host:port/database?sslmode=require</c>,
/// <c>postgres://</c> too, as libpq and most hosting providers write it) or Npgsql's key=value form
/// (<c>Host=db;Port=5432;Database=assets;Username=assets</c>). Anything else is a DuckDB file path.
/// </summary>
public static class PostgresConnectionString
{
    private static readonly string[] UriSchemes = ["postgresql://", "postgres://"];

    /// <summary>Whether <paramref name="metadata"/> names a PostgreSQL database rather than a DuckDB file.</summary>
    public static bool IsPostgres(string? metadata)
    {
        if (string.IsNullOrWhiteSpace(metadata))
        {
            return false;
        }

        var text = metadata.Trim();
        return UriSchemes.Any(s => text.StartsWith(s, StringComparison.OrdinalIgnoreCase))
            || (text.Contains('=', StringComparison.Ordinal)
                && text.Split(';').Any(part => part.Split('=')[0].Trim() is var key
                    && (key.Equals("Host", StringComparison.OrdinalIgnoreCase) || key.Equals("Server", StringComparison.OrdinalIgnoreCase))));
    }

    /// <summary>How messages name the server and database of <paramref name="builder"/>: <c>host:port/database</c>, never the password.</summary>
    internal static string Describe(NpgsqlConnectionStringBuilder builder) => $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}";

    /// <summary>
    /// The Npgsql connection string <paramref name="metadata"/> stands for.
    /// </summary>
    /// <exception cref="FormatException">It is neither a well-formed URI nor valid key=value pairs; the message says which
    /// part is wrong (never the password).</exception>
    public static NpgsqlConnectionStringBuilder Parse(string metadata)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(metadata);
        var text = metadata.Trim();
        var builder = UriSchemes.Any(s => text.StartsWith(s, StringComparison.OrdinalIgnoreCase)) ? FromUri(text) : FromKeyValues(text);
        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new FormatException("The PostgreSQL connection string names no host: add Host=... (or write postgresql://user@host:port/database).");
        }

        if (string.IsNullOrWhiteSpace(builder.ApplicationName))
        {
            builder.ApplicationName = "assets";
        }

        if (builder.Options?.Contains("idle_in_transaction_session_timeout", StringComparison.OrdinalIgnoreCase) != true)
        {
            // A process stopped (SIGSTOP, a debugger, a frozen VM) inside a transaction would hold its row locks for ever and
            // stall every other process of the team; the server ends such a session instead, which rolls it back. Assets'
            // transactions send their statements back to back, so no healthy one sits idle for anywhere near this long.
            builder.Options = string.Join(' ', new[] { builder.Options, "-c idle_in_transaction_session_timeout=" + IdleInTransactionTimeoutMilliseconds }
                .Where(part => !string.IsNullOrWhiteSpace(part)));
        }

        return builder;
    }

    /// <summary>
    /// How long a session of Assets may sit inside a transaction without sending a statement before the server ends it
    /// (<c>idle_in_transaction_session_timeout</c>), unless the connection string's <c>Options</c> set it: 30 seconds.
    /// </summary>
    internal const int IdleInTransactionTimeoutMilliseconds = 30_000;

    private static NpgsqlConnectionStringBuilder FromKeyValues(string text)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(text);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"The PostgreSQL connection string is not valid Npgsql key=value pairs: {e.Message} See https://www.npgsql.org/doc/connection-string-parameters.html.", e);
        }
    }

    private static NpgsqlConnectionStringBuilder FromUri(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new FormatException("The PostgreSQL URI is malformed: write postgresql://user:password@host:port/database (percent-encode special characters of the password).");
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host.Trim('[', ']') };
        if (!uri.IsDefaultPort && uri.Port > 0)
        {
            builder.Port = uri.Port;
        }

        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..]);
            try
            {
                builder[UriParameter(key)] = value;
            }
            catch (ArgumentException e)
            {
                throw new FormatException($"The PostgreSQL URI's parameter '{key}' is not one Npgsql knows or its value is invalid ({e.Message}).", e);
            }
        }

        return builder;
    }

    /// <summary>libpq's names of the URI parameters people use most, as Npgsql spells them; others pass through as they are.</summary>
    private static string UriParameter(string key) => key.ToLowerInvariant() switch
    {
        "sslmode" => "SSL Mode",
        "application_name" => "Application Name",
        "connect_timeout" => "Timeout",
        "search_path" => "Search Path",
        "target_session_attrs" => "Target Session Attributes",
        "sslrootcert" => "Root Certificate",
        _ => key,
    };
}
