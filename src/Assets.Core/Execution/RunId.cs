namespace Assets;

/// <summary>
/// Identifies one run (a <c>materialize</c>, one run of a backfill). Ids are time-ordered
/// (UUID version 7), so sorting them sorts runs by start.
/// </summary>
public readonly record struct RunId
{
    private RunId(string value) => Value = value;

    /// <summary>The canonical text: 32 lower-case hex digits.</summary>
    public string Value { get; }

    /// <summary>A new, time-ordered id.</summary>
    public static RunId New() => new(Guid.CreateVersion7().ToString("N"));

    /// <summary>Parses the canonical text.</summary>
    public static RunId Parse(string text)
        => Guid.TryParseExact(text, "N", out var guid) && guid.ToString("N") == text
            ? new RunId(text)
            : throw new FormatException($"'{AssetKey.Printable(text)}' is not a run id: expected 32 lower-case hex digits.");

    /// <inheritdoc />
    public override string ToString() => Value;
}
