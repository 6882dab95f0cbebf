using NodaTime;

namespace Assets;

/// <summary>
/// How a failed materialization is retried: <see cref="MaxAttempts"/> attempts in all, waiting
/// <see cref="Delay"/> grown by <see cref="Backoff"/> and capped at <see cref="MaxDelay"/> between them.
/// Immutable.
/// </summary>
/// <param name="MaxAttempts">Attempts in all, the first included; at least 1.</param>
/// <param name="Delay">The base delay before a retry.</param>
/// <param name="Backoff">How the delay grows.</param>
/// <param name="MaxDelay">The longest delay between two attempts.</param>
public sealed record RetryPolicy(int MaxAttempts, Duration Delay, Backoff Backoff, Duration MaxDelay)
{
    /// <summary>The policy of an asset without <see cref="RetryAttribute"/>: 3 attempts, 1 s, exponential with jitter, at most 1 min.</summary>
    public static RetryPolicy Default { get; } = new(3, Duration.FromSeconds(1), Backoff.ExponentialWithJitter, Duration.FromMinutes(1));

    /// <summary>Reads the attribute; throws <see cref="DefinitionException"/> naming the bad value.</summary>
    internal static RetryPolicy FromAttribute(RetryAttribute attribute)
    {
        var errors = new List<string>();
        if (attribute.MaxAttempts < 1)
        {
            errors.Add($"[Retry(MaxAttempts = {attribute.MaxAttempts})] must be at least 1 (1 means no retry).");
        }

        if (!DurationText.TryParse(attribute.Delay, out var delay, out var delayError))
        {
            errors.Add($"[Retry(Delay = \"{attribute.Delay}\")]: {delayError}");
        }

        if (!DurationText.TryParse(attribute.MaxDelay, out var maxDelay, out var maxDelayError))
        {
            errors.Add($"[Retry(MaxDelay = \"{attribute.MaxDelay}\")]: {maxDelayError}");
        }
        else if (delay > maxDelay)
        {
            errors.Add($"[Retry] Delay ({attribute.Delay}) is longer than MaxDelay ({attribute.MaxDelay}): lower Delay or raise MaxDelay.");
        }

        if (!Enum.IsDefined(attribute.Backoff))
        {
            errors.Add($"[Retry(Backoff = {(int)attribute.Backoff})] is not a Backoff value.");
        }

        return errors.Count == 0
            ? new RetryPolicy(attribute.MaxAttempts, delay, attribute.Backoff, maxDelay)
            : throw new DefinitionException(string.Join(" ", errors));
    }

    /// <summary>One line for people: <c>4 attempts, 2s exponential with jitter (max 1m)</c>.</summary>
    public string Describe()
        => MaxAttempts == 1
            ? "no retry"
            : $"{MaxAttempts} attempts, {DurationText.Format(Delay)} {BackoffName(Backoff)} (max {DurationText.Format(MaxDelay)})";

    private static string BackoffName(Backoff backoff) => backoff switch
    {
        Backoff.Constant => "constant",
        Backoff.Linear => "linear",
        Backoff.Exponential => "exponential",
        _ => "exponential with jitter",
    };
}
