using System.Security.Cryptography;

namespace Assets;

/// <summary>What an observer (<see cref="SourceObserverAttribute"/>) saw of one partition's source. Immutable.</summary>
public sealed class SourceObservation
{
    private SourceObservation(bool arrived, string? version, string description)
    {
        Arrived = arrived;
        Version = version;
        Description = description;
    }

    /// <summary>Whether the source is there.</summary>
    public bool Arrived { get; }

    /// <summary>The source's version when it is there (a content hash, an ETag, a modification stamp); <c>null</c> when absent.</summary>
    public string? Version { get; }

    /// <summary>What was observed, for people: a path or a URI.</summary>
    public string Description { get; }

    /// <summary>The source has not arrived.</summary>
    /// <param name="description">What was expected, for people: a path or a URI.</param>
    public static SourceObservation Absent(string description) => new(false, null, Preconditions.CheckNotBlank(description));

    /// <summary>The source is there, in <paramref name="version"/>.</summary>
    /// <param name="version">Changes exactly when the source's content does.</param>
    /// <param name="description">What was observed, for people: a path or a URI.</param>
    public static SourceObservation Present(string version, string description)
        => new(true, Preconditions.CheckNotBlank(version), Preconditions.CheckNotBlank(description));

    /// <summary>
    /// Observes a file: absent when it (or its folder) does not exist, else present with the lowercase hex SHA-256 of its
    /// content, streamed, as the version. Other I/O errors propagate (a share briefly unreachable is not an absent file).
    /// </summary>
    public static async Task<SourceObservation> OfFileAsync(string path, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotBlank(path);
        try
        {
            var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using (file.ConfigureAwait(false))
            {
                var hash = await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false);
                return Present(Convert.ToHexStringLower(hash), path);
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Absent(path);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Arrived ? $"{Description} (version {Version})" : $"{Description} (not arrived)";
}
