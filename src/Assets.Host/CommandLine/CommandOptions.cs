using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Assets.Hosting.CommandLine;

/// <summary>
/// How the commands declare options whose values System.CommandLine would otherwise convert itself. Its converters
/// report "Cannot parse argument 'abc' ... as expected type 'System.Int32'", and a validator that reads a value that did
/// not convert throws instead of reporting: every typed value is parsed here, so a malformed one is a parse error
/// (exit 2) naming the option and the form it expects.
/// </summary>
internal static class CommandOptions
{
    /// <summary>An option taking a whole number of at least <paramref name="minimum"/>, <paramref name="defaultValue"/> when left out.</summary>
    public static Option<int> WholeNumber(string name, string description, int defaultValue, int minimum = 1)
        => new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
                if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= minimum)
                {
                    return value;
                }

                result.AddError($"{name} takes a whole number from {minimum} to {int.MaxValue}; '{text}' is not one.");
                return defaultValue;
            },
        };

    /// <summary>
    /// An option taking text that must not be empty (<c>--partition ''</c> is a mistake, not "every partition"), with an
    /// optional check of its form that returns the error to report (naming the option and the expected form) or null.
    /// </summary>
    public static Option<string?> Text(string name, string description, Func<string, string?>? check = null, params string[] aliases)
        => new(name, aliases)
        {
            Description = description,
            CustomParser = result => ParseText(result, name, check),
        };

    /// <summary>As <see cref="Text"/>, with a value when the option is left out.</summary>
    public static Option<string> TextWithDefault(string name, string description, string defaultValue, Func<string, string?>? check = null)
        => new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result => ParseText(result, name, check) ?? defaultValue,
        };

    /// <summary>An option taking one of <paramref name="values"/>, <paramref name="defaultValue"/> when left out.</summary>
    public static Option<string> OneOf(string name, string description, string defaultValue, params string[] values)
    {
        var option = TextWithDefault(
            name,
            description,
            defaultValue,
            text => values.Contains(text, StringComparer.Ordinal)
                ? null
                : $"{name} takes one of {string.Join(", ", values)}; '{text}' is not one{Suggestions.DidYouMean(text, values)}.");
        option.CompletionSources.Add(values);
        return option;
    }

    /// <summary>
    /// Whether <paramref name="option"/> was given on the command line, for validators of combinations: reading its value
    /// there would throw when the value itself is malformed (that error is reported on its own).
    /// </summary>
    public static bool IsGiven(CommandResult result, Option option) => result.GetResult(option) is { Implicit: false };

    private static string? ParseText(ArgumentResult result, string name, Func<string, string?>? check)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        if (string.IsNullOrWhiteSpace(text))
        {
            result.AddError($"{name} needs a value, and '{text}' is empty.");
            return null;
        }

        if (check?.Invoke(text) is { } error)
        {
            result.AddError(error);
            return null;
        }

        return text;
    }
}
