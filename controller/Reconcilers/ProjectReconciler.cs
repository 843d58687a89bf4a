using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Runtime;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Controller.Reconcilers;

/// <summary>
/// Accepts a project's spec (validated at the edge) and reports it Ready for this generation, then prunes
/// old builds. Woken by changes of its builds, instances and checkouts (Owns()).
/// </summary>
public sealed class ProjectReconciler(IResourceStore store, IEventRecorder events, BuildPruner pruner, TimeProvider clock) : IReconciler<Project>
{
    public async Task<ReconcileResult> ReconcileAsync(Project project, CancellationToken ct)
    {
        var changed = Conditions.Set(project.Status.Conditions, ConditionTypes.Ready, ConditionStatus.True, ProjectReasons.Accepted,
            $"spec generation {project.Metadata.Generation} accepted", project.Metadata.Generation, clock.GetUtcNow());
        if (project.Status.ObservedGeneration != project.Metadata.Generation || changed)
        {
            project.Status.ObservedGeneration = project.Metadata.Generation;
            project.Status.Phase = "Ready";
            await store.UpdateStatusAsync(project, ct);
            await events.RecordAsync(project.Key, "Normal", ProjectReasons.Accepted, $"generation {project.Metadata.Generation} accepted", ct);
        }
        await Secrets.SecretSync.SyncAsync(store, project, ct);
        await pruner.PruneAsync(project, ct);
        return ReconcileResult.Done;
    }
}
