using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Controller.Instances;

/// <summary>Which Build an instance runs: the one it names, else the one it already runs, else the project's newest completed build.</summary>
public static class BuildResolver
{
    public static async Task<Build?> ResolveAsync(IResourceStore store, Instance instance, CancellationToken ct)
    {
        if (instance.Spec.Build is { } named)
            return await store.GetAsync(new ResourceKey(Build.KindName, instance.Metadata.Namespace, named), ct) is Build b
                   && Conditions.IsTrue(b.Status.Conditions, ConditionTypes.Ready) ? b : null;
        // Sticky: a running instance keeps the build it started with; `coast rm` + `coast run` picks up a new one.
        if (instance.Status.Build is { } current
            && await store.GetAsync(new ResourceKey(Build.KindName, instance.Metadata.Namespace, current), ct) is Build kept
            && Conditions.IsTrue(kept.Status.Conditions, ConditionTypes.Ready))
            return kept;
        return (await store.ListAsync(Build.KindName, instance.Metadata.Namespace, null, ct))
            .Cast<Build>()
            .Where(b => b.Spec.Project == instance.Spec.Project && Conditions.IsTrue(b.Status.Conditions, ConditionTypes.Ready) && b.Metadata.DeletionTimestamp is null)
            .OrderByDescending(b => b.Metadata.CreationTimestamp)
            .FirstOrDefault();
    }
}
