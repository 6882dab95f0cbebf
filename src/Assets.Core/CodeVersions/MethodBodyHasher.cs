using System.Collections.Concurrent;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Assets.CodeVersions;

/// <summary>
/// The default code version of an asset whose method declares none: a hash of what the method's
/// body does. Editing the body (or a lambda, local function, async or iterator continuation in it)
/// changes it; editing unrelated code in the same assembly does not.
/// </summary>
/// <remarks>
/// <para>
/// The IL is decoded opcode by opcode and written as text: opcode values, literal operands, and for
/// every metadata token the name it stands for (declaring type, member name and signature; the text
/// of a string). Raw tokens are never used: they are row numbers in the assembly's tables and
/// shift when unrelated code is added, which would mark every asset stale. Local variable types,
/// exception-handling clauses, the parameter and return types are part of the text. The method's
/// own name and declaring type are not (see <see cref="MemberNameFormatter"/>).
/// </para>
/// <para>
/// Compiler-generated helpers the body references (lambdas, local functions, closure classes, state
/// machines' <c>MoveNext</c>) are hashed into it, numbered in order of first use, because an edit
/// inside a lambda leaves the outer IL unchanged. Ordinary methods it calls are written by name
/// only: editing a called helper method of the user's does not change this method's version.
/// </para>
/// <para>
/// The result depends only on the IL the compiler emitted, so it is the same across runs, processes
/// and machines for the same build, but a different compiler version or a Debug instead of a Release
/// build may emit different IL and so give a different version.
/// </para>
/// </remarks>
internal static class MethodBodyHasher
{
    /// <summary>The number of hex characters of the SHA-256 kept in a code version.</summary>
    public const int VersionLength = 16;

    private static readonly ConcurrentDictionary<MethodInfo, string> Cache = new();

    /// <summary>
    /// The code version of <paramref name="method"/>: the first <see cref="VersionLength"/> lower-case hex
    /// characters of the SHA-256 of its canonical body text. Cached per method; thread-safe.
    /// </summary>
    /// <exception cref="ArgumentException">The method has no IL body (abstract, extern, runtime-implemented).</exception>
    /// <exception cref="InvalidOperationException">The IL is malformed or references something that cannot be loaded.</exception>
    public static string ComputeCodeVersion(MethodInfo method)
    {
        ArgumentNullException.ThrowIfNull(method);

        // A static cache would keep a collectible assembly (a plugin, a test's load context) alive
        // forever, so those are computed each time.
        return method.Module.Assembly.IsCollectible
            ? Compute(method)
            : Cache.GetOrAdd(method, static m => Compute(m));
    }

    /// <summary>The text that <see cref="ComputeCodeVersion"/> hashes, for diagnostics and tests.</summary>
    internal static string DescribeCodeVersionInput(MethodInfo method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new MethodBodyCanonicalizer(method).Build();
    }

    private static string Compute(MethodInfo method)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(DescribeCodeVersionInput(method)), hash);
        return Convert.ToHexStringLower(hash[..(VersionLength / 2)]);
    }
}
