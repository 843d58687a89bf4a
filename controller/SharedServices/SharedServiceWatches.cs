using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Store;

namespace Coast.Controller.SharedServices;

/// <summary>Who a change concerns between instances and shared services (registered in CoastControllerHost).</summary>
public static class SharedServiceWatches
{
    /// <summary>An instance came or went: every shared service of its project recounts its consumers (and databases).</summary>
    public static async Task<IEnumerable<ResourceKey>> MapInstanceToSharedServices(ResourceKey instance, Resource? current, IResourceStore store, CancellationToken ct) =>
        (await store.ListAsync(SharedService.KindName, instance.Namespace, null, ct)).Select(s => s.Key);

    /// <summary>A shared service changed: the instances of its project that are not ready yet (they may wait for it).</summary>
    public static async Task<IEnumerable<ResourceKey>> MapSharedServiceToInstances(ResourceKey shared, Resource? current, IResourceStore store, CancellationToken ct) =>
        (await store.ListAsync(Instance.KindName, shared.Namespace, null, ct))
            .Where(i => !Conditions.IsTrue(i.StatusObject.Conditions, ConditionTypes.Ready))
            .Select(i => i.Key);
}
