using Assets.Partitions;
using NodaTime;

namespace Assets.Planning;

/// <summary>
/// The partitions of one definition that exist at one instant, in partition order, with the position of
/// each key. Assets with equal definitions share one space, so 200 daily assets cut their 3,650 keys once.
/// The unpartitioned space has the single key <c>null</c> at position 0. Immutable once built.
/// </summary>
internal sealed class PartitionSpace
{
    private static readonly PartitionSpace UnpartitionedSpace = new(null, [null], null);

    private readonly Dictionary<PartitionKey, int>? _positions;

    private PartitionSpace(PartitionsDefinition? definition, PartitionKey?[] keys, Dictionary<PartitionKey, int>? positions)
    {
        Definition = definition;
        Keys = keys;
        _positions = positions;
    }

    /// <summary>The definition, or <c>null</c> for an unpartitioned asset.</summary>
    public PartitionsDefinition? Definition { get; }

    /// <summary>The existing keys, in partition order (time-major for two dimensions).</summary>
    public PartitionKey?[] Keys { get; }

    /// <summary>How many partitions exist.</summary>
    public int Count => Keys.Length;

    /// <summary>The space of <paramref name="definition"/> at <paramref name="asOf"/>.</summary>
    public static PartitionSpace Of(PartitionsDefinition? definition, Instant asOf)
    {
        if (definition is null)
        {
            return UnpartitionedSpace;
        }

        var existing = definition.GetKeys(asOf);
        var keys = new PartitionKey?[existing.Count];
        var positions = new Dictionary<PartitionKey, int>(existing.Count);
        for (var i = 0; i < keys.Length; i++)
        {
            var key = existing[i];
            keys[i] = key;
            positions[key] = i;
        }

        return new PartitionSpace(definition, keys, positions);
    }

    /// <summary>The position of <paramref name="key"/>, or -1 when it is not an existing key of this space.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public int IndexOf(PartitionKey? key)
    {
        if (key is not { } value)
        {
            return _positions is null ? 0 : -1;
        }

        return _positions is not null && _positions.TryGetValue(value, out var index) ? index : -1;
    }

    /// <summary>Spaces by definition, so equal definitions share one.</summary>
    internal sealed class Cache(Instant asOf)
    {
        private readonly Dictionary<PartitionsDefinition, PartitionSpace> _spaces = [];

        public PartitionSpace Get(PartitionsDefinition? definition)
        {
            if (definition is null)
            {
                return UnpartitionedSpace;
            }

            if (!_spaces.TryGetValue(definition, out var space))
            {
                space = Of(definition, asOf);
                _spaces[definition] = space;
            }

            return space;
        }
    }
}
