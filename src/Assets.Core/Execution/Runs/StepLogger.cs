using System.Collections;
using Assets.Graph;
using Microsoft.Extensions.Logging;

namespace Assets.Execution;

/// <summary>
/// The logger an asset body gets: every entry carries a scope with the asset, partition, run and attempt,
/// whichever thread or async flow the body logs from.
/// </summary>
internal sealed class StepLogger(ILogger inner, AssetPartition partition, RunId run, int attempt) : ILogger
{
    private readonly StepScope _scope = new(partition, run, attempt);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull
        => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        using (inner.BeginScope(_scope))
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }

    /// <summary>The scope's properties, structured for log sinks and readable as text.</summary>
    private sealed class StepScope(AssetPartition partition, RunId run, int attempt) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly KeyValuePair<string, object?>[] _properties =
        [
            new("Asset", partition.Asset.Value),
            new("Partition", partition.Partition?.Value),
            new("RunId", run.Value),
            new("Attempt", attempt),
        ];

        public int Count => _properties.Length;

        public KeyValuePair<string, object?> this[int index] => _properties[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_properties).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"{partition} run {run} attempt {_properties[3].Value}";
    }
}
