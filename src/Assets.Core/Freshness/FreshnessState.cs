namespace Assets.Freshness;

/// <summary>How fresh an asset is, judged against its <see cref="FreshnessPolicy"/>.</summary>
public enum FreshnessState
{
    /// <summary>Every partition that is due is published (or still within its warn threshold).</summary>
    Fresh,

    /// <summary>A due partition is unpublished past the policy's warn threshold, not yet past its deadline.</summary>
    Warn,

    /// <summary>A partition is unpublished past its deadline (or the data is older than the policy allows).</summary>
    Overdue,

    /// <summary>Nothing of the asset was ever published.</summary>
    Unknown,
}
