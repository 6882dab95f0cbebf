namespace Assets.Partitions;

/// <summary>
/// A fixed list of partitions: <c>[StaticPartitions("us", "eu", "apac")]</c>. Together with one time attribute
/// on the same method it makes two-dimensional partitions (<see cref="MultiPartitionsDefinition"/>).
/// </summary>
public sealed class StaticPartitionsAttribute : PartitionsAttribute
{
    /// <summary>Declares the keys, in order.</summary>
    public StaticPartitionsAttribute(params string[] keys) => Keys = keys ?? [];

    /// <summary>The keys, as given.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <inheritdoc />
    public override StaticPartitionsDefinition CreateDefinition()
    {
        try
        {
            return new StaticPartitionsDefinition(Keys);
        }
        catch (DefinitionException e)
        {
            throw new DefinitionException($"[StaticPartitions]: {e.Message}", e);
        }
    }
}
