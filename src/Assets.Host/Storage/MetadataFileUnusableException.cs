namespace Assets.Hosting.Storage;

/// <summary>The embedded metadata store's file cannot be opened for a reason the user can remedy; the message says how (exit code 1).</summary>
internal sealed class MetadataFileUnusableException(string message, Exception inner) : Exception(message, inner);
