using Assets.Storage.Objects;

namespace Assets.Storage.Publishing;

/// <summary>A pointer or manifest in the root cannot be trusted (unreadable, malformed, or naming files it does not own).</summary>
public sealed class CorruptObjectException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CorruptObjectException(ObjectKey key, string problem)
        : base($"{key}: {problem} Run 'verify' to check the root, and 'rollback' to re-point the partition at an intact version.")
        => Key = key;

    /// <summary>The object.</summary>
    public ObjectKey Key { get; }
}
