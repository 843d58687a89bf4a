using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Controller.Reconcilers;

/// <summary>Which builds a change of another kind concerns (registered with Watches() in CoastControllerHost).</summary>
public static class BuildWatches
{
    /// <summary>An instance changed: builds of its project being deleted, which wait until no instance uses them.</summary>
    public static async Task<IEnumerable<ResourceKey>> MapInstanceToDeletingBuilds(ResourceKey instance, Resource? current, IResourceStore store, CancellationToken ct) =>
        (await store.ListAsync(Build.KindName, instance.Namespace, null, ct))
            .Where(b => b.Metadata.DeletionTimestamp is not null).Select(b => b.Key);

    /// <summary>A project changed: its builds that found no project before can go on (a failed build is not retried by this).</summary>
    public static async Task<IEnumerable<ResourceKey>> MapProjectToBuilds(ResourceKey project, Resource? current, IResourceStore store, CancellationToken ct) =>
        (await store.ListAsync(Build.KindName, project.Namespace, null, ct))
            .Where(b => Conditions.Get(b.StatusObject.Conditions, ConditionTypes.Ready)?.Reason == InstanceReasons.ProjectNotFound).Select(b => b.Key);
}
