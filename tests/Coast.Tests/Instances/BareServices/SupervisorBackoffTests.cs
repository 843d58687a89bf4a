using System.Diagnostics;
using System.Text.RegularExpressions;
using Coast.ApiTypes.Kinds;
using Coast.Client.Processes;
using Coast.Controller.Docker;
using Coast.Controller.Instances.BareServices;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.Instances.BareServices;

/// <summary>
/// The supervisor's restart policy (SupervisorScript) run for real, in a plain container on the real engine (no
/// DinD needed: it is a sh program): backoff 1 unit doubling to 30, give up after 10 restarts, the count reset after
/// 30 units up. The container sets the test knob COAST_SV_TICK_MS, so a unit is 50 ms instead of 1 s: the same
/// script and arithmetic, a 20th of the wait. The delays are real sleeps, checked by the elapsed time.
/// </summary>
[Collection("docker-features")]
[Trait("Category", Category.Docker)]
public sealed partial class SupervisorBackoffTests(DockerFixture docker) : IAsyncLifetime
{
    private const int TickMs = 50;
    private readonly DockerFixture _docker = docker;
    private readonly string _container = $"coast-test-sv-{Guid.NewGuid():N}"[..26];
    private readonly DockerContainerEngine _engine = new();
    private BareServiceSupervisor Supervisor => new(_engine);

    public async Task InitializeAsync()
    {
        _ = _docker;
        string[] labels = [.. CoastLabels.Extra.SelectMany(kv => new[] { "--label", $"{kv.Key}={kv.Value}" })];
        await ProcessRunner.RunCheckedAsync("docker", ["run", "-d", "--name", _container, .. labels, "-e", $"COAST_SV_TICK_MS={TickMs}",
            "coast/base:bookworm", "sh", "-c", "mkdir -p /workspace && exec sleep infinity"], TimeSpan.FromMinutes(1));
    }

    public async Task DisposeAsync()
    {
        await ProcessRunner.RunAsync("docker", ["rm", "-f", _container], TimeSpan.FromMinutes(1));
        _engine.Dispose();
    }

    [Fact]
    public async Task A_service_that_keeps_failing_is_restarted_with_doubling_backoff_and_given_up_after_ten_restarts()
    {
        var sw = Stopwatch.StartNew();
        await Supervisor.ApplyAsync(_container, [Plan("crash", "echo crash run; exit 3")], default);
        var state = await FinalStateAsync("crash");
        var elapsed = sw.Elapsed;

        state.ShouldBe(new BareServiceState("crash", "failed", 10, 3, false));
        var log = await LogAsync("crash");
        Regex.Count(log, @"^\[coast\] starting crash$", RegexOptions.Multiline).ShouldBe(11, log);
        log.ShouldContain("[coast] gave up on crash after 10 restarts");
        // 1, 2, 4, 8, 16, then capped at 30 units.
        DelaysMs(log, "crash").ShouldBe("50 100 200 400 800 1500 1500 1500 1500 1500", log);
        RestartNumbers(log, "crash").ShouldBe("1 2 3 4 5 6 7 8 9 10", log);
        elapsed.ShouldBeGreaterThan(TimeSpan.FromMilliseconds(181 * TickMs), "the delays are slept, not just logged");
    }

    [Fact]
    public async Task Thirty_units_up_resets_the_restart_count_and_the_delay()
    {
        // Runs 1-3 fail at once, run 4 stays up 2 s (40 units), then every run fails at once again.
        const string command = "n=$(cat /tmp/runs 2>/dev/null || echo 0); n=$((n+1)); echo $n > /tmp/runs; " +
                               "if [ $n -eq 4 ]; then sleep 2; fi; exit 5";
        await Supervisor.ApplyAsync(_container, [Plan("flap", command)], default);
        var state = await FinalStateAsync("flap");

        state.ShouldBe(new BareServiceState("flap", "failed", 10, 5, false));
        var log = await LogAsync("flap");
        (await _engine.ExecAsync(_container, ["cat", "/tmp/runs"], null, default)).StandardOutput.Trim().ShouldBe("14", log);
        RestartNumbers(log, "flap").ShouldBe("1 2 3 1 2 3 4 5 6 7 8 9 10", log);
        DelaysMs(log, "flap").ShouldBe("50 100 200 50 100 200 400 800 1500 1500 1500 1500 1500", log);
    }

    private static BareServicePlan Plan(string name, string command) =>
        new(name, new BareServiceSpec { Command = command, Restart = "on-failure" }, "b1", new Dictionary<string, string>());

    private async Task<BareServiceState> FinalStateAsync(string service)
    {
        var state = await Poll.ValueAsync(async () =>
            (await Supervisor.StatusAsync(_container, default)).FirstOrDefault(s => s.Name == service && s.State == "failed"), TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(200));
        state.ShouldNotBeNull($"{service} did not give up within 90 s: {await LogAsync(service)}");
        // The supervisor exits right after writing "failed": not alive means no further run.
        return (await Poll.ValueAsync(async () =>
            (await Supervisor.StatusAsync(_container, default)).FirstOrDefault(s => s.Name == service && !s.Alive), TimeSpan.FromSeconds(10)))!;
    }

    private async Task<string> LogAsync(string service) =>
        (await _engine.ExecAsync(_container, ["cat", $"{SupervisorScript.LogDir}/{service}.log"], null, default)).StandardOutput;

    /// <summary>The delay of each restart in milliseconds, space-separated, from the supervisor's "restart N of S in X s" lines.</summary>
    private static string DelaysMs(string log, string service) => string.Join(' ',
        RestartLine().Matches(log).Where(m => m.Groups["svc"].Value == service)
            .Select(m => (int)Math.Round(double.Parse(m.Groups["secs"].Value, System.Globalization.CultureInfo.InvariantCulture) * 1000)));

    private static string RestartNumbers(string log, string service) => string.Join(' ',
        RestartLine().Matches(log).Where(m => m.Groups["svc"].Value == service).Select(m => m.Groups["n"].Value));

    [GeneratedRegex(@"^\[coast\] restart (?<n>\d+) of (?<svc>\S+) in (?<secs>[0-9.]+)s$", RegexOptions.Multiline)]
    private static partial Regex RestartLine();
}
