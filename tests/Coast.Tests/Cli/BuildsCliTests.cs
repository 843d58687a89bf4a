using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Store;
using Coast.Tests.Infrastructure;
using Coast.Client.Store;

namespace Coast.Tests.Cli;

/// <summary>`builds ls|rm`, `rm-build` and project defaults through the real binary on real Postgres (no controller needed).</summary>
[Collection("postgres")]
[Trait("Category", Category.Postgres)]
public sealed class BuildsCliTests(PostgresFixture pg) : CliTestBase(pg, "coast-builds")
{
    [Fact]
    public async Task A_project_manifest_without_a_namespace_is_its_own_namespace()
    {
        const string manifest = "apiVersion: coast.dev/v1alpha1\nkind: Project\nmetadata:\n  name: solo\nspec:\n  rootDir: /srv/solo\n";
        var apply = await Coast.RunWithInputAsync(manifest, "apply", "-f", "-");
        apply.ExitCode.ShouldBe(0, apply.ToString());
        apply.Out.ShouldContain("project/solo created");
        (await Coast.RunAsync("get", "project", "solo", "-p", "solo")).ExitCode.ShouldBe(0);
    }

    [Fact]
    public async Task Builds_ls_lists_builds_and_rm_refuses_one_in_use_and_unknown_names()
    {
        (await Coast.RunAsync("builds", "ls", "-A")).Out.ShouldContain("No builds.");
        using var store = await CoastStore.OpenAsync(Pg.ConnectionString, Schema);
        var project = await store.Resources.CreateAsync(TestResources.Project());
        foreach (var name in new[] { "b-old", "b-new" })
        {
            var build = new Build { Metadata = { Name = name, Namespace = "demo" }, Spec = { Project = "demo" } };
            Owners.Set(build, project);
            var created = (Build)await store.Resources.CreateAsync(build);
            Conditions.Set(created.Status.Conditions, "Ready", ConditionStatus.True, "Built", "done", 1, DateTimeOffset.UtcNow);
            created.Status.Images["api"] = $"coast-demo/api:{name}";
            await store.Resources.UpdateStatusAsync(created);
            await Task.Delay(5); // distinct creation timestamps (ordering, not synchronisation)
        }
        var user = TestResources.Instance("dev-1");
        user.Spec.Build = "b-old";
        await store.Resources.CreateAsync(user);

        var ls = await Coast.RunAsync("builds", "ls", "-p", "demo");
        ls.ExitCode.ShouldBe(0, ls.ToString());
        var rows = ls.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        rows[0].ShouldStartWith("PROJECT");
        rows[1].ShouldContain("b-new");
        rows[1].ShouldContain("*");
        rows[2].ShouldContain("b-old");
        rows[2].ShouldContain("dev-1");

        var inUse = await Coast.RunAsync("builds", "rm", "b-old", "-p", "demo");
        inUse.ExitCode.ShouldBe(1, inUse.ToString());
        inUse.Err.Trim().ShouldBe("error: build 'b-old' is used by instance(s) dev-1; remove them first (`coast rm NAME`).");
        var unknown = await Coast.RunAsync("builds", "rm", "nope", "-p", "demo");
        unknown.ExitCode.ShouldBe(4, unknown.ToString());
        unknown.Err.ShouldContain("coast builds ls");
        var all = await Coast.RunAsync("rm-build", "demo");
        all.ExitCode.ShouldBe(1, all.ToString());
        all.Err.ShouldContain("still has instance(s) dev-1");
        (await store.Resources.ListAsync(Build.KindName, "demo")).Count.ShouldBe(2); // nothing half-done
    }
}
