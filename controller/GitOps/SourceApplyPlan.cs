using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.ApiTypes.Serialization;
using Coast.Controller.Runtime;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Controller.GitOps;

/// <summary>
/// What applying one revision of a source writes, as one <see cref="ChangeSet"/>: every manifest labelled with
/// the source (its owner mark, <see cref="GitSourceNames.OwnerLabel"/>) and guarded by the version read here,
/// the deletions of what the previous inventory held and the revision dropped (with prune; never a resource
/// annotated `coast.dev/prune: disabled`), and the release (label removed) of what is dropped but kept.
/// A resource another live source owns is a conflict: the revision is refused whole, the first owner keeps it.
/// </summary>
public static class SourceApplyPlan
{
    public static async Task<(List<Resource> Apply, List<ResourceKey> Delete)> BuildAsync(
        GitSource source, IReadOnlyList<Resource> desired, IResourceStore store, CancellationToken ct)
    {
        var me = source.Metadata.Name;
        var apply = new List<Resource>();
        var conflicts = new List<string>();
        foreach (var manifest in desired)
        {
            var stored = await store.GetAsync(manifest.Key, ct);
            if (OwnerOf(stored) is { } other && other != me && await IsLiveSourceAsync(other, store, ct))
            {
                conflicts.Add($"{manifest.Key} is managed by GitSource '{other}'");
                continue;
            }
            var incoming = ResourceJson.Clone(manifest);
            incoming.Metadata.Labels[GitSourceNames.OwnerLabel] = me;
            // Applied only onto the version read here: a write in between is a conflict, retried at once.
            incoming.Metadata.ResourceVersion = stored?.Metadata.ResourceVersion;
            apply.Add(incoming);
        }
        if (conflicts.Count > 0)
            throw new ReconcileFailedException(GitSourceNames.OwnershipConflict,
                string.Join("; ", conflicts) + "; a resource belongs to one source: remove it from one of them");

        var keep = desired.Select(d => d.Key.ToString()).ToHashSet();
        var delete = new List<ResourceKey>();
        foreach (var entry in source.Status.Inventory.Where(e => !keep.Contains(e)))
        {
            var key = ResourceKey.Parse(entry);
            if (await store.GetAsync(key, ct) is not { } stored || OwnerOf(stored) != me) continue;
            if (source.Spec.Prune && !PruneDisabled(stored)) delete.Add(key);
            else apply.Add(Released(stored));
        }
        return (apply, delete);
    }

    /// <summary>The source that owns a resource, from its label.</summary>
    public static string? OwnerOf(Resource? r) => r?.Metadata.Labels.GetValueOrDefault(GitSourceNames.OwnerLabel);

    public static bool PruneDisabled(Resource r) =>
        r.Metadata.Annotations.GetValueOrDefault(GitSourceNames.PruneAnnotation) == GitSourceNames.PruneDisabled;

    /// <summary>The stored resource without the owner label (it stays, no longer managed).</summary>
    public static Resource Released(Resource stored)
    {
        var r = ResourceJson.Clone(stored);
        r.Metadata.Labels.Remove(GitSourceNames.OwnerLabel);
        return r;
    }

    private static async Task<bool> IsLiveSourceAsync(string name, IResourceStore store, CancellationToken ct) =>
        await store.GetAsync(new ResourceKey(GitSource.KindName, "", name), ct) is { Metadata.DeletionTimestamp: null };
}
