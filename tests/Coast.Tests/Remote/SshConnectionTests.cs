using Coast.Tests.Infrastructure;
using System.Diagnostics;
using Coast.Controller.Remote.Ssh;
using Xunit.Abstractions;
using static Coast.Tests.Remote.RemoteProbes;

namespace Coast.Tests.Remote;

/// <summary>
/// The SSH layer against a real OpenSSH sshd and a real second Docker engine in a network namespace
/// (scripts/remote-testhost.sh). Tests run in order of need, not of the class: each reads the current
/// host key from the fixture because the rekey test changes it.
/// </summary>
[Collection("remote")]
[Trait("Category", Category.Remote)]
public sealed class SshConnectionTests(RemoteHostFixture fixture, ITestOutputHelper output)
{
    private RemoteTestHost Host => fixture.Host;

    [Fact]
    public async Task Key_auth_connects_and_runs_a_command_on_the_remote()
    {
        var firstContact = await HostKeyReader.ReadAsync(Host.Address, Host.Port, TimeSpan.FromSeconds(5));
        firstContact.ShouldBe(fixture.Pin, "the fingerprint read on first contact is the one ssh-keygen prints for the key file");

        var sw = Stopwatch.StartNew();
        await using var ssh = await SshConnection.OpenAsync(Host.Target, fixture.Pin);
        var first = sw.Elapsed;
        sw.Restart();
        await using (await SshConnection.OpenAsync(Host.Target, fixture.Pin)) { }
        output.WriteLine($"up {fixture.UpSeconds:F2} s (fixture), first connect in this process {first.TotalMilliseconds:F0} ms, next {sw.Elapsed.TotalMilliseconds:F0} ms");

        var r = await ssh.RunAsync(["sh", "-c", "echo out; echo err >&2; exit 7"]);
        r.ExitCode.ShouldBe(7);
        r.StandardOutput.Trim().ShouldBe("out");
        r.StandardError.Trim().ShouldBe("err");

        // It ran on the other side of the veth: the namespace's address is local there.
        var addr = await ssh.RunAsync(["ip", "-4", "-o", "addr", "show"]);
        addr.StandardOutput.ShouldContain($"inet {Host.Address}/30");

        // Arguments arrive as given, not re-split by the remote shell.
        var echo = await ssh.RunAsync(["printf", "%s|", "a b", "it's", "$HOME"]);
        echo.StandardOutput.ShouldBe("a b|it's|$HOME|");
    }

    [Fact]
    public async Task Up_again_is_a_no_op_that_prints_the_same_line()
    {
        var sshd = Host.SshdPid;
        var again = await Host.RunScriptAsync("up");
        again.ExitCode.ShouldBe(0, again.StandardError);
        var parsed = RemoteTestHost.Parse(Host.Name, again.StandardOutput);
        parsed.Target.ShouldBe(Host.Target);
        parsed.DockerHost.ShouldBe(Host.DockerHost);
        Host.SshdPid.ShouldBe(sshd, "an idempotent up leaves the running sshd alone");
        (await Host.RunScriptAsync("status")).ExitCode.ShouldBe(0);
    }

    [Fact]
    public async Task The_remote_engine_answers_through_docker_H_and_through_ssh()
    {
        var direct = await Host.DockerAsync("info", "--format", "{{.DockerRootDir}}");
        direct.ExitCode.ShouldBe(0, direct.StandardError);
        direct.StandardOutput.Trim().ShouldBe(Path.Combine(Host.StateDir, "docker"));

        await using var ssh = await SshConnection.OpenAsync(Host.Target, fixture.Pin);
        var env = await ssh.RunAsync(["sh", "-c", "echo $DOCKER_HOST"]);
        env.StandardOutput.Trim().ShouldBe(Host.DockerHost);
        // Without DOCKER_HOST from the sshd config this would silently talk to this machine's engine.
        var viaSsh = await ssh.RunAsync(["docker", "info", "--format", "{{.DockerRootDir}}"]);
        viaSsh.ExitCode.ShouldBe(0, viaSsh.StandardError);
        viaSsh.StandardOutput.Trim().ShouldBe(Path.Combine(Host.StateDir, "docker"));
    }

