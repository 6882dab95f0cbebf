namespace Assets.EndToEnd.Tests;

/// <summary>A storage root of its own for a test that runs the example program, removed at the end.</summary>
public abstract class TempRoot : IDisposable
{
    protected TempRoot(string name) => Root = Path.Combine(Path.GetTempPath(), $"assets-{name}-{Guid.NewGuid():N}");

    /// <summary>The root folder (created by the program on first use).</summary>
    protected string Root { get; }

    /// <summary>Configuration pointing the example program at <see cref="Root"/>.</summary>
    protected Dictionary<string, string> Environment => new() { ["Assets__Root"] = Root };

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }

        GC.SuppressFinalize(this);
    }
}
