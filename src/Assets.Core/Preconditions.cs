using System.Runtime.CompilerServices;

namespace Assets;

/// <summary>Argument checks in one place, so every message names the argument that was wrong.</summary>
internal static class Preconditions
{
    public static T CheckNotNull<T>(T? value, [CallerArgumentExpression(nameof(value))] string? name = null)
        where T : class
        => value ?? throw new ArgumentNullException(name);

    public static string CheckNotBlank(string? value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{name} must not be empty.", name);
        }

        return value;
    }

    public static void CheckArgument(bool condition, string message, [CallerArgumentExpression(nameof(condition))] string? name = null)
    {
        if (!condition)
        {
            throw new ArgumentException(message, name);
        }
    }
}
