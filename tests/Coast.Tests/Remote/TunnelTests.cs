using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Client.Processes;
using Coast.Controller.Remote.Ssh;
using Coast.Controller.Remote.Tunnels;
using Microsoft.Extensions.DependencyInjection;
using Coast.Tests.Infrastructure;
using Xunit.Abstractions;
using static Coast.Tests.Remote.RemoteProbes;

namespace Coast.Tests.Remote;

/// <summary>Tunnels on the real netns test host: forwards, reverse binds, healing, stale binds, restarts.</summary>
[Collection("remote")]
[Trait("Category", Category.Remote)]
public sealed class TunnelTests(RemoteHostFixture fixture, PostgresFixture pg, ITestOutputHelper output) : IAsyncLifetime
{
    private TunnelHarness _h = null!;
    private RemoteTestHost Host => fixture.Host;

    public async Task InitializeAsync()
    {
        _h = await TunnelHarness.StartAsync(fixture, pg);
        await _h.DeclareHostAsync();
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static Tunnel Declare(string name, IEnumerable<(string Name, int RemotePort)> forwards, IEnumerable<(string Name, int RemotePort, int LocalPort)>? reverse = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "demo" },
        Spec = new TunnelSpec
        {
            Project = "demo", Instance = name, RemoteHost = "th",
            Forwards = forwards.Select(f => new TunnelForward { Name = f.Name, RemotePort = f.RemotePort }).ToList(),
            ReverseBinds = (reverse ?? []).Select(r => new TunnelReverseBind { Name = r.Name, RemotePort = r.RemotePort, LocalPort = r.LocalPort }).ToList(),
        },
    };

    private Task<Tunnel> ReadyAsync(string name, Func<Tunnel, bool>? and = null, TimeSpan? timeout = null) =>
        _h.UntilAsync<Tunnel>(new ResourceKey(Tunnel.KindName, "demo", name),
            t => Conditions.IsTrue(t.Status.Conditions, "Ready") && t.Status.ObservedGeneration == t.Metadata.Generation && (and?.Invoke(t) ?? true), timeout);

    private static int Local(Tunnel t, string name) => t.Status.Forwards.Single(f => f.Name == name).LocalPort;

    /// <summary>A process on the remote host connecting to 127.0.0.1 or the host's own external address.</summary>
    private async Task<string> ReadOnRemoteAsync(string address, int port)
    {
        var r = await ProcessRunner.RunAsync("ip", ["netns", "exec", Host.Netns, "socat", "-u", $"TCP:{address}:{port},connect-timeout=3", "STDOUT"], TimeSpan.FromSeconds(10));
        return r.StandardOutput.Trim();
    }

    private static int RemotePort() => 48000 + Random.Shared.Next(8000);

    [Fact]
    public async Task Forwards_reach_remote_listeners_and_a_reverse_bind_lets_a_remote_process_reach_a_local_listener()
    {
        using var web = await RemoteListener.StartAsync(Host);
        using var api = await RemoteListener.StartAsync(Host);
        using var postgres = new TokenServer("pg-" + Guid.NewGuid().ToString("N")[..8]);
        var bind = RemotePort();
        await _h.Store.Resources.CreateAsync(Declare("dev-1", [("web", web.Port), ("api", api.Port)], [("postgres", bind, postgres.Port)]));

        var t = await ReadyAsync("dev-1");
        t.Status.Forwards.ShouldAllBe(f => f.Healthy && f.LocalPort > 0);
        t.Status.ReverseBinds.ShouldHaveSingleItem().Healthy.ShouldBeTrue();
        (await ReadLocalAsync(Local(t, "web"))).ShouldBe(web.Token);
        (await ReadLocalAsync(Local(t, "api"))).ShouldBe(api.Token);
        (await ReadOnRemoteAsync("127.0.0.1", bind)).ShouldBe(postgres.Token);
        (await ReadOnRemoteAsync(Host.Address, bind)).ShouldBe(postgres.Token, "bound on 0.0.0.0: the remote's containers reach it through their gateway");
        Conditions.Get(t.Status.Conditions, "Ready")!.Reason.ShouldBe(TunnelReasons.PortsAnswer);
    }

