namespace Assets.Execution;

/// <summary>
/// The shared slot (<see cref="ExecutionOptions.Slots"/>) one step holds while it runs. A step that only waits for another
/// run's lease gives it back meanwhile, so waiting work never keeps the process's slots from the runs it waits for.
/// Without shared slots it holds nothing. Used by one step at a time.
/// </summary>
internal sealed class HeldSlot(StepSlots? slots, StepPriority priority) : IDisposable
{
    private IDisposable? _held;

    /// <summary>Takes a slot, waiting for one, unless one is held already.</summary>
    public async ValueTask AcquireAsync(CancellationToken cancellationToken)
    {
        if (slots is not null && _held is null)
        {
            _held = await slots.AcquireAsync(priority, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Gives the slot back, if one is held.</summary>
    public void Release()
    {
        _held?.Dispose();
        _held = null;
    }

    public void Dispose() => Release();
}
