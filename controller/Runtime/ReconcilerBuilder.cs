using Coast.ApiTypes.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coast.Controller.Runtime;

/// <summary>
/// What one reconciler watches and who owns its resources, declared next to it:
/// <c>.AddReconciler&lt;Instance, InstanceReconciler&gt;().OwnedBy("Project", i =&gt; i.Spec.Project).Watches("Build", MapBuildToInstances)</c>.
/// The ControllerBuilder verbs continue the sentence with the next reconciler.
/// </summary>
public sealed class ReconcilerBuilder<TResource>(ControllerBuilder parent) where TResource : Resource
{
    private readonly string _kind = ResourceKinds.All.Single(k => k.ClrType == typeof(TResource)).Kind;

    public IServiceCollection Services => parent.Services;

    /// <summary>Changes of <paramref name="kind"/> wake the keys <paramref name="map"/> returns (controller-runtime's Watches()).</summary>
    public ReconcilerBuilder<TResource> Watches(string kind, WatchMap map)
    {
        Services.AddSingleton(new ResourceWatch(_kind, ResourceKinds.Get(kind).Kind, map));
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IWakeSource, StoreWatchSource<TResource>>());
        return this;
    }

    /// <summary>Changes of a child of <paramref name="kind"/> wake the owners it names (controller-runtime's Owns()).</summary>
    public ReconcilerBuilder<TResource> Owns(string kind) => Watches(kind, new OwnsMap(_kind).MapAsync);

    /// <summary>Resources of this kind are owned by the <paramref name="ownerKind"/> that <paramref name="ownerName"/> names; one without an owner is adopted.</summary>
    public ReconcilerBuilder<TResource> OwnedBy(string ownerKind, Func<TResource, string?> ownerName)
    {
        Services.AddSingleton(new OwnerRule<TResource>(ResourceKinds.Get(ownerKind).Kind, ownerName));
        return this;
    }

    /// <summary>Deleting a resource of this kind first deletes its dependents and waits for them (foreground deletion).</summary>
    public ReconcilerBuilder<TResource> DeletesDependents()
    {
        Services.AddSingleton<IFinalizer<TResource>, DependentsFinalizer<TResource>>();
        return this;
    }

    public ReconcilerBuilder<TOther> AddReconciler<TOther, TReconciler>()
        where TOther : Resource
        where TReconciler : class, IReconciler<TOther> => parent.AddReconciler<TOther, TReconciler>();

    public ReconcilerBuilder<TResource> AddFinalizer<TFinalizer>() where TFinalizer : class, IFinalizer<TResource>
    {
        parent.AddFinalizer<TResource, TFinalizer>();
        return this;
    }

    public ControllerBuilder AddFinalizer<TOther, TFinalizer>()
        where TOther : Resource
        where TFinalizer : class, IFinalizer<TOther> => parent.AddFinalizer<TOther, TFinalizer>();
}
