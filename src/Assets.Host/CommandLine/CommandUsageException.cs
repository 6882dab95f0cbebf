namespace Assets.Hosting.CommandLine;

/// <summary>A command's options do not fit together or name something that does not exist; exit code 2.</summary>
internal sealed class CommandUsageException(string message) : Exception(message);
