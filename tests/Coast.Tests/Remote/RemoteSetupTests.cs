using System.Net.Sockets;
using System.Text.RegularExpressions;
using Coast.Controller.Remote.Ssh;
using Coast.RemoteAgent;
using Coast.Tests.Infrastructure;
using Coast.Tests.Instances;
using Xunit.Abstractions;

namespace Coast.Tests.Remote;

/// <summary>
/// `coast remote setup` through the real `coast` binary and controller: the self-contained agent published by
/// scripts/publish-agent.sh is uploaded over the host's SSH connection, started on the host's loopback only, and a
/// second setup finds it running and does nothing. The install goes to a directory in the test host's state dir
/// (the netns shares this machine's filesystem, so the default ~/.coast/agent would be this machine's).
/// </summary>
[Collection("remote")]
[Trait("Category", Category.Remote)]
public sealed class RemoteSetupTests(RemoteHostFixture fixture, PostgresFixture pg, ITestOutputHelper output)
{
    private RemoteTestHost Host => fixture.Host;
    private string Target => $"{Host.User}@{Host.Address}:{Host.Port}";

    [Fact]
    public async Task Setup_installs_and_starts_the_agent_on_loopback_only_and_a_second_setup_is_a_no_op()
    {
        // A copy of the published agent this test may change (to make "another build").
        var dist = Path.Combine(Path.GetTempPath(), $"coast-agent-dist-{Guid.NewGuid().ToString("N")[..6]}");
        Directory.CreateDirectory(dist);
        File.Copy(Path.Combine(await PublishedAgent.DirectoryAsync(), "coast-agent"), Path.Combine(dist, "coast-agent"));
        var agentDir = Path.Combine(Host.StateDir, $"agent-{Guid.NewGuid().ToString("N")[..6]}");
        var world = new CoastWorld(pg);
        try
        {
            world.StartController(new Dictionary<string, string> { ["COAST_AGENT_DIST"] = dist });
            (await world.Cli.RunAsync("remote", "add", "th", Target, "-k", Host.KeyPath, "--accept-host-key", fixture.Pin.Value)).ExitCode.ShouldBe(0);

            var sw = System.Diagnostics.Stopwatch.StartNew();
            var setup = await world.Cli.RunAsync("remote", "setup", "th", "--agent-dir", agentDir);
            output.WriteLine($"first setup {sw.Elapsed.TotalSeconds:0.0}s:\n{setup}");
            setup.ExitCode.ShouldBe(0, setup.ToString());
            setup.Err.ShouldContain("uploading coast-agent build");
            setup.Out.ShouldContain("installed and started");
            var pid = Pid(setup.Out);
            var binary = Directory.GetFiles(agentDir, "coast-agent", SearchOption.AllDirectories).ShouldHaveSingleItem();
            var uploadedAt = File.GetLastWriteTimeUtc(binary);
            File.ReadAllText(Path.Combine(agentDir, "agent.pid")).Trim().ShouldBe(pid.ToString());
            // What runs is the uploaded self-contained file, not `dotnet something.dll`.
            File.ReadAllText($"/proc/{pid}/cmdline").Split('\0')[0].ShouldBe(binary);

            sw.Restart();
            var again = await world.Cli.RunAsync("remote", "setup", "th");
            output.WriteLine($"second setup {sw.Elapsed.TotalSeconds:0.0}s:\n{again}");
            again.ExitCode.ShouldBe(0, again.ToString());
            again.Out.ShouldContain("already running");
            again.Err.ShouldNotContain("uploading");
            Pid(again.Out).ShouldBe(pid);
            File.GetLastWriteTimeUtc(binary).ShouldBe(uploadedAt);

            // Loopback only: nothing answers on the namespace's own address, from this machine.
            using (var direct = new TcpClient())
            {
                var refused = await Should.ThrowAsync<SocketException>(async () =>
                    await direct.ConnectAsync(Host.Address, AgentOptions.DefaultPort).WaitAsync(TimeSpan.FromSeconds(5)));
                refused.SocketErrorCode.ShouldBe(SocketError.ConnectionRefused);
            }
            await using (var ssh = await SshConnection.OpenAsync(Host.Target, fixture.Pin))
            {
                var listening = await ssh.RunAsync(["ss", "-Htlnp", $"sport = :{AgentOptions.DefaultPort}"]);
                listening.StandardOutput.ShouldContain($"127.0.0.1:{AgentOptions.DefaultPort}");
                listening.StandardOutput.ShouldContain($"pid={pid},");
                listening.StandardOutput.ShouldNotContain($"0.0.0.0:{AgentOptions.DefaultPort}");
            }

            var test = await world.Cli.RunAsync("remote", "test", "th");
            test.ExitCode.ShouldBe(0, test.ToString());
            test.Out.ShouldContain($"agent:          {AgentHost.Version} (managed, build ");
            (await world.Cli.RunAsync("remote", "ls")).Out.Split('\n').Single(l => l.StartsWith("th ")).ShouldContain($"{AgentHost.Version} (managed)");

            // Stopped by hand: the next setup (or the 30 s probe) starts it again from the installed file.
            await TerminateAsync(pid);
            (await Poll.UntilAsync(() => Task.FromResult(!RemoteProbes.Running(pid)), TimeSpan.FromSeconds(10))).ShouldBeTrue();
            var restart = await world.Cli.RunAsync("remote", "setup", "th");
            restart.ExitCode.ShouldBe(0, restart.ToString());
            // "started again" by this setup, or "already running" when the periodic probe restarted it first.
            restart.Out.ShouldMatch("started again|already running");
            restart.Err.ShouldNotContain("uploading");
            var restarted = Pid(restart.Out);
            restarted.ShouldNotBe(pid);

            // Another build (bytes appended: a single-file bundle still runs) replaces the running one by its pid.
            var next = Path.Combine(dist, "coast-agent.next");
            File.Copy(Path.Combine(dist, "coast-agent"), next);
            await File.AppendAllTextAsync(next, "another build");
            File.Move(next, Path.Combine(dist, "coast-agent"), overwrite: true);
            var replace = await world.Cli.RunAsync("remote", "setup", "th");
            output.WriteLine($"replacing setup:\n{replace}");
            replace.ExitCode.ShouldBe(0, replace.ToString());
            replace.Err.ShouldContain($"stopping the running agent (build {Path.GetFileName(Path.GetDirectoryName(binary))}, pid {restarted})");
            replace.Out.ShouldContain("replaced the other build");
            RemoteProbes.Running(restarted).ShouldBeFalse();
            var replacedBy = Pid(replace.Out);
            File.ReadAllText($"/proc/{replacedBy}/cmdline").Split('\0')[0].ShouldNotBe(binary);
        }
        finally
        {
            // The controller first: it would start a managed agent that died again.
            await world.DisposeAsync();
            await StopAgentAsync(agentDir);
            Directory.Delete(dist, recursive: true);
        }
    }

