using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.ApiTypes.Remote;
using Coast.Controller.Docker;
using Coast.Controller.Instances.Assign;
using Microsoft.Extensions.Logging;

namespace Coast.RemoteAgent.Runtime;

/// <summary>
/// The worktree side of a remote instance. The controller rsyncs the worktree into the instance's workspace (the
/// DinD's /host-project, mounted at /workspace) before its PUT names it, so /workspace already shows the new files
/// when this runs: what is left is what a local assign does after its remount, with the controller's own code.
/// /workspace is mounted again (which empties the private paths, as the entrypoint does) and each service's
/// [assign] action from the spec is carried out; then status records the worktree as done. A DinD made in this pass
/// mounted the synced workspace at its start, so nothing runs. On every pass /workspace is checked to be the
/// workspace's mount (and mounted again when it is not), which is the WorkspaceMounted condition.
/// </summary>
public sealed class RemoteAssign(IContainerEngine engine, ILogger log)
{
    private readonly WorkspaceMount _mount = new(engine);
    private readonly AssignActions _actions = new(engine);

    /// <summary>Whether this pass must carry out the spec's assign steps (the DinD exists and ran on another worktree).</summary>
    public static bool Pending(RemoteInstance remote, bool created) =>
        !created && remote.Status.WorktreeDone && remote.Status.Worktree != remote.Spec.Worktree;

    public async Task<RemoteCondition> EnsureAsync(string container, RemoteInstance remote, Project project, bool created, CancellationToken ct)
    {
        var pending = Pending(remote, created);
        if (pending || await _mount.CheckAsync(container, null, ct) != WorkspaceView.Expected)
        {
            await _mount.RemountAsync(container, null, ct);
            if (await _mount.CheckAsync(container, null, ct) is var view and not WorkspaceView.Expected)
                throw new Coast.Controller.Runtime.ReconcileFailedException(InstanceReasons.WorkspaceMismatch, $"after mounting it again, {WorkspaceMount.Describe(view, Describe(remote.Spec.Worktree))}");
        }
        if (pending && remote.Spec.AssignSteps.Count > 0)
        {
            await _actions.RunAsync(container, InstanceLayout.ComposeCommand(project, remote.Spec.ComposeWorkdir), remote.Spec.AssignSteps, ct);
            log.LogInformation("{Container}: switched to {Worktree}: {Steps}", container, Describe(remote.Spec.Worktree),
                string.Join(", ", remote.Spec.AssignSteps.Select(s => $"{s.Service} {s.Action}")));
        }
        return new(ConditionTypes.WorkspaceMounted, "True", InstanceReasons.WorkspaceMatches,
            $"/workspace is mounted from the workspace synced from {Describe(remote.Spec.Worktree)}");
    }

    private static string Describe(string? worktree) => worktree is null ? "the project root" : $"worktree {worktree}";
}
