using Coast.ApiTypes.Kinds;
using Coast.Controller.Remote.Agent;

namespace Coast.Controller.Remote.Instances;

/// <summary>Where a remote instance's workspace copy stands: synced for the instance's current spec, still going, or failed (why).</summary>
public sealed record WorkspaceState(bool Synced, string Message);

/// <summary>
/// The seam for a remote instance's workspace. <see cref="SyncSessionWorkspace"/> declares it as a SyncSession owned by
/// the Instance (a bulk rsync, then continuous sync with `[remote] workspace_sync = "mutagen"`).
/// </summary>
public interface IWorkspaceTransfer
{
    /// <summary>Declares the sync of <paramref name="localDir"/> into the agent's workspace of the instance; says whether it has landed.</summary>
    Task<WorkspaceState> EnsureAsync(Instance instance, Project project, AgentClient agent, string localDir, CancellationToken ct);

    /// <summary>Stops syncing the instance's workspace (before the agent removes it).</summary>
    Task RemoveAsync(Instance instance, CancellationToken ct);
}
