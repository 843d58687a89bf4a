using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Remote.Ssh;
using Microsoft.Extensions.Logging;

namespace Coast.Controller.Remote.Tunnels;

/// <summary>
/// The live forwards of one Tunnel on its host's shared SSH connection. <see cref="ApplyAsync"/> makes them
/// match a spec (only changed ports are touched); <see cref="CheckAsync"/> probes every port and heals:
/// all dead rebuilds all of this tunnel's ports, some dead rebuilds only those. It never touches the
/// connection itself or another tunnel's forwards, so healing one instance leaves the others alone.
/// While the connection is reconnecting it waits: the connection re-creates every forward when it is back.
/// </summary>
public sealed class TunnelRuntime(ResourceKey key, SshConnection ssh, TimeProvider clock, ILogger log)
{
    private readonly List<TunnelPort> _ports = [];
    private readonly SemaphoreSlim _gate = new(1, 1);

    public ResourceKey Key { get; } = key;
    public SshConnection Connection { get; } = ssh;
    public DateTimeOffset? LastHeal { get; private set; }
    public string? LastHealReason { get; private set; }
    public int Heals { get; private set; }

    /// <summary>Makes the forwards match <paramref name="spec"/>; <paramref name="previousPorts"/> are the local ports status reported (kept across controller restarts).</summary>
    public async Task ApplyAsync(TunnelSpec spec, IReadOnlyDictionary<string, int> previousPorts, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            foreach (var stale in _ports.Where(p => p.IsReverse
                         ? !spec.ReverseBinds.Any(b => b.Name == p.Name && p.Matches(b))
                         : !spec.Forwards.Any(f => f.Name == p.Name && p.Matches(f))).ToList())
            {
                await ReleaseAsync(stale);
                _ports.Remove(stale);
            }
            foreach (var f in spec.Forwards.Where(f => !_ports.Any(p => !p.IsReverse && p.Name == f.Name)))
            {
                var port = TunnelPort.For(f);
                if (port.LocalPort == 0) port.LocalPort = previousPorts.GetValueOrDefault(f.Name);
                _ports.Add(port);
                await CreateAsync(port, ct);
            }
            foreach (var b in spec.ReverseBinds.Where(b => !_ports.Any(p => p.IsReverse && p.Name == b.Name)))
            {
                var port = TunnelPort.For(b);
                _ports.Add(port);
                await CreateAsync(port, ct);
            }
            await ProbeAsync(ct);
        }
        finally { _gate.Release(); }
    }

    /// <summary>Probes every port and rebuilds the dead ones; true when anything reportable changed.</summary>
    public async Task<bool> CheckAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var before = Fingerprint();
            await ProbeAsync(ct);
            var dead = _ports.Where(p => !p.Healthy).ToList();
            if (dead.Count > 0 && Connection.State == SshConnectionState.Connected)
            {
                var all = dead.Count == _ports.Count;
                var rebuild = all ? _ports.ToList() : dead;
                LastHealReason = all
                    ? $"all {_ports.Count} ports dead ({string.Join("; ", dead.Select(p => $"{p.Name}: {p.LastError}"))}): rebuilt all"
                    : $"rebuilt {string.Join(", ", dead.Select(p => p.Name))} ({string.Join("; ", dead.Select(p => p.LastError))})";
                log.LogWarning("tunnel {Key}: {Reason}", Key, LastHealReason);
                foreach (var port in rebuild)
                {
                    await ReleaseAsync(port);
                    await CreateAsync(port, ct);
                    port.Heals++;
                }
                Heals++;
                LastHeal = clock.GetUtcNow();
                await ProbeAsync(ct);
            }
            return Fingerprint() != before;
        }
        finally { _gate.Release(); }
    }

    public (List<TunnelPortStatus> Forwards, List<TunnelPortStatus> Reverse) Snapshot()
    {
        lock (_ports)
            return (_ports.Where(p => !p.IsReverse).Select(p => p.ToStatus()).ToList(),
                    _ports.Where(p => p.IsReverse).Select(p => p.ToStatus()).ToList());
    }

    /// <summary>Ports whose handle could not be made, and ports that did not answer their last probe.</summary>
    public (List<string> Failed, List<string> Dead) Problems()
    {
        lock (_ports)
            return (_ports.Where(p => p.CreateFailed).Select(p => $"{p}: {p.LastError}").ToList(),
                    _ports.Where(p => !p.Healthy && !p.CreateFailed).Select(p => $"{p}: {p.LastError}").ToList());
    }

    /// <summary>Removes every forward of this tunnel from the connection.</summary>
    public async Task CloseAsync()
    {
        await _gate.WaitAsync();
        try
        {
            foreach (var port in _ports) await ReleaseAsync(port);
            _ports.Clear();
        }
        finally { _gate.Release(); }
    }

    private async Task ProbeAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var connected = Connection.State == SshConnectionState.Connected;
        var listeners = connected && _ports.Any(p => p.IsReverse) ? await TunnelProbe.RemoteListenersAsync(Connection, ct) : null;
        foreach (var port in _ports)
        {
            string? error;
            if (!connected) error = $"ssh connection is {Connection.State.ToString().ToLowerInvariant()}: {Connection.LastError}";
            else if (port.Handle is null) error = port.LastError ?? "not created";
            else if (!port.IsReverse) error = await TunnelProbe.ConnectAsync(port.LocalPort, ct);
            else if (listeners is not null)
                error = TunnelProbe.Listens(listeners, port.Reverse!.BindAddress, port.RemotePort) ? null
                    : $"nothing listens on {port.Reverse.BindAddress}:{port.RemotePort} on the remote host";
            else error = port.Handle.IsActive ? null : port.Handle.LastError ?? "reverse bind not active";
            lock (_ports)
            {
                port.Healthy = error is null;
                port.LastProbe = now;
                if (error is not null) port.LastError = error;
            }
        }
    }

    private async Task CreateAsync(TunnelPort port, CancellationToken ct)
    {
        try
        {
            if (port.IsReverse)
            {
                var b = port.Reverse!;
                if (await StaleBindCleaner.ClearAsync(Connection, b.RemotePort, ct) is { } busy) throw new InvalidOperationException(busy);
                port.Handle = await Connection.ForwardRemoteAsync(new RemoteForwardSpec(b.RemotePort, b.LocalHost, b.LocalPort, b.BindAddress), ct);
            }
            else
            {
                var f = port.Forward!;
                LocalForward handle;
                try
                {
                    handle = await Connection.ForwardLocalAsync(new LocalForwardSpec(f.RemoteAddress, f.RemotePort, BindPort: port.LocalPort), ct);
                }
                catch (Exception) when (f.LocalPort == 0 && port.LocalPort != 0)
                {
                    // The port it had before (a restart) is taken now: any free one will do.
                    handle = await Connection.ForwardLocalAsync(new LocalForwardSpec(f.RemoteAddress, f.RemotePort), ct);
                }
                port.Handle = handle;
                port.LocalPort = handle.BoundPort;
            }
            port.CreateFailed = false;
            port.LastError = null;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            port.Handle = null;
            port.CreateFailed = true;
            port.LastError = e.Message;
            log.LogWarning("tunnel {Key}: {Port} not created: {Reason}", Key, port, e.Message);
        }
    }

    private async Task ReleaseAsync(TunnelPort port)
    {
        if (port.Handle is not { } handle) return;
        port.Handle = null;
        try { await Connection.RemoveForwardAsync(handle, CancellationToken.None); }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException) { log.LogDebug(e, "removing {Port}", port); }
    }

    private string Fingerprint()
    {
        lock (_ports)
            return string.Join("|", _ports.Select(p => $"{p.Name}:{p.LocalPort}:{p.Healthy}:{p.CreateFailed}:{p.LastError}:{p.Heals}")) + $"#{Heals}";
    }
}
