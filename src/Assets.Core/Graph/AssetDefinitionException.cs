namespace Assets.Graph;

/// <summary>
/// The asset definitions of a project are invalid. <see cref="Errors"/> holds every error found, so
/// a user fixes them all in one pass instead of one per start.
/// </summary>
public sealed class AssetDefinitionException : Exception
{
    /// <summary>Creates the exception from the errors found.</summary>
    public AssetDefinitionException(IReadOnlyList<DefinitionError> errors)
        : base(FormatMessage(errors))
        => Errors = errors;

    /// <summary>Every error found, in declaration order.</summary>
    public IReadOnlyList<DefinitionError> Errors { get; }

    private static string FormatMessage(IReadOnlyList<DefinitionError> errors)
        => $"{errors.Count} asset definition error{(errors.Count == 1 ? string.Empty : "s")}:"
            + string.Concat(errors.Select(e => Environment.NewLine + "  - " + e));
}
