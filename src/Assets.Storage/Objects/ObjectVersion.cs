namespace Assets.Storage.Objects;

/// <summary>
/// The version of an object as its store reports it (an S3 ETag; for local files a hash of the
/// content), used as the fencing token of a compare-and-swap. Opaque: only equality means something.
/// </summary>
/// <param name="Value">The store's version text.</param>
public readonly record struct ObjectVersion(string Value)
{
    /// <inheritdoc />
    public override string ToString() => Value;
}
