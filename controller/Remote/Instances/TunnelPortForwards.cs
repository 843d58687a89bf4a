using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Client.Store;

namespace Coast.Controller.Remote.Instances;

/// <summary>
/// A remote instance's forwards as a Tunnel of the same name, owned by the Instance: one forward per service from
/// localhost:local_dynamic to the remote dynamic port, and one reverse bind per shared service. The Tunnel reconciler holds them on the host's SSH connection,
/// probes them every 5 s and rebuilds dead ones; deleting the Instance collects the Tunnel.
/// </summary>
public sealed class TunnelPortForwards(IResourceStore store) : IRemotePortForwards
{
    public async Task EnsureAsync(Instance instance, IReadOnlyList<PortHop> hops, IReadOnlyList<TunnelReverseBind> reverse, CancellationToken ct)
    {
        var tunnel = new Tunnel
        {
            Metadata = new ObjectMeta { Name = instance.Metadata.Name, Namespace = instance.Metadata.Namespace },
            Spec = new TunnelSpec
            {
                Project = instance.Metadata.Namespace, Instance = instance.Metadata.Name, RemoteHost = instance.Spec.RemoteHost!,
                Forwards = [.. hops.OrderBy(h => h.Service, StringComparer.Ordinal)
                    .Select(h => new TunnelForward { Name = h.Service, LocalPort = h.LocalDynamic, RemotePort = h.RemoteDynamic })],
                ReverseBinds = [.. reverse.OrderBy(b => b.Name, StringComparer.Ordinal)],
            },
        };
        Owners.Set(tunnel, instance);
        await store.ApplyAsync([tunnel], ct);
    }

    public async Task RemoveAsync(Instance instance, CancellationToken ct)
    {
        try { await store.DeleteAsync(new ResourceKey(Tunnel.KindName, instance.Metadata.Namespace, instance.Metadata.Name), ct); }
        catch (NotFoundException) { } // already gone (an earlier attempt of the same removal)
    }
}
