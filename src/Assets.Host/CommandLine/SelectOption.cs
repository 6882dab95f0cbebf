using System.CommandLine;

namespace Assets.Hosting.CommandLine;

/// <summary>The <c>--select</c> option, written in Dagster's selection syntax, shared by the commands that take one.</summary>
internal static class SelectOption
{
    public static Option<string?> Create(string description) => new("--select", "-s")
    {
        Description = description + " Syntax: 'key', '*key' (with all upstream), 'key+' (one level down), 'group:name', 'tag:k=v', '*', comma for union.",
    };
}
