using System.Runtime.CompilerServices;
using Assets.Graph;
using NodaTime;

namespace Assets.Planning;

/// <summary>
/// Compared inputs' stored states laid out as the evaluation reads them: each asset's space with, per position, the index
/// of its state (-1 for none), and per state its position in its asset's space (-1 when it does not exist now). It needs
/// only the states, so a store that reads the recorded reads on a second connection has it made on the states' thread
/// while the reads still arrive (<see cref="IStatusInputStore.GetStatusInputsAsync"/>): it was about 85 ms of a cold
/// evaluation of 730,000 partitions, run after the read.
/// </summary>
internal sealed class StatesLayout
{
    private readonly AssetGraph _graph;
    private readonly Instant _asOf;
    private readonly StoredStateColumns _states;

    private StatesLayout(AssetGraph graph, Instant asOf, StoredStateColumns states, Dictionary<AssetKey, StatusEvaluator.Slot> slots, int[] positionOfState)
    {
        (_graph, _asOf, _states) = (graph, asOf, states);
        Slots = slots;
        PositionOfState = positionOfState;
    }

    /// <summary>Each asset's space and its states' indexes by position.</summary>
    public Dictionary<AssetKey, StatusEvaluator.Slot> Slots { get; }

    /// <summary>Per state, its position in its asset's space, or -1 when its asset or partition does not exist now.</summary>
    public int[] PositionOfState { get; }

    /// <summary>Lays out <paramref name="states"/> for the assets of <paramref name="graph"/> as they exist at <paramref name="asOf"/>.</summary>
    // Compiled optimized on the first call: a cold plan calls it once, with hundreds of thousands of states.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static StatesLayout Of(AssetGraph graph, StoredStateColumns states, Instant asOf)
    {
        Preconditions.CheckNotNull(graph);
        Preconditions.CheckNotNull(states);
        var spaces = new PartitionSpace.Cache(asOf);
        var slots = new Dictionary<AssetKey, StatusEvaluator.Slot>(graph.Assets.Count);
        foreach (var asset in graph.Assets)
        {
            var space = spaces.Get(asset.Partitions);
            var stateIndex = new int[space.Count];
            Array.Fill(stateIndex, -1);
            slots[asset.Key] = new StatusEvaluator.Slot(space, null, null, stateIndex);
        }

        // One sequential pass (states usually arrive grouped by asset, so the asset is looked up once per group), rather
        // than looking each partition up by (asset, partition) at random later.
        var finder = new StatusEvaluator.SlotFinder(slots);
        var positionOfState = new int[states.Count];
        for (var k = 0; k < states.Count; k++)
        {
            var found = finder.Find(states.Partition(k));
            positionOfState[k] = found is { Position: var position } ? position : -1;
            if (found is { Position: >= 0 } slot)
            {
                slot.Slot.StateIndex![slot.Position] = k;
            }
        }

        return new StatesLayout(graph, asOf, states, slots, positionOfState);
    }

    /// <summary>Whether this is the layout of <paramref name="states"/> for <paramref name="graph"/> at <paramref name="asOf"/>.</summary>
    public bool IsFor(AssetGraph graph, StoredStateColumns states, Instant asOf)
        => ReferenceEquals(_graph, graph) && ReferenceEquals(_states, states) && _asOf == asOf;
}
