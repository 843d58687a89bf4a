using System.Diagnostics;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Client.Processes;
using Coast.Controller.Store;
using Coast.Tests.Infrastructure;
using Coast.Client.Store;

namespace Coast.Tests.Instances;

/// <summary>
/// Instances whose services cannot come up, on the real engine and real DinD: `coast run` fails with the
/// controller's reason and the service's last log lines long before its timeout, the controller retries a
/// bounded number of times, and nothing is duplicated or left behind.
/// </summary>
[Collection("docker")]
[Trait("Category", Category.Docker)]
public sealed class InstanceFailureTests(DockerFixture docker, PostgresFixture pg, Xunit.Abstractions.ITestOutputHelper output)
{
    private readonly DockerFixture _docker = docker;

    /// <summary>The example with web's command replaced (and without its init, which would exec the command itself).</summary>
    private static async Task<CoastWorld> WorldWithWebCommandAsync(PostgresFixture pg, string command, bool init = true)
    {
        var world = new CoastWorld(pg);
        var compose = Path.Combine(world.Dir, "docker-compose.yml");
        var text = await File.ReadAllTextAsync(compose);
        var original = """
                           init: true
                           command: ["busybox", "httpd", "-f", "-p", "3000", "-h", "/www"]
                       """;
        text.ShouldContain(original);
        await File.WriteAllTextAsync(compose, text.Replace(original, $"{(init ? "    init: true\n" : "")}    command: {command}"));
        return world;
    }

    [Fact]
    public async Task A_service_that_exits_at_once_fails_run_with_its_last_log_lines_and_retries_with_backoff()
    {
        await using var world = await WorldWithWebCommandAsync(pg, """["sh", "-c", "echo web starting; echo 'fatal: no config in /etc/web.conf' >&2; exit 3"]""");
        world.StartController();
        (await world.Cli.RunAsync("build")).ExitCode.ShouldBe(0);

        var started = Stopwatch.StartNew();
        var run = await world.Cli.RunAsync("run", "exits", "--timeout", "5m");
        output.WriteLine($"coast run failed after {started.Elapsed.TotalSeconds:0.0}s: {run.Err.Trim()}");
        run.ExitCode.ShouldBe(1, run.ToString());
        started.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(90));
        run.Err.ShouldContain("ServiceExited: service 'web' exited with code 3", customMessage: run.ToString());
        run.Err.ShouldContain("fatal: no config in /etc/web.conf");
        run.Err.ShouldContain("web starting");

        // Retried with backoff, not in a loop: one counted event, a bounded number of attempts in 40 s.
        using var coast = await CoastStore.OpenAsync(pg.ConnectionString, world.Schema);
        var key = new ResourceKey(Instance.KindName, world.Project, "exits");
        var window = TimeSpan.FromSeconds(40) - started.Elapsed;
        if (window > TimeSpan.Zero) await Task.Delay(window); // a measurement window, not synchronisation
        var events = (await coast.Events.ListAsync(key, 50)).Where(e => e.Reason == "ServiceExited").ToList();
        output.WriteLine($"ServiceExited events: {string.Join(", ", events.Select(e => $"{e.Message} x{e.Count}"))}");
        events.Count.ShouldBe(1);
        events[0].Count.ShouldBeInRange(2, 12);
        (await world.Cli.RunAsync("ls")).Out.ShouldContain("error");

        // Nothing duplicated by the retries: one instance container, one volume, one container per service inside.
        (await world.LabelledAsync("container", "exits")).Count.ShouldBe(1);
        (await world.LabelledAsync("volume", "exits")).Count.ShouldBe(1);
        var inner = await ProcessRunner.RunAsync("docker", ["exec", $"{world.Project}-coasts-exits", "docker", "ps", "-aq"]);
        inner.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(2, inner.StandardError);

        (await world.Cli.RunAsync("rm", "exits")).ExitCode.ShouldBe(0);
        (await world.LabelledAsync("container", "exits")).ShouldBeEmpty();
        (await world.LabelledAsync("volume", "exits")).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_service_whose_program_cannot_start_fails_run_with_the_engines_error()
    {
        await using var world = await WorldWithWebCommandAsync(pg, """["/no/such/program"]""", init: false);
        world.StartController();
        (await world.Cli.RunAsync("build")).ExitCode.ShouldBe(0);

        var started = Stopwatch.StartNew();
        var run = await world.Cli.RunAsync("run", "nostart", "--timeout", "5m");
        output.WriteLine($"coast run failed after {started.Elapsed.TotalSeconds:0.0}s: {run.Err.Trim()}");
        run.ExitCode.ShouldBe(1, run.ToString());
        started.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(90));
        run.Err.ShouldContain("ComposeUpFailed", customMessage: run.ToString());
        run.Err.ShouldContain("exec: \"/no/such/program\": stat /no/such/program: no such file or directory");
        run.Err.ShouldNotContain("Encountered errors while bringing up the project");
        (await world.LabelledAsync("container", "nostart")).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Services_that_start_nothing_listening_fail_run_after_the_port_deadline()
    {
        await using var world = await WorldWithWebCommandAsync(pg, """["busybox", "sh", "-c", "echo idle, listening on nothing; exec busybox sleep 3600"]""");
        world.StartController(new Dictionary<string, string> { ["COAST_PORT_DEADLINE"] = "15" });
        (await world.Cli.RunAsync("build")).ExitCode.ShouldBe(0);

        var started = Stopwatch.StartNew();
        var run = await world.Cli.RunAsync("run", "silent", "--timeout", "5m");
        output.WriteLine($"coast run failed after {started.Elapsed.TotalSeconds:0.0}s: {run.Err.Trim()}");
        run.ExitCode.ShouldBe(1, run.ToString());
        started.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(75));
        run.Err.ShouldContain("PortsNotAnswering", customMessage: run.ToString());
        run.Err.ShouldContain("port 'web' (");
        run.Err.ShouldContain("did not answer within 15s");
        run.Err.ShouldContain("idle, listening on nothing");
        // The api service does answer; the controller keeps the instance and keeps probing.
        (await world.LabelledAsync("container", "silent")).Count.ShouldBe(1);
    }
}
