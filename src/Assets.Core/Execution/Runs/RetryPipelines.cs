using NodaTime;
using Polly;
using Polly.Retry;

namespace Assets.Execution;

/// <summary>Turns an asset's <see cref="RetryPolicy"/> into a Polly pipeline that retries transient errors only.</summary>
internal static class RetryPipelines
{
    // Polly accepts delays of at most one day.
    private static readonly TimeSpan LongestDelay = TimeSpan.FromDays(1);

    public static ResiliencePipeline<T> Create<T>(
        RetryPolicy policy,
        TimeProvider timeProvider,
        Func<OnRetryArguments<T>, ValueTask> onRetry,
        CancellationToken runToken)
    {
        var builder = new ResiliencePipelineBuilder<T> { TimeProvider = timeProvider };
        if (policy.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<T>
            {
                MaxRetryAttempts = policy.MaxAttempts - 1,
                Delay = Clamp(policy.Delay),
                MaxDelay = Clamp(policy.MaxDelay),
                BackoffType = policy.Backoff switch
                {
                    Backoff.Constant => DelayBackoffType.Constant,
                    Backoff.Linear => DelayBackoffType.Linear,
                    _ => DelayBackoffType.Exponential,
                },
                UseJitter = policy.Backoff == Backoff.ExponentialWithJitter,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && TransientErrors.IsTransient(e, runToken)),
                OnRetry = onRetry,
            });
        }

        return builder.Build();
    }

    private static TimeSpan Clamp(Duration duration)
    {
        var span = duration.ToTimeSpan();
        return span < TimeSpan.Zero ? TimeSpan.Zero : span > LongestDelay ? LongestDelay : span;
    }
}
