using Coast.Tests.Infrastructure;
using static Coast.Tests.Infrastructure.InstanceHttp;
using static Coast.Tests.Instances.Assign.AssignWorld;

namespace Coast.Tests.Instances.Assign;

/// <summary>
/// Assign with compose services (the hello-stack example, `[assign] default = "restart"`): the restarted web
/// container bind-mounts the new worktree's files; after a stop and start, whose entrypoint mounts the worktree the
/// container was created with, the reconciler moves /workspace back to spec.worktree and restarts what had started.
/// </summary>
[Collection("docker-features")]
[Trait("Category", Category.Docker)]
public sealed class ComposeAssignTests(DockerFixture docker, PostgresFixture pg)
{
    private readonly DockerFixture _docker = docker;

    [Fact]
    public async Task A_restarted_compose_service_serves_the_new_worktree_and_keeps_it_across_stop_and_start()
    {
        await using var world = new CoastWorld(pg);
        await File.WriteAllTextAsync(Path.Combine(world.Dir, ".gitignore"), ".worktrees/\n");
        await GitAsync(world.Dir, "init", "-q", "-b", "main");
        await GitAsync(world.Dir, "add", "-A");
        await GitAsync(world.Dir, "commit", "-q", "-m", "v1");
        await GitAsync(world.Dir, "worktree", "add", "-q", "-b", "feature", Feature);
        await File.WriteAllTextAsync(Path.Combine(world.Dir, Feature, "web", "index.html"), "hello from the feature branch\n");
        world.StartController();
        (await world.Cli.RunAsync("build")).ExitCode.ShouldBe(0);
        var run = await world.Cli.RunAsync("run", "dev-1");
        run.ExitCode.ShouldBe(0, run.ToString());
        var web = RunPorts(run.Out)["web"];
        (await GetAsync(web, "/index.html")).ShouldContain("hello from web");

        var assign = await world.Cli.RunAsync("assign", "dev-1", "-w", "feature");
        assign.ExitCode.ShouldBe(0, assign.ToString());
        assign.Out.ShouldContain("web: restart");
        (await GetAsync(web, "/index.html")).ShouldContain("hello from the feature branch");

        (await world.Cli.RunAsync("stop", "dev-1")).ExitCode.ShouldBe(0);
        var start = await world.Cli.RunAsync("start", "dev-1");
        start.ExitCode.ShouldBe(0, start.ToString());
        (await GetAsync(web, "/index.html")).ShouldContain("hello from the feature branch");

        (await world.Cli.RunAsync("unassign", "dev-1")).ExitCode.ShouldBe(0);
        (await GetAsync(web, "/index.html")).ShouldContain("hello from web");
        (await world.Cli.RunAsync("rm", "dev-1")).ExitCode.ShouldBe(0);
    }
}
