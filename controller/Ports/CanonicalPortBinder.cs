using System.Net;

namespace Coast.Controller.Ports;

/// <summary>One canonical port to bind, and the local dynamic port it should reach.</summary>
public sealed record PortTarget(string Name, int Canonical, int TargetPort);

/// <summary>What happened to one port in a Bind call.</summary>
public sealed record PortBindResult(PortTarget Port, bool Bound, string? Problem);

/// <summary>
/// The canonical ports held by checkouts in this controller process. A switch between instances of a
/// project reuses its listeners and only swaps targets; ports no longer wanted are released.
/// </summary>
public sealed class CanonicalPortBinder(IPAddress bindAddress) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<int, (string Project, TcpForwarder Forwarder)> _bound = new();

    public CanonicalPortBinder() : this(IPAddress.Loopback) { }

    public async Task<IReadOnlyList<PortBindResult>> BindAsync(string project, IReadOnlyList<PortTarget> ports)
    {
        await _gate.WaitAsync();
        try
        {
            var wanted = ports.Select(p => p.Canonical).ToHashSet();
            foreach (var stale in _bound.Where(b => b.Value.Project == project && !wanted.Contains(b.Key)).ToList())
            {
                await stale.Value.Forwarder.DisposeAsync();
                _bound.Remove(stale.Key);
            }
            var results = new List<PortBindResult>();
            foreach (var port in ports)
            {
                var target = new IPEndPoint(IPAddress.Loopback, port.TargetPort);
                if (_bound.TryGetValue(port.Canonical, out var existing))
                {
                    if (existing.Project != project)
                    {
                        results.Add(new PortBindResult(port, false, $"port {port.Canonical} is held by the checkout of project '{existing.Project}'"));
                        continue;
                    }
                    existing.Forwarder.SetTarget(target);
                    results.Add(new PortBindResult(port, true, null));
                    continue;
                }
                try
                {
                    _bound[port.Canonical] = (project, TcpForwarder.Start(bindAddress, port.Canonical, target));
                    results.Add(new PortBindResult(port, true, null));
                }
                catch (PortInUseException e)
                {
                    results.Add(new PortBindResult(port, false, e.Message));
                }
            }
            return results;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task UnbindAsync(string project)
    {
        await _gate.WaitAsync();
        try
        {
            foreach (var b in _bound.Where(b => b.Value.Project == project).ToList())
            {
                await b.Value.Forwarder.DisposeAsync();
                _bound.Remove(b.Key);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public IReadOnlyDictionary<int, (string Project, int Target)> Snapshot()
    {
        lock (_bound) return _bound.ToDictionary(b => b.Key, b => (b.Value.Project, b.Value.Forwarder.Target.Port));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var b in _bound.Values) await b.Forwarder.DisposeAsync();
        _bound.Clear();
    }
}
