using System.Diagnostics;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Docker.Images;
using Coast.Controller.Remote.Ssh;
using Coast.Controller.Store;
using Coast.Tests.Infrastructure;
using Coast.Tests.Instances;
using Xunit.Abstractions;
using Coast.Client.Store;

using static Coast.Tests.Infrastructure.InstanceHttp;
namespace Coast.Tests.Remote;

/// <summary>
/// hello-stack on the netns host through the real controller and `coast` binary: `coast run --remote`, each service
/// through its local dynamic port (localhost -> SSH forward -> remote dynamic -> DinD) and, after checkout, its
/// canonical port; exec (exit code), logs, ps, stop, start and rm routed; nothing left on either side.
/// </summary>
[Collection("remote")]
[Trait("Category", Category.Remote)]
public sealed class RemoteInstanceTests(RemoteHostFixture fixture, PostgresFixture pg, ITestOutputHelper output)
{
    private RemoteTestHost Host => fixture.Host;

    private Task WithRemoteWorldAsync(Func<CoastWorld, RemoteAgentProcess, Task> body, Func<string, string>? coastfile = null) =>
        RemoteWorld.RunAsync(fixture, pg, body, coastfile);

    [Fact]
    public Task Hello_stack_runs_remotely_with_every_verb_routed_and_leaves_nothing() => WithRemoteWorldAsync(async (world, agent) =>
    {
            var sw = Stopwatch.StartNew();
            var local = await world.Cli.RunAsync("run", "loc-1");
            local.ExitCode.ShouldBe(0, local.ToString());
            var localSeconds = sw.Elapsed.TotalSeconds;
            (await world.Cli.RunAsync("rm", "loc-1")).ExitCode.ShouldBe(0);

            sw.Restart();
            var run = await world.Cli.RunAsync("run", "dev-1", "--remote", "th");
            run.ExitCode.ShouldBe(0, $"{run}\nagent log: {agent.Log()}");
            var remoteFirst = sw.Elapsed.TotalSeconds;
            sw.Restart();
            var run2 = await world.Cli.RunAsync("run", "dev-2", "--remote", "th");
            run2.ExitCode.ShouldBe(0, run2.ToString());
            var remoteSecond = sw.Elapsed.TotalSeconds;
            output.WriteLine($"coast run: local {localSeconds:0.0}s; remote {remoteFirst:0.0}s with images sent, {remoteSecond:0.0}s with images already there");

            var ports = RunPorts(run.Out);
            (await GetAsync(ports["web"], "/index.html")).ShouldContain("hello from web");
            (await GetAsync(ports["api"], "/cgi-bin/whoami")).ShouldContain("instance=dev-1");
            (await GetAsync(RunPorts(run2.Out)["api"], "/cgi-bin/whoami")).ShouldContain("instance=dev-2");
            (await world.Cli.RunAsync("checkout", "dev-1")).ExitCode.ShouldBe(0);
            (await GetAsync(world.CanonicalPorts["api"], "/cgi-bin/whoami")).ShouldContain("instance=dev-1");
            var ls = await world.Cli.RunAsync("ls");
            ls.Out.Split('\n').ShouldContain(l => l.StartsWith("dev-1") && l.Contains("checked_out") && l.TrimEnd().EndsWith("th"), ls.Out);
            (await world.LabelledAsync("container")).ShouldBeEmpty("a remote instance has no local DinD");

            var exec = await world.Cli.RunAsync("exec", "dev-1", "--service", "api", "--", "cat", "/srv/index.html");
            exec.ExitCode.ShouldBe(0, exec.ToString());
            exec.Out.ShouldContain("hello from api");
            (await world.Cli.RunAsync("exec", "dev-1", "--", "sh", "-c", "exit 7")).ExitCode.ShouldBe(7);
            var ps = await world.Cli.RunAsync("ps", "dev-1");
            ps.Out.ShouldContain("web");
            ps.Out.ShouldContain("running");
            (await world.Cli.RunAsync("logs", "dev-1", "--tail", "5")).ExitCode.ShouldBe(0);

            (await world.Cli.RunAsync("stop", "dev-1")).ExitCode.ShouldBe(0);
            (await world.Cli.RunAsync("ls")).Out.ShouldContain("stopped");
            (await Host.DockerAsync("ps", "-q", "--filter", $"name={world.Project}-coasts-dev-1")).StandardOutput.Trim().ShouldBeEmpty();
            var start = await world.Cli.RunAsync("start", "dev-1");
            start.ExitCode.ShouldBe(0, start.ToString());
            (await GetAsync(ports["api"], "/cgi-bin/whoami")).ShouldContain("instance=dev-1");

            (await world.Cli.RunAsync("checkout", "--none")).ExitCode.ShouldBe(0);
            var rm = await world.Cli.RunAsync("rm", "--all");
            rm.ExitCode.ShouldBe(0, rm.ToString());
            (await Host.DockerAsync("ps", "-aq", "--filter", $"label=coast.project={world.Project}")).StandardOutput.Trim().ShouldBeEmpty();
            (await Host.DockerAsync("volume", "ls", "-q", "--filter", $"label=coast.project={world.Project}")).StandardOutput.Trim().ShouldBeEmpty();
            (await agent.Client.GetAsync(world.Project, "dev-1", default)).ShouldBeNull();
            (await TryGetAsync(ports["web"], "/index.html")).ShouldBeNull("the forward goes with the instance");
            (await Poll.UntilAsync(async () => (await ChildrenAsync(world)).Count == 0, TimeSpan.FromSeconds(20)))
                .ShouldBeTrue("the instance's Tunnel and SyncSession go with it");
    });

