using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Assets.Hosting.Configuration;

/// <summary>
/// Binds an options type from its configuration section after checking that every value it holds converts to its
/// property's type. The binder alone throws "Failed to convert configuration value ... to type 'System.Int32'" when the
/// options are first read, which ends as an unexplained failure; here each bad value is an
/// <see cref="OptionsValidationException"/> naming its key (<c>Assets:Daemon:TickSeconds</c>) and the form it takes,
/// reported with the validator's findings as a usage error (exit 2).
/// </summary>
internal static class ConfigurationValues
{
    /// <summary>Checks the values under <paramref name="section"/> against <typeparamref name="T"/>'s properties, then binds them.</summary>
    public static void Bind<T>(IConfigurationSection section, T options)
        where T : class
    {
        var failures = new List<string>();
        Check(section, typeof(T), failures);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(T), failures);
        }

        section.Bind(options);
    }

    private static void Check(IConfigurationSection section, Type type, List<string> failures)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var child = section.GetSection(property.Name);
            var target = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (target == typeof(string))
            {
                continue;
            }

            if (target.IsClass)
            {
                Check(child, target, failures);
            }
            else if (child.Value is { } text && Expected(target, text) is { } expected)
            {
                failures.Add($"{child.Path}: '{text}' is not {expected}.");
            }
        }
    }

    /// <summary>What a value of <paramref name="type"/> looks like, when <paramref name="text"/> is not one; null when it converts.</summary>
    private static string? Expected(Type type, string text)
    {
        if (type == typeof(bool))
        {
            return bool.TryParse(text, out _) ? null : "true or false";
        }

        if (type == typeof(int))
        {
            return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? null : "a whole number (for example 30)";
        }

        if (type == typeof(long))
        {
            return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? null : "a whole number (for example 500000)";
        }

        if (type.IsEnum)
        {
            return Enum.TryParse(type, text, ignoreCase: true, out _) ? null : "one of " + string.Join(", ", Enum.GetNames(type));
        }

        // Any other type as the binder converts it.
        var converter = System.ComponentModel.TypeDescriptor.GetConverter(type);
        try
        {
            _ = converter.ConvertFromInvariantString(text);
            return null;
        }
        catch (Exception e) when (e is FormatException or NotSupportedException or ArgumentException)
        {
            return $"a {type.Name}";
        }
    }
}
