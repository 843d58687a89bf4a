using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Controller.Reconcilers;

/// <summary>
/// Keeps the newest <see cref="BuildRetention.Keep"/> completed builds of a project, and any build newer
/// than the oldest of those (in progress or failed); older ones are deleted, so their finalizer removes
/// their images. A build an instance names or runs is never pruned.
/// </summary>
public sealed class BuildPruner(IResourceStore store, IEventRecorder events, BuildRetention retention)
{
    /// <summary>Deletes what is beyond the limit; returns the names deleted.</summary>
    public async Task<IReadOnlyList<string>> PruneAsync(Project project, CancellationToken ct)
    {
        var ns = project.Metadata.Namespace;
        var builds = (await store.ListAsync(Build.KindName, ns, null, ct)).Cast<Build>()
            .Where(b => b.Spec.Project == project.Metadata.Name)
            .OrderByDescending(b => b.Metadata.CreationTimestamp).ThenByDescending(b => b.Metadata.Name, StringComparer.Ordinal)
            .ToList();
        var instances = (await store.ListAsync(Instance.KindName, ns, null, ct)).Cast<Instance>().ToList();
        var used = instances.SelectMany(i => new[] { i.Spec.Build, i.Status.Build }).OfType<string>().ToHashSet();
        var completed = 0;
        var pruned = new List<string>();
        foreach (var build in builds)
        {
            if (completed >= retention.Keep && build.Metadata.DeletionTimestamp is null && !used.Contains(build.Metadata.Name))
            {
                try { await store.DeleteAsync(build.Key, ct); }
                catch (NotFoundException) { continue; }
                pruned.Add(build.Metadata.Name);
            }
            if (Conditions.IsTrue(build.Status.Conditions, ConditionTypes.Ready)) completed++;
        }
        if (pruned.Count > 0)
            await events.RecordAsync(project.Key, "Normal", "BuildsPruned",
                $"removed {pruned.Count} old build(s) beyond the newest {retention.Keep}: {string.Join(", ", pruned)}", ct);
        return pruned;
    }
}
