using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Runtime;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.GitOps;

/// <summary>One reconcile at a time of a GitSource over real git repositories and real Postgres.</summary>
[Collection("postgres")]
[Trait("Category", Category.Postgres)]
public sealed class GitSourceReconcilerTests(PostgresFixture pg) : GitSourceTestBase(pg)
{
    [Fact]
    public async Task A_revision_is_applied_with_the_source_as_owner_and_its_revision_and_inventory_recorded()
    {
        var repo = NewRepo().Write("deploy/demo.yaml", Manifests.Project("demo") + "---\n" + Manifests.Checkout("demo"))
            .Write("README.md", "not a manifest").Write("other/ignored.yaml", Manifests.Project("outside"));
        var commit = repo.Commit();
        await CreateSourceAsync("team", repo);

        var source = await ReconcileAsync("team");

        source.Status.LastAppliedRevision.ShouldBe($"main@sha1:{commit}");
        source.Status.LastAttemptedRevision.ShouldBe($"main@sha1:{commit}");
        source.Status.Inventory.ShouldBe(["Checkout/demo/demo", "Project/demo/demo"]);
        Conditions.Get(source.Status.Conditions, "Ready")!.Reason.ShouldBe(GitSourceNames.Succeeded);
        Conditions.Get(source.Status.Conditions, "Stalled")!.Status.ShouldBe(ConditionStatus.False);
        var project = (await GetAsync(Project.KindName, "demo", "demo"))!;
        project.Metadata.Labels[GitSourceNames.OwnerLabel].ShouldBe("team");
        (await GetAsync(Checkout.KindName, "demo", "demo"))!.Metadata.Labels[GitSourceNames.OwnerLabel].ShouldBe("team");
        (await GetAsync(Project.KindName, "outside", "outside")).ShouldBeNull();

        // Nothing changed: the next pass writes nothing.
        var version = project.Metadata.ResourceVersion;
        await ReconcileAsync("team");
        (await GetAsync(Project.KindName, "demo", "demo"))!.Metadata.ResourceVersion.ShouldBe(version);
    }

    [Fact]
    public async Task A_new_revision_is_applied_and_with_prune_what_it_dropped_is_deleted()
    {
        var repo = NewRepo().Write("deploy/demo.yaml", Manifests.Project("demo")).Write("deploy/co.yaml", Manifests.Checkout("demo"));
        repo.Commit();
        await CreateSourceAsync("team", repo, prune: true);
        await ReconcileAsync("team");

        repo.Write("deploy/demo.yaml", Manifests.Project("demo", port: 3100)).Remove("deploy/co.yaml")
            .Write("deploy/api.yaml", Manifests.Project("api"));
        var second = repo.Commit();
        var source = await ReconcileAsync("team");

        source.Status.LastAppliedRevision.ShouldBe($"main@sha1:{second}");
        source.Status.Inventory.ShouldBe(["Project/api/api", "Project/demo/demo"]);
        (await PortOfAsync("demo")).ShouldBe(3100);
        (await GetAsync(Checkout.KindName, "demo", "demo")).ShouldBeNull();
        (await GetAsync(Project.KindName, "api", "api")).ShouldNotBeNull();
        (await Coast.Events.ListAsync(source.Key)).ShouldContain(e => e.Reason == "RevisionApplied" && e.Message.Contains(second));
    }

    [Fact]
    public async Task Without_prune_what_a_revision_dropped_stays_and_is_released()
    {
        var repo = NewRepo().Write("deploy/demo.yaml", Manifests.Project("demo")).Write("deploy/co.yaml", Manifests.Checkout("demo"));
        repo.Commit();
        await CreateSourceAsync("team", repo, prune: false);
        await ReconcileAsync("team");

        repo.Remove("deploy/co.yaml").Commit();
        var source = await ReconcileAsync("team");

        source.Status.Inventory.ShouldBe(["Project/demo/demo"]);
        var kept = (await GetAsync(Checkout.KindName, "demo", "demo")).ShouldNotBeNull();
        kept.Metadata.Labels.ShouldNotContainKey(GitSourceNames.OwnerLabel);
    }

