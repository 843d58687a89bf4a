using Coast.Tests.Cli;
using Coast.Tests.Infrastructure;
using static Coast.Tests.Infrastructure.InstanceHttp;
using static Coast.Tests.Instances.Assign.AssignWorld;
using static Coast.Tests.Instances.BareServices.BareServiceWorld;

namespace Coast.Tests.Instances.Assign;

/// <summary>
/// `coast assign` on the real engine and DinD, through the real binary: /workspace switches between two worktrees
/// that differ in a backend file, in the same container; `hot` serves the new file with the service untouched,
/// `rebuild` with an untouched trigger restarts it (without installing again); private paths are emptied; an
/// absolute path and a branch name give the same spec.worktree; a worktree that does not exist is one clear error.
/// </summary>
[Collection("docker-features")]
[Trait("Category", Category.Docker)]
public sealed class AssignTests(DockerFixture docker, PostgresFixture pg)
{
    private readonly DockerFixture _docker = docker;

    // busybox httpd runs the CGI script per request, which reads /workspace by absolute path: it sees a switched mount.
    private const string LiveReader = """
        [ports]
        web = {web}

        [assign]
        default = "hot"

        [services.web]
        command = "mkdir -p /tmp/www/cgi-bin && printf '#!/bin/sh\\necho Content-Type: text/plain\\necho\\ncat /workspace/backend/msg\\n' > /tmp/www/cgi-bin/msg && chmod 755 /tmp/www/cgi-bin/msg && exec busybox httpd -f -p {web} -h /tmp/www"
        port = {web}
        """;

    // Copies the file once at start: only a restart serves the new worktree's file.
    private const string StartupReader = """
        [ports]
        web = {web}

        [assign.services]
        web = "rebuild"

        [assign.rebuild_triggers]
        web = ["backend/deps.txt"]

        [services.web]
        install = ["echo installed >> /tmp/install.log"]
        command = "mkdir -p /tmp/www && cp /workspace/backend/msg /tmp/www/msg && exec busybox httpd -f -p {web} -h /tmp/www"
        port = {web}
        """;

    [Fact]
    public async Task Hot_assign_serves_the_new_worktree_without_a_restart_and_clears_private_paths()
    {
        await using var world = await CreateAsync(pg, LiveReader, coastExtra: "private_paths = [\".cache\"]");
        world.StartController();
        (await world.Cli.RunAsync("build")).ExitCode.ShouldBe(0);
        var run = await world.Cli.RunAsync("run", "dev-1");
        run.ExitCode.ShouldBe(0, run.ToString());
        var port = RunPorts(run.Out)["web"];
        (await GetAsync(port, "/cgi-bin/msg")).ShouldContain("v1");
        var container = await ContainerIdAsync(world);
        // Bare services in ps and logs (the project has no compose file).
        var ps = await world.Cli.RunAsync("ps", "dev-1");
        ps.ExitCode.ShouldBe(0, ps.ToString());
        ps.Out.ShouldContain("BARE SERVICE");
        ps.Out.ShouldContain("running");
        (await world.Cli.RunAsync("logs", "dev-1", "--service", "web")).Out.ShouldContain("[coast] starting web");
        var pid = (await ExecAsync(world, "dev-1", "cat", "/coast/services/web/pid")).Trim();
        (await ExecAsync(world, "dev-1", "sh", "-c", "echo stale > /workspace/.cache/output && cat /workspace/.cache/output")).ShouldContain("stale");
        var absolute = Path.Combine(world.Dir, Feature);

        var explain = await world.Cli.RunAsync("assign", "dev-1", "-w", absolute, "--explain");
        explain.ExitCode.ShouldBe(0, explain.ToString());
        explain.Out.ShouldContain("web");
        explain.Out.ShouldContain("hot");
        explain.Out.ShouldContain(".env");
        (await SpecWorktreeAsync(world, pg, "dev-1")).ShouldBeNull("--explain changes nothing");
        File.Exists(Path.Combine(absolute, ".env")).ShouldBeFalse();

        var assign = await world.Cli.RunAsync("assign", "dev-1", "-w", absolute);
        assign.ExitCode.ShouldBe(0, assign.ToString());
        assign.Out.ShouldContain($"Assigned worktree {Feature} to coast instance dev-1");
        (await GetAsync(port, "/cgi-bin/msg")).ShouldContain("v2");
        (await ContainerIdAsync(world)).ShouldBe(container, "the instance container is kept");
        (await ExecAsync(world, "dev-1", "cat", "/coast/services/web/pid")).Trim().ShouldBe(pid, "hot: the service was not restarted");
        (await ExecAsync(world, "dev-1", "ls", "-A", "/workspace/.cache")).Trim().ShouldBeEmpty("private paths are emptied on assign");
        (await ExecAsync(world, "dev-1", "mountpoint", "/workspace/.cache")).ShouldContain("is a mountpoint");
        File.ReadAllText(Path.Combine(absolute, ".env")).ShouldContain("API_KEY=local-only");
        (await SpecWorktreeAsync(world, pg, "dev-1")).ShouldBe(Feature);
        (await world.Cli.RunAsync("ls")).Out.ShouldContain(Feature);
        var yaml = (await world.Cli.RunAsync("get", "instance", "dev-1", "-o", "yaml")).Out;
        yaml.ShouldContain("type: WorkspaceMounted");

        // From inside the worktree, lookup finds the instance serving it.
        var inWorktree = new CoastProcess(pg, world.Schema, world.Home, absolute);
        var lookup = await inWorktree.RunAsync("lookup", "--json");
        lookup.ExitCode.ShouldBe(0, lookup.ToString());
        lookup.Out.ShouldContain("\"name\": \"dev-1\"");
        lookup.Out.ShouldContain($"\"url\": \"http://localhost:{port}\"");
        (await world.Cli.RunAsync("lookup")).ExitCode.ShouldBe(4, "nothing serves the project root now");

        var unassign = await world.Cli.RunAsync("unassign", "dev-1");
        unassign.ExitCode.ShouldBe(0, unassign.ToString());
        (await GetAsync(port, "/cgi-bin/msg")).ShouldContain("v1");
        (await SpecWorktreeAsync(world, pg, "dev-1")).ShouldBeNull();

        // The branch name resolves to the same worktree as its absolute path did.
        var byBranch = await world.Cli.RunAsync("assign", "dev-1", "-w", "feature");
        byBranch.ExitCode.ShouldBe(0, byBranch.ToString());
        (await SpecWorktreeAsync(world, pg, "dev-1")).ShouldBe(Feature);
        (await GetAsync(port, "/cgi-bin/msg")).ShouldContain("v2");

        // A worktree that does not exist: one clear line, nothing written, still serving the feature worktree.
        var bad = await world.Cli.RunAsync("assign", "dev-1", "-w", "no-such-thing");
        bad.ExitCode.ShouldBe(4, bad.ToString());
        bad.Err.ShouldContain("no worktree or branch named 'no-such-thing'");
        bad.Err.Trim().Split('\n').Length.ShouldBe(1, bad.ToString());
        bad.Err.ShouldNotContain("   at ");
        (await SpecWorktreeAsync(world, pg, "dev-1")).ShouldBe(Feature);
        Directory.Exists(Path.Combine(world.Dir, ".worktrees", "no-such-thing")).ShouldBeFalse();
        (await GetAsync(port, "/cgi-bin/msg")).ShouldContain("v2");
        (await ExecAsync(world, "dev-1", "cat", "/coast/services/web/pid")).Trim().ShouldBe(pid);

        (await world.Cli.RunAsync("rm", "dev-1")).ExitCode.ShouldBe(0);
    }

