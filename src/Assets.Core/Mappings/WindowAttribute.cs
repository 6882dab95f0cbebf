namespace Assets.Mappings;

/// <summary>
/// Reads a window of upstream partitions relative to the downstream partition's time:
/// <c>[Window(-6, 0)]</c> a rolling seven days, <c>[Window(-1, -1)]</c> yesterday, <c>[Window(0, 0)]</c> the
/// overlapping partitions of another cadence. See <see cref="TimeWindowPartitionMapping"/>.
/// </summary>
public sealed class WindowAttribute : PartitionMappingAttribute
{
    /// <summary>Declares the window; <paramref name="start"/> must not be after <paramref name="end"/>.</summary>
    /// <param name="start">Offset of the first upstream partition read, in upstream partitions.</param>
    /// <param name="end">Offset of the last upstream partition read, in upstream partitions.</param>
    public WindowAttribute(int start, int end)
    {
        Start = start;
        End = end;
    }

    /// <summary>Offset of the first upstream partition read.</summary>
    public int Start { get; }

    /// <summary>Offset of the last upstream partition read.</summary>
    public int End { get; }

    /// <inheritdoc />
    public override PartitionMapping CreateMapping() => new TimeWindowPartitionMapping(Start, End);
}
