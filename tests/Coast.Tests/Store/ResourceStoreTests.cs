using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.ApiTypes.Serialization;
using Coast.Controller.Store;
using Coast.Tests.Infrastructure;
using Coast.Client.Store;

namespace Coast.Tests.Store;

/// <summary>The store contract, run once per backend: Marten (the controller's) and plain SQL (the CLI's).</summary>
public abstract class ResourceStoreContract(PostgresFixture pg) : StoreTestBase(pg)
{
    [Fact]
    public async Task Create_sets_identity_and_get_and_list_find_it()
    {
        var created = await Store.CreateAsync(TestResources.Project());
        created.Metadata.Uid.ShouldNotBeNullOrEmpty();
        created.Metadata.Generation.ShouldBe(1);
        created.Metadata.ResourceVersion.ShouldNotBeNullOrEmpty();
        created.Metadata.CreationTimestamp.ShouldNotBeNull();

        var got = (Project)(await Store.GetAsync(created.Key))!;
        got.Spec.Ports["web"].ShouldBe(3000);
        (await Store.ListAsync(Project.KindName)).Select(r => r.Metadata.Name).ShouldBe(["demo"]);
        (await Store.ListAsync(Project.KindName, "other")).ShouldBeEmpty();
        (await Store.ListAsync(Project.KindName, null, LabelSelector.Parse("team=core"))).Count.ShouldBe(1);
        (await Store.ListAsync(Project.KindName, null, LabelSelector.Parse("team=web"))).ShouldBeEmpty();
    }

    [Fact]
    public async Task Creating_an_existing_key_fails()
    {
        await Store.CreateAsync(TestResources.Project());
        await Should.ThrowAsync<AlreadyExistsException>(() => Store.CreateAsync(TestResources.Project()));
    }

    [Fact]
    public async Task Generation_increases_only_when_spec_changes()
    {
        var p = (Project)await Store.CreateAsync(TestResources.Project());
        p.Metadata.Labels["extra"] = "x";
        p = (Project)await Store.UpdateAsync(p);
        p.Metadata.Generation.ShouldBe(1);

        p.Spec.Ports["api"] = 8080;
        p = (Project)await Store.UpdateAsync(p);
        p.Metadata.Generation.ShouldBe(2);

        p.Status.ObservedGeneration = 2;
        p.Status.Phase = "Ready";
        var afterStatus = await Store.UpdateStatusAsync(p);
        afterStatus.Metadata.Generation.ShouldBe(2);
        afterStatus.StatusObject.Phase.ShouldBe("Ready");
    }

    [Fact]
    public async Task Update_ignores_status_and_status_update_ignores_spec()
    {
        var p = (Project)await Store.CreateAsync(TestResources.Project());
        p.Status.Phase = "Sneaky";
        p.Spec.Ports["web"] = 4000;
        p = (Project)await Store.UpdateAsync(p);
        p.Status.Phase.ShouldBeNull();

        p.Spec.Ports["web"] = 5000;
        p.Status.Phase = "Ready";
        p = (Project)await Store.UpdateStatusAsync(p);
        p.Spec.Ports["web"].ShouldBe(4000);
        p.Status.Phase.ShouldBe("Ready");
    }