    [Fact]
    public async Task Rebuild_with_an_untouched_trigger_restarts_instead_and_a_branch_without_worktree_gets_one()
    {
        await using var world = await CreateAsync(pg, StartupReader);
        world.StartController();
        (await world.Cli.RunAsync("build")).ExitCode.ShouldBe(0);
        var run = await world.Cli.RunAsync("run", "dev-1");
        run.ExitCode.ShouldBe(0, run.ToString());
        var port = RunPorts(run.Out)["web"];
        (await GetAsync(port, "/msg")).ShouldContain("v1");
        var pid = (await ExecAsync(world, "dev-1", "cat", "/coast/services/web/pid")).Trim();

        var explain = await world.Cli.RunAsync("assign", "dev-1", "-w", "feature", "--explain");
        explain.Out.ShouldContain("restart instead", customMessage: explain.ToString());
        var assign = await world.Cli.RunAsync("assign", "dev-1", "-w", "feature");
        assign.ExitCode.ShouldBe(0, assign.ToString());
        assign.Out.ShouldContain("web: restart");
        (await GetAsync(port, "/msg")).ShouldContain("v2");
        (await ExecAsync(world, "dev-1", "cat", "/coast/services/web/pid")).Trim().ShouldNotBe(pid, "restarted");
        (await ExecAsync(world, "dev-1", "cat", "/tmp/install.log")).Trim().Split('\n').Length.ShouldBe(1, "a restart does not install again");

        // A branch with no worktree: made on demand under the worktree dir, then mounted.
        var spare = await world.Cli.RunAsync("assign", "dev-1", "-w", "spare");
        spare.ExitCode.ShouldBe(0, spare.ToString());
        spare.Out.ShouldContain("Created worktree .worktrees/spare for branch spare");
        (await SpecWorktreeAsync(world, pg, "dev-1")).ShouldBe(".worktrees/spare");
        (await GetAsync(port, "/msg")).ShouldContain("v1");

        // restart-services: the named bare service is restarted through the annotation; an unknown one is refused.
        var before = (await ExecAsync(world, "dev-1", "cat", "/coast/services/web/pid")).Trim();
        var restart = await world.Cli.RunAsync("restart-services", "dev-1", "--service", "web");
        restart.ExitCode.ShouldBe(0, restart.ToString());
        restart.Out.ShouldContain("Restarted service web of coast instance dev-1");
        (await ExecAsync(world, "dev-1", "cat", "/coast/services/web/pid")).Trim().ShouldNotBe(before);
        var unknown = await world.Cli.RunAsync("restart-services", "dev-1", "--service", "nope");
        unknown.ExitCode.ShouldBe(4, unknown.ToString());
        unknown.Err.ShouldContain("no bare service 'nope'");
        (await world.Cli.RunAsync("rm", "dev-1")).ExitCode.ShouldBe(0);
    }

    private static async Task<string> ContainerIdAsync(CoastWorld world) =>
        (await Coast.Client.Processes.ProcessRunner.RunAsync("docker", ["inspect", "-f", "{{.Id}}", Container(world, "dev-1")])).StandardOutput.Trim();
}
