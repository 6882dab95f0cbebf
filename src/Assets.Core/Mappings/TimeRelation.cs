using Assets.Partitions;
using NodaTime;

namespace Assets.Mappings;

/// <summary>
/// Two definitions related through their time dimensions, and what happens to the static dimension:
/// dropped (multi downstream over a time upstream), fanned out (time downstream over a multi upstream:
/// every static key), or kept (both multi with the same static dimension). Identity and window
/// mappings differ only in which upstream windows a downstream window reads; this type turns those
/// window indexes into keys in both directions.
/// </summary>
internal sealed class TimeRelation
{
    private TimeRelation(PartitionsDefinition downstream, PartitionsDefinition upstream, TimeWindowPartitionsDefinition downstreamTime, TimeWindowPartitionsDefinition upstreamTime)
    {
        Downstream = downstream;
        Upstream = upstream;
        DownstreamTime = downstreamTime;
        UpstreamTime = upstreamTime;
    }

    public PartitionsDefinition Downstream { get; }

    public PartitionsDefinition Upstream { get; }

    public TimeWindowPartitionsDefinition DownstreamTime { get; }

    public TimeWindowPartitionsDefinition UpstreamTime { get; }

    private MultiPartitionsDefinition? DownstreamMulti => Downstream as MultiPartitionsDefinition;

    private MultiPartitionsDefinition? UpstreamMulti => Upstream as MultiPartitionsDefinition;

    /// <summary>The relation, or <c>null</c> when a side has no time dimension or both are multi with different static dimensions.</summary>
    public static TimeRelation? Of(PartitionsDefinition? downstream, PartitionsDefinition? upstream)
    {
        if (PartitionSpaces.TimeOf(downstream) is not { } downstreamTime || PartitionSpaces.TimeOf(upstream) is not { } upstreamTime)
        {
            return null;
        }

        if (downstream is MultiPartitionsDefinition d && upstream is MultiPartitionsDefinition u && !d.Static.Equals(u.Static))
        {
            return null;
        }

        return new TimeRelation(downstream!, upstream!, downstreamTime, upstreamTime);
    }

    /// <summary>
    /// The upstream keys for a downstream key, given the inclusive range of upstream window indexes it
    /// reads. Indexes outside the upstream range are dropped when <paramref name="clip"/>, otherwise reported.
    /// </summary>
    public MappedPartitions ReadUpstream(PartitionKey downstreamKey, Func<long, (long First, long Last)> upstreamWindows, bool clip)
    {
        var (timeIndex, staticKey) = SplitDownstream(downstreamKey);
        var (first, last) = upstreamWindows(timeIndex);
        var lastInRange = UpstreamTime.LastIndex ?? (long)int.MaxValue;
        if (clip)
        {
            first = Math.Max(first, 0);
            last = Math.Min(last, lastInRange);
        }

        var keys = new List<PartitionKey?>();
        var outside = new List<string>();
        for (var j = first; j <= last; j++)
        {
            var timeText = UpstreamTime.RawKeyText(j);
            var inRange = UpstreamTime.IsInRange(j);
            foreach (var text in UpstreamTexts(timeText, staticKey))
            {
                if (inRange)
                {
                    keys.Add(new PartitionKey(text));
                }
                else
                {
                    outside.Add(text);
                }
            }
        }

        return new MappedPartitions(keys, outside);
    }

    /// <summary>
    /// The existing downstream keys for an upstream key, given the inclusive range of downstream window
    /// indexes that read it.
    /// </summary>
    public IReadOnlyList<PartitionKey?> FindDownstream(PartitionKey upstreamKey, Func<long, (long First, long Last)> downstreamWindows, Instant asOf)
    {
        var (timeIndex, staticKey) = SplitUpstream(upstreamKey);
        var (first, last) = downstreamWindows(timeIndex);
        first = Math.Max(first, 0);
        last = Math.Min(last, DownstreamTime.CountAsOf(asOf) - 1L);
        var keys = new List<PartitionKey?>();
        for (var i = first; i <= last; i++)
        {
            var timeText = DownstreamTime.RawKeyText(i);
            if (DownstreamMulti is not { } multi)
            {
                keys.Add(new PartitionKey(timeText));
            }
            else if (staticKey is { } kept)
            {
                keys.Add(new PartitionKey(timeText + MultiPartitionsDefinition.Separator + kept.Value));
            }
            else
            {
                foreach (var s in multi.Static.Keys)
                {
                    keys.Add(new PartitionKey(timeText + MultiPartitionsDefinition.Separator + s.Value));
                }
            }
        }

        return keys;
    }

    private IEnumerable<string> UpstreamTexts(string timeText, PartitionKey? downstreamStatic)
    {
        if (UpstreamMulti is not { } multi)
        {
            yield return timeText;
        }
        else if (downstreamStatic is { } kept)
        {
            yield return timeText + MultiPartitionsDefinition.Separator + kept.Value;
        }
        else
        {
            foreach (var s in multi.Static.Keys)
            {
                yield return timeText + MultiPartitionsDefinition.Separator + s.Value;
            }
        }
    }

    /// <summary>The downstream time index and, when both sides are multi, the static key to keep.</summary>
    private (long TimeIndex, PartitionKey? Static) SplitDownstream(PartitionKey key)
    {
        if (DownstreamMulti is { } multi)
        {
            var (time, @static) = multi.Split(key);
            return (DownstreamTime.IndexOf(time), UpstreamMulti is null ? null : @static);
        }

        return (DownstreamTime.IndexOf(key), null);
    }

    /// <summary>The upstream time index and, when both sides are multi, the static key to keep.</summary>
    private (long TimeIndex, PartitionKey? Static) SplitUpstream(PartitionKey key)
    {
        if (UpstreamMulti is { } multi)
        {
            var (time, @static) = multi.Split(key);
            return (UpstreamTime.IndexOf(time), DownstreamMulti is null ? null : @static);
        }

        return (UpstreamTime.IndexOf(key), null);
    }
}