    [Fact]
    public async Task A_bad_revision_is_rejected_whole_and_the_last_good_one_stays_applied()
    {
        var repo = NewRepo().Write("deploy/demo.yaml", Manifests.Project("demo"));
        var good = repo.Commit();
        await CreateSourceAsync("team", repo);
        await ReconcileAsync("team");

        // A good change, a new good resource, and one bad document in another file.
        repo.Write("deploy/demo.yaml", Manifests.Project("demo", port: 3100)).Write("deploy/api.yaml", Manifests.Project("api"))
            .Write("deploy/apps/bad.yaml", Manifests.Instance("dev-1", "demo") + "---\n" + Manifests.Instance("dev-2", "demo", state: "Sideways"));
        var bad = repo.Commit();
        var failure = await Should.ThrowAsync<ReconcileFailedException>(() => Reconciler().ReconcileAsync(SourceAsync("team").Result, CancellationToken.None));

        failure.Reason.ShouldBe(GitSourceNames.ValidationFailed);
        failure.Message.ShouldContain("deploy/apps/bad.yaml");
        failure.Message.ShouldContain("spec.state");
        (await PortOfAsync("demo")).ShouldBe(3000);
        (await GetAsync(Project.KindName, "api", "api")).ShouldBeNull();
        (await GetAsync(Instance.KindName, "demo", "dev-1")).ShouldBeNull();
        var source = await SourceAsync("team");
        source.Status.LastAppliedRevision.ShouldBe($"main@sha1:{good}");
        source.Status.LastAttemptedRevision.ShouldBe($"main@sha1:{bad}");
        source.Status.Inventory.ShouldBe(["Project/demo/demo"]);
        var ready = Conditions.Get(source.Status.Conditions, "Ready")!;
        (ready.Status, ready.Reason).ShouldBe((ConditionStatus.False, GitSourceNames.ValidationFailed));
        ready.Message.ShouldContain("bad.yaml");
        Conditions.IsTrue(source.Status.Conditions, "Stalled").ShouldBeTrue();
        Directory.Exists(Path.Combine(Options.CacheDir("team"), "staging")).ShouldBeFalse();

        // The fix is applied whole.
        repo.Write("deploy/apps/bad.yaml", Manifests.Instance("dev-1", "demo") + "---\n" + Manifests.Instance("dev-2", "demo")).Commit();
        source = await ReconcileAsync("team");
        (await PortOfAsync("demo")).ShouldBe(3100);
        source.Status.Inventory.ShouldBe(["Instance/demo/dev-1", "Instance/demo/dev-2", "Project/api/api", "Project/demo/demo"]);
        Conditions.IsTrue(source.Status.Conditions, "Stalled").ShouldBeFalse();
    }

    [Fact]
    public async Task A_bad_coastfile_is_named_with_its_key_and_a_good_one_becomes_a_project_served_from_the_applied_revision()
    {
        var repo = NewRepo().Write("deploy/web/Coastfile", "[coast]\nname = \"web\"\n\n[ports]\nweb = 99999\n");
        repo.Commit();
        await CreateSourceAsync("team", repo);
        var failure = await Should.ThrowAsync<ReconcileFailedException>(() => Reconciler().ReconcileAsync(SourceAsync("team").Result, CancellationToken.None));
        failure.Message.ShouldContain("deploy/web/Coastfile");
        failure.Message.ShouldContain("[ports] web");

        repo.Write("deploy/web/Coastfile", "[coast]\nname = \"web\"\n\n[ports]\nweb = 3000\n").Commit();
        await ReconcileAsync("team");
        var project = (Project)(await GetAsync(Project.KindName, "web", "web"))!;
        project.Spec.RootDir.ShouldBe(Path.Combine(Options.CacheDir("team"), "applied", "deploy", "web"));
        File.Exists(Path.Combine(project.Spec.RootDir, "Coastfile")).ShouldBeTrue();
    }

