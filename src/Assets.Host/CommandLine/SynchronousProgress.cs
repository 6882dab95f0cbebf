namespace Assets.Hosting.CommandLine;

/// <summary>Reports on the reporting thread, in order, one at a time, unlike <see cref="Progress{T}"/> which posts to the thread pool.</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    private readonly Lock _gate = new();

    public void Report(T value)
    {
        lock (_gate)
        {
            report(value);
        }
    }
}
