using System.Security.Cryptography;

namespace Assets.Execution.Queue;

/// <summary>
/// Identifies one worker process in the pool: 1 to 100 characters of letters, digits and <c>.-_:</c> (for example
/// <c>host-1234-k3x9</c>, a host name, process id and random tail, so a restarted process is a new worker).
/// </summary>
public readonly record struct WorkerId
{
    private const int MaxLength = 100;

    private WorkerId(string value) => Value = value;

    /// <summary>The canonical text.</summary>
    public string Value { get; }

    /// <summary>A new id from <paramref name="host"/> and <paramref name="processId"/> plus a random tail (characters outside the alphabet become <c>-</c>).</summary>
    public static WorkerId New(string host, int processId)
    {
        var cleanHost = new string((host ?? string.Empty).Select(c => IsAllowed(c) ? c : '-').Take(60).ToArray());
        return new WorkerId($"{(cleanHost.Length == 0 ? "worker" : cleanHost)}-{processId}-{RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 4)}");
    }

    /// <summary>Parses the canonical text.</summary>
    /// <exception cref="FormatException">It is empty, too long, or has other characters.</exception>
    public static WorkerId Parse(string text)
        => text is { Length: > 0 and <= MaxLength } && text.All(IsAllowed)
            ? new WorkerId(text)
            : throw new FormatException($"'{AssetKey.Printable(text ?? string.Empty)}' is not a worker id: expected 1 to {MaxLength} letters, digits and '.-_:'.");

    /// <inheritdoc />
    public override string ToString() => Value;

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or ':';
}
