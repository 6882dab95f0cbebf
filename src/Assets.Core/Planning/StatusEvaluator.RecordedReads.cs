using Assets.Graph;
using Assets.Metadata;
using Assets.Partitions;

namespace Assets.Planning;

// The two forms in which the evaluation gets what a materialization read: listed versions, or reads a store compared.
public static partial class StatusEvaluator
{
    /// <summary>What one materialization read, as <see cref="Evaluation"/> compares it with what it reads now.</summary>
    private interface IRecordedReads
    {
        /// <summary>How many partitions it read.</summary>
        int Count { get; }

        /// <summary>The partition of read <paramref name="r"/>.</summary>
        AssetPartition PartitionAt(int r);

        /// <summary>Whether read <paramref name="r"/> is of (<paramref name="asset"/>, <paramref name="key"/>), which is at <paramref name="position"/> of its asset's space.</summary>
        bool Matches(int r, AssetKey asset, PartitionKey? key, int position);

        /// <summary>The version read <paramref name="r"/> got, or <c>null</c> when it is the current data version of the partition it names.</summary>
        string? DifferingVersion(int r);
    }

    /// <summary>Reads as a list of versions (every version travels; none is known to be current).</summary>
    private readonly struct ListedReads(IReadOnlyList<UpstreamVersion> list) : IRecordedReads
    {
        public int Count => list.Count;

        public AssetPartition PartitionAt(int r) => new(list[r].Asset, list[r].Partition);

        public bool Matches(int r, AssetKey asset, PartitionKey? key, int position)
        {
            var version = list[r];
            return Nullable.Equals(version.Partition, key) && version.Asset == asset;
        }

        public string? DifferingVersion(int r) => list[r].DataVersion;
    }

    /// <summary>Reads of the state at <c>stateIndex</c> of compared inputs: a read names the upstream's state by index.</summary>
    private readonly struct ComparedReads(StatusInputs inputs, int[] positionOfState, int stateIndex) : IRecordedReads
    {
        private readonly int _start = stateIndex < 0 ? 0 : inputs.ReadStart[stateIndex];

        public int Count => stateIndex < 0 ? 0 : inputs.ReadStart[stateIndex + 1] - _start;

        public AssetPartition PartitionAt(int r)
        {
            var entry = _start + r;
            var upstream = inputs.ReadUpstream[entry];
            return upstream >= 0 ? inputs.States[upstream].Partition : inputs.Differing[entry].Partition!.Value;
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public bool Matches(int r, AssetKey asset, PartitionKey? key, int position)
        {
            var entry = _start + r;
            var upstream = inputs.ReadUpstream[entry];
            if (upstream < 0)
            {
                return inputs.Differing[entry].Partition is { } read && Nullable.Equals(read.Partition, key) && read.Asset == asset;
            }

            // Two states of one asset are at one position only when they are the same partition (one state each).
            var state = inputs.States[upstream].Partition;
            return positionOfState[upstream] == position && position >= 0 && (ReferenceEquals(state.Asset, asset) || state.Asset == asset);
        }

        public string? DifferingVersion(int r) => inputs.HasDiffering[_start + r] ? inputs.Differing[_start + r].DataVersion : null;
    }
}
