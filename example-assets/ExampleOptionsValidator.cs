using Microsoft.Extensions.Options;

namespace ExampleAssets;

/// <summary>
/// Checks <see cref="ExampleOptions"/> at start-up (register it with
/// <c>services.AddSingleton&lt;IValidateOptions&lt;ExampleOptions&gt;, ExampleOptionsValidator&gt;()</c>), so a blank
/// setting is reported with its key rather than as a failed materialization later.
/// </summary>
public sealed class ExampleOptionsValidator : IValidateOptions<ExampleOptions>
{
    public ValidateOptionsResult Validate(string? name, ExampleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.SourceDir))
        {
            return ValidateOptionsResult.Fail(
                $"{ExampleOptions.SectionName}:SourceDir is empty: set it to the folder that holds orders/yyyy-MM-dd.csv (default \"{ExampleOptions.DefaultSourceDir}\").");
        }

        return options.SourceDir.AsSpan().IndexOfAny(Path.GetInvalidPathChars()) >= 0
            ? ValidateOptionsResult.Fail($"{ExampleOptions.SectionName}:SourceDir '{options.SourceDir}' contains characters that cannot be in a path.")
            : ValidateOptionsResult.Success;
    }
}
