using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;

namespace Assets.Hosting.Web;

/// <summary>
/// A piece of HTML that is already safe to write as it is: markup this code wrote, never text a user or the store supplied.
/// Everything else goes through <see cref="HtmlBuilder"/>'s interpolation, which encodes it.
/// </summary>
internal readonly record struct Html(string Value)
{
    public static Html Empty { get; } = new(string.Empty);

    /// <summary>Text encoded for HTML (element content and quoted attribute values alike).</summary>
    public static Html Text(string? text) => new(HtmlEncoder.Default.Encode(text ?? string.Empty));

    public override string ToString() => Value;
}

/// <summary>
/// Builds a page or a fragment. Interpolated holes are HTML-encoded unless they are <see cref="Html"/>, so a key, a cause
/// or an error message from the store can never become markup: <c>b.Add($"&lt;td&gt;{row.Cause}&lt;/td&gt;")</c>.
/// </summary>
internal sealed class HtmlBuilder
{
    private readonly StringBuilder _text = new(4096);

    public HtmlBuilder Add([InterpolatedStringHandlerArgument("")] ref HtmlInterpolation html)
    {
        _ = html;
        return this;
    }

    public HtmlBuilder Add(Html html)
    {
        _text.Append(html.Value);
        return this;
    }

    internal StringBuilder Inner => _text;

    public Html ToHtml() => new(_text.ToString());

    public override string ToString() => _text.ToString();
}

/// <summary>The interpolation of <see cref="HtmlBuilder.Add(ref HtmlInterpolation)"/>: literals as they are, holes encoded.</summary>
[InterpolatedStringHandler]
internal readonly ref struct HtmlInterpolation
{
    private readonly StringBuilder _text;

    public HtmlInterpolation(int literalLength, int formattedCount, HtmlBuilder builder)
    {
        _ = literalLength;
        _ = formattedCount;
        _text = builder.Inner;
    }

    public void AppendLiteral(string literal) => _text.Append(literal);

    public void AppendFormatted(Html html) => _text.Append(html.Value);

    public void AppendFormatted(string? text) => _text.Append(HtmlEncoder.Default.Encode(text ?? string.Empty));

    public void AppendFormatted<T>(T value) => AppendFormatted(value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value?.ToString());

    public void AppendFormatted<T>(T value, string format)
        where T : IFormattable
        => AppendFormatted(value.ToString(format, CultureInfo.InvariantCulture));
}
