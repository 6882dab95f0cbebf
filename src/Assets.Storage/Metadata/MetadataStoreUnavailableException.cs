namespace Assets.Storage.Metadata;

/// <summary>The shared metadata store's server cannot be reached, or refuses the login.</summary>
public sealed class MetadataStoreUnavailableException : Exception
{
    /// <summary>Creates the exception for the database described (host, port, name; never a password).</summary>
    public MetadataStoreUnavailableException(string database, Exception inner)
        : base(
            $"Cannot reach the PostgreSQL metadata store {database}: {inner?.Message.TrimEnd('.')}. "
            + "Check that the server runs and accepts connections from here, and the user, password and database in Assets:Metadata.",
            inner)
    {
        Database = database;
    }

    /// <summary>The database: host, port and name.</summary>
    public string Database { get; }
}
