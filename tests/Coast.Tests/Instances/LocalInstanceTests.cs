using System.Net.Http;
using Coast.Client.Processes;
using Coast.Tests.Infrastructure;

using static Coast.Tests.Infrastructure.InstanceHttp;
namespace Coast.Tests.Instances;

/// <summary>End to end on a real Docker engine and real DinD, through the real `coast` binary.</summary>
[Collection("docker")]
[Trait("Category", Category.Docker)]
public sealed class LocalInstanceTests(DockerFixture docker, PostgresFixture pg)
{
    private readonly DockerFixture _docker = docker;

    [Fact]
    public async Task Two_instances_run_side_by_side_with_checkout_exec_stop_start_and_rm()
    {
        await using var world = new CoastWorld(pg);
        world.StartController();
        var build = await world.Cli.RunAsync("build");
        build.ExitCode.ShouldBe(0, build.ToString());
        build.Out.ShouldContain("Build complete");

        var run1 = await world.Cli.RunAsync("run", "dev-1");
        run1.ExitCode.ShouldBe(0, run1.ToString());
        run1.Out.ShouldContain("Created coast instance dev-1");
        run1.Out.ShouldContain("SERVICE");
        var run2 = await world.Cli.RunAsync("run", "dev-2");
        run2.ExitCode.ShouldBe(0, run2.ToString());

        var ports1 = RunPorts(run1.Out);
        var ports2 = RunPorts(run2.Out);
        ports1["web"].ShouldNotBe(ports2["web"]);
        (await GetAsync(ports1["web"], "/index.html")).ShouldContain("hello from web");
        (await GetAsync(ports1["api"], "/cgi-bin/whoami")).ShouldContain("instance=dev-1");
        (await GetAsync(ports2["api"], "/cgi-bin/whoami")).ShouldContain("instance=dev-2");

        var portsCmd = await world.Cli.RunAsync("ports", "dev-1");
        portsCmd.Out.ShouldContain("Port allocations");
        RunPorts(portsCmd.Out).ShouldBe(ports1);

        var co1 = await world.Cli.RunAsync("checkout", "dev-1");
        co1.ExitCode.ShouldBe(0, co1.ToString());
        co1.Out.ShouldContain("Checked out coast instance dev-1");
        (await GetAsync(world.CanonicalPorts["api"], "/cgi-bin/whoami")).ShouldContain("instance=dev-1");
        (await world.Cli.RunAsync("checkout", "dev-2")).ExitCode.ShouldBe(0);
        (await GetAsync(world.CanonicalPorts["api"], "/cgi-bin/whoami")).ShouldContain("instance=dev-2");
        var ls = await world.Cli.RunAsync("ls");
        ls.Out.ShouldContain("checked_out");
        ls.Out.ShouldContain("running");

        // Inner networking: a service reaches another by name, and reaches the host through the outer bridge (NAT).
        var byName = await world.Cli.RunAsync("exec", "dev-1", "--service", "web", "--", "sh", "-c",
            "printf 'GET /cgi-bin/whoami HTTP/1.0\\r\\n\\r\\n' | busybox nc api 8080");
        byName.Out.ShouldContain("instance=dev-1", customMessage: byName.ToString());
        await ReachesHostAsync(world);

        var exec = await world.Cli.RunAsync("exec", "dev-1", "--service", "api", "--", "cat", "/srv/index.html");
        exec.ExitCode.ShouldBe(0, exec.ToString());
        exec.Out.ShouldContain("hello from api");
        (await world.Cli.RunAsync("exec", "dev-1", "--", "sh", "-c", "exit 7")).ExitCode.ShouldBe(7);

        // Data written to the instance's Docker volume survives stop/start, and the ports stay the same.
        (await world.Cli.RunAsync("exec", "dev-1", "--", "sh", "-c", "echo kept > /var/lib/docker/coast-test-marker")).ExitCode.ShouldBe(0);
        (await world.Cli.RunAsync("stop", "dev-1")).ExitCode.ShouldBe(0);
        (await world.Cli.RunAsync("ls")).Out.ShouldContain("stopped");
        var start = await world.Cli.RunAsync("start", "dev-1");
        start.ExitCode.ShouldBe(0, start.ToString());
        // Same container, build and compose file: the inner containers were started as they were, without compose.
        world.ControllerLog.Where(l => l.Contains($"Instance/{world.Project}/dev-1 ready after")).Last().ShouldContain("services (warm)");
        // The stop lent the inner containers "unless-stopped" so the inner engine restarted them itself; the start gave "no" back.
        var policies = await world.Cli.RunAsync("exec", "dev-1", "--", "sh", "-c", "docker inspect -f '{{.HostConfig.RestartPolicy.Name}}' $(docker ps -aq)");
        policies.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldBe(["no", "no"], policies.ToString());
        (await world.Cli.RunAsync("get", "instance", "dev-1", "-o", "yaml")).Out.ShouldContain("restartPolicyOverrides: []");
        RunPorts((await world.Cli.RunAsync("ports", "dev-1")).Out).ShouldBe(ports1);
        (await world.Cli.RunAsync("exec", "dev-1", "--", "cat", "/var/lib/docker/coast-test-marker")).Out.ShouldContain("kept");
        (await GetAsync(ports1["web"], "/index.html")).ShouldContain("hello from web");

        (await world.Cli.RunAsync("checkout", "--none")).ExitCode.ShouldBe(0);
        var rm = await world.Cli.RunAsync("rm", "--all");
        rm.ExitCode.ShouldBe(0, rm.ToString());
        (await world.LabelledAsync("container")).ShouldBeEmpty();
        (await world.LabelledAsync("volume")).ShouldBeEmpty();
        // The host directories of the inner engines' sockets go with the instances.
        var socketDirs = Path.Combine(world.Home, "dind");
        (Directory.Exists(socketDirs) ? Directory.GetDirectories(socketDirs) : []).ShouldBeEmpty();
    }

