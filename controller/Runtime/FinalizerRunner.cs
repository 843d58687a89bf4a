using Coast.ApiTypes.Model;
using Coast.Controller.Store;

namespace Coast.Controller.Runtime;

/// <summary>
/// The one place that handles deletion: for each of our finalizers still on a resource being deleted,
/// run it, then remove its name. Removal ignores shutdown cancellation so a stop cannot strand a
/// half-deleted resource; a conflicting write is re-read and retried.
/// </summary>
internal sealed class FinalizerRunner<TResource>(IResourceStore store, IEnumerable<IFinalizer<TResource>> finalizers, IEventRecorder events)
    where TResource : Resource
{
    private readonly IReadOnlyList<IFinalizer<TResource>> _finalizers = finalizers.ToList();

    public IEnumerable<string> Names => _finalizers.Select(f => f.Name);

    public async Task FinalizeAsync(TResource resource, CancellationToken ct)
    {
        foreach (var finalizer in _finalizers.Where(f => resource.Metadata.Finalizers.Contains(f.Name)))
        {
            await finalizer.FinalizeAsync(resource, ct);
            await RemoveAsync(resource.Key, finalizer.Name);
            await events.RecordAsync(resource.Key, "Normal", "Finalized", $"finalizer {finalizer.Name} completed", CancellationToken.None);
        }
    }

    /// <summary>Adds any missing finalizer names; returns the stored resource (unchanged when nothing was missing).</summary>
    public async Task<TResource> EnsurePresentAsync(TResource resource, CancellationToken ct)
    {
        var missing = Names.Where(n => !resource.Metadata.Finalizers.Contains(n)).ToList();
        if (missing.Count == 0) return resource;
        resource.Metadata.Finalizers.AddRange(missing);
        return (TResource)await store.UpdateAsync(resource, ct);
    }

    private async Task RemoveAsync(ResourceKey key, string name)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = await store.GetAsync(key, CancellationToken.None);
            if (current is null || !current.Metadata.Finalizers.Remove(name)) return;
            try
            {
                await store.UpdateAsync(current, CancellationToken.None);
                return;
            }
            catch (ConflictException) when (attempt < 10)
            {
            }
        }
    }
}