    [Fact]
    public async Task A_local_forward_reaches_a_container_port_on_the_remote_engine()
    {
        var (container, publishedPort, token) = await StartEchoContainerAsync();
        try
        {
            await using var ssh = await SshConnection.OpenAsync(Host.Target, fixture.Pin);
            var forward = await ssh.ForwardLocalAsync(new LocalForwardSpec("127.0.0.1", publishedPort));
            forward.BoundPort.ShouldBeGreaterThan(0, "port 0 asks for any free port and the bound one is reported");
            forward.IsActive.ShouldBeTrue();
            (await ReadLocalAsync(forward.BoundPort)).ShouldBe(token);
        }
        finally
        {
            await Host.DockerAsync("rm", "-f", container);
        }
    }

    [Fact]
    public async Task A_reverse_forward_on_all_addresses_is_reached_from_a_remote_container_via_the_bridge_gateway()
    {
        using var local = new TokenServer("local-" + Guid.NewGuid().ToString("N")[..8]);
        await using var ssh = await SshConnection.OpenAsync(Host.Target, fixture.Pin);
        var remotePort = 40000 + Random.Shared.Next(5000);
        var forward = await ssh.ForwardRemoteAsync(new RemoteForwardSpec(remotePort, "127.0.0.1", local.Port));
        forward.IsActive.ShouldBeTrue();

        var listening = await ssh.RunAsync(["ss", "-Hltn", $"sport = :{remotePort}"]);
        listening.StandardOutput.ShouldContain($"0.0.0.0:{remotePort}", customMessage: "GatewayPorts clientspecified binds the requested address");

        var gateway = (await Host.DockerAsync("network", "inspect", "bridge", "--format", "{{(index .IPAM.Config 0).Gateway}}")).StandardOutput.Trim();
        var run = await Host.DockerAsync("run", "--rm", "--label", $"coast.test={Host.Name}", TinyImage.Tag,
            "/usr/bin/socat", "-u", $"TCP:{gateway}:{remotePort},connect-timeout=5", "STDOUT");
        run.ExitCode.ShouldBe(0, run.StandardError);
        run.StandardOutput.Trim().ShouldBe(local.Token);
    }

    [Fact]
    public async Task A_dropped_connection_reconnects_and_its_forwards_answer_again()
    {
        var (container, publishedPort, token) = await StartEchoContainerAsync();
        try
        {
            using var local = new TokenServer("back-" + Guid.NewGuid().ToString("N")[..8]);
            await using var ssh = await SshConnection.OpenAsync(Host.Target, fixture.Pin,
                new SshOptions { ReconnectInitialDelay = TimeSpan.FromMilliseconds(100) });
            var forward = await ssh.ForwardLocalAsync(new LocalForwardSpec("127.0.0.1", publishedPort));
            var remotePort = 45000 + Random.Shared.Next(5000);
            await ssh.ForwardRemoteAsync(new RemoteForwardSpec(remotePort, "127.0.0.1", local.Port));
            (await ReadLocalAsync(forward.BoundPort)).ShouldBe(token);
            var boundPort = forward.BoundPort;

            // Kill the sshd child serving this connection (every session of this private host is ours).
            var sessions = ChildrenOf(Host.SshdPid);
            sessions.ShouldNotBeEmpty();
            var sw = Stopwatch.StartNew();
            KillEach(sessions);

            (await Poll.UntilAsync(() => Task.FromResult(ssh.State != SshConnectionState.Connected || ssh.Reconnects >= 1), TimeSpan.FromSeconds(20)))
                .ShouldBeTrue("the drop was noticed");
            var noticed = sw.Elapsed;
            (await Poll.UntilAsync(() => Task.FromResult(ssh.Reconnects >= 1), TimeSpan.FromSeconds(20)))
                .ShouldBeTrue($"no reconnect within 20 s: state {ssh.State}, last error {ssh.LastError}");
            var reconnected = sw.Elapsed;
            (await Poll.UntilAsync(async () => await ReadLocalAsync(forward.BoundPort) == token, TimeSpan.FromSeconds(20)))
                .ShouldBeTrue($"the local forward did not answer again: {forward.LastError}");
            var answered = sw.Elapsed;
            output.WriteLine($"drop noticed after {noticed.TotalMilliseconds:F0} ms, reconnected {reconnected.TotalMilliseconds:F0} ms after the kill, local forward answering after {answered.TotalMilliseconds:F0} ms");

            forward.BoundPort.ShouldBe(boundPort, "a local forward keeps its port across reconnects");
            ssh.State.ShouldBe(SshConnectionState.Connected);
            var gateway = (await Host.DockerAsync("network", "inspect", "bridge", "--format", "{{(index .IPAM.Config 0).Gateway}}")).StandardOutput.Trim();
            var run = await Host.DockerAsync("run", "--rm", "--label", $"coast.test={Host.Name}", TinyImage.Tag,
                "/usr/bin/socat", "-u", $"TCP:{gateway}:{remotePort},connect-timeout=5", "STDOUT");
            run.StandardOutput.Trim().ShouldBe(local.Token, "the reverse forward was re-created too");
            (await ssh.RunAsync(["true"])).ExitCode.ShouldBe(0);
        }
        finally
        {
            await Host.DockerAsync("rm", "-f", container);
        }
    }

