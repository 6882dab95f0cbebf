using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using NodaTime;
using Polly;
using Polly.Retry;

namespace Assets.Execution;

/// <summary>
/// Turns an asset's <see cref="RetryPolicy"/> into a Polly pipeline that retries transient errors only. A pipeline is
/// built once per policy and time provider and shared by every step that uses it (building one validates its options
/// by reflection, which cost more than a tiny partition's publish): what differs per step, the retry callback and the
/// run's token, travels in the <see cref="ResilienceContext"/> of each execution (<see cref="ContextFor{T}"/>).
/// </summary>
internal static class RetryPipelines
{
    // Polly accepts delays of at most one day.
    private static readonly TimeSpan LongestDelay = TimeSpan.FromDays(1);

    /// <summary>The shared pipeline of <paramref name="policy"/> on <paramref name="timeProvider"/>.</summary>
    public static ResiliencePipeline<T> For<T>(RetryPolicy policy, TimeProvider timeProvider)
        => Cache<T>.Pipelines.GetOrCreateValue(timeProvider).GetOrAdd(policy, static (p, clock) => Build<T>(p, clock), timeProvider);

    /// <summary>
    /// A pooled context for one execution of a shared pipeline: <paramref name="runToken"/> cancels it and decides what
    /// counts as transient; <paramref name="onRetry"/> runs before each retry. Give it back with
    /// <see cref="ResilienceContextPool.Return"/>.
    /// </summary>
    public static ResilienceContext ContextFor<T>(Func<OnRetryArguments<T>, ValueTask> onRetry, CancellationToken runToken)
    {
        var context = ResilienceContextPool.Shared.Get(runToken);
        context.Properties.Set(Cache<T>.OnRetry, onRetry);
        return context;
    }

    private static ResiliencePipeline<T> Build<T>(RetryPolicy policy, TimeProvider timeProvider)
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
                ShouldHandle = static args => ValueTask.FromResult(
                    args.Outcome.Exception is { } e && TransientErrors.IsTransient(e, args.Context.CancellationToken)),
                OnRetry = static args => args.Context.Properties.TryGetValue(Cache<T>.OnRetry, out var onRetry) ? onRetry(args) : ValueTask.CompletedTask,
            });
        }

        return builder.Build();
    }

    private static TimeSpan Clamp(Duration duration)
    {
        var span = duration.ToTimeSpan();
        return span < TimeSpan.Zero ? TimeSpan.Zero : span > LongestDelay ? LongestDelay : span;
    }

    private static class Cache<T>
    {
        public static readonly ResiliencePropertyKey<Func<OnRetryArguments<T>, ValueTask>> OnRetry = new("Assets.OnRetry");

        // Weak on the time provider (tests make one per run); a process declares few distinct policies.
        public static readonly ConditionalWeakTable<TimeProvider, ConcurrentDictionary<RetryPolicy, ResiliencePipeline<T>>> Pipelines = new();
    }
}
