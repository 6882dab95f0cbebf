namespace Assets;

/// <summary>
/// Identifies one materialization of one (asset, partition): the folder its data files are staged in
/// and the name of its manifest. Ids are time-ordered (UUID version 7, 32 lower-case hex digits), so
/// the materializations of a partition sort by creation, and never reused, so a retry writes beside a
/// failed attempt rather than over it.
/// </summary>
public readonly record struct MaterializationId
{
    private MaterializationId(string value) => Value = value;

    /// <summary>The canonical text: 32 lower-case hex digits.</summary>
    public string Value { get; }

    private static long _lastMilliseconds;

    /// <summary>The digits of the canonical text (checked vectorized: the status grid parses hundreds of thousands of ids).</summary>
    private static readonly System.Buffers.SearchValues<char> LowerHexDigits = System.Buffers.SearchValues.Create("0123456789abcdef");

    /// <summary>
    /// A new, time-ordered id, strictly increasing within the process: UUID version 7 orders ids only to the millisecond
    /// (the rest is random), so two ids made in the same millisecond take consecutive milliseconds instead.
    /// </summary>
    public static MaterializationId New()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        long last, next;
        do
        {
            last = Volatile.Read(ref _lastMilliseconds);
            next = Math.Max(now, last + 1);
        }
        while (Interlocked.CompareExchange(ref _lastMilliseconds, next, last) != last);

        return new(Guid.CreateVersion7(DateTimeOffset.FromUnixTimeMilliseconds(next)).ToString("N"));
    }

    /// <summary>Parses the canonical text, or says what the form is.</summary>
    public static bool TryParse(string? text, out MaterializationId id)
    {
        id = default;
        if (text is null || text.Length != 32 || text.AsSpan().ContainsAnyExcept(LowerHexDigits))
        {
            return false;
        }

        id = new MaterializationId(text);
        return true;
    }

    /// <summary>An id from text already known to be canonical (read back from a form this library wrote), without checking it again.</summary>
    internal static MaterializationId FromCanonical(string text) => new(text);

    /// <summary>Parses the canonical text; throws <see cref="FormatException"/> with the expected form.</summary>
    public static MaterializationId Parse(string text)
        => TryParse(text, out var id) ? id : throw new FormatException($"'{AssetKey.Printable(text ?? string.Empty)}' is not a materialization id: expected 32 lower-case hex digits.");

    /// <inheritdoc />
    public override string ToString() => Value;
}
