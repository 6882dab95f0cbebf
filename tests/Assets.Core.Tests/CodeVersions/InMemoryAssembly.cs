using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Assets.Core.Tests.CodeVersions;

/// <summary>
/// C# source compiled with Roslyn in memory and loaded into its own collectible load context, so a
/// test can hold two builds of "the same" assembly side by side and unload them after.
/// </summary>
internal sealed class InMemoryAssembly : IDisposable
{
    private static readonly Lazy<MetadataReference[]> FrameworkReferences = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => Path.GetFileName(path) is var file
                && (file.StartsWith("System.", StringComparison.Ordinal) || file is "mscorlib.dll" or "netstandard.dll"))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToArray());

    private readonly AssemblyLoadContext _context;

    private InMemoryAssembly(AssemblyLoadContext context, Assembly assembly, byte[] image)
    {
        _context = context;
        Assembly = assembly;
        Image = image;
    }

    public Assembly Assembly { get; }

    public byte[] Image { get; }

    /// <summary>Compiles <paramref name="source"/> as an assembly named <paramref name="assemblyName"/> and loads it.</summary>
    public static InMemoryAssembly Compile(string source, OptimizationLevel optimization, string assemblyName = "Pipeline")
    {
        var compilation = CSharpCompilation.Create(
            assemblyName,
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
            FrameworkReferences.Value,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                optimizationLevel: optimization,
                allowUnsafe: true,
                deterministic: true,
                nullableContextOptions: NullableContextOptions.Enable));

        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        if (!result.Success)
        {
            throw new InvalidOperationException(
                "The sample does not compile:\n" + string.Join('\n', result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }

        var context = new AssemblyLoadContext($"{assemblyName}-{Guid.NewGuid():N}", isCollectible: true);
        image.Position = 0;
        var assembly = context.LoadFromStream(image);
        return new InMemoryAssembly(context, assembly, image.ToArray());
    }

    public MethodInfo Method(string typeName, string methodName)
        => Assembly.GetType(typeName, throwOnError: true)!.GetMethod(methodName, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new InvalidOperationException($"No method {typeName}.{methodName} in the sample.");

    public void Dispose() => _context.Unload();
}
