namespace Assets.EndToEnd.Tests;

/// <summary>A storage root of its own for a test that runs the example program, removed at the end.</summary>
public abstract class TempRoot : IDisposable
{
    protected TempRoot(string name) => Root = Path.Combine(Path.GetTempPath(), $"assets-{name}-{Guid.NewGuid():N}");

    /// <summary>The root folder (created by the program on first use).</summary>
    protected string Root { get; }

    /// <summary>More configuration for every run of the program, as environment variables (<c>Example__SourceDir</c>).</summary>
    protected Dictionary<string, string> Settings { get; } = [];

    /// <summary>Configuration pointing the example program at <see cref="Root"/>, with <see cref="Settings"/>.</summary>
    protected Dictionary<string, string> Environment => new(Settings) { ["Assets__Root"] = Root };

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }

        GC.SuppressFinalize(this);
    }
}
