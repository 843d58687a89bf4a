using Coast.Tests.Infrastructure;
using Coast.ApiTypes.Model;
using Coast.Controller.Runtime;

namespace Coast.Tests.Runtime;

[Trait("Category", Category.Unit)]
public sealed class WorkQueueTests
{
    private static readonly ResourceKey A = new("Instance", "p", "a");
    private static readonly ResourceKey B = new("Instance", "p", "b");

    [Fact]
    public async Task Adding_a_queued_key_again_keeps_one_entry()
    {
        using var q = new WorkQueue(TimeProvider.System);
        q.Add(A); q.Add(A); q.Add(B); q.Add(A);
        q.Count.ShouldBe(2);
        (await q.TakeAsync(CancellationToken.None)).ShouldBe(A);
        (await q.TakeAsync(CancellationToken.None)).ShouldBe(B);
        q.Count.ShouldBe(0);
    }

    [Fact]
    public async Task A_key_added_while_in_flight_runs_again_only_after_done()
    {
        using var q = new WorkQueue(TimeProvider.System);
        q.Add(A);
        var key = await q.TakeAsync(CancellationToken.None);
        q.Add(A);
        q.Count.ShouldBe(0); // not handed to a second worker while in flight
        q.Done(key);
        q.Count.ShouldBe(1);
        (await q.TakeAsync(CancellationToken.None)).ShouldBe(A);
    }

    [Fact]
    public async Task Delayed_add_arrives_after_the_delay()
    {
        using var q = new WorkQueue(TimeProvider.System);
        var started = DateTime.UtcNow;
        q.AddAfter(A, TimeSpan.FromMilliseconds(150));
        q.Count.ShouldBe(0);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        (await q.TakeAsync(deadline.Token)).ShouldBe(A);
        (DateTime.UtcNow - started).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(140));
    }
}

[Trait("Category", Category.Unit)]
public sealed class BackoffTests
{
    private static readonly ResourceKey A = new("Instance", "p", "a");

    [Fact]
    public void Delays_double_within_jitter_cap_and_reset()
    {
        var b = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));
        b.Next(A).TotalMilliseconds.ShouldBeInRange(80, 120);
        b.Next(A).TotalMilliseconds.ShouldBeInRange(160, 240);
        b.Next(A).TotalMilliseconds.ShouldBeInRange(320, 480);
        for (var i = 0; i < 10; i++) b.Next(A).ShouldBeLessThanOrEqualTo(TimeSpan.FromSeconds(1));
        b.Forget(A);
        b.Failures(A).ShouldBe(0);
        b.Next(A).TotalMilliseconds.ShouldBeInRange(80, 120);
    }
}

[Trait("Category", Category.Unit)]
public sealed class ConditionsTests
{
    [Fact]
    public void Transition_time_changes_only_when_status_flips()
    {
        var list = new List<Condition>();
        var t0 = DateTimeOffset.Parse("2026-01-01T00:00:00Z");
        Conditions.Set(list, "Ready", ConditionStatus.False, "Starting", "starting", 1, t0).ShouldBeTrue();
        Conditions.Set(list, "Ready", ConditionStatus.False, "Waiting", "still", 1, t0.AddSeconds(5)).ShouldBeTrue();
        list[0].LastTransitionTime.ShouldBe(t0);
        Conditions.Set(list, "Ready", ConditionStatus.True, "Up", "up", 1, t0.AddSeconds(9)).ShouldBeTrue();
        list[0].LastTransitionTime.ShouldBe(t0.AddSeconds(9));
        Conditions.Set(list, "Ready", ConditionStatus.True, "Up", "up", 1, t0.AddSeconds(20)).ShouldBeFalse();
        Conditions.IsTrue(list, "Ready").ShouldBeTrue();
    }
}
