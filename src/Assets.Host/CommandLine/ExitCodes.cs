namespace Assets.Hosting.CommandLine;

/// <summary>The process exit codes of every command.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>Some steps failed, or a policy is violated (an overdue asset, a failed verification).</summary>
    public const int Failure = 1;

    /// <summary>Bad usage: unknown options or values, invalid configuration, asset definition errors.</summary>
    public const int Usage = 2;
}
