using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Instances;
using Coast.Controller.Reconcilers;
using Coast.Controller.Runtime;
using Coast.Tests.Infrastructure;
using Coast.Tests.Store;

namespace Coast.Tests.Runtime;

/// <summary>Owners, foreground deletion, adoption, watches and build pruning on a real controller host and real Postgres.</summary>
[Collection("postgres")]
[Trait("Category", Category.Postgres)]
public sealed class OwnershipAndWatchTests(PostgresFixture pg) : StoreTestBase(pg)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Deleting_a_project_deletes_its_children_through_their_finalizers_and_goes_last()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finalizer = new RecordingFinalizer { Gate = gate.Task };
        var project = await Store.CreateAsync(TestResources.Project());
        var instance = Owned(TestResources.Instance("dev-1"), project);
        await Store.CreateAsync(instance);
        await Store.CreateAsync(Owned(TestResources.Checkout(instance: "dev-1"), project));
        var build = Owned(new Build { Metadata = { Name = "b-1", Namespace = "demo" }, Spec = { Project = "demo" } }, project);
        await Store.CreateAsync(build);
        var unrelated = await Store.CreateAsync(TestResources.Instance("other", project: "elsewhere"));
        await using var harness = new ControllerHarness(Coast, new ScriptedInstanceReconciler(), finalizer, gcPeriod: TimeSpan.FromMinutes(10));
        await harness.StartAsync();
        await PollAsync(async () => (await Store.GetAsync(project.Key))!.Metadata.Finalizers.Contains("coast.dev/dependents") ? "ok" : null);
        await PollAsync(async () => (await Store.GetAsync(instance.Key))!.Metadata.Finalizers.Contains(finalizer.Name) ? "ok" : null);

        (await Store.DeleteAsync(project.Key)).ShouldBeFalse();
        // The project deletes its children and waits: the instance's cleanup is still running.
        await PollAsync(async () => await Store.GetAsync(build.Key) is null ? "build gone" : null);
        await PollAsync(async () => (await Store.GetAsync(instance.Key))?.Metadata.DeletionTimestamp is not null ? "instance deleting" : null);
        var waiting = await Store.GetAsync(project.Key);
        waiting.ShouldNotBeNull();
        waiting.Metadata.DeletionTimestamp.ShouldNotBeNull();
        await PollAsync(async () => (await Coast.Events.ListAsync(project.Key)).Any(e => e.Reason == "DeletingDependents") ? "said why" : null);
        (await Store.GetAsync(project.Key)).ShouldNotBeNull();

        var released = DateTime.UtcNow;
        gate.SetResult();
        await PollAsync(async () => await Store.GetAsync(project.Key) is null ? "project gone" : null);
        // Woken by the Owns() watch when the instance went, not by the 10 s recheck or the (10 min) GC sweep.
        (DateTime.UtcNow - released).ShouldBeLessThan(TimeSpan.FromSeconds(5));
        (await finalizer.Finalized.Task).ShouldBe("dev-1");
        (await Store.ListAsync(Instance.KindName, "demo")).ShouldBeEmpty();
        (await Store.ListAsync(Checkout.KindName, "demo")).ShouldBeEmpty();
        (await Store.GetAsync(unrelated.Key)).ShouldNotBeNull();
        // Their events go too (nothing can show them any more); those of the live resource stay.
        await Coast.Events.RecordAsync(unrelated.Key, "Normal", "Probe", "kept");
        await PollAsync(async () => (await Coast.Events.ListAsync(project.Key)).Count == 0 && (await Coast.Events.ListAsync(instance.Key)).Count == 0 ? "events gone" : null);
        (await Coast.Events.ListAsync(unrelated.Key)).ShouldContain(e => e.Reason == "Probe");
    }

    [Fact]
    public async Task A_child_written_without_an_owner_is_adopted_before_its_first_reconcile()
    {
        var seen = new TaskCompletionSource<Instance>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reconciler = new ScriptedInstanceReconciler { Behaviour = (i, _) => { seen.TrySetResult(i); return Task.FromResult(ReconcileResult.Done); } };
        // One apply with the project, as `coast apply -f demo.yaml` does: the project's uid is not known to the writer.
        await Store.ApplyAsync([TestResources.Project(), TestResources.Instance("dev-1")]);
        await using var harness = new ControllerHarness(Coast, reconciler);
        await harness.StartAsync();

        var reconciled = await seen.Task.WaitAsync(Deadline);
        var project = await Store.GetAsync(new ResourceKey(Project.KindName, "demo", "demo"));
        reconciled.Metadata.OwnerReferences.ShouldHaveSingleItem().Uid.ShouldBe(project!.Metadata.Uid);
        // Re-applying the same manifest (which names no owner or finalizer) keeps the controller's metadata.
        await PollAsync(async () => (await Store.GetAsync(project.Key))!.Metadata.Finalizers.Contains("coast.dev/dependents") ? "ok" : null);
        await Store.ApplyAsync([TestResources.Project(), TestResources.Instance("dev-1")]);
        (await Store.GetAsync(reconciled.Key))!.Metadata.OwnerReferences.ShouldHaveSingleItem();
        (await Store.GetAsync(project.Key))!.Metadata.Finalizers.ShouldContain("coast.dev/dependents");
    }

    [Fact]
    public async Task An_instance_waiting_for_a_build_proceeds_promptly_when_the_build_becomes_ready_without_polling()
    {
        var proceeded = new TaskCompletionSource<DateTime>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reconciler = new ScriptedInstanceReconciler
        {
            // Like InstanceReconciler: no completed build means Pending with WaitingForBuild and no requeue.
            Behaviour = async (i, _) =>
            {
                if (await BuildResolver.ResolveAsync(Store, i, CancellationToken.None) is not null)
                {
                    proceeded.TrySetResult(DateTime.UtcNow);
                    return ReconcileResult.Done;
                }
                var current = (Instance)(await Store.GetAsync(i.Key))!;
                if (Conditions.Set(current.Status.Conditions, "Ready", ConditionStatus.False, InstanceReasons.WaitingForBuild, "no build", current.Metadata.Generation, DateTimeOffset.UtcNow))
                    await Store.UpdateStatusAsync(current);
                return ReconcileResult.Done;
            },
        };
        await Store.CreateAsync(TestResources.Project());
        var instance = await Store.CreateAsync(TestResources.Instance("dev-1"));
        await using var harness = new ControllerHarness(Coast, reconciler, resync: TimeSpan.FromMinutes(10));
        await harness.StartAsync();
        await PollAsync(async () => Conditions.Get((await Store.GetAsync(instance.Key))!.StatusObject.Conditions, "Ready") is { Reason: InstanceReasons.WaitingForBuild } c ? c : null);
        var before = harness.Monitor.StartedCount(instance.Key);

        // A build appears (not yet ready), then completes: only the completion lets the instance go on.
        var build = (Build)await Store.CreateAsync(new Build { Metadata = { Name = "b-1", Namespace = "demo" }, Spec = { Project = "demo" } });
        await PollAsync(() => Task.FromResult(harness.Monitor.StartedCount(instance.Key) > before ? "woken" : null));
        proceeded.Task.IsCompleted.ShouldBeFalse();
        Conditions.Set(build.Status.Conditions, "Ready", ConditionStatus.True, "Built", "done", 1, DateTimeOffset.UtcNow);
        await Store.UpdateStatusAsync(build);
        var ready = DateTime.UtcNow;
        var at = await proceeded.Task.WaitAsync(Deadline);
        (at - ready).ShouldBeLessThan(TimeSpan.FromSeconds(2)); // no poll (the instance used to re-check every 5 s) and resync is 10 min away
    }

    [Fact]
    public async Task A_checkout_follows_its_instance_ports_through_the_watch()
    {
        await Store.CreateAsync(TestResources.Project());
        var checkout = await Store.CreateAsync(TestResources.Checkout(instance: "dev-1"));
        var instance = (Instance)await Store.CreateAsync(TestResources.Instance("dev-1"));
        await using var harness = new ControllerHarness(Coast, new ScriptedInstanceReconciler(), resync: TimeSpan.FromMinutes(10));
        await harness.StartAsync();
        await PollAsync(async () => Conditions.Get((await Store.GetAsync(checkout.Key))!.StatusObject.Conditions, "Ready") is { Reason: "InstanceFound" } c ? c : null);

        // The instance gets a port (its reconciler's status write): the checkout binds it without polling.
        // (Written once the controller has adopted it, so the two writes do not conflict.)
        var port = FreePort();
        instance = await PollAsync(async () => await Store.GetAsync(instance.Key) is Instance { Metadata.OwnerReferences.Count: 1 } adopted ? adopted : null);
        instance.Status.Ports = [new PortStatus { Name = "web", Canonical = FreePort(), Dynamic = port }];
        await Store.UpdateStatusAsync(instance);
        var bound = await PollAsync(async () => ((Checkout)(await Store.GetAsync(checkout.Key))!).Status.BoundPorts.FirstOrDefault());
        bound.Target.ShouldBe(port);

        await Store.DeleteAsync(instance.Key);
        await PollAsync(async () => Conditions.Get((await Store.GetAsync(checkout.Key))!.StatusObject.Conditions, "Ready") is { Reason: "InstanceNotFound" } c ? c : null);
    }

    [Fact]
    public async Task Old_builds_beyond_the_limit_are_pruned_but_never_one_an_instance_uses()
    {
        var project = await Store.CreateAsync(TestResources.Project());
        var names = new[] { "b-1", "b-2", "b-3", "b-4", "b-5" };
        foreach (var name in names)
        {
            var b = (Build)await Store.CreateAsync(Owned(new Build { Metadata = { Name = name, Namespace = "demo" }, Spec = { Project = "demo" } }, project));
            Conditions.Set(b.Status.Conditions, "Ready", ConditionStatus.True, "Built", "done", 1, DateTimeOffset.UtcNow);
            await Store.UpdateStatusAsync(b);
            await Task.Delay(5); // distinct creation timestamps (ordering, not synchronisation)
        }
        var user = TestResources.Instance("old-user");
        user.Spec.Build = "b-1";
        await Store.CreateAsync(Owned(user, project));
        await using var harness = new ControllerHarness(Coast, new ScriptedInstanceReconciler(), retention: new BuildRetention(2));
        await harness.StartAsync();

        await PollAsync(async () => (await Store.ListAsync(Build.KindName, "demo")).Count == 3 ? "pruned" : null);
        (await Store.ListAsync(Build.KindName, "demo")).Select(b => b.Metadata.Name).Order().ShouldBe(["b-1", "b-4", "b-5"]);
        await PollAsync(async () => (await Coast.Events.ListAsync(project.Key)).Any(e => e.Reason == "BuildsPruned") ? "said so" : null);
    }

    private static T Owned<T>(T child, Resource owner) where T : Resource
    {
        Owners.Set(child, owner);
        return child;
    }

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }

    private static async Task<T> PollAsync<T>(Func<Task<T?>> probe) where T : class =>
        await Poll.ValueAsync(probe, Deadline, TimeSpan.FromMilliseconds(25)) ?? throw new TimeoutException("condition not reached within the deadline");
}
