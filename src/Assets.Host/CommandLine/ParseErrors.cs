using System.CommandLine;
using System.CommandLine.Parsing;

namespace Assets.Hosting.CommandLine;

/// <summary>
/// What a command line that did not parse gets told, one problem a line: a misspelt command is named with the closest
/// real one ("did you mean 'materialize'?") instead of System.CommandLine's pair "Required command was not provided" and
/// "Unrecognized command or argument", and the last line says where the help is.
/// </summary>
internal static class ParseErrors
{
    public static IReadOnlyList<string> Describe(ParseResult parseResult)
    {
        var command = parseResult.CommandResult.Command;
        var messages = new List<string>();
        var subcommands = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToArray();
        var word = parseResult.UnmatchedTokens.FirstOrDefault(t => !t.StartsWith('-'));
        if (subcommands.Length > 0 && word is not null)
        {
            var within = command is RootCommand ? string.Empty : $" of '{CommandPath(parseResult.CommandResult)}'";
            messages.Add($"'{word}' is not a command{within}{Suggestions.DidYouMean(word, subcommands)}. The commands are: {string.Join(", ", subcommands)}.");
        }

        foreach (var error in parseResult.Errors)
        {
            // Both are said better by the line above.
            var explained = word is not null && subcommands.Length > 0
                && (error.Message.Contains($"'{word}'", StringComparison.Ordinal) || error.Message.StartsWith("Required command was not provided", StringComparison.Ordinal));
            if (!explained && !messages.Contains(error.Message))
            {
                messages.Add(error.Message);
            }
        }

        var path = CommandPath(parseResult.CommandResult);
        messages.Add(path.Length == 0 ? "Run with --help to see the commands and options." : $"Run '{path} --help' to see its options.");
        return messages;
    }

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? current = result; current is CommandResult { Command: not RootCommand } c; current = c.Parent)
        {
            names.Insert(0, c.Command.Name);
        }

        return string.Join(' ', names);
    }
}
