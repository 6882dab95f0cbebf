namespace Assets;

/// <summary>
/// How late an asset's data may be. For a time-partitioned asset every partition whose interval has
/// ended is due <see cref="MaxLag"/> after its end (or at the <see cref="Deadline"/> after it); for an
/// unpartitioned asset the policy bounds the age of the last publish. Give <see cref="MaxLag"/>, a
/// <see cref="Deadline"/>, or both (then the earlier one counts).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class FreshnessAttribute : Attribute
{
    /// <summary>The longest allowed lag, as a duration such as <c>3h</c>. Default: none.</summary>
    public string? MaxLag { get; set; }

    /// <summary>A lag after which the asset is reported as <c>warn</c> before it is overdue. Default: none.</summary>
    public string? WarnAfter { get; set; }

    /// <summary>
    /// A cron expression (five fields) in <see cref="Timezone"/>: a partition is due at the first
    /// occurrence after its interval ends (<c>0 6 * * *</c>: yesterday's partition by 06:00). Default: none.
    /// </summary>
    public string? Deadline { get; set; }

    /// <summary>The IANA time zone of <see cref="Deadline"/>. Default: <c>UTC</c>.</summary>
    public string Timezone { get; set; } = "UTC";
}
