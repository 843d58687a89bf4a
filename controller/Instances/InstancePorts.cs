using Coast.ApiTypes.Kinds;
using Coast.Controller.Ports;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Controller.Instances;

/// <summary>Keeps an instance's dynamic ports: one per [ports] entry, stable across stop/start, unique across instances.</summary>
public sealed class InstancePorts(IResourceStore store, PortAllocator allocator)
{
    /// <summary>Returns true when status.ports changed (the caller saves status before creating anything).</summary>
    public async Task<bool> EnsureAsync(Instance instance, Project project, bool reallocate, CancellationToken ct)
    {
        var wanted = project.Spec.Ports;
        var current = instance.Status.Ports;
        var fits = !reallocate && current.Count == wanted.Count
                   && current.All(p => wanted.TryGetValue(p.Name, out var c) && c == p.Canonical);
        if (fits) return false;

        var taken = new HashSet<int>();
        foreach (var other in await store.ListAsync(Instance.KindName, null, null, ct))
            if (other.Key != instance.Key) taken.UnionWith(((Instance)other).Status.Ports.Select(p => p.Dynamic));
        var keep = reallocate ? [] : current.Where(p => wanted.TryGetValue(p.Name, out var c) && c == p.Canonical).ToList();
        taken.UnionWith(keep.Select(p => p.Dynamic));
        instance.Status.Ports = wanted.Select(kv => keep.FirstOrDefault(p => p.Name == kv.Key)
                ?? new PortStatus { Name = kv.Key, Canonical = kv.Value, Dynamic = Take(taken) })
            .ToList();
        return true;
    }

    private int Take(HashSet<int> taken)
    {
        var port = allocator.Allocate(taken);
        taken.Add(port);
        return port;
    }
}
