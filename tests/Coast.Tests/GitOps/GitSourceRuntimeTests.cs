using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.GitOps;

/// <summary>GitSources run by the controller runtime: intervals, the reconcile annotation, suspend, deletion.</summary>
[Collection("postgres")]
[Trait("Category", Category.Postgres)]
public sealed class GitSourceRuntimeTests(PostgresFixture pg) : GitSourceTestBase(pg)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private async Task<GitSource> AppliedAsync(string name, string commit) =>
        (await Poll.ValueAsync(async () => await SourceAsync(name) is { } s && s.Status.LastAppliedRevision == $"main@sha1:{commit}" ? s : null, Deadline))
        .ShouldNotBeNull($"revision {commit} was not applied");

    [Fact]
    public async Task A_hand_edit_of_an_owned_resource_is_put_back_at_the_next_interval()
    {
        var repo = NewRepo().Write("deploy/demo.yaml", Manifests.Project("demo"));
        var commit = repo.Commit();
        var source = await CreateSourceAsync("team", repo, interval: "1s");
        await using var host = new GitSourceHost(Coast, Options);
        await host.StartAsync();
        await AppliedAsync("team", commit);

        var edited = (Project)(await GetAsync(Project.KindName, "demo", "demo"))!;
        edited.Spec.Ports["web"] = 3999;
        edited.Metadata.Labels.Remove(GitSourceNames.OwnerLabel);
        await Store.UpdateAsync(edited);

        (await Poll.UntilAsync(async () => await PortOfAsync("demo") == 3000, Deadline)).ShouldBeTrue("the hand edit stayed");
        (await GetAsync(Project.KindName, "demo", "demo"))!.Metadata.Labels[GitSourceNames.OwnerLabel].ShouldBe("team");
        (await Poll.UntilAsync(async () => (await Coast.Events.ListAsync(source.Key)).Any(e => e.Reason == "DriftCorrected"), Deadline)).ShouldBeTrue();
    }

    [Fact]
    public async Task The_reconcile_annotation_applies_a_new_revision_at_once_and_is_answered_in_status()
    {
        var repo = NewRepo().Write("deploy/demo.yaml", Manifests.Project("demo"));
        var first = repo.Commit();
        await CreateSourceAsync("team", repo, interval: "1h");
        await using var host = new GitSourceHost(Coast, Options);
        await host.StartAsync();
        await AppliedAsync("team", first);

        var second = repo.Write("deploy/demo.yaml", Manifests.Project("demo", port: 3100)).Commit();
        await RequestReconcileAsync("team", "r-1");

        var answered = await AppliedAsync("team", second);
        (await Poll.UntilAsync(async () => (await SourceAsync("team")).Status.LastHandledReconcileAt == "r-1", Deadline)).ShouldBeTrue();
        (await PortOfAsync("demo")).ShouldBe(3100);
        answered.Status.LastAppliedRevision.ShouldBe($"main@sha1:{second}");
    }

    [Fact]
    public async Task A_suspended_source_applies_nothing_until_resumed()
    {
        var repo = NewRepo().Write("deploy/demo.yaml", Manifests.Project("demo"));
        var first = repo.Commit();
        await CreateSourceAsync("team", repo, interval: "1s");
        await using var host = new GitSourceHost(Coast, Options);
        await host.StartAsync();
        await AppliedAsync("team", first);

        await MutateAsync("team", s => s.Spec.Suspend = true);
        (await Poll.UntilAsync(async () => (await SourceAsync("team")).Status.Phase == "Suspended", Deadline)).ShouldBeTrue();
        var second = repo.Write("deploy/demo.yaml", Manifests.Project("demo", port: 3100)).Commit();
        // Even an explicit request is only answered, not applied, while suspended.
        await RequestReconcileAsync("team", "while-suspended");
        (await Poll.UntilAsync(async () => (await SourceAsync("team")).Status.LastHandledReconcileAt == "while-suspended", Deadline)).ShouldBeTrue();
        (await PortOfAsync("demo")).ShouldBe(3000);
        var suspended = await SourceAsync("team");
        suspended.Status.LastAppliedRevision.ShouldBe($"main@sha1:{first}");
        Conditions.Get(suspended.Status.Conditions, GitSourceNames.Reconciling)!.Reason.ShouldBe(GitSourceNames.Suspended);

        await MutateAsync("team", s => s.Spec.Suspend = false);
        await AppliedAsync("team", second);
        (await PortOfAsync("demo")).ShouldBe(3100);
    }

    [Fact]
    public async Task Deleting_a_pruning_source_deletes_what_it_applied_and_its_cache()
    {
        var repo = NewRepo().Write("deploy/demo.yaml", Manifests.Project("demo") + "---\n" + Manifests.Checkout("demo"));
        var commit = repo.Commit();
        var source = await CreateSourceAsync("team", repo, prune: true);
        await using var host = new GitSourceHost(Coast, Options);
        await host.StartAsync();
        await AppliedAsync("team", commit);
        (await SourceAsync("team")).Metadata.Finalizers.ShouldContain(GitSourceNames.Finalizer);

        await Store.DeleteAsync(source.Key);

        (await Poll.UntilAsync(async () => await Store.GetAsync(source.Key) is null, Deadline)).ShouldBeTrue();
        (await GetAsync(Project.KindName, "demo", "demo")).ShouldBeNull();
        (await GetAsync(Checkout.KindName, "demo", "demo")).ShouldBeNull();
        Directory.Exists(Options.CacheDir("team")).ShouldBeFalse();
    }

    [Fact]
    public async Task Deleting_a_pruning_source_keeps_what_is_annotated_prune_disabled_and_releases_it()
    {
        var repo = NewRepo().Write("deploy/demo.yaml", Manifests.Project("demo"))
            .Write("deploy/keep.yaml", Manifests.Project("keep", annotations: "coast.dev/prune: disabled"));
        var commit = repo.Commit();
        var source = await CreateSourceAsync("team", repo, prune: true);
        await using var host = new GitSourceHost(Coast, Options);
        await host.StartAsync();
        await AppliedAsync("team", commit);

        await Store.DeleteAsync(source.Key);

        (await Poll.UntilAsync(async () => await Store.GetAsync(source.Key) is null, Deadline)).ShouldBeTrue();
        (await GetAsync(Project.KindName, "demo", "demo")).ShouldBeNull();
        var kept = (await GetAsync(Project.KindName, "keep", "keep")).ShouldNotBeNull();
        kept.Metadata.Labels.ShouldNotContainKey(GitSourceNames.OwnerLabel);
    }

    [Fact]
    public async Task Deleting_a_source_without_prune_leaves_what_it_applied_released_for_another_source_to_take()
    {
        var repo = NewRepo().Write("deploy/demo.yaml", Manifests.Project("demo") + "---\n" + Manifests.Checkout("demo"));
        var commit = repo.Commit();
        var source = await CreateSourceAsync("team", repo, prune: false);
        await using var host = new GitSourceHost(Coast, Options);
        await host.StartAsync();
        await AppliedAsync("team", commit);

        await Store.DeleteAsync(source.Key);

        (await Poll.UntilAsync(async () => await Store.GetAsync(source.Key) is null, Deadline)).ShouldBeTrue();
        // The finalizer has run (the source is gone): it released rather than deleted.
        foreach (var kind in new[] { Project.KindName, Checkout.KindName })
            (await GetAsync(kind, "demo", "demo")).ShouldNotBeNull($"{kind} went with its source").Metadata.Labels.ShouldNotContainKey(GitSourceNames.OwnerLabel);
        Directory.Exists(Options.CacheDir("team")).ShouldBeFalse();

        // Released, not orphaned with a dangling owner: a new source may take them without a conflict.
        var next = await CreateSourceAsync("next", repo, prune: true);
        var taken = await AppliedAsync("next", commit);
        Conditions.IsTrue(taken.Status.Conditions, GitSourceNames.Ready).ShouldBeTrue();
        (await GetAsync(Project.KindName, "demo", "demo"))!.Metadata.Labels[GitSourceNames.OwnerLabel].ShouldBe(next.Metadata.Name);
    }

    private Task RequestReconcileAsync(string name, string value) =>
        MutateAsync(name, s => s.Metadata.Annotations[GitSourceNames.ReconcileRequestedAnnotation] = value);

    /// <summary>A read-modify-write of the source, retried when the controller's status write came first.</summary>
    private async Task MutateAsync(string name, Action<GitSource> change)
    {
        for (var attempt = 0; ; attempt++)
        {
            var s = await SourceAsync(name);
            change(s);
            try { await Store.UpdateAsync(s); return; }
            catch (Coast.Client.Store.ConflictException) when (attempt < 20) { }
        }
    }
}