    [Fact]
    public async Task A_killed_ssh_connection_heals_and_every_port_answers_again()
    {
        using var web = await RemoteListener.StartAsync(Host);
        using var postgres = new TokenServer("pg-" + Guid.NewGuid().ToString("N")[..8]);
        var bind = RemotePort();
        await _h.Store.Resources.CreateAsync(Declare("dev-1", [("web", web.Port)], [("postgres", bind, postgres.Port)]));
        var t = await ReadyAsync("dev-1");
        var port = Local(t, "web");

        var sessions = ChildrenOf(Host.SshdPid);
        sessions.ShouldNotBeEmpty();
        var sw = Stopwatch.StartNew();
        KillEach(sessions);

        (await Poll.UntilAsync(async () => await ReadLocalAsync(port, TimeSpan.FromSeconds(1)) == web.Token, TimeSpan.FromSeconds(30)))
            .ShouldBeTrue("the forward answers again on the same local port");
        output.WriteLine($"forward answering {sw.ElapsedMilliseconds} ms after the kill");
        (await Poll.UntilAsync(async () => await ReadOnRemoteAsync("127.0.0.1", bind) == postgres.Token, TimeSpan.FromSeconds(30)))
            .ShouldBeTrue("the reverse bind is back");
        await ReadyAsync("dev-1", x => Local(x, "web") == port);
    }

    [Fact]
    public async Task One_dead_forward_is_rebuilt_alone_and_another_instances_tunnel_is_not_disturbed()
    {
        using var web = await RemoteListener.StartAsync(Host);
        using var api = await RemoteListener.StartAsync(Host);
        using var echo = await RemoteListener.StartAsync(Host, echo: true);
        await _h.Store.Resources.CreateAsync(Declare("dev-1", [("web", web.Port), ("api", api.Port)]));
        await _h.Store.Resources.CreateAsync(Declare("dev-2", [("echo", echo.Port)]));
        var one = await ReadyAsync("dev-1");
        var two = await ReadyAsync("dev-2");

        // A connection held open through the other instance's tunnel must survive the heal.
        using var held = new TcpClient();
        await held.ConnectAsync("127.0.0.1", Local(two, "echo"));
        var stream = held.GetStream();
        await EchoAsync(stream, "before");

        // Break only dev-1's web forward behind the tunnel's back: it is gone from the connection.
        var webPort = Local(one, "web");
        await BreakAsync(one, webPort);
        (await ReadLocalAsync(webPort, TimeSpan.FromMilliseconds(500))).ShouldBeNull("the forward is dead now");

        (await Poll.UntilAsync(async () => await ReadLocalAsync(webPort, TimeSpan.FromSeconds(1)) == web.Token, TimeSpan.FromSeconds(20)))
            .ShouldBeTrue("the health loop rebuilt the dead forward on its port");
        one = await ReadyAsync("dev-1", x => x.Status.Heals >= 1);
        one.Status.Forwards.Single(f => f.Name == "web").Heals.ShouldBe(1);
        one.Status.Forwards.Single(f => f.Name == "api").Heals.ShouldBe(0, "a healthy forward is left alone");
        one.Status.LastHealReason!.ShouldStartWith("rebuilt web");
        await EchoAsync(stream, "after");
        (await _h.Store.Resources.GetAsync(two.Key) as Tunnel)!.Status.Heals.ShouldBe(0);

        // Both dead: all of dev-1's ports are rebuilt.
        foreach (var name in new[] { "web", "api" }) await BreakAsync(one, Local(one, name));
        one = await ReadyAsync("dev-1", x => x.Status.Heals >= 2);
        one.Status.LastHealReason!.ShouldStartWith("all 2 ports dead");
        (await ReadLocalAsync(Local(one, "api"))).ShouldBe(api.Token);
        await EchoAsync(stream, "still");
    }

