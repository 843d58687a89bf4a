using System.Diagnostics;
using Coast.ApiTypes.Model;
using Coast.Tests.Infrastructure;
using Coast.Tests.Instances;
using Coast.Tests.Instances.BareServices;
using Xunit.Abstractions;
using static Coast.Tests.Infrastructure.InstanceHttp;
using static Coast.Tests.Instances.Assign.AssignWorld;

namespace Coast.Tests.Remote;

/// <summary>
/// `coast assign` of a remote hello-stack instance (`web = "hot"`, api restarts by default): the feature worktree is
/// rsynced into the remote workspace, so the hot web container serves its page without a restart while api restarts;
/// a generated file the remote made under a protected path survives the rsync's --delete-after while an unprotected
/// remote-only file goes (so the deletion did run); the private path is emptied; status shows the worktree; then
/// unassign goes back to the root's files.
/// </summary>
[Collection("remote")]
[Trait("Category", Category.Remote)]
public sealed class RemoteAssignTests(RemoteHostFixture fixture, PostgresFixture pg, ITestOutputHelper output)
{
    private const string StartedAt = "docker inspect -f '{{.State.StartedAt}}' $(docker ps -q --filter label=com.docker.compose.service=$0)";

    [Fact]
    public Task Assign_syncs_the_worktree_to_the_remote_keeps_protected_files_and_runs_each_action() => RemoteWorld.RunAsync(fixture, pg, async (world, agent) =>
    {
        var run = await world.Cli.RunAsync("run", "dev-1", "--remote", "th");
        run.ExitCode.ShouldBe(0, $"{run}\nagent log: {agent.Log()}");
        var web = RunPorts(run.Out)["web"];
        (await GetAsync(web, "/index.html")).ShouldContain("hello from web");
        var webStarted = await InsideAsync(world, StartedAt, "web");
        var apiStarted = await InsideAsync(world, StartedAt, "api");
        await InsideAsync(world, "mkdir -p /workspace/generated /workspace/web/.cache && echo client-v1 > /workspace/generated/client.ts"
            + " && echo stray > /workspace/stray.txt && echo old > /workspace/web/.cache/built");

        var explain = await world.Cli.RunAsync("assign", "dev-1", "-w", "feature", "--explain");
        explain.ExitCode.ShouldBe(0, explain.ToString());
        explain.Out.ShouldContain("remote host th");
        explain.Out.Split('\n').ShouldContain(l => l.StartsWith("web") && l.Contains("hot"), explain.Out);
        (await GetAsync(web, "/index.html")).ShouldContain("hello from web", Case.Sensitive, "--explain changes nothing");

        var sw = Stopwatch.StartNew();
        var assign = await world.Cli.RunAsync("assign", "dev-1", "-w", "feature");
        assign.ExitCode.ShouldBe(0, $"{assign}\nagent log: {agent.Log()}");
        output.WriteLine($"remote assign (rsync + hot web + api restart) took {sw.Elapsed.TotalSeconds:0.0} s");
        assign.Out.ShouldContain("web: hot");
        assign.Out.ShouldContain("api: restart");
        (await GetAsync(web, "/index.html")).ShouldContain("hello from the feature branch");
        (await InsideAsync(world, StartedAt, "web")).ShouldBe(webStarted, "hot: the web container was not restarted");
        (await InsideAsync(world, StartedAt, "api")).ShouldNotBe(apiStarted, "restart: the api container was restarted");
        (await InsideAsync(world, "cat /workspace/generated/client.ts")).ShouldBe("client-v1", "a protected generated file on the remote survives the assign");
        (await InsideAsync(world, "test -e /workspace/stray.txt && echo kept || echo gone")).ShouldBe("gone", "rsync --delete-after removed the unprotected remote-only file");
        (await InsideAsync(world, "ls -A /workspace/web/.cache")).ShouldBeEmpty("the private path is emptied on assign");
        var instance = await BareServiceWorld.InstanceAsync(world, pg, "dev-1");
        instance.Status.Worktree.ShouldBe(Feature);
        Conditions.IsTrue(instance.Status.Conditions, ConditionTypes.WorkspaceMounted).ShouldBeTrue();
        (await world.Cli.RunAsync("ls")).Out.Split('\n').ShouldContain(l => l.StartsWith("dev-1") && l.Contains("feature"));

        var unassign = await world.Cli.RunAsync("unassign", "dev-1");
        unassign.ExitCode.ShouldBe(0, unassign.ToString());
        (await GetAsync(web, "/index.html")).ShouldContain("hello from web");
        (await BareServiceWorld.InstanceAsync(world, pg, "dev-1")).Status.Worktree.ShouldBeNull();
        (await world.Cli.RunAsync("rm", "dev-1")).ExitCode.ShouldBe(0);
    }, coastfile: text => text + "\n[assign.services]\nweb = \"hot\"\n", prepare: async world =>
    {
        await File.WriteAllTextAsync(Path.Combine(world.Dir, ".gitignore"), ".worktrees/\n");
        await GitAsync(world.Dir, "init", "-q", "-b", "main");
        await GitAsync(world.Dir, "add", "-A");
        await GitAsync(world.Dir, "commit", "-q", "-m", "v1");
        await GitAsync(world.Dir, "worktree", "add", "-q", "-b", "feature", Feature);
        await File.WriteAllTextAsync(Path.Combine(world.Dir, Feature, "web", "index.html"), "hello from the feature branch\n");
    });

    /// <summary>A shell line run in the remote instance's DinD through `coast exec` (routed to the agent); its trimmed stdout.</summary>
    private static async Task<string> InsideAsync(CoastWorld world, string script, params string[] args)
    {
        var r = await world.Cli.RunAsync(["exec", "dev-1", "--", "sh", "-c", script, .. args]);
        r.ExitCode.ShouldBe(0, r.ToString());
        return r.Out.Trim();
    }
}
