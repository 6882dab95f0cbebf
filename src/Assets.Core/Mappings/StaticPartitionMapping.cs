using Assets.Partitions;
using NodaTime;

namespace Assets.Mappings;

/// <summary>
/// Connects two different static lists by naming which upstream key feeds which downstream key
/// (<c>us -> north_america</c>); several upstream keys may feed one downstream key and one upstream key
/// several downstream keys. A downstream key no pair names reads nothing. Valid between two static
/// definitions, a multi downstream and a static upstream (mapping its static dimension), and two multi
/// definitions whose time dimensions cut the same windows (the time key stays, the static key is
/// mapped). Every key named must exist on its side. Immutable; equal when the sets of pairs are equal.
/// </summary>
public sealed class StaticPartitionMapping : PartitionMapping
{
    private readonly (string Upstream, string Downstream)[] _pairs;
    private readonly HashSet<(string Upstream, string Downstream)> _set;

    /// <summary>Creates the mapping from (upstream key, downstream key) pairs; duplicates count once.</summary>
    public StaticPartitionMapping(IEnumerable<(string Upstream, string Downstream)> pairs)
    {
        Preconditions.CheckNotNull(pairs);
        _set = [];
        _pairs = pairs.Where(p => _set.Add(p)).ToArray();
        if (_pairs.Any(p => string.IsNullOrWhiteSpace(p.Upstream) || string.IsNullOrWhiteSpace(p.Downstream)))
        {
            throw new DefinitionException("A static mapping pair has an empty key: write each pair as \"upstream_key -> downstream_key\".");
        }

        if (_pairs.Length == 0)
        {
            throw new DefinitionException("A static mapping needs at least one pair, for example [StaticMapping(\"us -> north_america\")].");
        }
    }

    /// <summary>The (upstream key, downstream key) pairs, in the order given.</summary>
    public IReadOnlyList<(string Upstream, string Downstream)> Pairs => _pairs;

    /// <inheritdoc />
    public override string Describe() => $"static ({string.Join(", ", _pairs.Select(p => $"{p.Upstream} -> {p.Downstream}"))})";

    /// <inheritdoc />
    public override string? Validate(PartitionsDefinition? downstream, PartitionsDefinition? upstream)
    {
        if (!Connects(downstream, upstream))
        {
            return $"[StaticMapping] connects two static lists, but {PartitionSpaces.Label(downstream)} reads {PartitionSpaces.Label(upstream)}: "
                + (downstream is null
                    ? "use [AllPartitions] or [LastPartition] for an unpartitioned asset"
                    : "remove it, or use [AllPartitions] or [LastPartition]");
        }

        var upstreamStatic = PartitionSpaces.StaticOf(upstream)!;
        var downstreamStatic = PartitionSpaces.StaticOf(downstream)!;
        foreach (var (up, down) in _pairs)
        {
            if (!upstreamStatic.Contains(new PartitionKey(up)))
            {
                return $"[StaticMapping] names the upstream key '{up}', which {PartitionSpaces.Label(upstream)} does not have: use {upstreamStatic.DescribeKeyForm()}";
            }

            if (!downstreamStatic.Contains(new PartitionKey(down)))
            {
                return $"[StaticMapping] names the downstream key '{down}', which {PartitionSpaces.Label(downstream)} does not have: use {downstreamStatic.DescribeKeyForm()}";
            }
        }

        return null;
    }

    /// <inheritdoc />
    public override MappedPartitions GetUpstream(PartitionKey? downstreamKey, PartitionsDefinition? downstream, PartitionsDefinition? upstream, Instant asOf)
    {
        ThrowIfInvalid(downstream, upstream);
        var key = PartitionSpaces.Check(downstream, downstreamKey, "downstream")!.Value;
        var (time, @static) = Split(downstream!, key);
        var upstreamStatic = PartitionSpaces.StaticOf(upstream)!;
        var read = upstreamStatic.Keys.Where(u => _set.Contains((u.Value, @static.Value))).ToList();
        if (upstream is not MultiPartitionsDefinition multi)
        {
            return MappedPartitions.Of(read);
        }

        // Both sides are multi with the same windows: the time key stays, possibly outside the upstream's range.
        var downstreamTime = ((MultiPartitionsDefinition)downstream!).Time;
        var j = multi.Time.RawIndexContaining(downstreamTime.RawStart(downstreamTime.IndexOf(time!.Value)));
        var texts = read.Select(s => multi.Time.RawKeyText(j) + MultiPartitionsDefinition.Separator + s.Value).ToList();
        return multi.Time.IsInRange(j)
            ? new MappedPartitions(texts.Select(t => (PartitionKey?)new PartitionKey(t)).ToArray(), [])
            : new MappedPartitions([], texts);
    }

    /// <inheritdoc />
    public override IReadOnlyList<PartitionKey?> GetDownstream(PartitionKey? upstreamKey, PartitionsDefinition? downstream, PartitionsDefinition? upstream, Instant asOf)
    {
        ThrowIfInvalid(downstream, upstream);
        var key = PartitionSpaces.Check(upstream, upstreamKey, "upstream")!.Value;
        var (time, @static) = Split(upstream!, key);
        var downstreamStatic = PartitionSpaces.StaticOf(downstream)!;
        var fed = downstreamStatic.Keys.Where(d => _set.Contains((@static.Value, d.Value))).ToList();
        if (downstream is not MultiPartitionsDefinition multi)
        {
            return fed.Select(d => (PartitionKey?)d).ToArray();
        }

        IEnumerable<long> timeIndexes;
        if (upstream is MultiPartitionsDefinition upstreamMulti)
        {
            var i = multi.Time.RawIndexContaining(upstreamMulti.Time.RawStart(upstreamMulti.Time.IndexOf(time!.Value)));
            timeIndexes = i >= 0 && i < multi.Time.CountAsOf(asOf) ? [i] : [];
        }
        else
        {
            timeIndexes = Enumerable.Range(0, multi.Time.CountAsOf(asOf)).Select(i => (long)i);
        }

        return timeIndexes
            .SelectMany(i => fed.Select(d => (PartitionKey?)new PartitionKey(multi.Time.RawKeyText(i) + MultiPartitionsDefinition.Separator + d.Value)))
            .ToArray();
    }

    /// <inheritdoc />
    public override bool Equals(PartitionMapping? other) => other is StaticPartitionMapping that && _set.SetEquals(that._set);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        // Order-independent, like the equality.
        var hash = 0;
        foreach (var pair in _set)
        {
            hash ^= HashCode.Combine(StringComparer.Ordinal.GetHashCode(pair.Upstream), StringComparer.Ordinal.GetHashCode(pair.Downstream));
        }

        return hash;
    }

    private static bool Connects(PartitionsDefinition? downstream, PartitionsDefinition? upstream) => (downstream, upstream) switch
    {
        (StaticPartitionsDefinition, StaticPartitionsDefinition) => true,
        (MultiPartitionsDefinition, StaticPartitionsDefinition) => true,
        (MultiPartitionsDefinition d, MultiPartitionsDefinition u) => d.Time.HasSameWindowsAs(u.Time),
        _ => false,
    };

    private static (PartitionKey? Time, PartitionKey Static) Split(PartitionsDefinition definition, PartitionKey key)
        => definition is MultiPartitionsDefinition multi ? multi.Split(key) : (null, key);

    private void ThrowIfInvalid(PartitionsDefinition? downstream, PartitionsDefinition? upstream)
    {
        if (Validate(downstream, upstream) is { } error)
        {
            throw new InvalidOperationException(error);
        }
    }
}
