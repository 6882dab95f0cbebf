namespace Assets;

/// <summary>How the delay between retries of a failed materialization grows.</summary>
public enum Backoff
{
    /// <summary>The same delay before every retry.</summary>
    Constant,

    /// <summary>The delay times the attempt number.</summary>
    Linear,

    /// <summary>The delay doubles with every attempt.</summary>
    Exponential,

    /// <summary>Doubling delays with random jitter, so many failed steps do not retry in lock-step.</summary>
    ExponentialWithJitter,
}