    /// <summary>An inner container connects to a listener this test opens on the host side of the instance's bridge.</summary>
    private static async Task ReachesHostAsync(CoastWorld world)
    {
        var gateway = (await ProcessRunner.RunAsync("docker", ["inspect", "-f", "{{.NetworkSettings.Gateway}}", $"{world.Project}-coasts-dev-1"]))
            .StandardOutput.Trim();
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Parse(gateway), 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = listener.AcceptTcpClientAsync();
        var send = world.Cli.RunAsync("exec", "dev-1", "--service", "web", "--", "sh", "-c", $"echo from-inside | busybox nc -w 3 {gateway} {port}");
        using (var client = await accepted.WaitAsync(TimeSpan.FromSeconds(20)))
        using (var reader = new StreamReader(client.GetStream()))
            (await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10))).ShouldBe("from-inside");
        (await send.WaitAsync(TimeSpan.FromSeconds(30))).ExitCode.ShouldBe(0); // nc ends once this side closes
    }

    [Fact]
    public async Task A_container_removed_behind_coasts_back_is_recreated()
    {
        await using var world = new CoastWorld(pg);
        world.StartController();
        (await world.Cli.RunAsync("build")).ExitCode.ShouldBe(0);
        var run = await world.Cli.RunAsync("run", "drift");
        run.ExitCode.ShouldBe(0, run.ToString());
        var web = RunPorts(run.Out)["web"];

        (await ProcessRunner.RunAsync("docker", ["rm", "-f", $"{world.Project}-coasts-drift"])).ExitCode.ShouldBe(0);
        (await Poll.UntilAsync(async () => (await TryGetAsync(web, "/index.html"))?.Contains("hello from web") == true, TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(200)))
            .ShouldBeTrue("the controller did not recreate the container");
        (await world.LabelledAsync("container", "drift")).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Bad_input_gives_one_clear_line_and_creates_nothing()
    {
        await using var world = new CoastWorld(pg);
        world.StartController();

        var unknown = await world.Cli.RunAsync("ports", "nope");
        unknown.ExitCode.ShouldBe(4);
        unknown.Err.Trim().Split('\n').Length.ShouldBe(1);
        unknown.Err.ShouldContain("nope");

        var coastfile = Path.Combine(world.Dir, "Coastfile");
        var original = File.ReadAllText(coastfile);
        File.WriteAllText(coastfile, original.Replace($"api = {world.CanonicalPorts["api"]}", $"api = {world.CanonicalPorts["web"]}"));
        var collide = await world.Cli.RunAsync("build");
        collide.ExitCode.ShouldBe(1);
        collide.Err.ShouldContain("[ports] api");
        File.WriteAllText(coastfile, original);

        var compose = Path.Combine(world.Dir, "docker-compose.yml");
        var composeText = File.ReadAllText(compose);
        File.WriteAllText(compose, "services:\n  api: [unclosed\n");
        var broken = await world.Cli.RunAsync("build", "--timeout", "60s");
        broken.ExitCode.ShouldBe(1, broken.ToString());
        broken.Err.ShouldContain("compose file");

        File.WriteAllText(compose, composeText.Replace("image: coast/base:bookworm", "image: coast/does-not-exist:1"));
        var missing = await world.Cli.RunAsync("build", "--timeout", "60s");
        missing.ExitCode.ShouldBe(1, missing.ToString());
        missing.Err.ShouldContain("'web' uses image 'coast/does-not-exist:1'");

        (await world.LabelledAsync("container")).ShouldBeEmpty();
        (await world.LabelledAsync("volume")).ShouldBeEmpty();
        // The host directories of the inner engines' sockets go with the instances.
        var socketDirs = Path.Combine(world.Home, "dind");
        (Directory.Exists(socketDirs) ? Directory.GetDirectories(socketDirs) : []).ShouldBeEmpty();
    }
}
