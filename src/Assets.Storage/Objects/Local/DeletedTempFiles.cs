namespace Assets.Storage.Objects.Local;

/// <summary>What <see cref="LocalObjectStore.DeleteAbandonedTempFilesAsync"/> removed.</summary>
/// <param name="Count">How many abandoned temporary files were deleted.</param>
/// <param name="Bytes">Their total size in bytes.</param>
public readonly record struct DeletedTempFiles(int Count, long Bytes);
