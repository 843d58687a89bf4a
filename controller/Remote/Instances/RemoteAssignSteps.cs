using Coast.ApiTypes.Assign;
using Coast.ApiTypes.Kinds;
using Coast.Controller.Instances.Assign;

namespace Coast.Controller.Remote.Instances;

/// <summary>
/// The [assign] steps a remote instance's agent carries out when its worktree changes: planned here with the same
/// code as a local assign (both trees are on this machine, so rebuild triggers are compared here), from the worktree
/// status says is done to the one the spec names. None when they are the same.
/// </summary>
public static class RemoteAssignSteps
{
    public static async Task<IReadOnlyList<AssignAction>> ForAsync(Instance instance, Project project, Build build, string? worktree, string composeWorkdir, CancellationToken ct)
    {
        var previous = instance.Status.Worktree;
        if (previous == worktree) return [];
        var steps = await WorktreeSwitch.PlanAsync(project, previous, worktree, ct);
        return await AssignActions.ResolveAsync(project, build, composeWorkdir, steps, ct);
    }
}
