namespace Assets;

/// <summary>
/// How often and how patiently a failed materialization of the asset is retried. Only transient
/// failures (I/O errors, timeouts, throttling) are retried; <see cref="NonRetryableException"/>, failed
/// checks and definition errors fail at once. Without this attribute <see cref="RetryPolicy.Default"/> applies.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class RetryAttribute : Attribute
{
    /// <summary>Attempts in all, the first included (1 means no retry). Default: 3.</summary>
    public int MaxAttempts { get; set; } = RetryPolicy.Default.MaxAttempts;

    /// <summary>The base delay before a retry, as a duration such as <c>2s</c> or <c>1m30s</c>. Default: <c>1s</c>.</summary>
    public string Delay { get; set; } = "1s";

    /// <summary>How the delay grows. Default: <see cref="Assets.Backoff.ExponentialWithJitter"/>.</summary>
    public Backoff Backoff { get; set; } = RetryPolicy.Default.Backoff;

    /// <summary>The longest delay between two attempts, as a duration. Default: <c>1m</c>.</summary>
    public string MaxDelay { get; set; } = "1m";
}
