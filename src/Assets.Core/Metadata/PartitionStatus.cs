namespace Assets.Metadata;

/// <summary>
/// The status of one (asset, partition) in the status grid. Every status has its cause at hand
/// (<see cref="PartitionState.Cause"/>): which upstream changed, which check failed and why, the error.
/// </summary>
public enum PartitionStatus
{
    /// <summary>Never published.</summary>
    Missing,

    /// <summary>A materialization holds its lease now.</summary>
    Running,

    /// <summary>A published version exists and nothing upstream or in the code changed since.</summary>
    Published,

    /// <summary>
    /// Published, but an upstream partition it read was republished with another data version, or its
    /// code version changed.
    /// </summary>
    Stale,

    /// <summary>
    /// Its source has not arrived yet (an observed source reports it absent), within its late-data timeout.
    /// </summary>
    Waiting,

    /// <summary>The last attempt failed; the previously published version, if any, is still what readers get.</summary>
    Failed,

    /// <summary>
    /// A blocking check failed on staged data; nothing was published; the staged data is kept for triage.
    /// </summary>
    Quarantined,
}
