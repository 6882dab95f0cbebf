using System.CommandLine;

namespace Assets.Hosting.CommandLine;

/// <summary>The <c>--select</c> option, written in Dagster's selection syntax, shared by the commands that take one.</summary>
internal static class SelectOption
{
    /// <summary>Every form a selection term takes, in the help of each command with <c>--select</c>.</summary>
    public const string Syntax =
        "Syntax: 'key' (one asset); '*key', '+key', '++key' (with all, one or two levels upstream); 'key*', 'key+', 'key++' "
        + "(with all, one or two levels downstream; both sides combine: '+key+'); 'group:name'; 'tag:k=v' or 'tag:k'; '*' (every asset); "
        + "commas join terms (union).";

    public static Option<string?> Create(string description) => CommandOptions.Text("--select", description + " " + Syntax, aliases: "-s");
}
