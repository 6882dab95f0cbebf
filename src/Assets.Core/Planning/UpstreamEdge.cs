using Assets.Graph;
using Assets.Mappings;
using Assets.Partitions;
using NodaTime;

namespace Assets.Planning;

/// <summary>
/// One dependency of one asset, resolved against the partitions that exist at one instant: which
/// positions of the upstream's <see cref="PartitionSpace"/> a downstream position reads. The common
/// mappings are index arithmetic with no key text at all (an unpartitioned upstream, all partitions, the
/// last partition, identity between equal definitions, identity and windows between time definitions that
/// cut the same windows); every other combination asks the mapping itself
/// (<see cref="PartitionMapping.GetUpstream"/>) and looks the keys up, which gives the same answer more slowly.
/// </summary>
internal sealed class UpstreamEdge
{
    private readonly Kind _kind;
    private readonly PartitionsDefinition? _downstreamDefinition;
    private readonly PartitionSpace _downstreamSpace;
    private readonly Instant _asOf;
    private readonly TimeWindowPartitionsDefinition? _upstreamTime;
    private readonly long _shift;
    private readonly long _lastInRange;
    private readonly int _first;
    private readonly int _last;

    public UpstreamEdge(AssetDefinition downstream, PartitionSpace downstreamSpace, AssetDependency dependency, AssetDefinition upstream, PartitionSpace upstreamSpace, Instant asOf)
    {
        Dependency = dependency;
        Upstream = upstream.Key;
        UpstreamSpace = upstreamSpace;
        _downstreamDefinition = downstream.Partitions;
        _downstreamSpace = downstreamSpace;
        _asOf = asOf;
        var (d, u) = (downstream.Partitions, upstream.Partitions);
        switch (dependency.Mapping)
        {
            case var _ when u is null:
                // Every mapping reads the single partition of an unpartitioned upstream.
                (_kind, _first, _last) = (Kind.Fixed, 0, 0);
                break;
            case AllPartitionsMapping:
                (_kind, _first, _last) = (Kind.Fixed, 0, upstreamSpace.Count - 1);
                break;
            case LastPartitionMapping:
                _kind = Kind.Fixed;
                (_first, _last) = LastPositions(u, upstreamSpace);
                break;
            case IdentityPartitionMapping when u.Equals(d):
                _kind = Kind.Same;
                break;
            case IdentityPartitionMapping or TimeWindowPartitionMapping
                when d is TimeWindowPartitionsDefinition dt && u is TimeWindowPartitionsDefinition ut && dt.HasSameWindowsAs(ut):
                // Same windows: downstream window i is upstream window i + shift, for every i.
                _kind = dependency.Mapping is TimeWindowPartitionMapping ? Kind.Window : Kind.Shifted;
                _upstreamTime = ut;
                _shift = ut.RawIndexContaining(dt.RawStart(0));
                _lastInRange = ut.LastIndex ?? int.MaxValue;
                if (dependency.Mapping is TimeWindowPartitionMapping window)
                {
                    (_first, _last) = (window.StartOffset, window.EndOffset);
                }

                break;
            default:
                _kind = Kind.General;
                break;
        }
    }

    private enum Kind
    {
        /// <summary>The same positions for every downstream partition: <c>_first</c> to <c>_last</c>.</summary>
        Fixed,

        /// <summary>Equal definitions: position i reads position i.</summary>
        Same,

        /// <summary>Identity between same-window time definitions: i reads window i + shift, which may lie outside the upstream's range.</summary>
        Shifted,

        /// <summary>A window between same-window time definitions: i reads windows i + shift + start to i + shift + end, clipped to the range.</summary>
        Window,

        /// <summary>Anything else: ask the mapping.</summary>
        General,
    }

    /// <summary>The dependency.</summary>
    public AssetDependency Dependency { get; }

    /// <summary>The upstream asset.</summary>
    public AssetKey Upstream { get; }

    /// <summary>The upstream's partitions.</summary>
    public PartitionSpace UpstreamSpace { get; }

    /// <summary>Whether the upstream positions read do not depend on the downstream position (unpartitioned, all, last).</summary>
    public bool IsFixed => _kind == Kind.Fixed;

