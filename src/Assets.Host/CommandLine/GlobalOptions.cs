using System.CommandLine;

namespace Assets.Hosting.CommandLine;

/// <summary>Options every command accepts.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Root { get; } = new("--root")
    {
        Description = "Where data lives: a folder or s3://bucket/prefix (overrides Assets:Root).",
        Recursive = true,
    };

    public Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = "Show informational logs and stack traces of errors.",
        Recursive = true,
    };
}
