namespace Assets.Storage.Metadata;

/// <summary>
/// The metadata store's file is held by another process. DuckDB allows one process per file and refuses
/// even read-only openers while it is held, so a command run beside a running daemon must go through the
/// daemon's HTTP API instead of opening the file.
/// </summary>
public sealed class MetadataStoreLockedException : Exception
{
    /// <summary>Creates the exception with a message naming the file and, when known, the holder.</summary>
    public MetadataStoreLockedException(string path, int? holderProcessId, string? holderProgram, Exception? innerException)
        : base(Describe(path, holderProcessId, holderProgram), innerException)
    {
        Path = path;
        HolderProcessId = holderProcessId;
        HolderProgram = holderProgram;
    }

    /// <summary>Creates the exception with a message of its own.</summary>
    public MetadataStoreLockedException(string message)
        : base(message)
    {
        Path = string.Empty;
    }

    /// <summary>Creates the exception with a message of its own and the error that caused it.</summary>
    public MetadataStoreLockedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = string.Empty;
    }

    /// <summary>Creates the exception with no details.</summary>
    public MetadataStoreLockedException()
        : this("The metadata store is held by another process.")
    {
    }

    /// <summary>The full path of the metadata store's file.</summary>
    public string Path { get; }

    /// <summary>The id of the process holding the file, when DuckDB reported it.</summary>
    public int? HolderProcessId { get; }

    /// <summary>The program of the process holding the file, when DuckDB reported it.</summary>
    public string? HolderProgram { get; }

    private static string Describe(string path, int? pid, string? program)
    {
        var holder = (pid, program) switch
        {
            ({ } id, { } name) => $"another process (pid {id}, {name})",
            ({ } id, null) => $"another process (pid {id})",
            _ => "another process",
        };
        var stop = pid is { } p ? $"stop the other process (pid {p})" : "stop the other process";
        return $"The metadata store '{path}' is in use by {holder}, and DuckDB allows one process per file. "
            + $"To go on, {stop} or run this command through its daemon (`serve`), which answers on the URL it advertises in _meta/daemon.json.";
    }
}