    [Fact]
    public async Task Setup_without_a_published_agent_names_where_it_looked()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"coast-no-agent-{Guid.NewGuid().ToString("N")[..6]}");
        await using var world = new CoastWorld(pg);
        world.StartController(new Dictionary<string, string> { ["COAST_AGENT_DIST"] = missing });
        (await world.Cli.RunAsync("remote", "add", "th", Target, "-k", Host.KeyPath, "--accept-host-key", fixture.Pin.Value)).ExitCode.ShouldBe(0);
        var setup = await world.Cli.RunAsync("remote", "setup", "th", "--agent-dir", Path.Combine(Host.StateDir, "agent-never"));
        setup.ExitCode.ShouldBe(1, setup.ToString());
        setup.Err.ShouldContain("AgentDistributionMissing");
        setup.Err.ShouldContain(Path.Combine(missing, "coast-agent"));
        setup.Err.ShouldContain("scripts/publish-agent.sh");
        Directory.Exists(Path.Combine(Host.StateDir, "agent-never")).ShouldBeFalse();
    }

    private static int Pid(string output) => int.Parse(Regex.Match(output, @"\(pid (\d+)\)").Groups[1].Value);

    /// <summary>The managed agent by its pidfile (a process this test made), then its install dir.</summary>
    private static async Task StopAgentAsync(string agentDir)
    {
        var pidFile = Path.Combine(agentDir, "agent.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) && RemoteProbes.Running(pid))
            await TerminateAsync(pid);
        if (Directory.Exists(agentDir)) Directory.Delete(agentDir, recursive: true);
    }

    /// <summary>SIGTERM (so the runtime removes its diagnostics pipes in /tmp), SIGKILL after 15 s.</summary>
    private static async Task TerminateAsync(int pid)
    {
        await Coast.Client.Processes.ProcessRunner.RunAsync("kill", ["-TERM", pid.ToString()]);
        if (!await Poll.UntilAsync(() => Task.FromResult(!RemoteProbes.Running(pid)), TimeSpan.FromSeconds(15)))
            System.Diagnostics.Process.GetProcessById(pid).Kill();
    }
}
