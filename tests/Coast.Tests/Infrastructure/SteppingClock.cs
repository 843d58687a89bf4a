using Microsoft.Extensions.Time.Testing;

namespace Coast.Tests.Infrastructure;

/// <summary>
/// A fake clock for one reconcile at a time: a timer with a finite due time moves the clock forward by that much, so
/// code that sleeps on the clock (a polling loop, a deadline) runs at once while seeing time pass. Manual
/// <see cref="FakeTimeProvider.Advance"/> works too. Not for a running controller: its resync would spin.
/// </summary>
public sealed class SteppingClock() : FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
{
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime != Timeout.InfiniteTimeSpan && dueTime > TimeSpan.Zero)
            ThreadPool.QueueUserWorkItem(_ => Advance(dueTime));
        return timer;
    }
}
