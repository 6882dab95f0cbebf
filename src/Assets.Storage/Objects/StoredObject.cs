using NodaTime;

namespace Assets.Storage.Objects;

/// <summary>A small object read whole, with the version it had when read.</summary>
/// <param name="Key">The object's key.</param>
/// <param name="Content">Its bytes.</param>
/// <param name="Version">Its version at the time of reading.</param>
public sealed record StoredObject(ObjectKey Key, ReadOnlyMemory<byte> Content, ObjectVersion Version);

/// <summary>An object found by a listing.</summary>
/// <param name="Key">The object's key.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="LastModified">When it was last written.</param>
public sealed record ObjectEntry(ObjectKey Key, long Size, Instant LastModified);

/// <summary>What a conditional write did.</summary>
public enum WriteOutcome
{
    /// <summary>The object was written; <see cref="WriteResult.Version"/> is its new version.</summary>
    Written,

    /// <summary>
    /// The condition did not hold (the object already existed for a create, or had another version or
    /// none for a replace); nothing was written. <see cref="WriteResult.Version"/> is the current version, when there is one.
    /// </summary>
    Conflict,
}

/// <summary>The outcome of a conditional write.</summary>
/// <param name="Outcome">Written or conflict.</param>
/// <param name="Version">The new version when written; the current version (if any) on a conflict.</param>
public sealed record WriteResult(WriteOutcome Outcome, ObjectVersion? Version)
{
    /// <summary>Whether the write happened.</summary>
    public bool Succeeded => Outcome == WriteOutcome.Written;
}
