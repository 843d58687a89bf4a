using System.Diagnostics;
using System.Net.Http;
using Coast.ApiTypes.Kinds;
using Coast.Controller.Instances.BareServices;
using Coast.Controller.Store;
using Coast.Tests.Infrastructure;
using static Coast.Tests.Instances.BareServices.BareServiceWorld;
using Coast.Client.Store;

namespace Coast.Tests.Instances.BareServices;

/// <summary>
/// Bare services ([services] of the Coastfile, no compose file) on the real engine and real DinD: supervised
/// inside the instance, restarted per policy, install steps once per build, logs per service,
/// autostart = false honoured until a restart request, and a service that exits at once fails `coast run`.
/// </summary>
[Collection("docker")]
[Trait("Category", Category.Docker)]
public sealed class BareServiceTests(DockerFixture docker, PostgresFixture pg, Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly DockerFixture _docker = docker;

    private const string Services = """
        [ports]
        web = {web}

        [services.web]
        command = "mkdir -p /tmp/www && echo \"hello from $GREETING\" > /tmp/www/index.html && echo web up && exec busybox httpd -f -p {web} -h /tmp/www"
        port = {web}
        restart = "always"
        install = ["echo installed >> /workspace/install.log"]
        env = { GREETING = "bare web" }

        [services.worker]
        command = "echo worker run; sleep 1; exit 4"
        restart = "on-failure"

        [services.manual]
        command = "echo manual up; exec sleep 1000"
        autostart = false
        """;

    [Fact]
    public async Task Bare_services_are_supervised_restarted_per_policy_and_started_on_request()
    {
        await using var world = Create(pg, Services);
        world.StartController();
        (await world.Cli.RunAsync("build")).ExitCode.ShouldBe(0);
        var started = Stopwatch.StartNew();
        var run = await world.Cli.RunAsync("run", "dev-1");
        output.WriteLine($"coast run: {started.Elapsed.TotalSeconds:0.0}s");
        run.ExitCode.ShouldBe(0, run.ToString());
        run.Out.ShouldContain("Created coast instance dev-1");

        var instance = await InstanceAsync(world, pg, "dev-1");
        var port = instance.Status.Ports.Single(p => p.Name == "web").Dynamic;
        (await Http.GetStringAsync($"http://127.0.0.1:{port}/index.html")).ShouldContain("hello from bare web");
        instance.Status.Services.Select(s => s.Name).Order().ShouldBe(["manual", "web", "worker"]);
        instance.Status.Services.Single(s => s.Name == "manual").State.ShouldBe("pending");
        (await StateAsync(world, "dev-1", "manual"))!.Alive.ShouldBeFalse();

        // restart = "always": the killed process comes back by itself; the install step does not run again.
        var pid = (await ExecAsync(world, "dev-1", "cat", "/coast/services/web/pid")).Trim();
        await ExecAsync(world, "dev-1", "kill", "-KILL", pid);
        (await Poll.UntilAsync(async () => await StateAsync(world, "dev-1", "web") is { State: "running", Restarts: 1 }, TimeSpan.FromSeconds(20)))
            .ShouldBeTrue(string.Join(", ", await StatesAsync(world, "dev-1")) + await ExecAsync(world, "dev-1", "ps", "-eo", "pid,pgid,stat,args"));
        (await Poll.UntilAsync(async () => await AnswersAsync(port), TimeSpan.FromSeconds(20))).ShouldBeTrue();
        var log = await ExecAsync(world, "dev-1", "cat", "/var/log/coast-services/web.log");
        log.Split('\n').Count(l => l == "web up").ShouldBe(2, log);
        log.ShouldContain("[coast] web exited with code 137");
        File.ReadAllLines(Path.Combine(world.Dir, "install.log")).Length.ShouldBe(1);

        // restart = "on-failure": the worker that exits 4 is run again and again, with a growing delay.
        (await Poll.UntilAsync(async () => await StateAsync(world, "dev-1", "worker") is { Restarts: >= 2 }, TimeSpan.FromSeconds(30))).ShouldBeTrue();
        var workerLog = await ExecAsync(world, "dev-1", "cat", "/var/log/coast-services/worker.log");
        workerLog.ShouldContain("[coast] worker exited with code 4");
        workerLog.Split('\n').Count(l => l == "worker run").ShouldBeGreaterThanOrEqualTo(2);

        // autostart = false: started only by a restart request (coast.dev/restart-services).
        using (var coast = await CoastStore.OpenAsync(pg.ConnectionString, world.Schema))
        {
            var latest = (Instance)(await coast.Resources.GetAsync(instance.Key))!;
            latest.Metadata.Annotations[Instance.RestartServicesAnnotation] = "r1:manual";
            await coast.Resources.UpdateAsync(latest);
        }
        (await Poll.UntilAsync(async () => (await InstanceAsync(world, pg, "dev-1")).Status.ServicesRestarted == "r1:manual", TimeSpan.FromSeconds(30)))
            .ShouldBeTrue();
        (await StateAsync(world, "dev-1", "manual")).ShouldBe(new BareServiceState("manual", "running", 0, null, true));
        (await ExecAsync(world, "dev-1", "cat", "/var/log/coast-services/manual.log")).ShouldContain("manual up");

        // A stopped and started instance runs its services again (a new container start), installs not repeated.
        (await world.Cli.RunAsync("stop", "dev-1")).ExitCode.ShouldBe(0);
        (await world.Cli.RunAsync("start", "dev-1")).ExitCode.ShouldBe(0);
        (await Http.GetStringAsync($"http://127.0.0.1:{port}/index.html")).ShouldContain("hello from bare web");
        (await StateAsync(world, "dev-1", "manual"))!.State.ShouldBe("pending");
        File.ReadAllLines(Path.Combine(world.Dir, "install.log")).Length.ShouldBe(1);

        (await world.Cli.RunAsync("rm", "dev-1")).ExitCode.ShouldBe(0);
        (await world.LabelledAsync("container", "dev-1")).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_bare_service_that_exits_at_once_fails_run_quickly_with_its_last_log_lines()
    {
        await using var world = Create(pg, """
            [ports]
            web = {web}

            [services.web]
            command = "echo web starting; echo 'fatal: no config in /etc/web.conf' >&2; exit 3"
            port = {web}
            """);
        world.StartController();
        (await world.Cli.RunAsync("build")).ExitCode.ShouldBe(0);
        var started = Stopwatch.StartNew();
        var run = await world.Cli.RunAsync("run", "exits", "--timeout", "5m");
        output.WriteLine($"coast run failed after {started.Elapsed.TotalSeconds:0.0}s: {run.Err.Trim()}");
        run.ExitCode.ShouldBe(1, run.ToString());
        started.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(60));
        run.Err.ShouldContain("ServiceExited: bare service 'web' exited with code 3", customMessage: run.ToString());
        run.Err.ShouldContain("fatal: no config in /etc/web.conf");
        run.Err.ShouldContain("web starting");
        (await world.Cli.RunAsync("rm", "exits")).ExitCode.ShouldBe(0);
    }

    private static async Task<bool> AnswersAsync(int port)
    {
        try { return (await Http.GetStringAsync($"http://127.0.0.1:{port}/index.html")).Contains("hello"); }
        catch (HttpRequestException) { return false; }
        catch (TaskCanceledException) { return false; }
    }
}
