namespace Assets.Storage.Reading;

/// <summary>Settings of the <see cref="DecodedRowCache"/> a run keeps of the partitions it decodes.</summary>
public sealed class DecodedRowCacheOptions
{
    /// <summary>The default of <see cref="MaxRows"/>: 500,000 rows, a few hundred bytes each for typical records.</summary>
    public const long DefaultMaxRows = 500_000;

    /// <summary>
    /// How many decoded rows a run keeps in memory, over all partitions, so a partition several steps read (a
    /// rolling window, a fan-in, the checks of a step and then its readers) is decoded once. The least recently
    /// read partitions make room; a partition with more rows than this is streamed and never held. 0 turns the
    /// cache off. Default: <see cref="DefaultMaxRows"/>.
    /// </summary>
    public long MaxRows { get; init; } = DefaultMaxRows;

    /// <summary>The defaults.</summary>
    internal static DecodedRowCacheOptions Default { get; } = new();

    /// <summary>Throws when a setting is out of range.</summary>
    internal void Validate() => ArgumentOutOfRangeException.ThrowIfNegative(MaxRows, nameof(MaxRows));
}
