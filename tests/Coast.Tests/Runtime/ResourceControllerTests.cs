using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Runtime;
using Coast.Tests.Infrastructure;
using Coast.Tests.Store;

namespace Coast.Tests.Runtime;

[Collection("postgres")]
[Trait("Category", Category.Postgres)]
public sealed class ResourceControllerTests(PostgresFixture pg) : StoreTestBase(pg)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_committed_write_wakes_the_reconcile_through_notify_long_before_resync()
    {
        var reconciled = new TaskCompletionSource<DateTime>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reconciler = new ScriptedInstanceReconciler
        {
            Behaviour = (i, _) =>
            {
                if (i.Metadata.Name == "late") reconciled.TrySetResult(DateTime.UtcNow);
                return Task.FromResult(ReconcileResult.Done);
            },
        };
        await using var harness = new ControllerHarness(Coast, reconciler, resync: TimeSpan.FromMinutes(10));
        harnessMonitor = harness.Monitor;
        await harness.StartAsync();
        await WaitForListenerAsync();

        var written = DateTime.UtcNow;
        await Store.CreateAsync(TestResources.Instance("late"));
        var at = await reconciled.Task.WaitAsync(Deadline);
        (at - written).ShouldBeLessThan(TimeSpan.FromSeconds(5)); // resync is 10 minutes away
    }

    [Fact]
    public async Task A_failing_reconcile_is_retried_with_backoff_until_it_succeeds()
    {
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reconciler = new ScriptedInstanceReconciler
        {
            Behaviour = (_, call) => call <= 2
                ? throw new InvalidOperationException($"boom {call}")
                : Task.FromResult(ReconcileResult.Done).ContinueWith(t => { done.TrySetResult(call); return t.Result; }),
        };
        var created = await Store.CreateAsync(TestResources.Instance("flaky"));
        await using var harness = new ControllerHarness(Coast, reconciler);
        await harness.StartAsync();

        (await done.Task.WaitAsync(Deadline)).ShouldBe(3);
        var events = await Coast.Events.ListAsync(created.Key);
        events.ShouldContain(e => e.Reason == "ReconcileError" && e.Type == "Warning");
    }

    [Fact]
    public async Task A_terminal_error_is_not_retried_and_is_reported_in_conditions()
    {
        var reconciler = new ScriptedInstanceReconciler
        {
            Behaviour = (_, _) => throw new TerminalReconcileException("BadSpec", "port 3000 is used twice"),
        };
        var created = await Store.CreateAsync(TestResources.Instance("broken"));
        await using var harness = new ControllerHarness(Coast, reconciler);
        await harness.StartAsync();

        var status = await PollAsync(async () => (await Store.GetAsync(created.Key))!.StatusObject.Conditions.FirstOrDefault(c => c.Reason == "BadSpec"));
        status.Status.ShouldBe(ConditionStatus.False);
        // Its own status write does not wake it (WakeFilter): one pass, then nothing retries it. The probe's
        // reconcile is a barrier: every notification written before it has been seen.
        var probe = await Store.CreateAsync(TestResources.Instance("probe"));
        await PollAsync(() => Task.FromResult(harness.Monitor.StartedCount(probe.Key) > 0 ? "ok" : null));
        harness.Monitor.StartedCount(created.Key).ShouldBe(1);
    }

    [Fact]
    public async Task Deleting_runs_the_finalizer_and_then_the_resource_is_gone()
    {
        var finalizer = new RecordingFinalizer();
        var reconciler = new ScriptedInstanceReconciler();
        var created = await Store.CreateAsync(TestResources.Instance("doomed"));
        await using var harness = new ControllerHarness(Coast, reconciler, finalizer);
        await harness.StartAsync();

        var withFinalizer = await PollAsync(async () =>
            (await Store.GetAsync(created.Key)) is { } r && r.Metadata.Finalizers.Contains(finalizer.Name) ? r : null);
        withFinalizer.ShouldNotBeNull();
        (await Store.DeleteAsync(created.Key)).ShouldBeFalse();
        (await finalizer.Finalized.Task.WaitAsync(Deadline)).ShouldBe("doomed");
        await PollAsync(async () => await Store.GetAsync(created.Key) is null ? "gone" : null);
    }

    [Fact]
    public async Task Children_whose_owner_is_gone_are_collected()
    {
        var reconciler = new ScriptedInstanceReconciler();
        var owner = await Store.CreateAsync(TestResources.Project());
        var child = TestResources.Instance("child");
        child.Metadata.OwnerReferences.Add(new OwnerReference { Kind = "Project", Name = "demo", Uid = owner.Metadata.Uid! });
        var orphan = TestResources.Instance("orphan");
        orphan.Metadata.OwnerReferences.Add(new OwnerReference { Kind = "Project", Name = "demo", Uid = "not-the-uid" });
        await Store.CreateAsync(child);
        await Store.CreateAsync(orphan);
        await using var harness = new ControllerHarness(Coast, reconciler);
        await harness.StartAsync();

        await PollAsync(async () => await Store.GetAsync(orphan.Key) is null ? "collected" : null);
        (await Store.GetAsync(child.Key)).ShouldNotBeNull();
        await Store.DeleteAsync(owner.Key);
        await PollAsync(async () => await Store.GetAsync(child.Key) is null ? "collected" : null);
    }

    [Fact]
    public async Task Status_writes_do_not_bump_generation_or_cause_a_reconcile_loop()
    {
        var reconciler = new ScriptedInstanceReconciler();
        var project = await Store.CreateAsync(TestResources.Project());
        await using var harness = new ControllerHarness(Coast, reconciler);
        await harness.StartAsync();

        var ready = await PollAsync(async () => (await Store.GetAsync(project.Key)) is { } p && p.StatusObject.ObservedGeneration == 1 ? p : null);
        ready.Metadata.Generation.ShouldBe(1);
        Conditions.IsTrue(ready.StatusObject.Conditions, "Ready").ShouldBeTrue();
        // Let any echo of the status write pass: another write to a different key is a barrier for the watch.
        // (In another project: a child of this one would wake it through Owns(), rightly.)
        var barrier = await Store.CreateAsync(TestResources.Instance("barrier", project: "elsewhere"));
        await PollAsync(() => Task.FromResult(harness.Monitor.StartedCount(barrier.Key) > 0 ? "ok" : null));
        // The first pass writes twice (its finalizer, then its status); each write echoes at most once.
        harness.Monitor.StartedCount(project.Key).ShouldBeLessThanOrEqualTo(3);
        (await Store.GetAsync(project.Key))!.Metadata.ResourceVersion.ShouldBe(ready.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Checkout_of_a_missing_instance_is_not_ready_and_becomes_ready_when_it_appears()
    {
        var reconciler = new ScriptedInstanceReconciler();
        var checkout = await Store.CreateAsync(TestResources.Checkout(instance: "dev-1"));
        await using var harness = new ControllerHarness(Coast, reconciler);
        await harness.StartAsync();

        var missing = await PollAsync(async () => Conditions.Get((await Store.GetAsync(checkout.Key))!.StatusObject.Conditions, "Ready"));
        missing.Reason.ShouldBe("InstanceNotFound");
        await Store.CreateAsync(TestResources.Instance("dev-1"));
        await PollAsync(async () =>
            Conditions.Get((await Store.GetAsync(checkout.Key))!.StatusObject.Conditions, "Ready") is { Reason: "InstanceFound" } c ? c : null);
    }

    /// <summary>Writes a probe until the controller reconciles one of those writes, proving it listens.</summary>
    private async Task WaitForListenerAsync()
    {
        var probe = (Instance)await Store.CreateAsync(TestResources.Instance("listener-probe"));
        var deadline = DateTime.UtcNow + Deadline;
        var seen = 0;
        while (DateTime.UtcNow < deadline)
        {
            var count = harnessMonitor?.StartedCount(probe.Key) ?? 0;
            if (count > seen && seen > 0) return;
            seen = Math.Max(seen, count);
            probe = (Instance)(await Store.GetAsync(probe.Key))!;
            probe.Spec.Worktree = Guid.NewGuid().ToString("N");
            probe = (Instance)await Store.UpdateAsync(probe);
            await Task.Delay(100);
            if (seen == 0 && (harnessMonitor?.StartedCount(probe.Key) ?? 0) > 0) return;
        }
        throw new TimeoutException("controller never reconciled the probe");
    }

    private Coast.Controller.Runtime.ReconcileMonitor? harnessMonitor;

    private static async Task<T> PollAsync<T>(Func<Task<T?>> probe) where T : class
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            if (await probe() is { } value) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not reached within the deadline");
            await Task.Delay(25);
        }
    }
}
