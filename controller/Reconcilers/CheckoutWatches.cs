using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Controller.Reconcilers;

/// <summary>Which checkouts a change of another kind concerns (registered with Watches() in CoastControllerHost).</summary>
public static class CheckoutWatches
{
    /// <summary>An instance appeared, changed its ports or went away: the checkouts that name it.</summary>
    public static async Task<IEnumerable<ResourceKey>> MapInstanceToCheckouts(ResourceKey instance, Resource? current, IResourceStore store, CancellationToken ct) =>
        (await store.ListAsync(Checkout.KindName, instance.Namespace, null, ct)).Cast<Checkout>()
            .Where(c => c.Spec.Instance == instance.Name).Select(c => c.Key);
}