    [Fact]
    public async Task A_local_forward_listener_killed_with_ss_K_is_bound_again_and_the_process_lives_on()
    {
        using var web = await RemoteListener.StartAsync(Host);
        using var echo = await RemoteListener.StartAsync(Host, echo: true);
        await _h.Store.Resources.CreateAsync(Declare("dev-1", [("web", web.Port), ("echo", echo.Port)]));
        var t = await ReadyAsync("dev-1");
        var port = Local(t, "web");
        // A connection through the other forward, open while web's listener dies: it is not disturbed.
        using var held = new TcpClient();
        await held.ConnectAsync("127.0.0.1", Local(t, "echo"));
        await EchoAsync(held.GetStream(), "before");

        // The listening socket of this process on that loopback port, destroyed by the kernel (SOCK_DESTROY).
        // With SSH.NET's ForwardedPortLocal this ended the whole process with a stack overflow.
        var sw = Stopwatch.StartNew();
        var killed = await ProcessRunner.RunAsync("ss", ["-K", "-Htln", "src", "127.0.0.1", "sport", "=", $":{port}"]);
        killed.ExitCode.ShouldBe(0, killed.StandardError);
        killed.StandardOutput.ShouldContain($"127.0.0.1:{port}", customMessage: "ss -K found and killed the forward's listener");

        (await Poll.UntilAsync(async () => await ReadLocalAsync(port, TimeSpan.FromSeconds(1)) == web.Token, TimeSpan.FromSeconds(20)))
            .ShouldBeTrue("the forward is bound again on the same port and answers through the healed forward");
        output.WriteLine($"answering again {sw.ElapsedMilliseconds} ms after ss -K");
        await EchoAsync(held.GetStream(), "after");
        var after = await ReadyAsync("dev-1", x => Local(x, "web") == port);
        after.Status.Forwards.ShouldAllBe(f => f.Healthy);
        var local = await ProcessRunner.RunAsync("ss", ["-Htln", "src", "127.0.0.1", "sport", "=", $":{port}"]);
        local.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(1, "one listener: the old one was not leaked");
    }

    private async Task BreakAsync(Tunnel tunnel, int localPort)
    {
        var ssh = _h.Services.GetRequiredService<TunnelSupervisor>().Get(tunnel.Key)!.Connection;
        await ssh.RemoveForwardAsync(ssh.Forwards.OfType<LocalForward>().Single(f => f.BoundPort == localPort));
    }