    [Fact]
    public async Task A_rekeyed_host_is_refused_naming_both_fingerprints_also_on_reconnect()
    {
        var old = fixture.Pin;
        await using var existing = await SshConnection.OpenAsync(Host.Target, old,
            new SshOptions { ReconnectInitialDelay = TimeSpan.FromMilliseconds(100) });

        var rekey = await Host.RunScriptAsync("rekey");
        rekey.ExitCode.ShouldBe(0, rekey.StandardError);
        var fresh = await Host.HostKeyFromFileAsync();
        fixture.Pin = fresh;
        fresh.ShouldNotBe(old);
        rekey.StandardOutput.Trim().ShouldBe($"fingerprint={fresh}");
        (await HostKeyReader.ReadAsync(Host.Address, Host.Port, TimeSpan.FromSeconds(5))).ShouldBe(fresh);

        var refused = await Should.ThrowAsync<HostKeyMismatchException>(() => SshConnection.OpenAsync(Host.Target, old));
        refused.Message.ShouldContain(old.Value);
        refused.Message.ShouldContain(fresh.Value);
        refused.Presented.ShouldBe(fresh);

        // The open connection survives the rekey; once it drops, its reconnect meets the new key and stops for good.
        KillEach(ChildrenOf(Host.SshdPid));
        (await Poll.UntilAsync(() => Task.FromResult(existing.State == SshConnectionState.Failed), TimeSpan.FromSeconds(20)))
            .ShouldBeTrue($"state {existing.State}, last error {existing.LastError}");
        existing.LastError!.ShouldContain(fresh.Value);
        await Should.ThrowAsync<HostKeyMismatchException>(() => existing.RunAsync(["true"]));

        await using var pinnedAnew = await SshConnection.OpenAsync(Host.Target, fresh);
        (await pinnedAnew.RunAsync(["true"])).ExitCode.ShouldBe(0);
    }

    [Fact]
    public async Task A_wrong_identity_file_is_a_clear_permanent_error()
    {
        var missing = Host.Target with { IdentityFile = "/nonexistent/id_ed25519" };
        var e = await Should.ThrowAsync<SshConnectException>(() => SshConnection.OpenAsync(missing, fixture.Pin));
        e.Permanent.ShouldBeTrue();
        e.Message.ShouldBe("identity file /nonexistent/id_ed25519 not found");

        var otherKey = Path.Combine(Path.GetTempPath(), $"coast-otherkey-{Guid.NewGuid():N}");
        try
        {
            await Coast.Client.Processes.ProcessRunner.RunCheckedAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", otherKey]);
            var refused = await Should.ThrowAsync<SshConnectException>(() =>
                SshConnection.OpenAsync(Host.Target with { IdentityFile = otherKey }, fixture.Pin));
            refused.Permanent.ShouldBeTrue();
            refused.Message.ShouldContain("refused the login");
        }
        finally
        {
            File.Delete(otherKey);
            File.Delete(otherKey + ".pub");
        }
    }

    /// <summary>A container on the remote engine answering a token on a published (dynamic) port.</summary>
    private async Task<(string Container, int PublishedPort, string Token)> StartEchoContainerAsync()
    {
        var token = "remote-" + Guid.NewGuid().ToString("N")[..8];
        var name = $"{Host.Name}-echo-{Guid.NewGuid().ToString("N")[..6]}";
        var run = await Host.DockerAsync("run", "-d", "--name", name, "--label", $"coast.test={Host.Name}", "-p", "8080",
            TinyImage.Tag, "/usr/bin/socat", "TCP-LISTEN:8080,fork,reuseaddr", $"SYSTEM:echo {token}");
        run.ExitCode.ShouldBe(0, run.StandardError);
        var port = await Host.DockerAsync("port", name, "8080/tcp");
        var published = int.Parse(port.StandardOutput.Split('\n')[0].Trim().Split(':')[^1]);
        return (name, published, token);
    }
}