    [Fact]
    public async Task A_write_that_changes_nothing_keeps_the_resource_version()
    {
        var p = await Store.CreateAsync(TestResources.Project());
        var again = await Store.UpdateAsync(p);
        again.Metadata.ResourceVersion.ShouldBe(p.Metadata.ResourceVersion);
        var status = await Store.UpdateStatusAsync(p);
        status.Metadata.ResourceVersion.ShouldBe(p.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Two_writers_on_one_resource_exactly_one_wins()
    {
        var created = await Store.CreateAsync(TestResources.Project());
        var a = (Project)(await Store.GetAsync(created.Key))!;
        var b = (Project)(await Store.GetAsync(created.Key))!;
        a.Spec.Ports["web"] = 1111;
        b.Spec.Ports["web"] = 2222;

        var results = await Task.WhenAll(Attempt(a), Attempt(b));
        results.Count(ok => ok).ShouldBe(1);
        var final = (Project)(await Store.GetAsync(created.Key))!;
        final.Spec.Ports["web"].ShouldBeOneOf(1111, 2222);
        final.Metadata.Generation.ShouldBe(2);

        async Task<bool> Attempt(Project p)
        {
            try { await Store.UpdateAsync(p); return true; }
            catch (ConflictException) { return false; }
        }
    }

    [Fact]
    public async Task Stale_resource_version_is_a_conflict_for_status_too()
    {
        var p = await Store.CreateAsync(TestResources.Project());
        var stale = (Project)(await Store.GetAsync(p.Key))!;
        var fresh = (Project)(await Store.GetAsync(p.Key))!;
        fresh.Spec.Ports["web"] = 9999;
        await Store.UpdateAsync(fresh);
        stale.Status.Phase = "Ready";
        await Should.ThrowAsync<ConflictException>(() => Store.UpdateStatusAsync(stale));
    }

    [Fact]
    public async Task Delete_without_finalizers_removes_at_once()
    {
        var p = await Store.CreateAsync(TestResources.Project());
        (await Store.DeleteAsync(p.Key)).ShouldBeTrue();
        (await Store.GetAsync(p.Key)).ShouldBeNull();
        await Should.ThrowAsync<NotFoundException>(() => Store.DeleteAsync(p.Key));
    }

    [Fact]
    public async Task Delete_with_finalizers_marks_then_removing_the_last_finalizer_removes()
    {
        var i = TestResources.Instance("dev-1");
        i.Metadata.Finalizers.Add("coast.dev/cleanup");
        var created = await Store.CreateAsync(i);
        (await Store.DeleteAsync(created.Key)).ShouldBeFalse();
        var marked = (await Store.GetAsync(created.Key))!;
        marked.Metadata.DeletionTimestamp.ShouldNotBeNull();

        marked.Metadata.Finalizers.Clear();
        await Store.UpdateAsync(marked);
        (await Store.GetAsync(created.Key)).ShouldBeNull();
    }

    [Fact]
    public async Task Apply_creates_configures_and_leaves_unchanged()
    {
        var first = await Store.ApplyAsync([TestResources.Project(), TestResources.Instance("dev-1")]);
        first.Select(o => o.Action).ShouldBe([ApplyAction.Created, ApplyAction.Created]);

        var changed = TestResources.Project(webPort: 3001);
        var second = await Store.ApplyAsync([changed, TestResources.Instance("dev-1")]);
        second.Select(o => o.Action).ShouldBe([ApplyAction.Configured, ApplyAction.Unchanged]);
        ((Project)(await Store.GetAsync(changed.Key))!).Metadata.Generation.ShouldBe(2);
    }

    [Fact]
    public async Task Apply_is_all_or_nothing()
    {
        await Store.CreateAsync(TestResources.Instance("dev-1"));
        var changed = TestResources.Instance("dev-1");
        changed.Spec.Worktree = "feature";
        var store = (ResourceStore)Store;
        // Another writer changes dev-1 after apply staged its batch: the commit conflicts, so the new project in
        // the same batch must not appear either.
        store.BeforeApplyCommit = async () =>
        {
            store.BeforeApplyCommit = null;
            var current = (Instance)(await Store.GetAsync(changed.Key))!;
            current.Spec.Worktree = "someone-else";
            await Store.UpdateAsync(current);
        };
        await Should.ThrowAsync<ConflictException>(() => Store.ApplyAsync([TestResources.Project("fresh"), changed]));
        (await Store.GetAsync(new ResourceKey(Project.KindName, "fresh", "fresh"))).ShouldBeNull();
        ((Instance)(await Store.GetAsync(changed.Key))!).Spec.Worktree.ShouldBe("someone-else");
    }

    [Fact]
    public async Task Apply_with_a_resourceVersion_writes_only_onto_that_version()
    {
        var read = (Project)await Store.CreateAsync(TestResources.Project());
        var first = ResourceJson.Clone(read);
        first.Spec.Ports["web"] = 3001;
        (await Store.ApplyAsync([first])).Single().Action.ShouldBe(ApplyAction.Configured);

        // A second edit of the same old copy: its version is no longer current.
        var second = ResourceJson.Clone(read);
        second.Spec.Ports["web"] = 3002;
        var e = await Should.ThrowAsync<ConflictException>(() => Store.ApplyAsync([second]));
        e.Key.ShouldBe(read.Key);
        e.Message.ShouldContain("Project/demo/demo");
        e.Message.ShouldContain(read.Metadata.ResourceVersion!);
        ((Project)(await Store.GetAsync(read.Key))!).Spec.Ports["web"].ShouldBe(3001);

        // Re-read and re-apply: the current version is accepted.
        var current = (Project)(await Store.GetAsync(read.Key))!;
        current.Spec.Ports["web"] = 3003;
        (await Store.ApplyAsync([current])).Single().Action.ShouldBe(ApplyAction.Configured);
        ((Project)(await Store.GetAsync(read.Key))!).Spec.Ports["web"].ShouldBe(3003);
    }

    [Fact]
    public async Task Apply_without_a_resourceVersion_is_last_applied_wins()
    {
        await Store.CreateAsync(TestResources.Project());
        await Store.ApplyAsync([TestResources.Project(webPort: 3001)]);
        (await Store.ApplyAsync([TestResources.Project(webPort: 3002)])).Single().Action.ShouldBe(ApplyAction.Configured);
        ((Project)(await Store.GetAsync(TestResources.Project().Key))!).Spec.Ports["web"].ShouldBe(3002);
    }

    [Fact]
    public async Task A_stale_document_in_a_multi_document_apply_writes_nothing()
    {
        var read = (Project)await Store.CreateAsync(TestResources.Project());
        await Store.ApplyAsync([TestResources.Project(webPort: 3001)]); // someone else's newer write
        var stale = ResourceJson.Clone(read);
        stale.Spec.Ports["web"] = 3005;
        var fresh = TestResources.Instance("dev-9");
        var other = TestResources.Project("other");

        var e = await Should.ThrowAsync<ConflictException>(() => Store.ApplyAsync([other, stale, fresh]));
        e.Key.ShouldBe(read.Key);
        (await Store.GetAsync(other.Key)).ShouldBeNull();
        (await Store.GetAsync(fresh.Key)).ShouldBeNull();
        ((Project)(await Store.GetAsync(read.Key))!).Spec.Ports["web"].ShouldBe(3001);
    }

    [Fact]
    public async Task Apply_with_the_resourceVersion_of_a_deleted_resource_conflicts()
    {
        var read = await Store.CreateAsync(TestResources.Instance("dev-1"));
        await Store.DeleteAsync(read.Key);
        var e = await Should.ThrowAsync<ConflictException>(() => Store.ApplyAsync([read]));
        e.Message.ShouldContain("deleted");
        (await Store.GetAsync(read.Key)).ShouldBeNull();
    }

    [Fact]
    public async Task Apply_rejects_a_key_given_twice()
    {
        await Should.ThrowAsync<ArgumentException>(() =>
            Store.ApplyAsync([TestResources.Instance("dev-1"), TestResources.Instance("dev-1")]));
        (await Store.ListAsync(Instance.KindName)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Commit_applies_deletes_and_writes_status_in_one_transaction()
    {
        var owner = (Project)await Store.CreateAsync(TestResources.Project("owner"));
        var gone = await Store.CreateAsync(TestResources.Instance("old"));
        var guarded = TestResources.Instance("guarded");
        guarded.Metadata.Finalizers.Add("coast.dev/test");
        guarded = (Instance)await Store.CreateAsync(guarded);
        owner.Status.Phase = "Applied";

        var outcomes = await Store.CommitAsync(new ChangeSet([TestResources.Instance("new")],
            [gone.Key, guarded.Key, new ResourceKey(Instance.KindName, "demo", "never-was")], [owner]));

        outcomes.Select(o => (o.Key.Name, o.Action)).ShouldBe([("new", ApplyAction.Created), ("old", ApplyAction.Deleted),
            ("guarded", ApplyAction.DeletionRequested), ("owner", ApplyAction.StatusWritten)]);
        (await Store.GetAsync(gone.Key)).ShouldBeNull();
        (await Store.GetAsync(guarded.Key))!.Metadata.DeletionTimestamp.ShouldNotBeNull();
        (await Store.GetAsync(owner.Key))!.StatusObject.Phase.ShouldBe("Applied");
        (await Store.GetAsync(new ResourceKey(Instance.KindName, "demo", "new"))).ShouldNotBeNull();
    }

    [Fact]
    public async Task A_stale_status_in_a_commit_writes_none_of_it()
    {
        var owner = (Project)await Store.CreateAsync(TestResources.Project("owner"));
        var old = await Store.CreateAsync(TestResources.Instance("old"));
        var moved = (Project)(await Store.GetAsync(owner.Key))!;
        moved.Status.Phase = "SomeoneElse";
        await Store.UpdateStatusAsync(moved);
        owner.Status.Phase = "Applied";

        await Should.ThrowAsync<ConflictException>(() =>
            Store.CommitAsync(new ChangeSet([TestResources.Instance("new")], [old.Key], [owner])));

        (await Store.GetAsync(new ResourceKey(Instance.KindName, "demo", "new"))).ShouldBeNull();
        (await Store.GetAsync(old.Key)).ShouldNotBeNull();
        (await Store.GetAsync(owner.Key))!.StatusObject.Phase.ShouldBe("SomeoneElse");
    }

    [Fact]
    public async Task A_deletion_racing_a_commit_writes_none_of_it()
    {
        var old = await Store.CreateAsync(TestResources.Instance("old"));
        var store = (ResourceStore)Store;
        store.BeforeApplyCommit = async () =>
        {
            store.BeforeApplyCommit = null;
            var current = (Instance)(await Store.GetAsync(old.Key))!;
            current.Spec.Worktree = "edited";
            await Store.UpdateAsync(current);
        };
        await Should.ThrowAsync<ConflictException>(() => Store.CommitAsync(new ChangeSet([TestResources.Instance("new")], [old.Key], [])));
        (await Store.GetAsync(new ResourceKey(Instance.KindName, "demo", "new"))).ShouldBeNull();
        ((Instance)(await Store.GetAsync(old.Key))!).Spec.Worktree.ShouldBe("edited");
    }

    [Fact]
    public async Task Watch_sees_committed_writes()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new TaskCompletionSource<ResourceKey>();
        var watch = Task.Run(async () =>
        {
            await foreach (var key in Store.WatchAsync(cts.Token))
                if (key.Name == "watched") { seen.TrySetResult(key); break; }
        });
        // The listener needs a moment to LISTEN; keep writing until it reports, bounded by the deadline.
        var n = 0;
        while (!seen.Task.IsCompleted && !cts.IsCancellationRequested)
        {
            var r = TestResources.Instance("watched");
            r.Spec.Worktree = $"w{n++}";
            await Store.ApplyAsync([r]);
            await Task.WhenAny(seen.Task, Task.Delay(200, cts.Token));
        }
        (await seen.Task).ShouldBe(new ResourceKey(Instance.KindName, "demo", "watched"));
        await cts.CancelAsync();
        await watch.ContinueWith(_ => { });
    }
}

[Collection("postgres")]
[Trait("Category", Category.Postgres)]
public sealed class MartenBackendStoreTests(PostgresFixture pg) : ResourceStoreContract(pg);

[Collection("postgres")]
[Trait("Category", Category.Postgres)]
public sealed class SqlBackendStoreTests(PostgresFixture pg) : ResourceStoreContract(pg)
{
    private IResourceStore? _sql;

    protected override IResourceStore Store => _sql!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _sql = await CoastStore.OpenSqlResourcesAsync(Pg.ConnectionString, Schema);
    }

    [Fact]
    public async Task Both_backends_read_what_the_other_wrote()
    {
        var viaSql = await Store.CreateAsync(TestResources.Project("from-sql"));
        var viaMarten = await Coast.Resources.CreateAsync(TestResources.Project("from-marten"));

        var readByMarten = (Project)(await Coast.Resources.GetAsync(viaSql.Key))!;
        readByMarten.Metadata.ResourceVersion.ShouldBe(viaSql.Metadata.ResourceVersion);
        readByMarten.Spec.Ports["web"].ShouldBe(3000);
        (await Store.GetAsync(viaMarten.Key))!.Metadata.ResourceVersion.ShouldBe(viaMarten.Metadata.ResourceVersion);
        (await Coast.Resources.ListAsync(Project.KindName)).Select(r => r.Metadata.Name).ShouldBe(["from-marten", "from-sql"]);

        // A write through one backend makes the other's copy stale: optimistic concurrency spans both.
        readByMarten.Spec.Ports["web"] = 3100;
        await Coast.Resources.UpdateAsync(readByMarten);
        var stale = (Project)viaSql;
        stale.Spec.Ports["web"] = 3200;
        await Should.ThrowAsync<ConflictException>(() => Store.UpdateAsync(stale));
        ((Project)(await Store.GetAsync(viaSql.Key))!).Spec.Ports["web"].ShouldBe(3100);
    }

    [Fact]
    public async Task Opening_on_a_fresh_schema_creates_it_through_Marten()
    {
        var schema = Pg.NewSchema();
        try
        {
            var store = await CoastStore.OpenSqlResourcesAsync(Pg.ConnectionString, schema);
            await store.CreateAsync(TestResources.Project());
            (await store.ListAsync(Project.KindName)).Count.ShouldBe(1);
        }
        finally
        {
            await Pg.DropSchemaAsync(schema);
        }
    }
}
