using System.Globalization;

namespace Assets;

/// <summary>Counts in words as people write them: "1 step", "3 steps", "1 partition", "0 files".</summary>
internal static class Plural
{
    /// <summary><paramref name="count"/> and the noun, singular for exactly one (the plural adds "s" unless <paramref name="plural"/> is given).</summary>
    public static string Of(long count, string singular, string? plural = null)
        => count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? singular : plural ?? singular + "s");
}