    [Fact]
    public Task With_continuous_sync_a_local_edit_and_a_delete_reach_the_remote_inner_container() => WithRemoteWorldAsync(async (world, _) =>
    {
        var extra = Path.Combine(world.Dir, "web", "extra.html");
        File.WriteAllText(extra, "extra page");
        var run = await world.Cli.RunAsync("run", "dev-1", "--remote", "th");
        run.ExitCode.ShouldBe(0, run.ToString());
        var web = RunPorts(run.Out)["web"];
        (await GetAsync(web, "/extra.html")).ShouldContain("extra page", Case.Sensitive, "the bulk rsync brought the workspace");
        var children = await ChildrenAsync(world);
        children.OfType<Tunnel>().ShouldHaveSingleItem().Status.Forwards.Select(f => f.LocalPort).ShouldContain(web);
        children.OfType<SyncSession>().ShouldHaveSingleItem().Spec.Mode.ShouldBe(SyncModes.Continuous);

        var marker = "edited " + Guid.NewGuid().ToString("N")[..8];
        var sw = Stopwatch.StartNew();
        File.WriteAllText(Path.Combine(world.Dir, "web", "index.html"), marker);
        (await Poll.UntilAsync(async () => (await TryGetAsync(web, "/index.html"))?.Contains(marker) == true, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(20)))
            .ShouldBeTrue("the local edit is served by the remote inner container");
        output.WriteLine($"local edit visible through the 3-hop chain after {sw.ElapsedMilliseconds} ms");
        File.Delete(extra);
        (await Poll.UntilAsync(async () => await TryGetAsync(web, "/extra.html") is null, TimeSpan.FromSeconds(15)))
            .ShouldBeTrue("the local delete reaches the remote");
        (await world.Cli.RunAsync("rm", "dev-1")).ExitCode.ShouldBe(0);
    }, coastfile: text => text + "\n[remote]\nworkspace_sync = \"mutagen\"\n");

    /// <summary>The Tunnels and SyncSessions of the world's project (the remote instances' children).</summary>
    private async Task<List<Resource>> ChildrenAsync(CoastWorld world)
    {
        using var store = await CoastStore.OpenAsync(pg.ConnectionString, world.Schema);
        return [.. await store.Resources.ListAsync(Tunnel.KindName, world.Project), .. await store.Resources.ListAsync(SyncSession.KindName, world.Project)];
    }
}
