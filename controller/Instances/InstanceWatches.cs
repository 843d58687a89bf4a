using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Controller.Instances;

/// <summary>Which instances a change of another kind concerns (registered with Watches() in CoastControllerHost).</summary>
public static class InstanceWatches
{
    /// <summary>A build changed: the instances that name or run it, and those waiting for any build.</summary>
    public static async Task<IEnumerable<ResourceKey>> MapBuildToInstances(ResourceKey build, Resource? current, IResourceStore store, CancellationToken ct) =>
        (await store.ListAsync(Instance.KindName, build.Namespace, null, ct)).Cast<Instance>()
            .Where(i => i.Spec.Build == build.Name || i.Status.Build == build.Name
                        || Conditions.Get(i.Status.Conditions, ConditionTypes.Ready)?.Reason == InstanceReasons.WaitingForBuild)
            .Select(i => i.Key);

    /// <summary>A project changed (created, re-applied): its instances that found no project before can go on.</summary>
    public static async Task<IEnumerable<ResourceKey>> MapProjectToInstances(ResourceKey project, Resource? current, IResourceStore store, CancellationToken ct) =>
        (await store.ListAsync(Instance.KindName, project.Namespace, null, ct))
            .Where(i => Conditions.Get(i.StatusObject.Conditions, ConditionTypes.Ready)?.Reason == InstanceReasons.ProjectNotFound)
            .Select(i => i.Key);
}
