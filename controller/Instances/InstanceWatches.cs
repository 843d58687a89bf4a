using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Store;

namespace Coast.Controller.Instances;

/// <summary>Which instances a change of another kind concerns (registered with Watches() in CoastControllerHost).</summary>
public static class InstanceWatches
{
    /// <summary>A build changed: the instances that name or run it, and those waiting for any build.</summary>
    public static async Task<IEnumerable<ResourceKey>> MapBuildToInstances(ResourceKey build, Resource? current, IResourceStore store, CancellationToken ct) =>
        (await store.ListAsync(Instance.KindName, build.Namespace, null, ct)).Cast<Instance>()
            .Where(i => i.Spec.Build == build.Name || i.Status.Build == build.Name
                        || Conditions.Get(i.Status.Conditions, "Ready")?.Reason == InstanceReasons.WaitingForBuild)
            .Select(i => i.Key);

    /// <summary>A project changed (created, re-applied): its instances that are not ready (e.g. they found no project before).</summary>
    public static async Task<IEnumerable<ResourceKey>> MapProjectToInstances(ResourceKey project, Resource? current, IResourceStore store, CancellationToken ct) =>
        (await store.ListAsync(Instance.KindName, project.Namespace, null, ct))
            .Where(i => i.StatusObject is var s && !Conditions.IsTrue(s.Conditions, "Ready"))
            .Select(i => i.Key);

    /// <summary>An instance changed: builds of its project being deleted, which wait until no instance uses them.</summary>
    public static async Task<IEnumerable<ResourceKey>> MapInstanceToDeletingBuilds(ResourceKey instance, Resource? current, IResourceStore store, CancellationToken ct) =>
        (await store.ListAsync(Build.KindName, instance.Namespace, null, ct))
            .Where(b => b.Metadata.DeletionTimestamp is not null).Select(b => b.Key);

    /// <summary>A project changed: its builds that are not ready (one that found no project before can go on).</summary>
    public static async Task<IEnumerable<ResourceKey>> MapProjectToBuilds(ResourceKey project, Resource? current, IResourceStore store, CancellationToken ct) =>
        (await store.ListAsync(Build.KindName, project.Namespace, null, ct))
            .Where(b => !Conditions.IsTrue(b.StatusObject.Conditions, "Ready")).Select(b => b.Key);
}
