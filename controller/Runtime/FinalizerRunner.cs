using Coast.ApiTypes.Model;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Controller.Runtime;

/// <summary>
/// The one place that handles deletion: for each of our finalizers still on a resource being deleted,
/// run it, then remove its name. Removal ignores shutdown cancellation so a stop cannot strand a
/// half-deleted resource; a conflicting write is re-read and retried.
/// </summary>
internal sealed class FinalizerRunner<TResource>(IResourceStore store, IEnumerable<IFinalizer<TResource>> finalizers, IEventRecorder events,
    OwnerAdoption<TResource> adoption)
    where TResource : Resource
{
    private readonly IReadOnlyList<IFinalizer<TResource>> _finalizers = finalizers.ToList();

    public IEnumerable<string> Names => _finalizers.Select(f => f.Name);

    /// <summary>Runs the finalizers in order; returns when to look again if one is still waiting (its name stays), else null.</summary>
    public async Task<TimeSpan?> FinalizeAsync(TResource resource, CancellationToken ct)
    {
        foreach (var finalizer in _finalizers.Where(f => resource.Metadata.Finalizers.Contains(f.Name)))
        {
            var result = await finalizer.FinalizeAsync(resource, ct);
            if (!result.IsDone)
            {
                await events.RecordAsync(resource.Key, "Normal", result.WaitingReason ?? "Waiting", result.WaitingMessage ?? finalizer.Name, ct);
                return result.RecheckAfter;
            }
            // Recorded first: removing the last name removes the document, and the garbage collector then drops its events.
            await events.RecordAsync(resource.Key, "Normal", "Finalized", $"finalizer {finalizer.Name} completed", CancellationToken.None);
            await RemoveAsync(resource.Key, finalizer.Name);
        }
        return null;
    }

    /// <summary>
    /// Before the first reconcile: adds missing finalizer names and the owner (see <see cref="OwnerAdoption{TResource}"/>)
    /// in one write, so nothing outside is created for a resource without them. Returns the stored resource
    /// (unchanged when nothing was missing).
    /// </summary>
    public async Task<TResource> EnsurePresentAsync(TResource resource, CancellationToken ct)
    {
        var missing = Names.Where(n => !resource.Metadata.Finalizers.Contains(n)).ToList();
        var adopted = await adoption.AdoptAsync(resource, ct);
        if (missing.Count == 0 && !adopted) return resource;
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
