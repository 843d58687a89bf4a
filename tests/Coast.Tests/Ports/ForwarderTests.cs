using Coast.Tests.Infrastructure;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Coast.Controller.Ports;

namespace Coast.Tests.Ports;

/// <summary>Real sockets on 127.0.0.1 only: two tiny servers play two instances.</summary>
[Trait("Category", Category.Unit)]
public sealed class ForwarderTests : IAsyncLifetime
{
    private readonly List<TcpListener> _servers = new();
    private readonly CancellationTokenSource _stop = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var s in _servers) s.Stop();
    }

    /// <summary>A server that reads until the client half-closes, then answers name + byte count.</summary>
    private int Server(string name)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        _servers.Add(listener);
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(_stop.Token);
                _ = Task.Run(async () =>
                {
                    using var c = client;
                    var stream = c.GetStream();
                    var buffer = new byte[65536];
                    long total = 0;
                    int n;
                    while ((n = await stream.ReadAsync(buffer, _stop.Token)) > 0) total += n;
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"{name}:{total}"), _stop.Token);
                });
            }
        });
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static async Task<string> AskAsync(int port, int bytes = 5)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
        var stream = client.GetStream();
        var payload = new byte[bytes];
        await stream.WriteAsync(payload, timeout.Token);
        client.Client.Shutdown(SocketShutdown.Send); // half-close: the reply must still arrive
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(timeout.Token);
    }

    [Fact]
    public async Task Forwards_switches_target_and_survives_half_close_and_large_payloads()
    {
        var a = Server("A");
        var b = Server("B");
        var canonical = FreePort();
        await using var forwarder = TcpForwarder.Start(IPAddress.Loopback, canonical, new IPEndPoint(IPAddress.Loopback, a));
        (await AskAsync(canonical)).ShouldBe("A:5");
        (await AskAsync(canonical, 8 * 1024 * 1024)).ShouldBe($"A:{8 * 1024 * 1024}");
        forwarder.SetTarget(new IPEndPoint(IPAddress.Loopback, b));
        (await AskAsync(canonical)).ShouldBe("B:5");
    }

    [Fact]
    public async Task Many_concurrent_connections_all_succeed()
    {
        var a = Server("A");
        var canonical = FreePort();
        await using var forwarder = TcpForwarder.Start(IPAddress.Loopback, canonical, new IPEndPoint(IPAddress.Loopback, a));
        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => AskAsync(canonical, 1000)));
        answers.ShouldAllBe(x => x == "A:1000");
    }

    [Fact]
    public async Task A_port_held_by_another_program_is_reported_not_ignored()
    {
        var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        try
        {
            Should.Throw<PortInUseException>(() => TcpForwarder.Start(IPAddress.Loopback, port, new IPEndPoint(IPAddress.Loopback, 1)))
                .Port.ShouldBe(port);
            await using var binder = new CanonicalPortBinder();
            var results = await binder.BindAsync("p", [new PortTarget("web", port, 1)]);
            results.ShouldHaveSingleItem().Bound.ShouldBeFalse();
            results[0].Problem!.ShouldContain(port.ToString());
        }
        finally
        {
            holder.Stop();
        }
    }

    [Fact]
    public async Task The_binder_switches_by_retargeting_and_unbind_frees_the_port()
    {
        var a = Server("A");
        var b = Server("B");
        var canonical = FreePort();
        await using var binder = new CanonicalPortBinder();
        (await binder.BindAsync("p", [new PortTarget("web", canonical, a)])).ShouldAllBe(r => r.Bound);
        (await AskAsync(canonical)).ShouldBe("A:5");
        (await binder.BindAsync("p", [new PortTarget("web", canonical, b)])).ShouldAllBe(r => r.Bound);
        (await AskAsync(canonical)).ShouldBe("B:5");
        (await binder.BindAsync("other", [new PortTarget("web", canonical, a)])).Single().Problem!.ShouldContain("project 'p'");

        await binder.UnbindAsync("p");
        var again = new TcpListener(IPAddress.Loopback, canonical);
        again.Start(); // would throw if the forwarder still held it
        again.Stop();
    }

    [Fact]
    public void The_allocator_skips_ports_in_use_and_excluded()
    {
        var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        try
        {
            var held = ((IPEndPoint)holder.LocalEndpoint).Port;
            PortAllocator.IsFree(held).ShouldBeFalse();
            var allocator = new PortAllocator();
            var seen = new HashSet<int>();
            for (var i = 0; i < 200; i++)
            {
                var p = allocator.Allocate(new HashSet<int> { held });
                p.ShouldBeInRange(PortAllocator.First, PortAllocator.Last);
                p.ShouldNotBe(held);
                seen.Add(p).ShouldBeTrue(); // never the same port twice in one process
            }
        }
        finally
        {
            holder.Stop();
        }
    }
}
