namespace Assets;

/// <summary>
/// Puts every asset declared in a class into a group, selectable with <c>group:name</c>.
/// Assets in a class without this attribute are in the group <c>default</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class AssetGroupAttribute : Attribute
{
    /// <summary>The name of the group used by assets declared without <see cref="AssetGroupAttribute"/>.</summary>
    public const string DefaultGroup = "default";

    /// <summary>Creates the attribute.</summary>
    /// <param name="name">The group's name: lower-case letters, digits, <c>_</c> and <c>-</c>.</param>
    public AssetGroupAttribute(string name) => Name = name;

    /// <summary>The group's name.</summary>
    public string Name { get; }
}
