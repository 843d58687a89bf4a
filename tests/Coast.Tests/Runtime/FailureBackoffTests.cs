using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Runtime;
using Coast.Tests.Infrastructure;
using Coast.Tests.Store;
using Microsoft.Extensions.Time.Testing;

namespace Coast.Tests.Runtime;

/// <summary>
/// Failures on the real store and the real runtime: a failing reconcile that writes status (as every real
/// reconciler does to report progress and failure) backs off instead of waking itself; inputs retry at once.
/// </summary>
[Collection("postgres")]
[Trait("Category", Category.Postgres)]
public sealed class FailureBackoffTests(PostgresFixture pg) : StoreTestBase(pg)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>Fails every time after writing a progress status, like BuildReconciler before a failing step.</summary>
    private ScriptedInstanceReconciler FailingWithStatusWrites(Func<int, Exception> failure) => new()
    {
        Behaviour = async (i, call) =>
        {
            var current = (Instance)(await Store.GetAsync(i.Key))!;
            current.Status.Phase = $"Attempt{call}";
            Conditions.Set(current.Status.Conditions, "Ready", ConditionStatus.False, "Working", $"attempt {call}", current.Metadata.Generation, DateTimeOffset.UtcNow);
            await Store.UpdateStatusAsync(current);
            throw failure(call);
        },
    };

    [Fact]
    public async Task A_failure_that_writes_status_backs_off_on_a_fake_clock_and_repeats_as_one_counted_event()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var reconciler = FailingWithStatusWrites(_ => new ReconcileFailedException("StepFailed", "step 2/3 failed: exec: \"/bin/sh\": not found"));
        var created = await Store.CreateAsync(TestResources.Instance("failing"));
        await using var harness = new ControllerHarness(Coast, reconciler, backoffBase: TimeSpan.FromMilliseconds(100), clock: clock);
        var delays = new System.Collections.Concurrent.ConcurrentQueue<TimeSpan>();
        harness.Monitor.RetryScheduled += (k, d) => { if (k == created.Key) delays.Enqueue(d); };
        await harness.StartAsync();

        // Advance fake time by exactly each scheduled retry delay, until a minute has passed. Before each step a
        // barrier lets every status write of the failed attempt reach the controller: none may start another.
        var elapsed = TimeSpan.Zero;
        var previous = TimeSpan.Zero;
        for (var n = 1; ; n++)
        {
            var delay = await PollAsync(() => Task.FromResult(delays.Count >= n ? (object)delays.ElementAt(n - 1) : null));
            await BarrierAsync(harness);
            harness.Monitor.StartedCount(created.Key).ShouldBe(n);
            ((TimeSpan)delay).ShouldBeGreaterThan(previous * 1.3); // doubling, within jitter
            previous = (TimeSpan)delay;
            elapsed += previous;
            if (elapsed >= TimeSpan.FromMinutes(1)) break;
            clock.Advance(previous);
        }

        var attempts = harness.Monitor.StartedCount(created.Key);
        attempts.ShouldBeInRange(8, 12); // 100 ms doubling: about 10 in a minute; a self-waking loop makes hundreds
        var ready = Conditions.Get((await Store.GetAsync(created.Key))!.StatusObject.Conditions, "Ready")!;
        ready.Reason.ShouldBe("StepFailed");
        ready.Message.ShouldContain("exec: \"/bin/sh\"");
        var events = (await Coast.Events.ListAsync(created.Key)).Where(e => e.Reason == "StepFailed").ToList();
        events.Count.ShouldBe(1);
        events[0].Count.ShouldBe(attempts);
    }

    [Fact]
    public async Task A_spec_change_retries_a_failing_key_at_once_despite_a_long_backoff()
    {
        var reconciler = FailingWithStatusWrites(call => new InvalidOperationException($"boom on attempt {call}"));
        var created = await Store.CreateAsync(TestResources.Instance("edited"));
        await using var harness = new ControllerHarness(Coast, reconciler, backoffBase: TimeSpan.FromMinutes(2));
        await harness.StartAsync();
        await PollAsync(() => Task.FromResult(harness.Monitor.StartedCount(created.Key) >= 1 ? "first" : null));
        var ready = await PollAsync(async () => Conditions.Get((await Store.GetAsync(created.Key))!.StatusObject.Conditions, "Ready") is { Reason: "ReconcileError" } c ? c : null);
        ready.Message.ShouldContain("boom on attempt 1");

        await BarrierAsync(harness);
        harness.Monitor.StartedCount(created.Key).ShouldBe(1); // its own status writes did not wake it; the backoff is 2 minutes

        var edited = (Instance)(await Store.GetAsync(created.Key))!;
        edited.Spec.Worktree = "feature";
        await Store.UpdateAsync(edited);
        await PollAsync(() => Task.FromResult(harness.Monitor.StartedCount(created.Key) >= 2 ? "retried" : null));
    }

    [Fact]
    public async Task A_terminal_failure_runs_once_and_waits_for_its_inputs()
    {
        var reconciler = FailingWithStatusWrites(_ => new TerminalReconcileException("BadSpec", "port 3000 is used twice"));
        var created = await Store.CreateAsync(TestResources.Instance("terminal"));
        await using var harness = new ControllerHarness(Coast, reconciler);
        await harness.StartAsync();
        await PollAsync(async () => Conditions.Get((await Store.GetAsync(created.Key))!.StatusObject.Conditions, "Ready") is { Reason: "BadSpec" } c ? c : null);
        await BarrierAsync(harness);
        harness.Monitor.StartedCount(created.Key).ShouldBe(1);

        var relabelled = (await Store.GetAsync(created.Key))!;
        relabelled.Metadata.Labels["retry"] = "1";
        await Store.UpdateAsync(relabelled);
        await PollAsync(() => Task.FromResult(harness.Monitor.StartedCount(created.Key) >= 2 ? "retried" : null));
    }

    /// <summary>A write to another key and its reconcile: every notification sent before it has been seen.</summary>
    private async Task BarrierAsync(ControllerHarness harness)
    {
        var barrier = await Store.CreateAsync(TestResources.Instance($"barrier-{Guid.NewGuid().ToString("N")[..6]}"));
        await PollAsync(() => Task.FromResult(harness.Monitor.StartedCount(barrier.Key) > 0 ? "ok" : null));
    }

    private static async Task<T> PollAsync<T>(Func<Task<T?>> probe) where T : class =>
        await Poll.ValueAsync(probe, Deadline, TimeSpan.FromMilliseconds(10)) ?? throw new TimeoutException("condition not reached within the deadline");
}
