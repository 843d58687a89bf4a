using Coast.Tests.GitOps;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.Cli;

/// <summary>`coast source ...` and `coast get gitsources` with the real binary, a real controller and a real git repository.</summary>
[Collection("postgres")]
[Trait("Category", Category.Postgres)]
public sealed class SourceCliTests(PostgresFixture pg) : CliTestBase(pg, "coast-source-cli")
{
    [Fact]
    public async Task Add_reconcile_suspend_and_resume_drive_a_source_and_get_shows_its_revisions()
    {
        using var repo = new GitTestRepo(Path.GetTempPath());
        repo.Write("envs/demo.yaml", Manifests.Project("demo"));
        var first = repo.Commit();
        var controller = Coast.StartController();
        Started.Add(controller);
        controller.BeginOutputReadLine();
        controller.BeginErrorReadLine();

        var bad = await Coast.RunAsync("source", "add", "team", "--url", repo.Dir, "--path", "../up");
        bad.ExitCode.ShouldBe(2, bad.ToString());
        bad.Err.ShouldContain("spec.path:");

        var add = await Coast.RunAsync("source", "add", "team", "--url", repo.Dir, "--path", "envs", "--interval", "1h", "--prune");
        add.ExitCode.ShouldBe(0, add.ToString());
        add.Out.ShouldContain("gitsource/team created");
        var reconciled = await Coast.RunAsync("source", "reconcile", "team", "--timeout", "60s");
        reconciled.ExitCode.ShouldBe(0, reconciled.ToString());
        reconciled.Out.ShouldContain($"applied main@sha1:{first}");

        var get = await Coast.RunAsync("get", "gitsources");
        get.ExitCode.ShouldBe(0, get.ToString());
        get.Out.ShouldContain("APPLIED");
        get.Out.ShouldContain($"main@sha1:{first[..7]}");
        (await Coast.RunAsync("get", "project", "demo", "-p", "demo")).ExitCode.ShouldBe(0);

        (await Coast.RunAsync("source", "suspend", "team")).Out.ShouldContain("gitsource/team suspended");
        var refused = await Coast.RunAsync("source", "reconcile", "team");
        refused.ExitCode.ShouldBe(1);
        refused.Err.ShouldContain("coast source resume team");

        repo.Write("envs/api.yaml", Manifests.Project("api"));
        var second = repo.Commit();
        (await Coast.RunAsync("source", "resume", "team")).Out.ShouldContain("gitsource/team resumed");
        var again = await Coast.RunAsync("source", "reconcile", "team", "--timeout", "60s");
        again.ExitCode.ShouldBe(0, again.ToString());
        again.Out.ShouldContain(second);
        var ls = await Coast.RunAsync("source", "ls");
        ls.Out.ShouldContain("team");
        ls.Out.ShouldContain($"main@sha1:{second[..7]}");
        (await Coast.RunAsync("get", "project", "api", "-p", "api")).ExitCode.ShouldBe(0);

        // A bad revision: reconcile reports the file and field and fails.
        repo.Write("envs/bad.yaml", Manifests.Instance("dev-1", "demo", state: "Sideways"));
        repo.Commit();
        var rejected = await Coast.RunAsync("source", "reconcile", "team", "--timeout", "60s");
        rejected.ExitCode.ShouldBe(1, rejected.ToString());
        rejected.Err.ShouldContain("ValidationFailed");
        rejected.Err.ShouldContain("envs/bad.yaml");
        rejected.Err.ShouldContain("spec.state");

        (await Coast.RunAsync("source", "reconcile", "nope")).ExitCode.ShouldBe(4);
    }
}
