using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Controller.Instances.Injection;

/// <summary>A Secret changed (extracted, failed, set by hand): every instance of its project looks again (registered with Watches()).</summary>
public static class SecretWatches
{
    public static async Task<IEnumerable<ResourceKey>> MapSecretToInstances(ResourceKey secret, Resource? current, IResourceStore store, CancellationToken ct) =>
        (await store.ListAsync(Instance.KindName, secret.Namespace, null, ct)).Select(i => i.Key);
}
