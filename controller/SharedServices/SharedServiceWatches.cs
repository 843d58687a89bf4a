using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Controller.SharedServices;

/// <summary>Who a change concerns between instances and shared services (registered in CoastControllerHost).</summary>
public static class SharedServiceWatches
{
    /// <summary>
    /// An instance came or went: the shared services of its project whose consumers (or databases) do not match it yet
    /// recount. An instance's status writes otherwise wake nothing here.
    /// </summary>
    public static async Task<IEnumerable<ResourceKey>> MapInstanceToSharedServices(ResourceKey instance, Resource? current, IResourceStore store, CancellationToken ct)
    {
        var present = current is not null && current.Metadata.DeletionTimestamp is null;
        return (await store.ListAsync(SharedService.KindName, instance.Namespace, null, ct)).Cast<SharedService>()
            .Where(s => s.Status.Consumers.Contains(instance.Name) != present
                        || (present && s.Spec.AutoCreateDb && !s.Status.Databases.Any(d => d.StartsWith(instance.Name + "=", StringComparison.Ordinal))))
            .Select(s => s.Key);
    }

    /// <summary>A shared service changed: the instances of its project that are not ready yet (they may wait for it).</summary>
    public static async Task<IEnumerable<ResourceKey>> MapSharedServiceToInstances(ResourceKey shared, Resource? current, IResourceStore store, CancellationToken ct) =>
        (await store.ListAsync(Instance.KindName, shared.Namespace, null, ct))
            .Where(i => !Conditions.IsTrue(i.StatusObject.Conditions, ConditionTypes.Ready))
            .Select(i => i.Key);
}
