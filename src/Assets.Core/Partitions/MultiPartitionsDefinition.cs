using System.Diagnostics.CodeAnalysis;
using NodaTime;

namespace Assets.Partitions;

/// <summary>
/// Two-dimensional partitions: every time window of <see cref="Time"/> crossed with every key of
/// <see cref="Static"/>. A key is <c>&lt;time&gt;|&lt;static&gt;</c> (<c>2026-01-05|eu</c>, Dagster's separator); keys are
/// ordered time-major (all static keys of the first window, then of the second, ...), and the keys of a
/// window exist when the window does. Immutable; equal when both dimensions are equal.
/// </summary>
public sealed class MultiPartitionsDefinition : PartitionsDefinition
{
    /// <summary>The separator between the time and the static part of a key.</summary>
    public const char Separator = '|';

    /// <summary>Creates the definition from its two dimensions.</summary>
    public MultiPartitionsDefinition(TimeWindowPartitionsDefinition time, StaticPartitionsDefinition @static)
    {
        Time = Preconditions.CheckNotNull(time);
        Static = Preconditions.CheckNotNull(@static);
    }

    /// <summary>The time dimension.</summary>
    public TimeWindowPartitionsDefinition Time { get; }

    /// <summary>The static dimension.</summary>
    public StaticPartitionsDefinition Static { get; }

    /// <inheritdoc />
    public override string Kind => "multi";

    /// <summary>The key of a time key and a static key; throws <see cref="PartitionKeyException"/> when either is not a key of its dimension.</summary>
    public PartitionKey Combine(PartitionKey time, PartitionKey @static)
    {
        var timeIndex = Time.IndexOf(time);
        Static.IndexOf(@static);
        return new PartitionKey(Time.RawKeyText(timeIndex) + Separator + @static.Value);
    }

    /// <summary>The time and static parts of <paramref name="key"/>; throws <see cref="PartitionKeyException"/> when it is not a key of this definition.</summary>
    public (PartitionKey Time, PartitionKey Static) Split(PartitionKey key)
    {
        var index = IndexOf(key);
        return (Time.KeyAt(index / Static.Keys.Count), Static.Keys[index % Static.Keys.Count]);
    }

    /// <summary>The position of <paramref name="key"/> in time-major order; throws <see cref="PartitionKeyException"/> when it is not a key of this definition.</summary>
    public int IndexOf(PartitionKey key)
        => TryLocate(key.Value, out var index, out var errorMessage) ? index : throw new PartitionKeyException(errorMessage);

    /// <summary>The key at <paramref name="index"/> in time-major order; throws <see cref="ArgumentOutOfRangeException"/> outside the range.</summary>
    public PartitionKey KeyAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var count = Static.Keys.Count;
        return new PartitionKey(Time.KeyAt(index / count).Value + Separator + Static.Keys[index % count].Value);
    }

    /// <inheritdoc />
    public override IReadOnlyList<PartitionKey> GetKeys(Instant asOf)
        => new IndexedKeyList(checked(Time.CountAsOf(asOf) * Static.Keys.Count), KeyAt);

    /// <inheritdoc />
    public override string Describe() => $"{Time.Describe()} x {Static.Describe()}";

    /// <inheritdoc />
    public override string DescribeKeyForm()
        => $"<time>|<static>, time {Time.DescribeKeyForm()} and static {Static.DescribeKeyForm()} (for example {Time.RawKeyText(0)}{Separator}{Static.Keys[0]})";

    /// <inheritdoc />
    public override bool TryParseKey(string? text, out PartitionKey key, [NotNullWhen(false)] out string? errorMessage)
    {
        if (TryLocate(text, out var index, out errorMessage))
        {
            key = KeyAt(index);
            return true;
        }

        key = default;
        return false;
    }

    /// <inheritdoc />
    public override bool Equals(PartitionsDefinition? other)
        => other is MultiPartitionsDefinition that && Time.Equals(that.Time) && Static.Equals(that.Static);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Time, Static);

    private bool TryLocate(string? text, out int index, [NotNullWhen(false)] out string? errorMessage)
    {
        index = -1;
        var trimmed = text?.Trim() ?? string.Empty;
        var separator = trimmed.IndexOf(Separator, StringComparison.Ordinal);
        if (separator < 0)
        {
            errorMessage = $"'{AssetKey.Printable(trimmed)}' is not a partition key of this asset: expected {DescribeKeyForm()}";
            return false;
        }

        if (!Time.TryLocate(trimmed[..separator], out var timeIndex, out var timeError))
        {
            errorMessage = $"'{AssetKey.Printable(trimmed)}' is not a partition key of this asset: its time part is wrong: {timeError}";
            return false;
        }

        if (!Static.TryParseKey(trimmed[(separator + 1)..], out var staticKey, out var staticError))
        {
            errorMessage = $"'{AssetKey.Printable(trimmed)}' is not a partition key of this asset: its static part is wrong: {staticError}";
            return false;
        }

        index = checked((timeIndex * Static.Keys.Count) + Static.IndexOf(staticKey));
        errorMessage = null;
        return true;
    }
}
