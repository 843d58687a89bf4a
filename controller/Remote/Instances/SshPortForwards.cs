using Coast.ApiTypes.Model;
using Coast.Controller.Remote.Ssh;

namespace Coast.Controller.Remote.Instances;

/// <summary>Service forwards held on the RemoteHost's SSH connection, in this controller's memory (see <see cref="IRemotePortForwards"/>).</summary>
public sealed class SshPortForwards : IRemotePortForwards
{
    private readonly Dictionary<ResourceKey, List<(PortHop Hop, SshConnection Connection, LocalForward Forward)>> _held = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task EnsureAsync(ResourceKey instance, SshConnection connection, IReadOnlyList<PortHop> hops, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var held = _held.GetValueOrDefault(instance) ?? [];
            foreach (var stale in held.Where(h => h.Connection != connection || !hops.Contains(h.Hop)).ToList())
            {
                await stale.Connection.RemoveForwardAsync(stale.Forward, ct);
                held.Remove(stale);
            }
            foreach (var hop in hops.Where(h => held.All(x => x.Hop != h)))
            {
                var forward = await connection.ForwardLocalAsync(new LocalForwardSpec("127.0.0.1", hop.RemoteDynamic, BindPort: hop.LocalDynamic), ct);
                held.Add((hop, connection, forward));
            }
            _held[instance] = held;
        }
        finally { _gate.Release(); }
    }

    public async Task RemoveAsync(ResourceKey instance, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (!_held.Remove(instance, out var held)) return;
            foreach (var h in held) await h.Connection.RemoveForwardAsync(h.Forward, ct);
        }
        finally { _gate.Release(); }
    }
}
