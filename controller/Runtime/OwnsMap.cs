using Coast.Client.Store;
using System.Collections.Concurrent;
using Coast.ApiTypes.Model;

namespace Coast.Controller.Runtime;

/// <summary>
/// The mapping behind Owns(): a change of a child wakes the owners its ownerReferences name. A deleted
/// child has no document left, so the owners seen on its last change are remembered; a child never seen
/// (deleted before this controller started) wakes the owners of that kind that are being deleted, the
/// only ones that wait for their children.
/// </summary>
internal sealed class OwnsMap(string ownerKind)
{
    private readonly ConcurrentDictionary<ResourceKey, ResourceKey[]> _lastOwners = new();

    public async Task<IEnumerable<ResourceKey>> MapAsync(ResourceKey changed, Resource? current, IResourceStore store, CancellationToken ct)
    {
        if (current is not null)
        {
            var owners = Owners.KeysOf(current, ownerKind).ToArray();
            var before = _lastOwners.GetValueOrDefault(changed) ?? [];
            if (owners.Length > 0) _lastOwners[changed] = owners;
            else _lastOwners.TryRemove(changed, out _);
            return owners.Union(before);
        }
        if (_lastOwners.TryRemove(changed, out var last)) return last;
        return (await store.ListAsync(ownerKind, changed.Namespace, null, ct))
            .Where(o => o.Metadata.DeletionTimestamp is not null).Select(o => o.Key);
    }
}
