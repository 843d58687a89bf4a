using Coast.ApiTypes.Assign;
using Coast.ApiTypes.Kinds;
using Coast.Client.Assign;

namespace Coast.Controller.Instances.Assign;

/// <summary>The [assign] steps of a switch between two worktrees of a project (relative to its root; null = the root), local or remote alike.</summary>
public static class WorktreeSwitch
{
    public static async Task<IReadOnlyList<AssignServiceStep>> PlanAsync(Project project, string? from, string? to, CancellationToken ct)
    {
        var fromDir = WorktreeDiff.Dir(project.Spec.RootDir, from);
        var toDir = WorktreeDiff.Dir(project.Spec.RootDir, to);
        return AssignPlan.For(project.Spec.Assign, await ServicesAsync(project, ct), file => WorktreeDiff.Differs(fromDir, toDir, file));
    }

    public static async Task<IReadOnlyList<string>> ServicesAsync(Project project, CancellationToken ct)
    {
        var text = project.Spec.Compose is { } c ? await File.ReadAllTextAsync(Path.Combine(project.Spec.RootDir, c), ct) : null;
        return AssignServices.Names(project, text);
    }
}
