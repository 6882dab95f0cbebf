using Assets.Graph;

namespace Assets.Storage.Publishing;

/// <summary>
/// A data file read back does not match its manifest (size or SHA-256): its bytes changed after they were
/// written (disk damage, a hand edit, another tool). Not retried: reading it again gives the same bytes, and
/// nothing built from them may be published.
/// </summary>
public sealed class CorruptDataFileException : NonRetryableException
{
    /// <summary>Creates the exception.</summary>
    public CorruptDataFileException(AssetPartition partition, ManifestFile expected, long actualSize, string? actualSha256, Exception? readError = null)
        : base(Describe(partition, expected, actualSize, actualSha256), readError!)
    {
        Partition = partition;
        Expected = expected;
        ActualSize = actualSize;
        ActualSha256 = actualSha256;
    }

    /// <summary>The partition the file belongs to.</summary>
    public AssetPartition Partition { get; }

    /// <summary>The file as its manifest lists it.</summary>
    public ManifestFile Expected { get; }

    /// <summary>The size found.</summary>
    public long ActualSize { get; }

    /// <summary>The SHA-256 found; <c>null</c> when the size already differed and the bytes were not hashed.</summary>
    public string? ActualSha256 { get; }

    private static string Describe(AssetPartition partition, ManifestFile expected, long actualSize, string? actualSha256)
    {
        var found = actualSize != expected.Size
            ? $"it has {actualSize} bytes, its manifest says {expected.Size}"
            : $"its SHA-256 is {actualSha256}, its manifest says {expected.Sha256}";
        var selector = $"--select {partition.Asset.Value}" + (partition.Partition is { } key ? $" --partition {key.Value}" : string.Empty);
        return $"{partition}: the data file {expected.Path} does not match its manifest ({found}), so its bytes changed after they were written. "
            + $"Nothing is built from it. Fix: 'rollback {selector}' to an earlier intact version, or 'materialize {selector} --force' to rebuild it.";
    }
}