    private static async Task EchoAsync(NetworkStream stream, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text + "\n");
        await stream.WriteAsync(bytes);
        var buffer = new byte[bytes.Length];
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await stream.ReadExactlyAsync(buffer, limit.Token);
        Encoding.ASCII.GetString(buffer).ShouldBe(text + "\n");
    }

    [Fact]
    public async Task A_stale_remote_bind_held_by_a_frozen_earlier_session_is_cleared_before_the_reverse_bind()
    {
        using var postgres = new TokenServer("pg-" + Guid.NewGuid().ToString("N")[..8]);
        var bind = RemotePort();
        // An earlier controller's connection that froze holding the bind: a real ssh client, stopped (SIGSTOP).
        var psi = new ProcessStartInfo("ssh") { RedirectStandardError = true };
        foreach (var a in new[] { "-N", "-i", Host.KeyPath, "-p", Host.Port.ToString(), "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                     "-o", "BatchMode=yes", "-R", $"0.0.0.0:{bind}:127.0.0.1:9", $"{Host.User}@{Host.Address}" })
            psi.ArgumentList.Add(a);
        using var stale = Process.Start(psi)!;
        try
        {
            (await Poll.UntilAsync(async () => (await ReadOnRemoteListenersAsync(bind)).Length > 0, TimeSpan.FromSeconds(15))).ShouldBeTrue("the stale bind is up");
            (await ProcessRunner.RunAsync("kill", ["-STOP", stale.Id.ToString()])).ExitCode.ShouldBe(0);

            await _h.Store.Resources.CreateAsync(Declare("dev-1", [], [("postgres", bind, postgres.Port)]));
            await ReadyAsync("dev-1");
            (await ReadOnRemoteAsync("127.0.0.1", bind)).ShouldBe(postgres.Token);
            (await ReadOnRemoteListenersAsync(bind)).Length.ShouldBe(1, "exactly one listener: ours");
        }
        finally
        {
            stale.Kill();
            stale.WaitForExit(5000);
        }
    }

    private async Task<string[]> ReadOnRemoteListenersAsync(int port)
    {
        var r = await ProcessRunner.RunAsync("ip", ["netns", "exec", Host.Netns, "ss", "-Htln", $"sport = :{port}"]);
        return r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task A_restarted_controller_converges_on_the_same_ports_without_duplicate_forwards()
    {
        using var web = await RemoteListener.StartAsync(Host);
        using var postgres = new TokenServer("pg-" + Guid.NewGuid().ToString("N")[..8]);
        var bind = RemotePort();
        await _h.Store.Resources.CreateAsync(Declare("dev-1", [("web", web.Port)], [("postgres", bind, postgres.Port)]));
        var before = await ReadyAsync("dev-1");
        var port = Local(before, "web");

        await _h.StopControllerAsync();
        (await ReadLocalAsync(port, TimeSpan.FromMilliseconds(500))).ShouldBeNull("a stopped controller holds no forwards");
        await _h.StartControllerAsync();

        // Only the new controller can make the port answer again: it re-created the forward on the port status recorded.
        (await Poll.UntilAsync(async () => await ReadLocalAsync(port, TimeSpan.FromSeconds(1)) == web.Token, TimeSpan.FromSeconds(30)))
            .ShouldBeTrue("the local dynamic port survives the restart");
        var after = await ReadyAsync("dev-1");
        Local(after, "web").ShouldBe(port);
        (await Poll.UntilAsync(async () => await ReadOnRemoteAsync("127.0.0.1", bind) == postgres.Token, TimeSpan.FromSeconds(30)))
            .ShouldBeTrue("the reverse bind answers again after the restart; last tunnel status: " + Coast.ApiTypes.Serialization.ResourceJson.Serialize((await _h.Store.Resources.GetAsync(new ResourceKey(Tunnel.KindName, "demo", "dev-1")))!));
        (await ReadOnRemoteListenersAsync(bind)).Length.ShouldBe(1);
        var local = await ProcessRunner.RunAsync("ss", ["-Htln", $"sport = :{port}"]);
        local.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(1);
    }

    [Fact]
    public async Task A_missing_host_is_a_condition_and_deleting_the_tunnel_frees_its_ports()
    {
        using var web = await RemoteListener.StartAsync(Host);
        var lost = Declare("lost", [("web", web.Port)]);
        lost.Spec.RemoteHost = "nowhere";
        await _h.Store.Resources.CreateAsync(lost);
        var t = await _h.UntilAsync<Tunnel>(lost.Key, x => Conditions.Get(x.Status.Conditions, "Ready")?.Reason == TunnelReasons.HostNotFound);
        Conditions.Get(t.Status.Conditions, "Ready")!.Message.ShouldContain("RemoteHost 'nowhere' does not exist");

        await _h.Store.Resources.CreateAsync(Declare("dev-1", [("web", web.Port)]));
        var port = Local(await ReadyAsync("dev-1"), "web");
        await _h.Store.Resources.DeleteAsync(new ResourceKey(Tunnel.KindName, "demo", "dev-1"));
        (await Poll.UntilAsync(async () => await _h.Store.Resources.GetAsync(new ResourceKey(Tunnel.KindName, "demo", "dev-1")) is null, TimeSpan.FromSeconds(20))).ShouldBeTrue();
        (await ReadLocalAsync(port, TimeSpan.FromMilliseconds(500))).ShouldBeNull("the finalizer removed the forward");
    }
}
