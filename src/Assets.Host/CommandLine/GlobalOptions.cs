using System.CommandLine;

namespace Assets.Hosting.CommandLine;

/// <summary>Options every command accepts.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Root { get; } = RootOption();

    private static Option<string?> RootOption()
    {
        var root = CommandOptions.Text("--root", "Where data lives: a folder or s3://bucket/prefix (overrides Assets:Root).");
        root.Recursive = true;
        return root;
    }

    public Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = "Show informational logs and stack traces of errors.",
        Recursive = true,
    };
}
