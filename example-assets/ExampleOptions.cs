using System.Globalization;

namespace ExampleAssets;

/// <summary>
/// Settings of the example project, bound from the configuration section <c>Example</c>
/// (<c>appsettings.json</c>, the environment variable <c>Example__SourceDir</c>, or
/// <c>--Example:SourceDir</c> on the command line).
/// </summary>
public sealed class ExampleOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Example";

    /// <summary>The default of <see cref="SourceDir"/>: the data shipped with the example, relative to the repository root.</summary>
    public const string DefaultSourceDir = "example-assets/source";

    /// <summary>
    /// The folder the shop drops its exports into; a day's orders are <c>orders/yyyy-MM-dd.csv</c> under it.
    /// Default <see cref="DefaultSourceDir"/>. An absolute path is used as it is; a relative one is resolved
    /// by <see cref="ResolveSourceDir()"/>.
    /// </summary>
    public string SourceDir { get; set; } = DefaultSourceDir;

    /// <summary>
    /// The absolute path of <see cref="SourceDir"/>, from the current directory and the app's base directory.
    /// </summary>
    /// <remarks>See <see cref="ResolveSourceDir(string, string)"/> for the rule.</remarks>
    public string ResolveSourceDir() => ResolveSourceDir(Environment.CurrentDirectory, AppContext.BaseDirectory);

    /// <summary>
    /// The absolute path of <see cref="SourceDir"/>:
    /// <list type="number">
    /// <item>an absolute path as it is;</item>
    /// <item>a relative path against <paramref name="currentDirectory"/>, when that folder exists (the walk-through runs
    /// <c>dotnet run --project example-assets</c> from the repository root, where the default points at the shipped data);</item>
    /// <item>otherwise against <paramref name="baseDirectory"/> or the nearest of its parent folders where the folder
    /// exists, so the default also works when the app is started from <c>example-assets/</c>, from its <c>bin/</c> folder,
    /// or from a test project's output folder;</item>
    /// <item>otherwise against <paramref name="currentDirectory"/>, so a folder that is nowhere is reported at the path
    /// the user most likely meant.</item>
    /// </list>
    /// </summary>
    public string ResolveSourceDir(string currentDirectory, string baseDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(SourceDir);
        ArgumentException.ThrowIfNullOrWhiteSpace(currentDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(baseDirectory);
        if (Path.IsPathFullyQualified(SourceDir))
        {
            return Path.GetFullPath(SourceDir);
        }

        var fromCurrent = Path.GetFullPath(SourceDir, currentDirectory);
        if (Directory.Exists(fromCurrent))
        {
            return fromCurrent;
        }

        for (var folder = new DirectoryInfo(Path.GetFullPath(baseDirectory)); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.GetFullPath(SourceDir, folder.FullName);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return fromCurrent;
    }

    /// <summary>The path of the orders export for <paramref name="day"/>: <c>&lt;SourceDir&gt;/orders/yyyy-MM-dd.csv</c>.</summary>
    public string OrdersFile(DateOnly day)
        => Path.Combine(ResolveSourceDir(), "orders", day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ".csv");
}
