using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Remote.Agent;
using Coast.Controller.Runtime;
using Coast.Client.Store;

namespace Coast.Controller.Remote.Instances;

/// <summary>
/// A remote instance's workspace as a SyncSession of the same name, owned by the Instance: the local worktree rsynced
/// into the agent's workspace dir on the host (again for every generation of the Instance), and kept current after
/// that when the project asks for `[remote] workspace_sync = "mutagen"` (mutagen when installed, else Coast's watcher).
/// A failed bulk copy fails the instance's reconcile with rsync's own message; a failed continuous sync does not.
/// </summary>
public sealed class SyncSessionWorkspace(IResourceStore store) : IWorkspaceTransfer
{
    private static readonly HashSet<string> Failures = [SyncReasons.RsyncFailed, SyncReasons.LocalPathMissing, SyncReasons.HostNotFound];

    public async Task<WorkspaceState> EnsureAsync(Instance instance, Project project, AgentClient agent, string localDir, CancellationToken ct)
    {
        var root = await agent.WorkspacesRootAsync(ct);
        var desired = new SyncSession
        {
            Metadata = new ObjectMeta { Name = instance.Metadata.Name, Namespace = instance.Metadata.Namespace },
            Spec = new SyncSessionSpec
            {
                Project = instance.Metadata.Namespace, Instance = instance.Metadata.Name, RemoteHost = instance.Spec.RemoteHost!,
                LocalPath = localDir, RemotePath = $"{root.TrimEnd('/')}/{instance.Metadata.Namespace}/{instance.Metadata.Name}",
                Mode = project.Spec.Remote.WorkspaceSync == "mutagen" ? SyncModes.Continuous : SyncModes.OneShot,
                Resync = instance.Metadata.Generation.ToString(),
                // The project's worktrees are not part of the root's workspace (assign syncs one of them instead).
                Excludes = [.. SyncSessionSpec.DefaultExcludes, .. project.Spec.WorktreeDirs.Where(d => !d.Contains('/')).Select(d => d.Trim('/'))],
            },
        };
        Owners.Set(desired, instance);
        await store.ApplyAsync([desired], ct);
        var sync = await store.GetAsync(desired.Key, ct) as SyncSession;
        var ready = sync is null ? null : Conditions.Get(sync.Status.Conditions, ConditionTypes.Ready);
        if (sync is null || ready is null || ready.ObservedGeneration != sync.Metadata.Generation)
            return new(false, $"syncing the workspace to {instance.Spec.RemoteHost}");
        if (ready.Status == ConditionStatus.True) return new(true, ready.Message);
        if (Failures.Contains(ready.Reason))
            throw new ReconcileFailedException(InstanceReasons.WorkspaceSyncFailed, $"workspace sync to {instance.Spec.RemoteHost}: {ready.Message}");
        return new(false, $"syncing the workspace to {instance.Spec.RemoteHost}: {ready.Message}");
    }

    public async Task RemoveAsync(Instance instance, CancellationToken ct)
    {
        try { await store.DeleteAsync(new ResourceKey(SyncSession.KindName, instance.Metadata.Namespace, instance.Metadata.Name), ct); }
        catch (NotFoundException) { } // already gone (an earlier attempt of the same removal)
    }
}
