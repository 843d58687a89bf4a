using Coast.ApiTypes.Model;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Controller.Runtime;

/// <summary>
/// Foreground deletion (Kubernetes' `foregroundDeletion`): an owner being deleted first deletes every
/// resource that names it in ownerReferences, and stays until they are all gone, their own finalizers
/// included. So `coast delete project X --wait` returns only when containers, volumes and images are
/// gone, and a project re-created with the same name never meets its predecessor's children.
/// The owner is woken when a dependent goes by its Owns() watches; the recheck is a fallback.
/// </summary>
public sealed class DependentsFinalizer<TResource>(IResourceStore store) : IFinalizer<TResource> where TResource : Resource
{
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(10);

    public string Name => "coast.dev/dependents";

    public async Task<FinalizeResult> FinalizeAsync(TResource owner, CancellationToken ct)
    {
        var remaining = new List<Resource>();
        foreach (var kind in ResourceKinds.All.Where(k => k.Namespaced))
            remaining.AddRange((await store.ListAsync(kind.Kind, owner.Metadata.Namespace, null, ct)).Where(r => Owners.IsOwnedBy(r, owner)));
        if (remaining.Count == 0) return FinalizeResult.Done;
        foreach (var dependent in remaining.Where(r => r.Metadata.DeletionTimestamp is null))
        {
            try { await store.DeleteAsync(dependent.Key, ct); }
            catch (NotFoundException) { }
        }
        var names = string.Join(", ", remaining.Take(5).Select(r => $"{r.Kind.ToLowerInvariant()}/{r.Metadata.Name}"));
        return FinalizeResult.Waiting("DeletingDependents",
            $"waiting for {remaining.Count} dependent(s) to be deleted: {names}{(remaining.Count > 5 ? ", ..." : "")}", Recheck);
    }
}
