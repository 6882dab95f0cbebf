using NodaTime;
using NodaTime.Text;

namespace Assets.Hosting.CommandLine;

/// <summary>The instants a user gives (<c>--as-of</c>, <c>asOf=</c>): ISO-8601 in UTC or with an offset.</summary>
internal static class InstantText
{
    /// <summary>Parses <paramref name="text"/>; a usage error naming <paramref name="name"/> when it is not an instant.</summary>
    public static Instant Parse(string text, string name)
        => TryParse(text) ?? throw new CommandUsageException(Error(text, name));

    /// <summary>The usage error for <paramref name="text"/> given as <paramref name="name"/>, or null when it is an instant.</summary>
    public static string? Check(string text, string name) => TryParse(text) is null ? Error(text, name) : null;

    private static Instant? TryParse(string text)
        => InstantPattern.ExtendedIso.Parse(text) is { Success: true } parsed ? parsed.Value
            : OffsetDateTimePattern.ExtendedIso.Parse(text) is { Success: true } offset ? offset.Value.ToInstant()
            : null;

    private static string Error(string text, string name)
        => $"{name} '{text}' is not an instant: give ISO-8601 with Z or an offset, for example 2026-02-01T02:00:00Z or 2026-02-01T03:00:00+01:00.";
}
