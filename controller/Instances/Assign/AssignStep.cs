using Coast.ApiTypes.Assign;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Client.Assign;
using Coast.Client.Store;
using Coast.Controller.Docker;
using Coast.Controller.Runtime;

namespace Coast.Controller.Instances.Assign;

/// <summary>
/// Keeps /workspace of a running local instance on spec.worktree: on every reconcile it checks the mount (the
/// WorkspaceMounted condition), and when the worktree changed it switches the mount in place (no new container)
/// and carries out each service's [assign] action. status.worktree records the worktree whose actions are done,
/// so a controller that died between the switch and the actions still carries them out on its next pass.
/// </summary>
public sealed class AssignStep(IResourceStore store, IEventRecorder events, IContainerEngine engine, TimeProvider clock)
{
    private readonly WorkspaceMount _mount = new(engine);
    private readonly AssignActions _actions = new(engine);

    /// <summary>For the settled fast path: nothing to do when the mount is right and its actions are done.</summary>
    public async Task<bool> SettledAsync(string container, Instance instance, Project project, CancellationToken ct)
    {
        var expected = InstanceLayout.WorktreePath(instance, project);
        return instance.Status.Worktree == expected && Conditions.IsTrue(instance.Status.Conditions, ConditionTypes.WorkspaceMounted)
            && HostDirExists(project, expected) && await _mount.CheckAsync(container, expected, ct) == WorkspaceView.Expected;
    }

    /// <param name="created">The container was created in this pass: its entrypoint mounted spec.worktree and nothing ran on another one.</param>
    public async Task EnsureAsync(string container, Instance instance, Project project, Build build, string composeWorkdir, bool created, CancellationToken ct)
    {
        var expected = InstanceLayout.WorktreePath(instance, project);
        if (!HostDirExists(project, expected))
        {
            var message = $"worktree '{expected}' does not exist under {project.Spec.RootDir}; create it (`git worktree add {expected}`) or run `coast unassign {instance.Metadata.Name}`";
            await SetConditionAsync(instance, ConditionStatus.False, InstanceReasons.WorktreeMissing, message, null, ct);
            throw new TerminalReconcileException(InstanceReasons.WorktreeMissing, message);
        }
        var remounted = false;
        if (await _mount.CheckAsync(container, expected, ct) is not WorkspaceView.Expected)
        {
            await _mount.RemountAsync(container, expected, ct);
            var view = await _mount.CheckAsync(container, expected, ct);
            if (view != WorkspaceView.Expected)
            {
                await SetConditionAsync(instance, ConditionStatus.False, InstanceReasons.WorkspaceMismatch, WorkspaceMount.Describe(view, expected), null, ct);
                throw new ReconcileFailedException(InstanceReasons.AssignFailed, $"after switching it, {WorkspaceMount.Describe(view, expected)}");
            }
            remounted = true;
        }
        var previous = instance.Status.Worktree;
        IReadOnlyList<AssignServiceStep> steps = [];
        if (previous != expected && !created)
            steps = await WorktreeSwitch.PlanAsync(project, previous, expected, ct);
        else if (remounted && !created)
            // Same worktree, wrong mount: the container restarted with the worktree it was created for. Whatever the
            // inner engine already started bound the wrong files.
            steps = (await WorktreeSwitch.ServicesAsync(project, ct)).Select(s => new AssignServiceStep(s, AssignPlan.Restart, AssignPlan.Restart, "/workspace was mounted from another worktree")).ToList();
        if (steps.Count > 0)
            await _actions.RunAsync(container, InstanceLayout.ComposeCommand(project, composeWorkdir), await AssignActions.ResolveAsync(project, build, composeWorkdir, steps, ct), ct);
        if (previous != expected || remounted)
            await events.RecordAsync(instance.Key, "Normal", "Assigned",
                $"/workspace switched to {expected ?? "the project root"}{(steps.Count == 0 ? "" : ": " + string.Join(", ", steps.Select(s => $"{s.Service} {s.Action}")))}", ct);
        await SetConditionAsync(instance, ConditionStatus.True, InstanceReasons.WorkspaceMatches, WorkspaceMount.Describe(WorkspaceView.Expected, expected), expected, ct);
    }

    private static bool HostDirExists(Project project, string? worktree)
    {
        if (worktree is null) return true;
        var root = Path.GetFullPath(project.Spec.RootDir);
        var dir = Path.GetFullPath(Path.Combine(root, worktree));
        return dir.StartsWith(root.TrimEnd('/') + "/", StringComparison.Ordinal) && Directory.Exists(dir);
    }

    /// <summary>Writes the condition (and, when the worktree's actions are done, status.worktree) only if something changed.</summary>
    private async Task SetConditionAsync(Instance instance, string status, string reason, string message, string? done, CancellationToken ct)
    {
        var latest = (Instance)(await store.GetAsync(instance.Key, ct))!;
        var before = Conditions.Get(latest.Status.Conditions, ConditionTypes.WorkspaceMounted);
        var worktree = status == ConditionStatus.True ? done : latest.Status.Worktree;
        if (before is not null && before.Status == status && before.Reason == reason && before.Message == message
            && before.ObservedGeneration == latest.Metadata.Generation && latest.Status.Worktree == worktree) return;
        latest.Status.Worktree = worktree;
        Conditions.Set(latest.Status.Conditions, ConditionTypes.WorkspaceMounted, status, reason, message, latest.Metadata.Generation, clock.GetUtcNow());
        await store.UpdateStatusAsync(latest, ct);
    }
}
