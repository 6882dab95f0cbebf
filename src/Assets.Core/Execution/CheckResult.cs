namespace Assets;

/// <summary>The outcome of an <see cref="AssetCheckAttribute"/> method. Immutable.</summary>
public sealed class CheckResult
{
    private CheckResult(bool passed, string? description, IReadOnlyDictionary<string, object?> metadata)
    {
        Passed = passed;
        Description = description;
        Metadata = metadata;
    }

    /// <summary>Whether the data met the check.</summary>
    public bool Passed { get; }

    /// <summary>What was found, for people; required when the check failed.</summary>
    public string? Description { get; }

    /// <summary>Facts found by the check (counts, offending ids). Values are strings, numbers or booleans.</summary>
    public IReadOnlyDictionary<string, object?> Metadata { get; }

    /// <summary>The data met the check.</summary>
    public static CheckResult Pass(string? description = null, IReadOnlyDictionary<string, object?>? metadata = null)
        => new(true, description, metadata ?? new Dictionary<string, object?>());

    /// <summary>The data did not meet the check; <paramref name="description"/> says what was found.</summary>
    public static CheckResult Fail(string description, IReadOnlyDictionary<string, object?>? metadata = null)
        => new(false, Preconditions.CheckNotBlank(description), metadata ?? new Dictionary<string, object?>());
}
