using Assets.Execution;

namespace Assets.Core.Tests.Execution;

public sealed class StepSlotsTests
{
    [Fact]
    public async Task Backfill_NeverTakesTheSlotReservedForCurrentWork()
    {
        var slots = new StepSlots(3);
        using var first = await slots.AcquireAsync(StepPriority.Backfill);
        using var second = await slots.AcquireAsync(StepPriority.Backfill);

        var third = slots.AcquireAsync(StepPriority.Backfill).AsTask();
        var current = await slots.AcquireAsync(StepPriority.Current).AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.False(third.IsCompleted);
        Assert.Equal(3, slots.Busy);
        current.Dispose();
        first.Dispose();
        (await third.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    [Fact]
    public async Task FreedSlot_GoesToAWaitingCurrentStepBeforeAWaitingBackfillStep()
    {
        var slots = new StepSlots(2, reservedForCurrent: 0);
        var held = new[] { await slots.AcquireAsync(StepPriority.Backfill), await slots.AcquireAsync(StepPriority.Backfill) };
        var backfill = slots.AcquireAsync(StepPriority.Backfill).AsTask();
        var current = slots.AcquireAsync(StepPriority.Current).AsTask();

        held[0].Dispose();

        var currentSlot = await current.WaitAsync(TimeSpan.FromSeconds(5));
        await Task.Delay(50);
        Assert.False(backfill.IsCompleted, "the backfill step asked first, but the current step got the freed slot");
        currentSlot.Dispose();
        (await backfill.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        held[1].Dispose();
        Assert.Equal(0, slots.Busy);
    }

    [Fact]
    public async Task FreedSlot_WithNoCurrentWaiting_GoesToTheBackfill()
    {
        var slots = new StepSlots(2);
        var held = await slots.AcquireAsync(StepPriority.Backfill);
        var waiting = slots.AcquireAsync(StepPriority.Backfill).AsTask();
        Assert.False(waiting.IsCompleted);

        held.Dispose();

        (await waiting.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        Assert.Equal(0, slots.Busy);
    }

    [Fact]
    public async Task CancelledWaiter_LeavesTheQueue_AndNeverHoldsASlot()
    {
        var slots = new StepSlots(1);
        var held = await slots.AcquireAsync(StepPriority.Current);
        using var cancellation = new CancellationTokenSource();
        var waiting = slots.AcquireAsync(StepPriority.Current, cancellation.Token).AsTask();

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        held.Dispose();
        Assert.Equal(0, slots.Busy);
        (await slots.AcquireAsync(StepPriority.Current)).Dispose();
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(2, 2)]
    [InlineData(2, -1)]
    public void InvalidSizes_AreRefusedWithTheRange(int count, int? reserved)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new StepSlots(count, reserved));

    [Fact]
    public void OneSlot_ReservesNothing_SoABackfillCanRunAlone()
        => Assert.Equal(0, new StepSlots(1).ReservedForCurrent);
}