    /// <summary>Fills <paramref name="reads"/> (cleared first) with what downstream position <paramref name="index"/> reads.</summary>
    // Called once per partition and dependency by a cold evaluation: optimized from the first call (see StatusEvaluator.Evaluation.Run).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Read(int index, UpstreamReads reads)
    {
        reads.Clear();
        var count = UpstreamSpace.Count;
        switch (_kind)
        {
            case Kind.Fixed:
                reads.AddRange(_first, _last);
                break;
            case Kind.Same:
                reads.Existing.Add(index);
                break;
            case Kind.Shifted:
                var j = index + _shift;
                if (j < 0 || j > _lastInRange)
                {
                    reads.Outside.Add(OutsideRange(_upstreamTime!.RawKeyText(j), before: j < 0));
                }
                else if (j >= count)
                {
                    reads.NotYet.Add(new PartitionKey(_upstreamTime!.RawKeyText(j)));
                }
                else
                {
                    reads.Existing.Add((int)j);
                }

                break;
            case Kind.Window:
                var first = Math.Max(index + _shift + _first, 0);
                var last = Math.Min(index + _shift + _last, _lastInRange);
                reads.AddRange((int)Math.Min(first, int.MaxValue), (int)Math.Min(last, count - 1L));
                for (var k = Math.Max(first, count); k <= last; k++)
                {
                    reads.NotYet.Add(new PartitionKey(_upstreamTime!.RawKeyText(k)));
                }

                break;
            default:
                ReadThroughMapping(index, reads);
                break;
        }
    }

    private void ReadThroughMapping(int index, UpstreamReads reads)
    {
        var mapped = Dependency.Mapping.GetUpstream(_downstreamSpace.Keys[index], _downstreamDefinition, UpstreamSpace.Definition, _asOf);
        foreach (var key in mapped.Keys)
        {
            var position = UpstreamSpace.IndexOf(key);
            if (position >= 0)
            {
                reads.Existing.Add(position);
            }
            else
            {
                reads.NotYet.Add(key!.Value);
            }
        }

        foreach (var text in mapped.OutsideUpstreamRange)
        {
            reads.Outside.Add($"{Upstream}[{text}], which is outside {Possessive(Upstream)} partitions ({UpstreamSpace.Definition!.Describe()})");
        }
    }

    private string OutsideRange(string text, bool before)
        => before
            ? $"{Upstream}[{text}], which is before {Possessive(Upstream)} first partition ({_upstreamTime!.RawKeyText(0)})"
            : $"{Upstream}[{text}], which is after {Possessive(Upstream)} last partition ({_upstreamTime!.RawKeyText(_lastInRange)})";

    private static string Possessive(AssetKey key) => key.Value.EndsWith('s') ? key.Value + "'" : key.Value + "'s";

    private static (int First, int Last) LastPositions(PartitionsDefinition upstream, PartitionSpace space)
    {
        if (space.Count == 0)
        {
            return (0, -1);
        }

        // Two dimensions: the last existing window with every static key, the last block in time-major order.
        var width = upstream is MultiPartitionsDefinition multi ? multi.Static.Keys.Count : 1;
        return (space.Count - width, space.Count - 1);
    }
}

/// <summary>What one downstream partition reads through one dependency; reused between partitions to allocate nothing.</summary>
internal sealed class UpstreamReads
{
    /// <summary>Positions in the upstream's space (partitions that exist), in upstream order.</summary>
    public List<int> Existing { get; } = [];

    /// <summary>Upstream partitions inside the upstream's range that do not exist yet (their window has not ended).</summary>
    public List<PartitionKey> NotYet { get; } = [];

    /// <summary>Upstream partitions the mapping asks for outside the upstream's range, described for people.</summary>
    public List<string> Outside { get; } = [];

    public void Clear()
    {
        Existing.Clear();
        NotYet.Clear();
        Outside.Clear();
    }

    public void AddRange(int first, int last)
    {
        for (var i = first; i <= last; i++)
        {
            Existing.Add(i);
        }
    }
}
