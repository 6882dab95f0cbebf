namespace Assets.Hosting.Storage;

/// <summary>The metadata store cannot be opened for a reason the user can remedy; the message says how (exit code 1).</summary>
internal sealed class MetadataStoreUnavailableException(string message, Exception inner) : Exception(message, inner);
