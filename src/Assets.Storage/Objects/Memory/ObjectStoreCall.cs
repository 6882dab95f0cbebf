namespace Assets.Storage.Objects.Memory;

/// <summary>The operations of an <see cref="IObjectStore"/>, as fault injection sees them.</summary>
public enum ObjectStoreOperation
{
    /// <summary><see cref="IObjectStore.GetAsync"/>.</summary>
    Get,

    /// <summary><see cref="IObjectStore.OpenReadAsync"/>.</summary>
    OpenRead,

    /// <summary><see cref="IObjectStore.GetSizeAsync"/>.</summary>
    GetSize,

    /// <summary><see cref="IObjectStore.CreateIfAbsentAsync"/>.</summary>
    CreateIfAbsent,

    /// <summary><see cref="IObjectStore.ReplaceIfMatchAsync"/>.</summary>
    ReplaceIfMatch,

    /// <summary><see cref="IObjectStore.DeleteAsync"/>.</summary>
    Delete,

    /// <summary><see cref="IObjectStore.ListAsync"/>.</summary>
    List,
}

/// <summary>When an injected failure strikes relative to the operation's effect.</summary>
public enum FaultTiming
{
    /// <summary>Before the operation does anything: nothing is read or written (a request that never arrived).</summary>
    BeforeEffect,

    /// <summary>After the operation took effect: a write is visible, yet the caller sees an exception (a lost response).</summary>
    AfterEffect,
}

/// <summary>One call on an <see cref="InMemoryObjectStore"/>.</summary>
/// <param name="Number">The call's number, from 1, in the order calls start (a listing starts when enumerated).</param>
/// <param name="Operation">What was called.</param>
/// <param name="Key">The key, or the prefix of a listing.</param>
public readonly record struct ObjectStoreCall(int Number, ObjectStoreOperation Operation, string Key)
{
    /// <summary>Whether the call writes or deletes.</summary>
    public bool IsWrite => Operation is ObjectStoreOperation.CreateIfAbsent or ObjectStoreOperation.ReplaceIfMatch or ObjectStoreOperation.Delete;
}

/// <summary>The failure <see cref="InMemoryObjectStore"/> throws for an injected fault. An <see cref="IOException"/>, so callers treat it as transient.</summary>
public sealed class InjectedFaultException : IOException
{
    /// <summary>Creates the exception.</summary>
    public InjectedFaultException()
        : this("Injected fault.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed.</param>
    public InjectedFaultException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public InjectedFaultException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
