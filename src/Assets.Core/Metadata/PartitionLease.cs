using NodaTime;

namespace Assets.Metadata;

/// <summary>Who holds a partition's lease (see <see cref="IMetadataStore.TryAcquireLeaseAsync"/>) and until when, unless renewed.</summary>
/// <param name="Holder">The run that holds it.</param>
/// <param name="ExpiresAt">When it lapses if its holder does not renew it (a holder that died keeps others out until then).</param>
public sealed record PartitionLease(RunId Holder, Instant ExpiresAt);
