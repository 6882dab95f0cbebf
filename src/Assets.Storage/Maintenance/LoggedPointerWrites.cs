using Assets.Graph;

namespace Assets.Storage.Maintenance;

/// <summary>
/// What a store whose previous session closed uncleanly knows about the pointers that session may have left unrecorded
/// (<see cref="IStoreSession.PointerWritesOfUncleanClose"/>): the partitions whose pointers it began to write, from its
/// pointer-write log, and the partitions recorded running when this session opened. Every other pointer of
/// <see cref="Root"/> agreed with the index when that session's index was reconciled, so an open that reads these (and
/// only these) finds every publish the crash kept from the index.
/// </summary>
/// <param name="Root">The root the log was written for (<see cref="Objects.IObjectStore.Location"/>); another root's open ignores it.</param>
/// <param name="Written">Partitions whose pointer the dead session began to write (a publish, a rollback), each once.</param>
/// <param name="Running">Partitions the index records as running: attempts of the dead session to settle.</param>
public sealed record LoggedPointerWrites(string Root, IReadOnlyList<AssetPartition> Written, IReadOnlyList<AssetPartition> Running);
