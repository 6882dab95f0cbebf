using System.Security.Cryptography;

namespace Assets.Backfills;

/// <summary>
/// Identifies a backfill: eight lower-case letters and digits (<c>k3x9q2ma</c>), short enough to type in
/// <c>backfill resume ID</c>. Random; backfills are ordered by their creation time, not their ids.
/// </summary>
public readonly record struct BackfillId
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const int Length = 8;

    private BackfillId(string value) => Value = value;

    /// <summary>The canonical text.</summary>
    public string Value { get; }

    /// <summary>A new random id.</summary>
    public static BackfillId New() => new(RandomNumberGenerator.GetString(Alphabet, Length));

    /// <summary>Parses the canonical text.</summary>
    /// <exception cref="FormatException">It is not eight lower-case letters and digits.</exception>
    public static BackfillId Parse(string text)
        => TryParse(text, out var id)
            ? id
            : throw new FormatException($"'{AssetKey.Printable(text ?? string.Empty)}' is not a backfill id: expected {Length} lower-case letters and digits, as `backfill list` shows them.");

    /// <summary>Parses the canonical text; <c>false</c> when it is not one.</summary>
    public static bool TryParse(string? text, out BackfillId id)
    {
        if (text is { Length: Length } && text.All(c => Alphabet.Contains(c, StringComparison.Ordinal)))
        {
            id = new BackfillId(text);
            return true;
        }

        id = default;
        return false;
    }

    /// <inheritdoc />
    public override string ToString() => Value;
}