    [Fact]
    public async Task A_resource_annotated_prune_disabled_is_never_deleted()
    {
        var repo = NewRepo().Write("deploy/demo.yaml", Manifests.Project("demo"))
            .Write("deploy/keep.yaml", Manifests.Project("keep", annotations: "coast.dev/prune: disabled"));
        repo.Commit();
        await CreateSourceAsync("team", repo, prune: true);
        await ReconcileAsync("team");

        repo.Remove("deploy/keep.yaml").Commit();
        var source = await ReconcileAsync("team");

        source.Status.Inventory.ShouldBe(["Project/demo/demo"]);
        var kept = (await GetAsync(Project.KindName, "keep", "keep")).ShouldNotBeNull();
        kept.Metadata.Labels.ShouldNotContainKey(GitSourceNames.OwnerLabel);

        // Deleting the source with prune deletes what it applied, but still not what is annotated.
        await Reconciler().ReconcileAsync(source, CancellationToken.None);
        await new Coast.Controller.GitOps.GitSourceFinalizer(Store, Options).FinalizeAsync(await SourceAsync("team"), CancellationToken.None);
        (await GetAsync(Project.KindName, "demo", "demo")).ShouldBeNull();
        (await GetAsync(Project.KindName, "keep", "keep")).ShouldNotBeNull();
        Directory.Exists(Options.CacheDir("team")).ShouldBeFalse();
    }

    [Fact]
    public async Task Two_sources_claiming_one_resource_is_a_conflict_and_the_first_owner_keeps_it()
    {
        var first = NewRepo().Write("deploy/demo.yaml", Manifests.Project("demo"));
        first.Commit();
        var second = NewRepo().Write("deploy/demo.yaml", Manifests.Project("demo", port: 4000)).Write("deploy/api.yaml", Manifests.Project("api"));
        second.Commit();
        await CreateSourceAsync("alpha", first);
        await CreateSourceAsync("beta", second);
        await ReconcileAsync("alpha");
        var version = (await GetAsync(Project.KindName, "demo", "demo"))!.Metadata.ResourceVersion;

        for (var round = 0; round < 3; round++)
        {
            var failure = await Should.ThrowAsync<ReconcileFailedException>(() => Reconciler().ReconcileAsync(SourceAsync("beta").Result, CancellationToken.None));
            failure.Reason.ShouldBe(GitSourceNames.OwnershipConflict);
            failure.Message.ShouldContain("Project/demo/demo is managed by GitSource 'alpha'");
            await ReconcileAsync("alpha");
        }

        // No tug of war: the resource was never rewritten, and nothing of beta's revision was applied.
        (await GetAsync(Project.KindName, "demo", "demo"))!.Metadata.ResourceVersion.ShouldBe(version);
        (await PortOfAsync("demo")).ShouldBe(3000);
        (await GetAsync(Project.KindName, "api", "api")).ShouldBeNull();
        var beta = await SourceAsync("beta");
        Conditions.Get(beta.Status.Conditions, "Ready")!.Reason.ShouldBe(GitSourceNames.OwnershipConflict);
        beta.Status.LastAppliedRevision.ShouldBeNull();
        Conditions.IsTrue((await SourceAsync("alpha")).Status.Conditions, "Ready").ShouldBeTrue();
    }

    [Fact]
    public async Task An_unreachable_repository_is_a_fetch_failure_that_leaves_no_cache_behind()
    {
        var missing = NewRepo();
        await CreateSourceAsync("team", missing);
        missing.Dispose();
        var failure = await Should.ThrowAsync<ReconcileFailedException>(() => Reconciler().ReconcileAsync(SourceAsync("team").Result, CancellationToken.None));
        failure.Reason.ShouldBe(GitSourceNames.FetchFailed);
        failure.Message.ShouldContain("git fetch failed");
        Conditions.Get((await SourceAsync("team")).Status.Conditions, "Ready")!.Reason.ShouldBe(GitSourceNames.FetchFailed);
        Directory.Exists(Path.Combine(Options.CacheDir("team"), "staging")).ShouldBeFalse();
    }
}
