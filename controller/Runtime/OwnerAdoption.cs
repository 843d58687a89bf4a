using Coast.ApiTypes.Model;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Controller.Runtime;

/// <summary>Who owns a resource of this kind: the owner's kind and a way to read its name from the child.</summary>
public sealed record OwnerRule<TResource>(string OwnerKind, Func<TResource, string?> OwnerName) where TResource : Resource;

/// <summary>
/// Sets the owner on a resource that was written without one (a manifest applied together with its
/// project, or a document from before owners existed), so deleting the owner collects it. The CLI sets
/// owners itself where it creates resources; this is the controller's safety net. An owner that does not
/// exist (yet) is left alone: the reconciler reports the missing project.
/// </summary>
internal sealed class OwnerAdoption<TResource>(IResourceStore store, IEnumerable<OwnerRule<TResource>> rules) where TResource : Resource
{
    private readonly IReadOnlyList<OwnerRule<TResource>> _rules = rules.ToList();

    /// <summary>Adds missing owners to <paramref name="resource"/> in memory; true when it changed (the caller writes it).</summary>
    public async Task<bool> AdoptAsync(TResource resource, CancellationToken ct)
    {
        var changed = false;
        foreach (var rule in _rules)
        {
            if (resource.Metadata.OwnerReferences.Any(o => o.Kind == rule.OwnerKind)) continue;
            if (rule.OwnerName(resource) is not { Length: > 0 } name) continue;
            if (await store.GetAsync(new ResourceKey(rule.OwnerKind, resource.Metadata.Namespace, name), ct) is not { } owner
                || owner.Metadata.DeletionTimestamp is not null) continue;
            changed |= Owners.Set(resource, owner);
        }
        return changed;
    }
}
